import { AppNamespaceArgs } from "../components/specs/app-namespace";
import { PersistentStorageArgs } from "../components/specs/persistent-storage";
import { primaryServicePort } from "../components/specs/ports";
import { serviceDnsName } from "../components/specs/service";
import { DEFAULT_STATEFUL_REPLICAS, StatefulAppArgs, statefulAppServiceName } from "../components/specs/stateful-app";
import { DEFAULT_REPLICAS, StatelessAppArgs } from "../components/specs/stateless-app";
import { persistentStorageArgs, statefulAppArgs, statelessAppArgs } from "../config/app-args";
import { withBackendPorts } from "../config/route-backends";
import { DEFAULT_PROTECT_DATA, StackConfig } from "../config/stack-config";

/** What the stack exports about each app, and reads back on its next update to plan transitions. */
export interface AppOutput {
    kind: "stateless" | "stateful";
    serviceName: string;
    servicePort: number;
    dnsName: string;
    /** The fixed replica count, or absent when an autoscaler owns it. */
    replicas?: number;
    /** The snapshot a stateful app's claims start from (`storage.restoreFrom`), which must not change while it lives. */
    restoredFrom?: string;
}

/** Env vars whose values are secret: by config key (`secretConfig`), or set in place as a secret (`secretEnv`). */
interface AppSecrets {
    secretConfig: Record<string, string>;
    /** Secret file path -> Pulumi secret config key holding its content (`secretFiles`). */
    secretFiles: Record<string, string>;
    /** Registry credentials, each password by the Pulumi secret config key holding it (`registryCredentials`). */
    registryCredentials: Array<{ server: string; username: string; passwordSecret: string }>;
    /** Env var -> value of an `env` entry that is a Pulumi secret; it goes into the app's Secret, not its workload. */
    secretEnv: Record<string, string>;
}

export type PlannedApp =
    | ({ type: "stateless"; name: string; args: StatelessAppArgs } & AppSecrets)
    | ({ type: "stateful"; name: string; args: StatefulAppArgs } & AppSecrets);

/**
 * Everything a stack declares, as component names and args: the one description of a stack that both the Pulumi program
 * (components) and the engine-free renderer (spec builders) follow, so the two cannot drift apart.
 */
export interface StackPlan {
    namespace: { name: string; args: AppNamespaceArgs };
    storage: Array<{ name: string; args: PersistentStorageArgs }>;
    apps: PlannedApp[];
    /** `protect` on stateful resources (StatefulSets, PVs, PVCs). */
    protect: boolean;
    /** The `apps` stack output. */
    appOutputs: Record<string, AppOutput>;
}

function appOutput(app: PlannedApp, namespace: string): AppOutput {
    if (app.type === "stateless") {
        const { args } = app;
        return {
            kind: "stateless",
            serviceName: app.name,
            servicePort: primaryServicePort(args, { args: args.service }),
            dnsName: serviceDnsName(app.name, namespace),
            ...(args.autoscaling ? {} : { replicas: args.replicas ?? DEFAULT_REPLICAS }),
        };
    }
    const serviceName = statefulAppServiceName(app.name, app.args);
    return {
        kind: "stateful",
        serviceName,
        servicePort: primaryServicePort(app.args, app.args.clientService ? { args: app.args.clientService } : { headless: true }),
        dnsName: serviceDnsName(serviceName, namespace),
        ...(app.args.autoscaling ? {} : { replicas: app.args.replicas ?? DEFAULT_STATEFUL_REPLICAS }),
        ...(app.args.storage.restoreFrom ? { restoredFrom: app.args.storage.restoreFrom.snapshot } : {}),
    };
}

/**
 * `previous` is the stack's last `apps` output: a fixed-size app that is now autoscaled hands its count over.
 * `secretEnv` names, per app index, the `env` entries whose values are secrets (config/secret-paths.ts).
 */
export function stackPlan(config: StackConfig, previous: Record<string, AppOutput> = {}, secretEnv: ReadonlyMap<number, string[]> = new Map()): StackPlan {
    const { name: namespace, ...namespaceArgs } = config.namespace;
    const apps: PlannedApp[] = config.apps.map((entry, i) => {
        const secretNames = secretEnv.get(i) ?? [];
        const env = Object.entries(entry.env ?? {});
        const secrets: AppSecrets = {
            secretConfig: entry.secretConfig ?? {},
            secretFiles: entry.secretFiles ?? {},
            registryCredentials: entry.registryCredentials ?? [],
            secretEnv: Object.fromEntries(env.filter(([name]) => secretNames.includes(name))),
        };
        const plain = env.filter(([name]) => !secretNames.includes(name));
        const app = { ...entry, env: plain.length > 0 ? Object.fromEntries(plain) : undefined };
        const before = previous[app.name];
        // An app switched from a fixed count to autoscaling hands its last count over (see previousReplicas).
        const previousReplicas = app.autoscaling && before?.kind === app.type ? before.replicas : undefined;
        if (app.type === "stateful") return { type: "stateful", name: app.name, args: statefulAppArgs(app, namespace, previousReplicas), ...secrets };
        return { type: "stateless", name: app.name, args: withBackendPorts(statelessAppArgs(app, namespace, previousReplicas), config), ...secrets };
    });
    return {
        namespace: { name: namespace, args: namespaceArgs },
        storage: (config.storage ?? []).map((s) => ({ name: s.name, args: persistentStorageArgs(s, namespace) })),
        apps,
        protect: config.protectData ?? DEFAULT_PROTECT_DATA,
        appOutputs: Object.fromEntries(apps.map((a) => [a.name, appOutput(a, namespace)])),
    };
}
