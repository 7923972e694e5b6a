import { z } from "zod";
import { isPinnedImage } from "./specs/image";
import { parseQuantity } from "../policies/quantity";

// The schemas of the components' args, as stack config entries write them (config/stack-config.ts composes the stack's
// schema from these; component-args.ts adds what only components take). Defaults are NOT applied here: they live in
// one place, the spec builders, and the README documents them.

const QUANTITY_HELP = 'a Kubernetes quantity such as "250m", "0.5", "128Mi" or "1Gi" (no spaces; binary suffixes Ki Mi Gi Ti, decimal k M G T, or m for milli)';

export const show = (value: unknown): string => (value === undefined ? "nothing" : JSON.stringify(value));

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_HELP = "a DNS-1123 label: lowercase letters, digits and '-', starting and ending with a letter or digit, at most 63 characters";

const dnsLabel = z.string().refine((v) => v.length <= 63 && DNS_LABEL.test(v), {
    error: (iss) => `${show(iss.input)} is not a valid name; allowed: ${DNS_HELP}`,
});

const intIn = (min: number, max: number) => z.number().refine((v) => Number.isInteger(v) && v >= min && v <= max, {
    error: (iss) => `${show(iss.input)} is out of range; allowed: an integer from ${min} to ${max}`,
});

const port = intIn(1, 65535);
const quantity = z.union([z.string(), z.number()]).refine((v) => parseQuantity(v) !== undefined, {
    error: (iss) => `${show(iss.input)} is not a valid quantity; allowed: ${QUANTITY_HELP}`,
}).transform(String); // YAML reads `cpu: 1` as a number; manifests carry quantities as strings
const intOrPercent = z.union([z.number().int().min(0), z.string().regex(/^\d+%$/)], {
    error: (iss) => `${show(iss.input)} is not a count or percentage; allowed: an integer >= 0 or a percentage such as "25%"`,
});

const image = z.string({ error: (iss) => (iss.input === undefined
    ? 'required; allowed: a container image pinned by tag or digest, e.g. "nginxinc/nginx-unprivileged:1.27.3-alpine"'
    : `${show(iss.input)} is not an image reference`) })
    .refine(isPinnedImage, {
        error: (iss) => `${show(iss.input)} is not pinned; allowed: a tag other than "latest" (e.g. "nginx:1.27.3") or a digest ("nginx@sha256:<64 hex>")`,
    });

const cpuMemory = z.strictObject({ cpu: quantity, memory: quantity });

const resources = z.strictObject({ requests: cpuMemory, limits: cpuMemory }).superRefine((r, ctx) => {
    for (const resource of ["cpu", "memory"] as const) {
        const request = parseQuantity(r.requests[resource]);
        const limit = parseQuantity(r.limits[resource]);
        if (request !== undefined && limit !== undefined && limit < request) {
            ctx.addIssue({
                code: "custom",
                path: ["limits", resource],
                message: `${show(r.limits[resource])} is below the request ${show(r.requests[resource])}; allowed: a limit >= the request`,
            });
        }
    }
});

const probe = z.strictObject({
    type: z.enum(["http", "tcp", "exec"]).optional(),
    path: z.string().startsWith("/").optional(),
    port: port.optional(),
    command: z.array(z.string()).min(1).optional(),
    initialDelaySeconds: intIn(0, 3600).optional(),
    periodSeconds: intIn(1, 3600).optional(),
    timeoutSeconds: intIn(1, 3600).optional(),
    failureThreshold: intIn(1, 1000).optional(),
}).superRefine((p, ctx) => {
    if (p.type === "exec" && !p.command) {
        ctx.addIssue({ code: "custom", path: ["command"], message: 'required when type is "exec"; allowed: a non-empty list of strings' });
    }
});

const security = z.strictObject({
    runAsNonRoot: z.boolean().optional(),
    runAsUser: intIn(0, 2147483647).optional(),
    runAsGroup: intIn(0, 2147483647).optional(),
    fsGroup: intIn(0, 2147483647).optional(),
    readOnlyRootFilesystem: z.boolean().optional(),
    allowPrivilegeEscalation: z.boolean().optional(),
    dropAllCapabilities: z.boolean().optional(),
    addCapabilities: z.array(z.string()).optional(),
    seccompRuntimeDefault: z.boolean().optional(),
    tmpVolume: z.boolean().optional(),
});

const scheduling = z.strictObject({
    spreadAcrossNodes: z.boolean().optional(),
    nodeSelector: z.record(z.string(), z.string()).optional(),
    tolerations: z.array(z.record(z.string(), z.unknown())).optional(),
    affinity: z.record(z.string(), z.unknown()).optional(),
    priorityClassName: z.string().optional(),
});

const serviceArgs = z.strictObject({
    type: z.enum(["ClusterIP", "NodePort", "LoadBalancer"]).optional(),
    port: port.optional(),
    nodePort: intIn(30000, 32767).optional(),
});

const disruption = z.strictObject({ minAvailable: intOrPercent.optional(), maxUnavailable: intOrPercent.optional() })
    .refine((d) => d.minAvailable === undefined || d.maxUnavailable === undefined, {
        error: "minAvailable and maxUnavailable are both set; allowed: at most one of them",
    });

const scalingRules = z.strictObject({
    stabilizationWindowSeconds: intIn(0, 3600).optional(),
    policies: z.array(z.strictObject({
        type: z.enum(["Pods", "Percent"]),
        value: intIn(1, 10000),
        periodSeconds: intIn(1, 1800),
    })).optional(),
    selectPolicy: z.enum(["Max", "Min", "Disabled"]).optional(),
});

