import * as pulumi from "@pulumi/pulumi";
import { AppNamespace, PersistentStorage, StatefulApp, StatelessApp } from "../components";
import { InvalidArgsError } from "../components/component-args";
import { CONFIG_NAMESPACE, StackConfigError } from "../config/load-stack-config";
import { validateStackConfig } from "../config/validate-stack";
import { clusterConnection } from "./cluster-provider";
import { previousAppOutputs } from "./previous-outputs";
import { readRawConfig, secretConfigPaths } from "./raw-config";
import { secretEnvNames } from "../config/secret-paths";
import { PlannedApp, stackPlan } from "./stack-plan";
import { restoreChangeProblems } from "./restore-changes";

function secretValues(app: PlannedApp): Record<string, pulumi.Output<string>> | undefined {
    const config = new pulumi.Config(CONFIG_NAMESPACE);
    const values = {
        ...Object.fromEntries(Object.entries(app.secretConfig).map(([env, key]) => [env, config.requireSecret(key)])),
        ...Object.fromEntries(Object.entries(app.secretEnv).map(([env, value]) => [env, pulumi.secret(value)])),
    };
    return Object.keys(values).length > 0 ? values : undefined;
}

function secretFiles(app: PlannedApp): Record<string, pulumi.Output<string>> | undefined {
    const config = new pulumi.Config(CONFIG_NAMESPACE);
    const entries = Object.entries(app.secretFiles);
    return entries.length > 0 ? Object.fromEntries(entries.map(([file, key]) => [file, config.requireSecret(key)])) : undefined;
}

function registryCredentials(app: PlannedApp) {
    const config = new pulumi.Config(CONFIG_NAMESPACE);
    const credentials = app.registryCredentials.map(({ server, username, passwordSecret }) => ({ server, username, password: config.requireSecret(passwordSecret) }));
    return credentials.length > 0 ? credentials : undefined;
}

/**
 * The Pulumi program. A mistake in the stack config or in a component's args is a RunError, which Pulumi shows as its
 * message alone (the message is the whole story, the same one `kube-appstack render` prints), never a stack trace.
 */
export async function program(): Promise<Record<string, unknown>> {
    try {
        return await declareStack();
    } catch (error) {
        throw error instanceof StackConfigError || error instanceof InvalidArgsError ? new pulumi.RunError(error.message) : error;
    }
}

/** Validate the stack config, then declare the cluster connection, namespace, storage and apps. */
async function declareStack(): Promise<Record<string, unknown>> {
    const stack = pulumi.getStack();
    const raw = readRawConfig();
    const secrets = secretConfigPaths(stack, raw);
    const config = validateStackConfig(stack, raw, Object.keys(pulumi.runtime.allConfig()), process.cwd(), secrets);
    // The cluster connection comes first: the engine starts its provider (on kind, the kind provider plugin's process)
    // while the last outputs are read, instead of after.
    const cluster = clusterConnection(stack, config.cluster);
    const { provider } = cluster;
    // Only an autoscaled app needs its last replica count (previousReplicas of StatelessApp and StatefulApp), and only a
    // stateful app its last restoredFrom (a changed storage.restoreFrom is refused); rendered manifests have no live
    // workload. Otherwise this stack's own outputs are not read, sparing an engine round trip.
    const needsPrevious = config.apps.some((app) => app.autoscaling !== undefined || app.type === "stateful");
    const previous = needsPrevious && config.cluster.renderYamlToDirectory === undefined ? await previousAppOutputs(stack) : {};
    const plan = stackPlan(config, previous, secretEnvNames(secrets));
    const restoreChanges = restoreChangeProblems(plan, previous);
    if (restoreChanges.length > 0) throw new StackConfigError(stack, restoreChanges);
    const ns = new AppNamespace(plan.namespace.name, plan.namespace.args, { provider, dependsOn: cluster.readyFor });
    const storage = new Map(plan.storage.map((s) => [s.name, new PersistentStorage(s.name, { ...s.args, protect: plan.protect }, { provider, dependsOn: [ns] })]));
    for (const app of plan.apps) {
        // An app waits for the claims it mounts (the config only lets it name declared storage), not for every claim of
        // the stack: that made each of N apps depend on N claims, quadratic in the stack's size.
        const claims = (app.args.volumes ?? []).flatMap((v) => (v.claimName === undefined ? [] : [storage.get(v.claimName)]));
        const opts = { provider, dependsOn: [ns, ...claims.filter((c) => c !== undefined)] };
        const secrets = { secretValues: secretValues(app), secretFiles: secretFiles(app), registryCredentials: registryCredentials(app) };
        if (app.type === "stateless") new StatelessApp(app.name, { ...app.args, ...secrets }, opts);
        else new StatefulApp(app.name, { ...app.args, ...secrets, protect: plan.protect }, opts);
    }
    return {
        namespace: plan.namespace.name,
        apps: plan.appOutputs,
        ...(cluster.kubeconfig ? { kubeconfig: cluster.kubeconfig } : {}),
    };
}
