import { hostPathProblems, kindClusterArgsProblems } from "../components/kind-config";
import { readConfigFiles } from "../components/read-config-files";
import { formatPath, suggestion } from "../kube/schema-problems";
import { CONFIG_NAMESPACE, parseStackConfig } from "./load-stack-config";
import { objectCollisionProblems } from "./object-collisions";
import { routeBackendProblems } from "./route-backends";
import { routingConflictProblems } from "./routing-conflicts";
import { ConfigPath } from "./secret-paths";
import { defaultKindClusterName, StackConfig } from "./stack-config";

/** Every `secretConfig`, `secretFiles` and `registryCredentials` entry must name a config key that is set. */
function secretConfigProblems(configKeys: string[]) {
    return (config: StackConfig): string[] => config.apps.flatMap((app, i) => {
        const references: Array<[path: Array<string | number>, key: string]> = [
            ...(["secretConfig", "secretFiles"] as const).flatMap((field) => Object.entries(app[field] ?? {}).map(([entry, key]) => [[field, entry], key] as [Array<string | number>, string])),
            ...(app.registryCredentials ?? []).map((c, j) => [["registryCredentials", j, "passwordSecret"], c.passwordSecret] as [Array<string | number>, string]),
        ];
        return references
            .filter(([, key]) => !configKeys.includes(`${CONFIG_NAMESPACE}:${key}`))
            .map(([where, key]) => `${formatPath(where, `${CONFIG_NAMESPACE}:apps[${i}].`)}: config key "${CONFIG_NAMESPACE}:${key}" is not set; allowed: a key set with \`pulumi config set --secret ${key} <value>\``);
    });
}

/** A network policy's `app` peer must name an app of the stack: a typo would silently let nothing through. */
function networkPeerProblems(config: StackConfig): string[] {
    const names = config.apps.map((app) => app.name);
    return config.apps.flatMap((app, i) => (["ingressFrom", "egressTo"] as const).flatMap((field) =>
        (app.networkPolicy?.[field] ?? []).flatMap((p, j) => ("app" in p && !names.includes(p.app)
            ? [`${CONFIG_NAMESPACE}:apps[${i}].networkPolicy.${field}[${j}].app: ${JSON.stringify(p.app)} is no app of this stack${suggestion(p.app, names)}; allowed: ${names.map((n) => JSON.stringify(n)).join(", ")} (use { namespace } for pods elsewhere)`]
            : []))));
}

/** Without `cluster.kind.name` the cluster is named after the stack, and a stack name may be no valid cluster name. */
function kindDefaultName(stack: string) {
    return (config: StackConfig): string[] => {
        if (config.cluster.kind === undefined || config.cluster.kind.name !== undefined) return [];
        const name = defaultKindClusterName(stack);
        return kindClusterArgsProblems({ name }, "name").length === 0 ? [] : [
            `${CONFIG_NAMESPACE}:cluster.kind.name: not set, and the default ${JSON.stringify(name)} (from the stack name) is not a valid kind cluster name; allowed: set cluster.kind.name to 1-40 lowercase letters, digits, "." and "-"`,
        ];
    };
}

/**
 * Validates a stack's raw `kube-appstack:*` config (keys without the namespace) with every section's checks.
 * `configKeys` are all config keys the stack sets (with namespace), to check secret references; `projectDir` is where the
 * stack's relative paths (kind's extraMounts) start.
 */
export function validateStackConfig(
    stack: string,
    raw: Record<string, unknown>,
    configKeys: string[],
    projectDir = process.cwd(),
    secretPaths: readonly ConfigPath[] = [],
): StackConfig {
    const kindHostPaths = (config: StackConfig): string[] =>
        (config.cluster.kind ? hostPathProblems(config.cluster.kind, projectDir, `${CONFIG_NAMESPACE}:cluster.kind`) : []);
    const configFiles = (config: StackConfig) => config.apps.map((app, i) =>
        (app.configFiles ? readConfigFiles(app.configFiles, projectDir, `${CONFIG_NAMESPACE}:apps[${i}].`) : undefined));
    const parsed = parseStackConfig(
        stack, raw,
        [secretConfigProblems(configKeys), objectCollisionProblems, networkPeerProblems, routeBackendProblems, routingConflictProblems, kindHostPaths, kindDefaultName(stack), (config) => configFiles(config).flatMap((read) => read?.problems ?? [])],
        secretPaths,
    );
    // The files are read here, once they are known to be readable: the plan and every builder after it take their text.
    const read = configFiles(parsed);
    return { ...parsed, apps: parsed.apps.map((app, i) => (read[i] ? { ...app, configFiles: read[i].contents } : app)) };
}
