// A fixed-size web app through its life on the local cluster, each step a real `pulumi up`: spread over the workers,
// drift behind Pulumi's back, a rolling update watched pod by pod, a version that never becomes ready, and the switch from
// fixed replicas to autoscaling.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NEVER_READY_LABEL, NEVER_READY_VALUE } from "../../scripts/local-cluster/emulation";
import { KubeJson, LiveStack, localStackConfig, requireLocalCluster, resourceSummary, sampleWhile, webApp } from "./live-stack";

const NAMESPACE = "it-rollout";
const WORKERS = ["kube-appstack-local-worker", "kube-appstack-local-worker2"];
let stack: LiveStack;

/** The stack with one web app: fixed at 3 replicas unless the test says otherwise. */
function config(web: Record<string, unknown> = {}): Record<string, unknown> {
    return localStackConfig(NAMESPACE, { apps: [webApp({ autoscaling: undefined, replicas: 3, ...web })], storage: [] });
}

beforeAll(async () => {
    requireLocalCluster();
    stack = await LiveStack.create("it-rollout", config());
});

afterAll(async () => {
    await stack?.cleanup();
});

const webPods = (): KubeJson[] => stack.list("pods", "app.kubernetes.io/name=web");
const readyPods = (): number => webPods().filter((p) =>
    !p.metadata.deletionTimestamp && (p.status.conditions as KubeJson[] | undefined)?.some((c) => c.type === "Ready" && c.status === "True")).length;
const replicaSets = (): KubeJson[] => stack.list("replicasets", "app.kubernetes.io/name=web");

