import { compact, KubeObject } from "./kube-object";
import { z } from "zod";
import { code } from "../../kube/schemas";
import { resourcesSchema } from "./pod-template";

/** The metrics-server release whose `components.yaml` the objects below reproduce. */
export const METRICS_SERVER_VERSION = "v0.7.2";
/** Its image, pinned by the digest the release published. */
export const METRICS_SERVER_IMAGE =
    "registry.k8s.io/metrics-server/metrics-server:v0.7.2@sha256:ffcb2bf004d6aa0a17d90e0247cf94f2865c8901dcab4427034c341951c239f9";

/** kind's kubelets serve self-signed certificates: without skipping their verification metrics-server scrapes nothing. */
export const DEFAULT_KUBELET_INSECURE_TLS = true;
/** Upstream's requests, plus limits (upstream sets none; the resource-limits policy wants them). */
export const DEFAULT_METRICS_SERVER_RESOURCES = { requests: { cpu: "100m", memory: "200Mi" }, limits: { cpu: "1", memory: "400Mi" } };

export const metricsServerArgsSchema = z.strictObject({
    kubeletInsecureTls: z.boolean().optional().meta({
        description: "Skip verifying the kubelets' serving certificates (`--kubelet-insecure-tls`). kind's kubelets serve self-signed certificates, so without it metrics-server scrapes nothing and every HPA shows `<unknown>` targets.",
        default: code(DEFAULT_KUBELET_INSECURE_TLS),
    }),
    resources: resourcesSchema.optional().meta({ description: "CPU and memory of the metrics-server container.", default: code(DEFAULT_METRICS_SERVER_RESOURCES) }),
});

export type MetricsServerArgs = z.infer<typeof metricsServerArgsSchema>;

const NAMESPACE = "kube-system";
const NAME = "metrics-server";
// Upstream's labels and selector, kept as they are so the objects match a cluster where components.yaml was applied.
const LABELS = { "k8s-app": NAME };
const SERVICE_ACCOUNT = { kind: "ServiceAccount", name: NAME, namespace: NAMESPACE };

/** A binding of metrics-server's ServiceAccount to a role; a RoleBinding lives in kube-system, beside the Role. */
function binding(kind: "RoleBinding" | "ClusterRoleBinding", name: string, roleKind: "Role" | "ClusterRole", roleName: string): KubeObject {
    return {
        apiVersion: "rbac.authorization.k8s.io/v1",
        kind,
        metadata: compact({ name, namespace: kind === "RoleBinding" ? NAMESPACE : undefined, labels: LABELS }),
        roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: roleKind, name: roleName },
        subjects: [SERVICE_ACCOUNT],
    };
}

/**
 * The objects of metrics-server's release manifest (`components.yaml` of METRICS_SERVER_VERSION), by role, with the
 * kubelet flag kind needs and container limits added.
 */
