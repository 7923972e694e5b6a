import { compact, KubeObject } from "./kube-object";
import { stackLabels } from "./labels";

/** A namespace for apps, with guardrails: Pod Security admission, a quota, default resources, optional default-deny. */
export interface AppNamespaceArgs {
    /**
     * Pod Security Standard enforced by the API server's admission controller (labels `pod-security.kubernetes.io/*`).
     * @default "restricted"
     */
    podSecurity?: "restricted" | "baseline" | "privileged";
    /**
     * ResourceQuota limits (`spec.hard`), e.g. `{ "requests.cpu": "4", "limits.memory": "8Gi", pods: "50" }`.
     * @default none (no quota)
     */
    quota?: Record<string, string>;
    /**
     * Requests and limits given to containers that declare none (LimitRange). Our components always declare both; this
     * catches anything else deployed into the namespace.
     * @default { defaultRequest: { cpu: "100m", memory: "128Mi" }, default: { cpu: "500m", memory: "512Mi" } }
     */
    limitRange?: { defaultRequest: { cpu: string; memory: string }; default: { cpu: string; memory: string } };
    /**
     * Deny all ingress traffic to pods of the namespace except from pods in the same namespace (NetworkPolicy).
     * Needs a CNI that enforces NetworkPolicy (kind's default kindnet does since kind 0.24).
     * @default false
     */
    defaultDenyIngress?: boolean;
}

export interface AppNamespaceObjects {
    namespace: KubeObject;
    limitRange: KubeObject;
    resourceQuota?: KubeObject;
    networkPolicy?: KubeObject;
}

export const DEFAULT_LIMIT_RANGE = {
    defaultRequest: { cpu: "100m", memory: "128Mi" },
    default: { cpu: "500m", memory: "512Mi" },
};

export function appNamespaceObjects(name: string, args: AppNamespaceArgs = {}): AppNamespaceObjects {
    const level = args.podSecurity ?? "restricted";
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
        networkPolicy: args.defaultDenyIngress ? {
            apiVersion: "networking.k8s.io/v1",
            kind: "NetworkPolicy",
            metadata: { name: "default-deny-ingress", namespace: name, labels },
            spec: {
                podSelector: {},
                policyTypes: ["Ingress"],
                ingress: [{ from: [{ podSelector: {} }] }],
            },
        } : undefined,
    });
}
