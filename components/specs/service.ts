import { z } from "zod";
import { code, intIn, port } from "../../kube/schemas";
import { compact, KubeObject } from "./kube-object";
import { selectorLabels } from "./labels";
import { type AppPort, DEFAULT_SERVICE_PORT } from "./ports";

export { DEFAULT_SERVICE_PORT } from "./ports";

export const DEFAULT_SERVICE_TYPE = "ClusterIP";
/** The Service types that open a port on every node. */
const NODE_PORT_TYPES: readonly string[] = ["NodePort", "LoadBalancer"];

/** How the app is reached inside (and optionally outside) the cluster. */
export const serviceSchema = z.strictObject({
    type: z.enum(["ClusterIP", "NodePort", "LoadBalancer"]).optional().meta({
        description: "ClusterIP (inside the cluster only), NodePort (also on every node's IP) or LoadBalancer (a cloud load balancer).",
        default: code(DEFAULT_SERVICE_TYPE),
    }),
    port: port.optional().meta({ description: "Port clients connect to; traffic goes to the container's \"http\" port (`port`). Each of `ports` has its own.", default: code(DEFAULT_SERVICE_PORT) }),
    nodePort: intIn(30000, 32767).optional().meta({
        description: "Fixed node port of the \"http\" port, e.g. to match a kind port mapping; only with type NodePort or LoadBalancer.",
        default: "assigned by Kubernetes",
    }),
}).superRefine((s, ctx) => {
    const type = s.type ?? DEFAULT_SERVICE_TYPE;
    // The API server refuses it rather than ignore it.
    if (s.nodePort !== undefined && !NODE_PORT_TYPES.includes(type)) {
        ctx.addIssue({
            code: "custom",
            path: ["nodePort"],
            message: `${s.nodePort} is set on a Service of type ${type}${s.type === undefined ? " (the default)" : ""}, which has no node port; allowed: nodePort with type ${NODE_PORT_TYPES.join(" or ")}, or no nodePort`,
        });
    }
}).meta({ title: "Service" });

export type ServiceArgs = z.infer<typeof serviceSchema>;

/** In-cluster DNS name of a Service. */
export function serviceDnsName(service: string, namespace: string): string {
    return `${service}.${namespace}.svc.cluster.local`;
}

/**
 * A Service named `name` in front of the pods of `app`, a port for each of theirs: the "http" port of `port` by number
 * (as before named ports), the others by name.
 */
export function service(
    name: string,
    app: string,
    namespace: string,
    labels: Record<string, string>,
    ports: readonly AppPort[],
    args: ServiceArgs = {},
    options: { headless?: boolean; scrapedLabels?: Record<string, string> } = {},
): KubeObject {
    return {
        apiVersion: "v1",
        kind: "Service",
        // The Service a ServiceMonitor scrapes carries the label it selects on.
        metadata: { name, namespace, labels: options.scrapedLabels ? { ...labels, ...options.scrapedLabels } : labels },
        spec: compact({
            type: options.headless ? "ClusterIP" : args.type ?? DEFAULT_SERVICE_TYPE,
            // A headless Service gives each StatefulSet pod its own stable DNS name (pod-0.<service>...).
            clusterIP: options.headless ? "None" : undefined,
            // Peers of a stateful app must find each other before they are ready (e.g. to form a quorum).
            publishNotReadyAddresses: options.headless ? true : undefined,
            selector: selectorLabels(app),
            ports: ports.map((p) => (p.servicePort === undefined
                ? compact({ name: p.name, port: args.port ?? (options.headless ? p.containerPort : DEFAULT_SERVICE_PORT), targetPort: p.containerPort, protocol: p.protocol, nodePort: args.nodePort })
                : compact({ name: p.name, port: p.servicePort, targetPort: p.name, protocol: p.protocol, appProtocol: p.appProtocol }))),
        }),
    };
}
