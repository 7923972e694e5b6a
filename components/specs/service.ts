import { z } from "zod";
import { code, intIn, port } from "../../kube/schemas";
import { compact, KubeObject } from "./kube-object";
import { selectorLabels } from "./labels";

export const DEFAULT_SERVICE_TYPE = "ClusterIP";
export const DEFAULT_SERVICE_PORT = 80;

/** How the app is reached inside (and optionally outside) the cluster. */
export const serviceSchema = z.strictObject({
    type: z.enum(["ClusterIP", "NodePort", "LoadBalancer"]).optional().meta({
        description: "ClusterIP (inside the cluster only), NodePort (also on every node's IP) or LoadBalancer (a cloud load balancer).",
        default: code(DEFAULT_SERVICE_TYPE),
    }),
    port: port.optional().meta({ description: "Port clients connect to; traffic goes to the container port.", default: code(DEFAULT_SERVICE_PORT) }),
    nodePort: intIn(30000, 32767).optional().meta({
        description: "Fixed node port for NodePort/LoadBalancer, e.g. to match a kind port mapping.",
        default: "assigned by Kubernetes",
    }),
}).meta({ title: "Service" });

export type ServiceArgs = z.infer<typeof serviceSchema>;

/** In-cluster DNS name of a Service. */
export function serviceDnsName(service: string, namespace: string): string {
    return `${service}.${namespace}.svc.cluster.local`;
}

/** A Service named `name` in front of the pods of `app`. */
export function service(
    name: string,
    app: string,
    namespace: string,
    labels: Record<string, string>,
    targetPort: number,
    args: ServiceArgs = {},
    options: { headless?: boolean } = {},
): KubeObject {
    const port = args.port ?? (options.headless ? targetPort : DEFAULT_SERVICE_PORT);
    return {
        apiVersion: "v1",
        kind: "Service",
        metadata: { name, namespace, labels },
        spec: compact({
            type: options.headless ? "ClusterIP" : args.type ?? DEFAULT_SERVICE_TYPE,
            // A headless Service gives each StatefulSet pod its own stable DNS name (pod-0.<service>...).
            clusterIP: options.headless ? "None" : undefined,
            // Peers of a stateful app must find each other before they are ready (e.g. to form a quorum).
            publishNotReadyAddresses: options.headless ? true : undefined,
            selector: selectorLabels(app),
            ports: [compact({ name: "http", port, targetPort, protocol: "TCP", nodePort: args.nodePort })],
        }),
    };
}