describe("a fixed-size app through its life", () => {
    it("deploys 3 ready replicas spread over both workers, none on the control plane", async () => {
        await stack.up();
        const deployment = stack.get("deployment", "web");
        expect(deployment.status.readyReplicas).toBe(3);
        expect([...new Set(webPods().map((p) => p.spec.nodeName as string))].sort()).toEqual(WORKERS);
        expect(stack.get("pdb", "web").status).toMatchObject({ expectedPods: 3, currentHealthy: 3, disruptionsAllowed: 1 });
    });

    it("sees drift in `pulumi preview --refresh` and restores the declared state with `pulumi up --refresh`", async () => {
        stack.kubectl(["scale", "deployment/web", "--replicas=5"]);
        stack.kubectl(["set", "resources", "deployment/web", "--limits=cpu=400m"]);
        const preview = await stack.preview(["--refresh", "--expect-no-changes", "--diff"], { allowFailure: true });
        expect(preview.code).not.toBe(0);
        expect(preview.output).toMatch(/replicas\s*:\s*5\s*=>\s*3/);
        expect(preview.output).toMatch(/cpu\s*:\s*"400m"\s*=>\s*"500m"/);

        await stack.up(["--refresh"]);
        const deployment = stack.get("deployment", "web");
        expect(deployment.spec.replicas).toBe(3);
        expect(deployment.spec.template.spec.containers[0].resources.limits.cpu).toBe("500m");
        await stack.preview(["--refresh", "--expect-no-changes"]);
    });

    it("rolls a new image out without ever going below 3 available pods, and scales the old ReplicaSet to zero", async () => {
        const before = stack.get("deployment", "web").metadata.generation as number;
        stack.setConfig(config({ image: "nginxinc/nginx-unprivileged:1.27.4-alpine" }));
        const { result, samples } = await sampleWhile(() => stack.up(), () => ({
            available: stack.get("deployment", "web").status.availableReplicas as number,
            ready: readyPods(),
        }));
        expect(result.output).toMatch(/kubernetes:apps\/v1:Deployment\s+web\s+updated/);
        expect(samples.length).toBeGreaterThan(3);
        expect(Math.min(...samples.map((s) => s.available))).toBeGreaterThanOrEqual(3);
        expect(Math.min(...samples.map((s) => s.ready))).toBeGreaterThanOrEqual(3);

        const deployment = stack.get("deployment", "web");
        expect(deployment.metadata.generation).toBeGreaterThan(before);
        const sets = replicaSets();
        const current = sets.find((rs) => rs.spec.template.spec.containers[0].image.endsWith(":1.27.4-alpine"));
        expect(current?.status.readyReplicas).toBe(3);
        for (const old of sets.filter((rs) => rs !== current)) expect(old.spec.replicas).toBe(0);
    });

    it("fails `pulumi up` within its wait when the new version never becomes ready, and the old version keeps serving", async () => {
        stack.setConfig(config({
            image: "nginxinc/nginx-unprivileged:1.27.5-alpine",
            labels: { [NEVER_READY_LABEL]: NEVER_READY_VALUE },
            rollout: { progressDeadlineSeconds: 20 },
            readyTimeoutSeconds: 60,
        }));
        const started = Date.now();
        const result = await stack.up([], { allowFailure: true });
        const seconds = (Date.now() - started) / 1000;
        expect(result.code).not.toBe(0);
        expect(seconds).toBeLessThan(150);
        expect(result.output).toContain("ProgressDeadlineExceeded");
        expect(result.output).toMatch(/containers with unready status: \[web\]/);

        // The old pods still serve: ready, and still the Service's endpoints.
        expect(readyPods()).toBeGreaterThanOrEqual(3);
        const old = replicaSets().find((rs) => rs.spec.template.spec.containers[0].image.endsWith(":1.27.4-alpine"));
        expect(old?.status.readyReplicas).toBe(3);
        const endpoints = stack.list("endpointslices", "kubernetes.io/service-name=web").flatMap((s) => (s.endpoints ?? []) as KubeJson[]);
        const oldPods = webPods().filter((p) => p.metadata.labels["pod-template-hash"] === old?.metadata.labels["pod-template-hash"]);
        expect(endpoints.filter((e) => e.conditions.ready).map((e) => e.targetRef.name).sort())
            .toEqual(oldPods.map((p) => p.metadata.name).sort());

        // Going back to the working version completes the stack again.
        stack.setConfig(config({ image: "nginxinc/nginx-unprivileged:1.27.4-alpine" }));
        await stack.up();
        expect(readyPods()).toBe(3);
    });

    it("hands replicas over to a new autoscaler without ever dropping below the 3 running pods, with no field conflict", async () => {
        stack.setConfig(config({
            image: "nginxinc/nginx-unprivileged:1.27.4-alpine",
            replicas: undefined,
            autoscaling: { minReplicas: 2, maxReplicas: 5, cpuUtilization: 70 },
        }));
        const { result, samples } = await sampleWhile(() => stack.up(), () => ({
            replicas: stack.get("deployment", "web").spec.replicas as number,
            ready: readyPods(),
        }));
        expect(result.output).not.toMatch(/conflict/i);
        expect(Math.min(...samples.map((s) => s.ready))).toBeGreaterThanOrEqual(3);
        expect(Math.min(...samples.map((s) => s.replicas))).toBeGreaterThanOrEqual(3);
        const deployment = stack.get("deployment", "web");
        expect(deployment.spec.replicas).toBe(3);
        expect(readyPods()).toBe(3);
        // Pulumi's own field manager no longer claims spec.replicas: the autoscaler's count is left alone by the next update.
        const fields = JSON.parse(stack.kubectl(["get", "deployment", "web", "--show-managed-fields", "-o", "json"])) as KubeJson;
        const owners = (fields.metadata.managedFields as KubeJson[])
            .filter((m) => JSON.stringify(m.fieldsV1?.["f:spec"] ?? {}).includes('"f:replicas"')).map((m) => m.manager as string);
        expect(owners.length).toBeGreaterThan(0);
        expect(owners.filter((m) => /^pulumi-kubernetes-/.test(m))).toEqual([]);
        // The next update drops the hand-over patch from the stack (retained in the cluster, so the field stays owned),
        // and the count stays; after that, updates change nothing.
        const next = await stack.up();
        expect(resourceSummary(next.output).deleted).toBe(1);
        expect(next.output).toMatch(/kubernetes:apps\/v1:DeploymentPatch\s+web-replicas-handover\s+deleted/);
        expect(stack.get("deployment", "web").spec.replicas).toBe(3);
        expect(Object.keys(resourceSummary((await stack.up()).output))).toEqual(["unchanged"]);
    });
});
