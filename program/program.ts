import * as pulumi from "@pulumi/pulumi";
import { AppNamespace, PersistentStorage, StatefulApp, StatelessApp } from "../components";
import { kindClusterArgsProblems } from "../components/kind-config";
import { CONFIG_NAMESPACE, parseStackConfig } from "../config/load-stack-config";
import { StackConfig } from "../config/stack-config";
import { clusterConnection } from "./cluster-provider";
import { previousAppOutputs } from "./previous-outputs";
import { readRawConfig } from "./raw-config";
import { PlannedApp, stackPlan } from "./stack-plan";

/** Every `secretConfig` entry must name a config key that is set, checked before anything is declared. */
function secretConfigProblems(configKeys: string[]) {
    return (config: StackConfig): string[] => config.apps.flatMap((app, i) =>
        Object.entries(app.secretConfig ?? {})
            .filter(([, key]) => !configKeys.includes(`${CONFIG_NAMESPACE}:${key}`))
            .map(([env, key]) => `${CONFIG_NAMESPACE}:apps[${i}].secretConfig.${env}: config key "${CONFIG_NAMESPACE}:${key}" is not set; allowed: a key set with \`pulumi config set --secret ${key} <value>\``));
}

function kindProblems(config: StackConfig): string[] {
    return config.cluster.kind === undefined ? [] : kindClusterArgsProblems(config.cluster.kind, `${CONFIG_NAMESPACE}:cluster.kind`);
}

/** Validates a stack's raw `kube-appstack:*` config, with every section's own checks. */
export function validateStackConfig(stack: string, raw: Record<string, unknown>, configKeys: string[]): StackConfig {
    return parseStackConfig(stack, raw, [kindProblems, secretConfigProblems(configKeys)]);
}

function secretValues(app: PlannedApp): Record<string, pulumi.Output<string>> | undefined {
    const config = new pulumi.Config(CONFIG_NAMESPACE);
    const entries = Object.entries(app.secretConfig);
    return entries.length > 0 ? Object.fromEntries(entries.map(([env, key]) => [env, config.requireSecret(key)])) : undefined;
}

/** The Pulumi program: validate the stack config, then declare the cluster connection, namespace, storage and apps. */
export async function program(): Promise<Record<string, unknown>> {
    const stack = pulumi.getStack();
    const config = validateStackConfig(stack, readRawConfig(), Object.keys(pulumi.runtime.allConfig()));
    // Rendered manifests have no live Deployment whose replica count could be lost.
    const previous = config.cluster.renderYamlToDirectory !== undefined ? {} : await previousAppOutputs(stack);
    const plan = stackPlan(config, previous);

    const cluster = clusterConnection(stack, config.cluster);
    const { provider } = cluster;
    const ns = new AppNamespace(plan.namespace.name, plan.namespace.args, { provider, dependsOn: cluster.readyFor });
    const storage = plan.storage.map((s) => new PersistentStorage(s.name, { ...s.args, protect: plan.protect }, { provider, dependsOn: [ns] }));
    for (const app of plan.apps) {
        const opts = { provider, dependsOn: [ns, ...storage] };
        if (app.type === "stateless") new StatelessApp(app.name, { ...app.args, secretValues: secretValues(app) }, opts);
        else new StatefulApp(app.name, { ...app.args, secretValues: secretValues(app), protect: plan.protect }, opts);
    }
    return {
        namespace: plan.namespace.name,
        apps: plan.appOutputs,
        ...(cluster.kubeconfig ? { kubeconfig: cluster.kubeconfig } : {}),
    };
}