export function metricsServerObjects(args: MetricsServerArgs = {}): Record<string, KubeObject> {
    const resources = args.resources ?? DEFAULT_METRICS_SERVER_RESOURCES;
    const containerArgs = [
        "--cert-dir=/tmp",
        "--secure-port=10250",
        "--kubelet-preferred-address-types=InternalIP,ExternalIP,Hostname",
        "--kubelet-use-node-status-port",
        "--metric-resolution=15s",
        ...((args.kubeletInsecureTls ?? DEFAULT_KUBELET_INSECURE_TLS) ? ["--kubelet-insecure-tls"] : []),
    ];
    return {
        serviceAccount: {
            apiVersion: "v1",
            kind: "ServiceAccount",
            metadata: { name: NAME, namespace: NAMESPACE, labels: LABELS },
        },
        aggregatedMetricsReader: {
            apiVersion: "rbac.authorization.k8s.io/v1",
            kind: "ClusterRole",
            metadata: {
                name: "system:aggregated-metrics-reader",
                labels: {
                    ...LABELS,
                    // Lets the built-in view/edit/admin roles read metrics (`kubectl top`).
                    "rbac.authorization.k8s.io/aggregate-to-admin": "true",
                    "rbac.authorization.k8s.io/aggregate-to-edit": "true",
                    "rbac.authorization.k8s.io/aggregate-to-view": "true",
                },
            },
            rules: [{ apiGroups: ["metrics.k8s.io"], resources: ["pods", "nodes"], verbs: ["get", "list", "watch"] }],
        },
        clusterRole: {
            apiVersion: "rbac.authorization.k8s.io/v1",
            kind: "ClusterRole",
            metadata: { name: "system:metrics-server", labels: LABELS },
            rules: [
                { apiGroups: [""], resources: ["nodes/metrics"], verbs: ["get"] },
                { apiGroups: [""], resources: ["pods", "nodes"], verbs: ["get", "list", "watch"] },
            ],
        },
        authReaderBinding: binding("RoleBinding", "metrics-server-auth-reader", "Role", "extension-apiserver-authentication-reader"),
        authDelegatorBinding: binding("ClusterRoleBinding", "metrics-server:system:auth-delegator", "ClusterRole", "system:auth-delegator"),
        clusterRoleBinding: binding("ClusterRoleBinding", "system:metrics-server", "ClusterRole", "system:metrics-server"),
        service: {
            apiVersion: "v1",
            kind: "Service",
            metadata: { name: NAME, namespace: NAMESPACE, labels: LABELS },
            spec: { ports: [{ name: "https", port: 443, protocol: "TCP", targetPort: "https" }], selector: LABELS },
        },
        deployment: {
            apiVersion: "apps/v1",
            kind: "Deployment",
            metadata: { name: NAME, namespace: NAMESPACE, labels: LABELS },
            spec: {
                selector: { matchLabels: LABELS },
                strategy: { rollingUpdate: { maxUnavailable: 0 } },
                template: {
                    metadata: { labels: LABELS },
                    spec: {
                        containers: [{
                            name: NAME,
                            image: METRICS_SERVER_IMAGE,
                            imagePullPolicy: "IfNotPresent",
                            args: containerArgs,
                            ports: [{ name: "https", containerPort: 10250, protocol: "TCP" }],
                            livenessProbe: {
                                httpGet: { path: "/livez", port: "https", scheme: "HTTPS" },
                                periodSeconds: 10,
                                failureThreshold: 3,
                            },
                            readinessProbe: {
                                httpGet: { path: "/readyz", port: "https", scheme: "HTTPS" },
                                initialDelaySeconds: 20,
                                periodSeconds: 10,
                                failureThreshold: 3,
                            },
                            resources,
                            // Upstream's settings, which meet the Pod Security Standards "restricted" profile.
                            securityContext: {
                                allowPrivilegeEscalation: false,
                                capabilities: { drop: ["ALL"] },
                                readOnlyRootFilesystem: true,
                                runAsNonRoot: true,
                                runAsUser: 1000,
                                seccompProfile: { type: "RuntimeDefault" },
                            },
                            volumeMounts: [{ name: "tmp-dir", mountPath: "/tmp" }],
                        }],
                        nodeSelector: { "kubernetes.io/os": "linux" },
                        priorityClassName: "system-cluster-critical",
                        serviceAccountName: NAME,
                        volumes: [{ name: "tmp-dir", emptyDir: {} }],
                    },
                },
            },
        },
        apiService: {
            apiVersion: "apiregistration.k8s.io/v1",
            kind: "APIService",
            metadata: { name: "v1beta1.metrics.k8s.io", labels: LABELS },
            spec: {
                group: "metrics.k8s.io",
                version: "v1beta1",
                groupPriorityMinimum: 100,
                versionPriority: 100,
                // metrics-server serves a self-signed certificate (--cert-dir=/tmp); upstream skips verification too.
                insecureSkipTLSVerify: true,
                service: { name: NAME, namespace: NAMESPACE },
            },
        },
    };
}
