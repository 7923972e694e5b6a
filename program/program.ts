import * as pulumi from "@pulumi/pulumi";
import { AppNamespace, PersistentStorage, StatefulApp, StatelessApp } from "../components";
import { DEFAULT_PORT } from "../components/specs/pod-template";
import { DEFAULT_SERVICE_PORT } from "../components/specs/service";
import { DEFAULT_REPLICAS } from "../components/specs/stateless-app";
import { persistentStorageArgs, statefulAppArgs, statelessAppArgs } from "../config/app-args";
import { CONFIG_NAMESPACE, parseStackConfig } from "../config/load-stack-config";
import { AppConfig, StackConfig } from "../config/stack-config";
import { clusterConnection } from "./cluster-provider";
import { AppOutput, previousAppOutputs } from "./previous-outputs";
import { readRawConfig } from "./raw-config";

/** Every `secretConfig` entry must name a config key that is set, checked before anything is declared. */
function secretConfigProblems(configKeys: string[]) {
    return (config: StackConfig): string[] => config.apps.flatMap((app, i) =>
        Object.entries(app.secretConfig ?? {})
            .filter(([, key]) => !configKeys.includes(`${CONFIG_NAMESPACE}:${key}`))
            .map(([env, key]) => `${CONFIG_NAMESPACE}:apps[${i}].secretConfig.${env}: config key "${CONFIG_NAMESPACE}:${key}" is not set; allowed: a key set with \`pulumi config set --secret ${key} <value>\``));
}

function secretValues(app: AppConfig): Record<string, pulumi.Output<string>> | undefined {
    const config = new pulumi.Config(CONFIG_NAMESPACE);
    const entries = Object.entries(app.secretConfig ?? {});
    return entries.length > 0 ? Object.fromEntries(entries.map(([env, key]) => [env, config.requireSecret(key)])) : undefined;
}

/** The Pulumi program: validate the stack config, then declare the cluster connection, namespace, storage and apps. */
export async function program(): Promise<Record<string, unknown>> {
    const stack = pulumi.getStack();
    const configKeys = Object.keys(pulumi.runtime.allConfig());
    const config = parseStackConfig(stack, readRawConfig(), [secretConfigProblems(configKeys)]);
    const protect = config.protectData ?? true;
    const rendering = config.cluster.renderYamlToDirectory !== undefined;

    const cluster = clusterConnection(stack, config.cluster);
    const ns = new AppNamespace(config.namespace.name, config.namespace, { provider: cluster.provider, dependsOn: cluster.readyFor });
    const namespace = ns.name;
    const storage = (config.storage ?? []).map((s) =>
        new PersistentStorage(s.name, { ...persistentStorageArgs(s, namespace), protect }, { provider: cluster.provider, dependsOn: [ns] }));
    // Rendered manifests have no live Deployment whose replica count could be lost.
    const previous = rendering ? {} : await previousAppOutputs(stack);

    const apps: Record<string, AppOutput> = {};
    for (const app of config.apps) {
        const opts = { provider: cluster.provider, dependsOn: [ns, ...storage] };
        if (app.type === "stateless") {
            const before = previous[app.name];
            const previousReplicas = app.autoscaling && before?.kind === "stateless" ? before.replicas : undefined;
            const component = new StatelessApp(app.name, { ...statelessAppArgs(app, namespace, previousReplicas), secretValues: secretValues(app) }, opts);
            apps[app.name] = {
                kind: "stateless",
                serviceName: app.name,
                servicePort: app.service?.port ?? DEFAULT_SERVICE_PORT,
                dnsName: component.serviceDnsName,
                ...(app.autoscaling ? {} : { replicas: app.replicas ?? DEFAULT_REPLICAS }),
            };
        } else {
            const component = new StatefulApp(app.name, { ...statefulAppArgs(app, namespace), secretValues: secretValues(app), protect }, opts);
            apps[app.name] = {
                kind: "stateful",
                serviceName: component.serviceDnsName.split(".")[0],
                servicePort: app.clientService ? app.clientService.port ?? DEFAULT_SERVICE_PORT : app.port ?? DEFAULT_PORT,
                dnsName: component.serviceDnsName,
            };
        }
    }
    return {
        namespace,
        apps,
        ...(cluster.kubeconfig ? { kubeconfig: cluster.kubeconfig } : {}),
    };
}
