import { z } from "zod";
import { code, cpuAndMemory, limitsNotBelowRequests, quantity, show } from "../../kube/schemas";
import { isLabelKey } from "../../kube/names";
import { suggestion } from "../../kube/schema-problems";
import { parseQuantity } from "../../kube/quantity";
import { compact, KubeObject } from "./kube-object";
import { stackLabels } from "./labels";
import { clusterDnsEgress } from "./network-policy";

export const DEFAULT_POD_SECURITY = "restricted";
export const DEFAULT_DEFAULT_DENY_INGRESS = false;
export const DEFAULT_DEFAULT_DENY_EGRESS = false;
export const DEFAULT_LIMIT_RANGE = {
    defaultRequest: { cpu: "100m", memory: "128Mi" },
    default: { cpu: "500m", memory: "512Mi" },
};

// What the API server takes as a ResourceQuota key (k8s.io/kubernetes pkg/apis/core/validation
// ValidateResourceQuotaResourceName and pkg/apis/core/helper): any qualified name with a "/" (`count/deployments.apps`,
// `gold.storageclass.storage.k8s.io/requests.storage`, `requests.nvidia.com/gpu`), and without one only the resources
// the quota system knows, so a typo such as `limits.memroy` is refused rather than quietly limiting nothing.
const STANDARD_QUOTA_RESOURCES = [
    "cpu", "memory", "ephemeral-storage", "requests.cpu", "requests.memory", "requests.storage", "requests.ephemeral-storage",
    "limits.cpu", "limits.memory", "limits.ephemeral-storage", "pods", "resourcequotas", "services", "replicationcontrollers",
    "secrets", "persistentvolumeclaims", "configmaps", "services.nodeports", "services.loadbalancers",
];
const HUGE_PAGES_PREFIXES = ["hugepages-", "requests.hugepages-"];
const isStandardQuotaResource = (name: string): boolean => STANDARD_QUOTA_RESOURCES.includes(name) || HUGE_PAGES_PREFIXES.some((p) => name.startsWith(p));
const QUOTA_RESOURCE_HELP = `one of ${STANDARD_QUOTA_RESOURCES.map((r) => JSON.stringify(r)).join(", ")}, ${HUGE_PAGES_PREFIXES.map((p) => `"${p}<size>"`).join(", ")}, or a qualified name with a "/" such as "count/deployments.apps"`;

/** A ResourceQuota key, as the API server takes one. */
const resourceName = z.string().superRefine((name, ctx) => {
    if (!isLabelKey(name)) {
        ctx.addIssue({ code: "custom", message: `${show(name)} is not a valid resource name; allowed: a qualified name such as "requests.cpu", "pods" or "count/deployments.apps"` });
    } else if (!name.includes("/") && !isStandardQuotaResource(name)) {
        ctx.addIssue({ code: "custom", message: `${show(name)} is not a quota resource${suggestion(name, STANDARD_QUOTA_RESOURCES)}; allowed: ${QUOTA_RESOURCE_HELP}` });
    }
}).meta({ type: "resource name" });

/**
 * An extended resource (IsExtendedResourceName): outside kubernetes.io, not a `requests.` quota name, and still a
 * qualified name with `requests.` in front. `count/...` and storage-class quotas are extended resources too.
 */
const isExtendedResource = (name: string): boolean => name.includes("/") && !name.includes("kubernetes.io/") && !name.startsWith("requests.") && isLabelKey(`requests.${name}`);

// Quota resources counted in whole units (IsIntegerResourceName): the API server refuses a fractional quantity for
// them, such as `pods: 1m` or `nvidia.com/gpu: 500m`.
const INTEGER_RESOURCES = [
    "pods", "services", "replicationcontrollers", "resourcequotas", "secrets", "configmaps", "persistentvolumeclaims",
    "services.nodeports", "services.loadbalancers",
];
const isIntegerResource = (name: string): boolean => INTEGER_RESOURCES.includes(name) || isExtendedResource(name);

