import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { KindCluster } from "../components/kind-cluster";
import { MetricsServer } from "../components/metrics-server";
import { defaultKindClusterName, StackConfig, wantsMetricsServer } from "../config/stack-config";

export interface ClusterConnection {
    provider: k8s.Provider;
    /** The kubeconfig of a cluster the stack created (kind), as a secret. */
    kubeconfig?: pulumi.Output<string>;
    /** Resources the apps must wait for (metrics-server on kind, so HPAs have metrics from their first minute). */
    readyFor: pulumi.Resource[];
}

/** kind cluster name when the stack config gives none: one cluster per stack. */
/**
 * The one explicit Kubernetes provider every resource of the stack uses: the ambient kubeconfig is never consulted.
 * `clusterIdentifier` pins the provider's identity to the cluster, so rotated credentials, a changed kubeconfig path or
 * an added proxy update the provider in place instead of replacing it and, with it, every resource of the stack.
 */
export function clusterConnection(stack: string, cluster: StackConfig["cluster"]): ClusterConnection {
    if (cluster.renderYamlToDirectory !== undefined) {
        // kubeconfig "": otherwise the SDK fills it from $KUBECONFIG, and the provider refuses a kubeconfig beside
        // renderYamlToDirectory, so render mode would fail on any machine with KUBECONFIG set.
        const provider = new k8s.Provider("render", { renderYamlToDirectory: cluster.renderYamlToDirectory, kubeconfig: "" });
        return { provider, readyFor: [] };
    }
    if (cluster.kubeconfig !== undefined) {
        const provider = new k8s.Provider("cluster", {
            kubeconfig: cluster.kubeconfig.path,
            context: cluster.kubeconfig.context,
            clusterIdentifier: cluster.kubeconfig.context,
        });
        return { provider, readyFor: [] };
    }
    const args = cluster.kind ?? {};
    const kind = new KindCluster("kind", { ...args, name: args.name ?? defaultKindClusterName(stack) });
    const provider = new k8s.Provider("kind", {
        kubeconfig: kind.kubeconfig,
        context: kind.contextName,
        clusterIdentifier: kind.clusterName,
        // A kind cluster deleted by hand is gone with everything in it: refresh and destroy drop its resources from the
        // state instead of failing on an unreachable API server.
        deleteUnreachable: true,
    });
    const readyFor = wantsMetricsServer(cluster) ? [new MetricsServer("metrics-server", {}, { provider })] : [];
    return { provider, kubeconfig: kind.kubeconfig, readyFor };
}
