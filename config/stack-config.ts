import { z } from "zod";
import { kindClusterArgsSchema } from "../components/kind-config";
import { appNamespaceArgsSchema } from "../components/specs/app-namespace";
import { oneStorageSource, persistentStorageShape } from "../components/specs/persistent-storage";
import { registryServer, registryUsername, uniqueServers } from "../components/specs/registry-credentials";
import { MAX_STATEFUL_NAME, statefulAppName, statefulAppProblems, statefulAppShape } from "../components/specs/stateful-app";
import { statelessAppProblems, statelessAppShape } from "../components/specs/stateless-app";
import { backupNameProblems } from "../components/specs/volume-backup";
import { absolutePath, code, dnsLabel, serviceName, show } from "../kube/schemas";

// The structured stack configuration (`kube-appstack:*` keys of Pulumi.<stack>.yaml), composed from the components'
// arg schemas: an entry writes a component's args plus what only config needs (its name, its type, secret references).
// Pulumi.yaml's `config:` block has no object type, so the structure is validated here, before any resource is declared.

export const DEFAULT_PROTECT_DATA = true;
export const DEFAULT_METRICS_SERVER = true;

/** The kind cluster's name when `cluster.kind.name` is not set: one per stack, so two stacks' clusters never clash. */
export function defaultKindClusterName(stack: string): string {
    return `kube-appstack-${stack}`;
}

const appName = serviceName.meta({ description: "The app's name: names its Deployment or StatefulSet, Services and every other object it creates." });
const secretConfig = z.record(z.string(), z.string().min(1)).optional().meta({
    description: "Env var name -> name of a Pulumi secret config key (`pulumi config set --secret <key> <value>`); the value goes into a Secret `<name>-secret-env`, never into the workload.",
});

const secretFiles = z.record(absolutePath, z.string().min(1)).optional().meta({
    description: "Path in the container -> name of a Pulumi secret config key (`pulumi config set --secret <key> < file`); the files go into a Secret `<name>-secret-files`, mounted read-only with mode 0400 (see `secretFiles` in the component reference), never into the workload.",
});

const registryCredentials = z.array(z.strictObject({
    server: registryServer.meta({ description: 'Registry host, as image references name it (e.g. "ghcr.io").' }),
    username: registryUsername.meta({ description: "User name (or a token's name) at the registry." }),
    passwordSecret: z.string().min(1).meta({ description: "Name of the Pulumi secret config key holding the password or token (`pulumi config set --secret <key> <token>`)." }),
}).meta({ title: "Registry credential" })).min(1).superRefine(uniqueServers).optional().meta({
    description: "Credentials for private registries: a `kubernetes.io/dockerconfigjson` Secret `<name>-registry` holds them (never in clear in the state or the manifests), and the pods name it in `imagePullSecrets` besides any existing ones.",
});

export const statelessAppConfigSchema = z.strictObject({
    name: appName,
    type: z.literal("stateless").meta({ description: "A Deployment behind a Service (StatelessApp)." }),
    ...statelessAppShape,
    secretConfig,
    secretFiles,
    registryCredentials,
}).superRefine(statelessAppProblems);

export const statefulAppConfigSchema = z.strictObject({
    name: statefulAppName.meta({ description: `The app's name: names its StatefulSet, Services and every other object it creates (at most ${MAX_STATEFUL_NAME} characters).` }),
    type: z.literal("stateful").meta({ description: "A StatefulSet with a volume per replica (StatefulApp)." }),
    ...statefulAppShape,
    secretConfig,
    secretFiles,
    registryCredentials,
}).superRefine(statefulAppProblems).superRefine(backupNameProblems);

const app = z.discriminatedUnion("type", [statelessAppConfigSchema, statefulAppConfigSchema], {
    error: (iss) => (iss.code === "invalid_union"
        ? `type ${show((iss.input as { type?: unknown } | undefined)?.type)} is not known; allowed: "stateless" or "stateful"`
        : undefined),
}).meta({ type: "app entry (see the sections below)" });

