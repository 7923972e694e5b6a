import { z } from "zod";
import { namespaceSchema, show, statefulAppSchema, statelessAppSchema, storageSchema } from "../components/app-args-schema";

// The structured stack configuration (`kube-appstack:*` keys of Pulumi.<stack>.yaml), composed from the components'
// arg schemas. Pulumi.yaml's `config:` block has no object type, so the structure is validated here, before any
// resource is declared.

const app = z.discriminatedUnion("type", [statelessAppSchema, statefulAppSchema], {
    error: (iss) => (iss.code === "invalid_union"
        ? `type ${show((iss.input as { type?: unknown } | undefined)?.type)} is not known; allowed: "stateless" or "stateful"`
        : undefined),
});

const cluster = z.strictObject({
    /** A local kind cluster created by the stack (dev). Its fields are checked by the KindCluster component. */
    kind: z.record(z.string(), z.unknown()).optional(),
    /** An existing cluster, reached through a kubeconfig context. */
    kubeconfig: z.strictObject({ context: z.string().min(1), path: z.string().min(1).optional() }).optional(),
    /** Write manifests to this directory instead of applying them (GitOps render mode). */
    renderYamlToDirectory: z.string().min(1).optional(),
    /** Install metrics-server (kind clusters only; HPAs need it). */
    metricsServer: z.boolean().optional(),
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
    cluster,
    namespace: namespaceSchema,
    apps: z.array(app).min(1),
    storage: z.array(storageSchema).optional(),
    protectData: z.boolean().optional(),
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