const autoscaling = z.strictObject({
    minReplicas: intIn(1, 1000).optional(),
    maxReplicas: intIn(1, 1000),
    cpuUtilization: intIn(1, 1000).optional(),
    memoryUtilization: intIn(1, 1000).optional(),
    behavior: z.strictObject({ scaleUp: scalingRules.optional(), scaleDown: scalingRules.optional() }).optional(),
}).superRefine((a, ctx) => {
    const min = a.minReplicas ?? 2;
    if (min > a.maxReplicas) {
        ctx.addIssue({
            code: "custom",
            path: [a.minReplicas === undefined ? "maxReplicas" : "minReplicas"],
            message: a.minReplicas === undefined
                ? `${a.maxReplicas} is below the default minReplicas (2); allowed: maxReplicas >= minReplicas`
                : `${a.minReplicas} is greater than maxReplicas (${a.maxReplicas}); allowed: 1 <= minReplicas <= maxReplicas`,
        });
    }
});

const volume = z.strictObject({
    name: dnsLabel,
    mountPath: z.string().startsWith("/"),
    claimName: dnsLabel.optional(),
    readOnly: z.boolean().optional(),
});

const workload = {
    name: dnsLabel,
    image,
    port: port.optional(),
    command: z.array(z.string()).optional(),
    args: z.array(z.string()).optional(),
    resources,
    readinessProbe: probe.optional(),
    livenessProbe: probe.optional(),
    startupProbe: probe.optional(),
    env: z.record(z.string(), z.string()).optional(),
    secretEnv: z.record(z.string(), z.strictObject({ secretName: dnsLabel, key: z.string().min(1) })).optional(),
    /** Env var name -> name of a Pulumi secret config key (`pulumi config set --secret <key> <value>`). */
    secretConfig: z.record(z.string(), z.string().min(1)).optional(),
    envFrom: z.array(z.union([
        z.strictObject({ configMap: dnsLabel }),
        z.strictObject({ secret: dnsLabel }),
    ])).optional(),
    volumes: z.array(volume).optional(),
    security: security.optional(),
    scheduling: scheduling.optional(),
    prometheus: z.strictObject({ path: z.string().startsWith("/").optional(), port: port.optional() }).optional(),
    terminationGracePeriodSeconds: intIn(0, 3600).optional(),
    labels: z.record(z.string(), z.string()).optional(),
    readyTimeoutSeconds: intIn(1, 86400).optional(),
};

export const statelessAppSchema = z.strictObject({
    ...workload,
    type: z.literal("stateless"),
    replicas: intIn(0, 1000).optional(),
    autoscaling: autoscaling.optional(),
    rollout: z.strictObject({
        maxSurge: intOrPercent.optional(),
        maxUnavailable: intOrPercent.optional(),
        minReadySeconds: intIn(0, 3600).optional(),
        progressDeadlineSeconds: intIn(1, 86400).optional(),
        revisionHistoryLimit: intIn(0, 100).optional(),
    }).optional(),
    service: serviceArgs.optional(),
    disruption: disruption.optional(),
});

const accessModes = z.array(z.enum(["ReadWriteOnce", "ReadWriteOncePod", "ReadOnlyMany", "ReadWriteMany"])).min(1);

export const statefulAppSchema = z.strictObject({
    ...workload,
    type: z.literal("stateful"),
    replicas: intIn(0, 1000).optional(),
    storage: z.strictObject({
        size: quantity,
        mountPath: z.string().startsWith("/").optional(),
        storageClassName: z.string().optional(),
        accessModes: accessModes.optional(),
    }),
    updatePartition: intIn(0, 1000).optional(),
    podManagementPolicy: z.enum(["OrderedReady", "Parallel"]).optional(),
    claimRetention: z.strictObject({
        whenDeleted: z.enum(["Retain", "Delete"]).optional(),
        whenScaled: z.enum(["Retain", "Delete"]).optional(),
    }).optional(),
    clientService: serviceArgs.optional(),
    disruption: disruption.optional(),
});

const storageFields = {
    size: quantity,
    accessModes: accessModes.optional(),
    storageClassName: z.string().optional(),
    reclaimPolicy: z.enum(["Retain", "Delete"]).optional(),
    hostPath: z.string().startsWith("/").optional(),
    local: z.strictObject({ path: z.string().startsWith("/"), nodeNames: z.array(z.string()).min(1) }).optional(),
};

/** A PersistentStorage needs exactly one volume source. */
function withOneStorageSource<T extends z.ZodType<{ hostPath?: string; local?: unknown }>>(schema: T): T {
    return schema.refine((s) => (s.hostPath === undefined) !== (s.local === undefined), {
        error: "exactly one of hostPath and local is required (a local volume also names its nodes, as the Kubernetes API requires node affinity for it)",
    }) as T;
}

export const storageSchema = withOneStorageSource(z.strictObject({ name: dnsLabel, ...storageFields }));
export const persistentStorageArgsSchema = withOneStorageSource(z.strictObject({ namespace: dnsLabel, protect: z.boolean().optional(), ...storageFields }));

export const namespaceSchema = z.strictObject({
    name: dnsLabel,
    podSecurity: z.enum(["restricted", "baseline", "privileged"]).optional(),
    quota: z.record(z.string(), quantity).optional(),
    limitRange: z.strictObject({ defaultRequest: cpuMemory, default: cpuMemory }).optional(),
    defaultDenyIngress: z.boolean().optional(),
});

export const dnsLabelSchema = dnsLabel;
