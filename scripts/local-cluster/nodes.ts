// The local cluster's nodes, shaped like the dev stack's kind cluster (one control-plane node, two workers, kind's node
// names and labels), with zone labels kind lacks so that zone spreading can be tried too. KWOK plays their kubelets.

export interface LocalNode {
    name: string;
    controlPlane: boolean;
    /** Loopback only: metrics-server connects to this address to scrape the node's (emulated) kubelet. */
    internalIP: string;
    zone: string;
}

/** Capacity of every node: a laptop-sized machine, so the scheduler can run out of room as it would on kind. */
export const NODE_CAPACITY = { cpu: "4", memory: "8Gi", pods: "110", "ephemeral-storage": "100Gi" };

export function localNodes(cluster: string): LocalNode[] {
    return [
        { name: `${cluster}-control-plane`, controlPlane: true, internalIP: "127.0.0.1", zone: "local-a" },
        { name: `${cluster}-worker`, controlPlane: false, internalIP: "127.0.0.2", zone: "local-a" },
        { name: `${cluster}-worker2`, controlPlane: false, internalIP: "127.0.0.3", zone: "local-b" },
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
            annotations: { "kwok.x-k8s.io/node": "fake", "node.alpha.kubernetes.io/ttl": "0" },
            labels: {
                "kubernetes.io/hostname": node.name,
                "kubernetes.io/os": "linux",
                "kubernetes.io/arch": "amd64",
                "topology.kubernetes.io/zone": node.zone,
                ...(node.controlPlane ? { "node-role.kubernetes.io/control-plane": "" } : {}),
            },
        },
        spec: node.controlPlane ? { taints: [{ key: "node-role.kubernetes.io/control-plane", effect: "NoSchedule" }] } : {},
        status: {
            addresses: [{ type: "InternalIP", address: node.internalIP }, { type: "Hostname", address: node.name }],
            allocatable: NODE_CAPACITY,
            capacity: NODE_CAPACITY,
            nodeInfo: { kubeletVersion: `v${kubernetesVersion}`, operatingSystem: "linux", architecture: "amd64" },
        },
    };
}
