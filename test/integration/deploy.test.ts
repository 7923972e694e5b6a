// The local stack (the dev stack's apps) deployed onto the local cluster by a real `pulumi up` with the policy pack, then
// checked the way Kubernetes sees it: objects, rollout, endpoints, autoscaler, disruption budget, claims, spreading.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { renderStack } from "../../cli/render";
import { emulateCpuLoad, kubectl, KubeJson, LiveStack, localStackConfig, requireLocalCluster, resourceSummary } from "./live-stack";
import { waitFor } from "../support/wait-for";

const NAMESPACE = "it-deploy";
let stack: LiveStack;

beforeAll(async () => {
    requireLocalCluster();
    // The local stack as it is, but for the web Service's fixed nodePort: node ports are cluster-wide, and a developer's
    // own `npm run local` may hold 30080 on this cluster.
    const config = localStackConfig(NAMESPACE);
    const apps = (config["kube-appstack:apps"] as Array<Record<string, unknown>>)
        .map((app) => (app.name === "web" ? { ...app, service: { type: "NodePort", port: 80 } } : app));
    stack = await LiveStack.create("it-deploy", { ...config, "kube-appstack:apps": apps });
});

afterAll(async () => {
    await stack?.cleanup();
});

const condition = (object: KubeJson, type: string): KubeJson | undefined =>
    (object.status?.conditions as KubeJson[] | undefined)?.find((c) => c.type === type);

describe("the local stack on the local cluster", () => {
    it("deploys with `pulumi up`: every object the stack declares exists in the cluster", async () => {
        const result = await stack.up();
        expect(result.output).toContain("kube-appstack@v"); // the policy pack ran
        const expected = renderStack(stack.project.dir, stack.name);
        expect(expected.map((o) => `${o.kind}/${o.metadata.name}`).sort()).toEqual([
            "Deployment/web", "HorizontalPodAutoscaler/web", "Ingress/web", "LimitRange/default-resources", "Namespace/it-deploy",
            "PersistentVolume/it-deploy-shared-data", "PersistentVolumeClaim/shared-data", "PodDisruptionBudget/web",
            "Service/cache-headless", "Service/web", "ServiceAccount/cache", "ServiceAccount/web", "StatefulSet/cache",
        ]);
        for (const object of expected) {
            const ns = object.metadata.namespace ? ["-n", object.metadata.namespace] : [];
            const kind = `${object.kind}.${object.apiVersion.includes("/") ? object.apiVersion.split("/")[0] : ""}`.replace(/\.$/, "");
            expect(() => kubectl(["get", ...ns, kind, object.metadata.name]), `${object.kind} ${object.metadata.name}`).not.toThrow();
        }
    });

    it("rolls the web Deployment out: Available, with the autoscaler's minimum of replicas, all ready", () => {
        const deployment = stack.get("deployment", "web");
        expect(condition(deployment, "Available")?.status).toBe("True");
        expect(deployment.spec.replicas).toBe(1);
        expect(deployment.status.readyReplicas).toBe(1);
        expect(deployment.status.updatedReplicas).toBe(1);
    });

    it("routes the web Service to exactly the web pods, ready", () => {
        const pods = stack.list("pods", "app.kubernetes.io/name=web").map((p) => p.metadata.name as string).sort();
        const slices = stack.list("endpointslices", "kubernetes.io/service-name=web");
        const endpoints = slices.flatMap((s) => (s.endpoints ?? []) as KubeJson[]);
        expect(endpoints.map((e) => e.targetRef.name).sort()).toEqual(pods);
        expect(endpoints.every((e) => e.conditions.ready === true)).toBe(true);
        expect(slices[0].ports).toEqual([{ name: "http", port: 8080, protocol: "TCP" }]);
    });

    it("runs the web autoscaler on CPU metrics from metrics-server", async () => {
        const hpa = await waitFor("the web HPA to read CPU", 120_000, () => {
            const h = stack.get("hpa", "web");
            return condition(h, "ScalingActive")?.status === "True" && h.status.currentMetrics?.[0]?.resource ? h : undefined;
        });
        expect(condition(hpa, "ScalingActive")?.reason).toBe("ValidMetricFound");
        expect(hpa.status.currentMetrics[0].resource.name).toBe("cpu");
        expect(typeof hpa.status.currentMetrics[0].resource.current.averageUtilization).toBe("number");
    });

    it("lets the web disruption budget evict one pod", async () => {
        const pdb = await waitFor("the web PDB to count its pods", 60_000, () => {
            const p = stack.get("pdb", "web");
            return p.status?.expectedPods === 1 ? p : undefined;
        });
        expect(pdb.status).toMatchObject({ currentHealthy: 1, desiredHealthy: 0, disruptionsAllowed: 1 });
    });

    it("gives the stateful cache its own claim, bound to a volume provisioned by StorageClass standard on the pod's node", () => {
        const sts = stack.get("statefulset", "cache");
        expect(sts.status.readyReplicas).toBe(1);
        const pod = stack.get("pod", "cache-0");
        const claim = stack.get("pvc", "data-cache-0");
        expect(claim.status.phase).toBe("Bound");
        expect(claim.spec.storageClassName).toBe("standard");
        const volume = JSON.parse(kubectl(["get", "pv", claim.spec.volumeName, "-o", "json"])) as KubeJson;
        expect(volume.spec.nodeAffinity.required.nodeSelectorTerms[0].matchExpressions[0].values).toEqual([pod.spec.nodeName]);
        expect(volume.spec.persistentVolumeReclaimPolicy).toBe("Delete");
    });

    it("binds the hand-provisioned claim to its own Retain volume", () => {
        const claim = stack.get("pvc", "shared-data");
        expect(claim.status.phase).toBe("Bound");
        expect(claim.spec.volumeName).toBe(`${NAMESPACE}-shared-data`);
        const volume = JSON.parse(kubectl(["get", "pv", claim.spec.volumeName, "-o", "json"])) as KubeJson;
        expect(volume.spec.persistentVolumeReclaimPolicy).toBe("Retain");
        expect(volume.spec.claimRef).toMatchObject({ namespace: NAMESPACE, name: "shared-data" });
    });

    it("is idempotent: a second `pulumi up` changes nothing, and `pulumi preview --expect-no-changes` passes", async () => {
        const again = await stack.up();
        const summary = resourceSummary(again.output);
        expect(Object.keys(summary)).toEqual(["unchanged"]);
        await stack.preview(["--expect-no-changes"]);
    });

    it("scales web up on emulated CPU load, and a later `pulumi up` keeps the autoscaler's count", async () => {
        // Every web pod reports 400m of CPU (160% of its 250m request, above the 70% target) while the load runs.
        const load = emulateCpuLoad(NAMESPACE, "app.kubernetes.io/name=web", "400m");
        try {
            const scaled = await waitFor("the autoscaler to scale web to its maximum (3), all available", 240_000, () => {
                const d = stack.get("deployment", "web");
                return d.spec.replicas === 3 && d.status.availableReplicas === 3 ? d : undefined;
            });
            expect(scaled.spec.replicas).toBe(3);
            const nodes = new Set(stack.list("pods", "app.kubernetes.io/name=web").map((p) => p.spec.nodeName as string));
            expect([...nodes].sort()).toEqual(["kube-appstack-local-worker", "kube-appstack-local-worker2"]);

            await stack.preview(["--refresh", "--expect-no-changes"]);
            const again = await stack.up();
            expect(Object.keys(resourceSummary(again.output))).toEqual(["unchanged"]);
            expect(stack.get("deployment", "web").spec.replicas).toBe(3);
        } finally {
            load.stop();
        }
    });
});
