import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { KindCluster } from "../../components/kind-cluster";
import { KIND_CLUSTER_TYPE } from "../../components/kind-cluster-provider";

// The component under Pulumi's mocks: what it registers and what it exposes. The provider's own behaviour is tested
// directly against a fake kind (kind-provider.test.ts).

const registered: { type: string; name: string; inputs: Record<string, unknown> }[] = [];
const KUBECONFIG = "apiVersion: v1\nclusters:\n- cluster:\n    server: https://127.0.0.1:40000\n  name: kind-dev\n";

function value<T>(output: pulumi.Output<T>): Promise<T> {
    return new Promise((resolve) => output.apply(resolve));
}

beforeAll(async () => {
    await pulumi.runtime.setMocks({
        newResource: (args) => {
            registered.push({ type: args.type, name: args.name, inputs: args.inputs as Record<string, unknown> });
            const state = args.type === KIND_CLUSTER_TYPE
                ? { ...args.inputs, kubeconfig: KUBECONFIG, contextName: "kind-dev", apiServerEndpoint: "https://127.0.0.1:40000", nodeNames: ["dev-control-plane"] }
                : args.inputs;
            return { id: `${args.name}-id`, state };
        },
        call: (args) => args.inputs,
    }, "kube-appstack", "dev", false);
});

describe("KindCluster", () => {
    let cluster: KindCluster;
    beforeAll(async () => {
        cluster = new KindCluster("dev", { workerNodes: 1, extraMounts: [{ hostPath: ".data", containerPath: "/var/local-data" }] });
        await value(cluster.urn);
        await value(cluster.nodeNames);
    });

    it("registers one cluster of the kind provider plugin under the component, with its rendered kind config", async () => {
        expect(await value(cluster.urn)).toMatch(/::kube-appstack:index:KindCluster::dev$/);
        const clusters = registered.filter((r) => r.type === KIND_CLUSTER_TYPE);
        expect(clusters).toHaveLength(1);
        expect(KIND_CLUSTER_TYPE).toBe("kube-appstack-kind:index:Cluster");
        const inputs = clusters[0].inputs;
        expect(inputs).toMatchObject({ name: "dev", controlPlaneNodes: 1, workerNodes: 1, waitTimeout: "180s" });
        // Relative mount paths are resolved against the directory Pulumi runs the program in.
        const config = parse(inputs.kindConfig as string) as { nodes: { role: string; extraMounts: { hostPath: string }[] }[] };
        expect(config.nodes.map((n) => n.role)).toEqual(["control-plane", "worker"]);
        expect(config.nodes[0].extraMounts[0].hostPath).toBe(`${process.cwd()}/.data`);
        // Only data: no provider code travels with the resource any more (a dynamic provider's serialized copy did).
        expect(Object.keys(inputs).sort()).toEqual([
            "controlPlaneNodes", "extraMounts", "extraPortMappings", "kindConfig", "name", "nodeImage", "nodeLabels", "owner", "waitTimeout", "workerNodes",
        ]);
    });

    it("exposes the cluster name and context at preview time and the kubeconfig as a secret", async () => {
        expect(cluster.clusterName).toBe("dev");
        expect(cluster.contextName).toBe("kind-dev");
        expect(await pulumi.isSecret(cluster.kubeconfig)).toBe(true);
        expect(await value(cluster.kubeconfig)).toBe(KUBECONFIG);
        expect(await value(cluster.apiServerEndpoint)).toBe("https://127.0.0.1:40000");
        expect(await value(cluster.nodeNames)).toEqual(["dev-control-plane"]);
    });

    it("refuses invalid args before registering anything, listing every problem", () => {
        const before = registered.length;
        expect(() => new KindCluster("bad", { workerNodes: -1, nodeImage: "kindest/node:latest" })).toThrow(
            /^KindCluster "bad" has invalid args:\n {2}- args\.nodeImage: "kindest\/node:latest" is not pinned; .*\n {2}- args\.workerNodes: -1 is out of range; allowed: an integer from 0 to 20$/,
        );
        expect(() => new KindCluster("Dev_Cluster")).toThrow(
            /^KindCluster "Dev_Cluster" has invalid args \(args\.name defaults to the resource name\):\n {2}- args\.name: "Dev_Cluster" is not a valid cluster name/,
        );
        expect(registered.slice(before)).toEqual([]);
    });
});
