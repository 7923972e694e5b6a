import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { StackConfig } from "../config/stack-config";

export interface ClusterConnection {
    provider: k8s.Provider;
    /** The kubeconfig of a cluster the stack created (kind), as a secret. */
    kubeconfig?: pulumi.Output<string>;
    /** Resources the apps must wait for (e.g. metrics-server on kind). */
    readyFor: pulumi.Resource[];
}

/**
 * The one explicit Kubernetes provider every resource of the stack uses: the ambient kubeconfig is never consulted.
 * `clusterIdentifier` pins the provider's identity to the cluster, so rotated credentials or a changed kubeconfig path
 * update the provider in place instead of replacing it and, with it, every resource of the stack.
 */
export function clusterConnection(stack: string, cluster: StackConfig["cluster"]): ClusterConnection {
    if (cluster.renderYamlToDirectory !== undefined) {
        return {
            provider: new k8s.Provider("render", { renderYamlToDirectory: cluster.renderYamlToDirectory }),
            readyFor: [],
        };
    }
    if (cluster.kubeconfig !== undefined) {
        return {
            provider: new k8s.Provider("cluster", {
                kubeconfig: cluster.kubeconfig.path,
                context: cluster.kubeconfig.context,
                clusterIdentifier: cluster.kubeconfig.context,
            }),
            readyFor: [],
        };
    }
    throw new Error(`stack "${stack}": kind clusters are not wired yet`);
}