const cluster = z.strictObject({
    kind: kindClusterArgsSchema.safeExtend({
        name: kindClusterArgsSchema.shape.name.meta({
            description: "kind cluster name; also names the kubeconfig context (`kind-<name>`) and the node containers (`<name>-worker`).",
            default: `\`${defaultKindClusterName("<stack>")}\``,
        }),
    }).meta({ title: "cluster.kind" }).optional().meta({ description: "A local kind cluster created by the stack (dev): the KindCluster component's args, named after the stack by default." }),
    kubeconfig: z.strictObject({
        context: z.string().min(1).meta({ description: "Context to use." }),
        path: z.string().min(1).optional().meta({ description: "Kubeconfig file, relative to the project directory.", default: "`$KUBECONFIG`, else `~/.kube/config`" }),
    }).optional().meta({ description: "An existing cluster, reached through a kubeconfig context." }),
    renderYamlToDirectory: z.string().min(1).optional().meta({ description: "Write manifests to this directory instead of applying them (GitOps render mode)." }),
    metricsServer: z.boolean().optional().meta({ description: "Install metrics-server (kind clusters only; HPAs need it).", default: code(DEFAULT_METRICS_SERVER) }),
}).superRefine((c, ctx) => {
    const targets = (["kind", "kubeconfig", "renderYamlToDirectory"] as const).filter((k) => c[k] !== undefined);
    if (targets.length !== 1) {
        ctx.addIssue({
            code: "custom",
            message: `${targets.length === 0 ? "no cluster target is set" : `${targets.join(" and ")} are both set`}; allowed: exactly one of kind, kubeconfig, renderYamlToDirectory`,
        });
    }
    if (c.metricsServer !== undefined && c.kind === undefined) {
        ctx.addIssue({ code: "custom", path: ["metricsServer"], message: "is only supported with a kind cluster; allowed: remove it, or use cluster.kind" });
    }
});

export const stackConfigSchema = z.strictObject({
    cluster: cluster.meta({ description: "Where the stack deploys: exactly one of `kind`, `kubeconfig`, `renderYamlToDirectory`." }),
    namespace: appNamespaceArgsSchema.extend({
        name: dnsLabel.meta({ description: "Namespace of every app." }),
    }).meta({ description: "The namespace the apps run in, with its guardrails (AppNamespace)." }),
    apps: z.array(app).min(1).meta({ description: "The apps: each entry is a stateless or a stateful app, chosen by `type`." }),
    storage: z.array(z.strictObject({
        name: dnsLabel.meta({ description: "Name of the claim (apps mount it with `volumes[].claimName`); the volume is `<namespace>-<name>`." }),
        ...persistentStorageShape,
    }).superRefine(oneStorageSource)).optional().meta({ description: "Hand-provisioned PersistentVolumes with their claims (PersistentStorage)." }),
    protectData: z.boolean().optional().meta({
        description: "Mark every object that holds data (StatefulSets, PersistentVolumes and claims) `protect: true`.",
        default: code(DEFAULT_PROTECT_DATA),
    }),
});

// Checks across list entries run on the raw input, so that they report even when an entry has other problems
// (zod skips an object's refinements once one of its fields failed).
export function crossEntryProblems(raw: Record<string, unknown>): Array<{ path: PropertyKey[]; message: string }> {
    const apps = Array.isArray(raw.apps) ? (raw.apps as Array<Record<string, unknown> | null>) : [];
    const storage = Array.isArray(raw.storage) ? (raw.storage as Array<Record<string, unknown> | null>) : [];
    const problems: Array<{ path: PropertyKey[]; message: string }> = [];
    const seen = new Map<unknown, number>();
    apps.forEach((a, i) => {
        const name = a?.name;
        if (typeof name !== "string") return;
        const first = seen.get(name);
        if (first === undefined) seen.set(name, i);
        else problems.push({ path: ["apps", i, "name"], message: `${show(name)} is already used by apps[${first}]; allowed: a name unique among apps` });
    });
    const claims = storage.map((s) => s?.name).filter((n): n is string => typeof n === "string");
    apps.forEach((a, i) => {
        const volumes = Array.isArray(a?.volumes) ? (a.volumes as Array<Record<string, unknown> | null>) : [];
        volumes.forEach((v, j) => {
            if (typeof v?.claimName === "string" && !claims.includes(v.claimName)) {
                problems.push({
                    path: ["apps", i, "volumes", j, "claimName"],
                    message: `${show(v.claimName)} names no storage entry; allowed: ${claims.length > 0 ? `one of ${show(claims)}` : "declare it under kube-appstack:storage first"}`,
                });
            }
        });
    });
    return problems;
}

export type StackConfig = z.infer<typeof stackConfigSchema>;
type AppConfig = StackConfig["apps"][number];
export type StatelessAppConfig = Extract<AppConfig, { type: "stateless" }>;
export type StatefulAppConfig = Extract<AppConfig, { type: "stateful" }>;
export type StorageConfig = NonNullable<StackConfig["storage"]>[number];
export const TOP_LEVEL_KEYS = Object.keys(stackConfigSchema.shape);


/** Whether the stack installs metrics-server: on the kind clusters it creates, unless switched off. */
export function wantsMetricsServer(cluster: StackConfig["cluster"]): boolean {
    return cluster.kind !== undefined && (cluster.metricsServer ?? DEFAULT_METRICS_SERVER);
}