/** A namespace for apps, with guardrails: Pod Security admission, a quota, default resources, optional default-deny. */
export const appNamespaceArgsSchema = z.strictObject({
    podSecurity: z.enum(["restricted", "baseline", "privileged"]).optional().meta({
        description: "Pod Security Standard enforced by the API server's admission controller (labels `pod-security.kubernetes.io/*`).",
        default: code(DEFAULT_POD_SECURITY),
    }),
    quota: z.record(resourceName, quantity).superRefine((quota, ctx) => {
        for (const [name, value] of Object.entries(quota)) {
            const nanos = parseQuantity(value);
            if (isIntegerResource(name) && nanos !== undefined && nanos % 1_000_000_000n !== 0n) {
                ctx.addIssue({ code: "custom", path: [name], message: `${show(value)} is not a whole number; allowed: a whole number of ${name}` });
            }
        }
    }).optional().meta({
        description: 'ResourceQuota limits (`spec.hard`), e.g. `{ "requests.cpu": "4", "limits.memory": "8Gi", pods: "50" }`.',
        default: "none (no quota)",
    }),
    limitRange: z.strictObject({
        defaultRequest: cpuAndMemory.meta({ description: "Requests of containers that declare none." }),
        default: cpuAndMemory.meta({ description: "Limits of containers that declare none." }),
    }).superRefine(limitsNotBelowRequests("defaultRequest", "default")).optional().meta({
        description: "Requests and limits given to containers that declare none (LimitRange). Our components always declare both; this catches anything else deployed into the namespace.",
        default: code(DEFAULT_LIMIT_RANGE),
    }),
    defaultDenyIngress: z.boolean().optional().meta({
        description: "Deny all ingress traffic to pods of the namespace except from pods in the same namespace (NetworkPolicy). Needs a CNI that enforces NetworkPolicy (kind's default kindnet does since kind 0.24).",
        default: code(DEFAULT_DEFAULT_DENY_INGRESS),
    }),
    defaultDenyEgress: z.boolean().optional().meta({
        description: "Deny all egress traffic from pods of the namespace except to pods in the same namespace and to cluster DNS (NetworkPolicy `default-deny-egress`); an app reaches anything else through its `networkPolicy.egressTo`.",
        default: code(DEFAULT_DEFAULT_DENY_EGRESS),
    }),
});

export type AppNamespaceArgs = z.infer<typeof appNamespaceArgsSchema>;

export interface AppNamespaceObjects {
    namespace: KubeObject;
    limitRange: KubeObject;
    resourceQuota?: KubeObject;
    networkPolicy?: KubeObject;
    egressPolicy?: KubeObject;
}


export function appNamespaceObjects(name: string, args: AppNamespaceArgs = {}): AppNamespaceObjects {
    const level = args.podSecurity ?? DEFAULT_POD_SECURITY;
    const labels = stackLabels();
    const limits = args.limitRange ?? DEFAULT_LIMIT_RANGE;
    return compact({
        namespace: {
            apiVersion: "v1",
            kind: "Namespace",
            metadata: {
                name,
                labels: {
                    ...labels,
                    "pod-security.kubernetes.io/enforce": level,
                    "pod-security.kubernetes.io/audit": level,
                    "pod-security.kubernetes.io/warn": level,
                },
            },
        },
        limitRange: {
            apiVersion: "v1",
            kind: "LimitRange",
            metadata: { name: "default-resources", namespace: name, labels },
            spec: { limits: [{ type: "Container", defaultRequest: limits.defaultRequest, default: limits.default }] },
        },
        resourceQuota: args.quota && {
            apiVersion: "v1",
            kind: "ResourceQuota",
            metadata: { name: "quota", namespace: name, labels },
            spec: { hard: args.quota },
        },
        networkPolicy: (args.defaultDenyIngress ?? DEFAULT_DEFAULT_DENY_INGRESS) ? {
            apiVersion: "networking.k8s.io/v1",
            kind: "NetworkPolicy",
            metadata: { name: "default-deny-ingress", namespace: name, labels },
            spec: {
                podSelector: {},
                policyTypes: ["Ingress"],
                ingress: [{ from: [{ podSelector: {} }] }],
            },
        } : undefined,
        egressPolicy: (args.defaultDenyEgress ?? DEFAULT_DEFAULT_DENY_EGRESS) ? {
            apiVersion: "networking.k8s.io/v1",
            kind: "NetworkPolicy",
            metadata: { name: "default-deny-egress", namespace: name, labels },
            spec: { podSelector: {}, policyTypes: ["Egress"], egress: [{ to: [{ podSelector: {} }] }, clusterDnsEgress()] },
        } : undefined,
    });
}
