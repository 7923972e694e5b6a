import { hostPathProblems } from "../components/kind-config";
import { CONFIG_NAMESPACE, parseStackConfig } from "./load-stack-config";
import { objectCollisionProblems } from "./object-collisions";
import { StackConfig } from "./stack-config";

/** Every `secretConfig` entry must name a config key that is set. */
function secretConfigProblems(configKeys: string[]) {
    return (config: StackConfig): string[] => config.apps.flatMap((app, i) =>
        Object.entries(app.secretConfig ?? {})
            .filter(([, key]) => !configKeys.includes(`${CONFIG_NAMESPACE}:${key}`))
            .map(([env, key]) => `${CONFIG_NAMESPACE}:apps[${i}].secretConfig.${env}: config key "${CONFIG_NAMESPACE}:${key}" is not set; allowed: a key set with \`pulumi config set --secret ${key} <value>\``));
}

/**
 * Validates a stack's raw `kube-appstack:*` config (keys without the namespace) with every section's checks.
 * `configKeys` are all config keys the stack sets (with namespace), to check secret references; `projectDir` is where the
 * stack's relative paths (kind's extraMounts) start.
 */
export function validateStackConfig(stack: string, raw: Record<string, unknown>, configKeys: string[], projectDir = process.cwd()): StackConfig {
    const kindHostPaths = (config: StackConfig): string[] =>
        (config.cluster.kind ? hostPathProblems(config.cluster.kind, projectDir, `${CONFIG_NAMESPACE}:cluster.kind`) : []);
    return parseStackConfig(stack, raw, [secretConfigProblems(configKeys), objectCollisionProblems, kindHostPaths]);
}
