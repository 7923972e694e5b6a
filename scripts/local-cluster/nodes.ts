// The local cluster's nodes, shaped like the dev stack's kind cluster (one control-plane node, two workers, kind's node
// names and labels), with zone labels kind lacks so that zone spreading can be tried too. KWOK plays their kubelets.

export interface LocalNode {
    name: string;
    controlPlane: boolean;
    zone: string;
    /** The node's share of the pod range (kind gives each node a /24 of 10.244.0.0/16 too). */
    podCIDR: string;
}

/**
 * Every node's InternalIP. metrics-server scrapes each node's kubelet at this address; all emulated kubelets are one
 * KWOK process listening on loopback only, which serves each node under its own path (the resource-metrics-path
 * annotation). Other loopback addresses would not reach it, and a non-loopback one must never be scraped from here.
 */
export const NODE_IP = "127.0.0.1";

/** Capacity of every node: a laptop-sized machine, so the scheduler can run out of room as it would on kind. */
export const NODE_CAPACITY = { cpu: "4", memory: "8Gi", pods: "110", "ephemeral-storage": "100Gi" };

export function localNodes(cluster: string): LocalNode[] {
    return [
        { name: `${cluster}-control-plane`, controlPlane: true, zone: "local-a", podCIDR: "10.244.0.0/24" },
        { name: `${cluster}-worker`, controlPlane: false, zone: "local-a", podCIDR: "10.244.1.0/24" },
        { name: `${cluster}-worker2`, controlPlane: false, zone: "local-b", podCIDR: "10.244.2.0/24" },
    ];
}

/**
 * A Node object that KWOK takes over (annotation `kwok.x-k8s.io/node: fake`). Like kind with workers, the control-plane
 * node keeps its NoSchedule taint, so apps run on the workers.
 */
export function nodeObject(node: LocalNode, kubernetesVersion: string): Record<string, unknown> {
    return {
        apiVersion: "v1",
        kind: "Node",
        metadata: {
            name: node.name,
            annotations: {
                "kwok.x-k8s.io/node": "fake",
                "node.alpha.kubernetes.io/ttl": "0",
                "metrics.k8s.io/resource-metrics-path": `/metrics/nodes/${node.name}/metrics/resource`,
            },
            labels: {
                "kubernetes.io/hostname": node.name,
                "kubernetes.io/os": "linux",
                "kubernetes.io/arch": "amd64",
                "topology.kubernetes.io/zone": node.zone,
                ...(node.controlPlane ? { "node-role.kubernetes.io/control-plane": "" } : {}),
            },
        },
        spec: {
            podCIDR: node.podCIDR,
            podCIDRs: [node.podCIDR],
            ...(node.controlPlane ? { taints: [{ key: "node-role.kubernetes.io/control-plane", effect: "NoSchedule" }] } : {}),
        },
        status: {
            addresses: [{ type: "InternalIP", address: NODE_IP }, { type: "Hostname", address: node.name }],
            allocatable: NODE_CAPACITY,
            capacity: NODE_CAPACITY,
            nodeInfo: { kubeletVersion: `v${kubernetesVersion}`, operatingSystem: "linux", architecture: "amd64" },
        },
    };
}
