import { describe, expect, it } from "vitest";
import { checkObjects } from "../../policies/check";
import type { KubeObject } from "../../policies/kube-object";
import { defaultPolicyConfig } from "../../policies/policy-config";
import { container, deployment, hpa, messagesOf, pdb, statefulSet, violationsOf, withFields } from "./objects";

describe("rolling-update-safe", () => {
    const rolling = (replicas: number | undefined, maxUnavailable: unknown, maxSurge: unknown = "25%") =>
        withFields(deployment(), { "spec.replicas": replicas, "spec.strategy.rollingUpdate": { maxUnavailable, maxSurge } });

    it("fires for the Recreate strategy", () => {
        expect(messagesOf("rolling-update-safe", withFields(deployment(), { "spec.strategy": { type: "Recreate" } }))).toEqual([
            "uses the Recreate strategy, which stops every pod before starting the new ones",
        ]);
    });

    it.each([
        [3, 3, "25%"],
        [3, "100%", "25%"],
        [4, 5, "25%"],
        [1, 1, 0],
        // 10% of one replica rounds down to 0; with no surge the controller still takes that one pod down.
        [1, "10%", 0],
        // No spec.replicas means 1 replica.
        [undefined, "100%", "25%"],
    ])("fires for %s replica(s) with maxUnavailable %s and maxSurge %s", (replicas, maxUnavailable, maxSurge) => {
        expect(messagesOf("rolling-update-safe", rolling(replicas, maxUnavailable, maxSurge))).toHaveLength(1);
    });

    it("reports the replica count and the setting", () => {
        expect(messagesOf("rolling-update-safe", rolling(2, "100%"))).toEqual(['lets a rollout take all 2 replica(s) down at once (maxUnavailable "100%", maxSurge 1)']);
    });

    it.each([
        [3, 2, "25%"],
        [4, "50%", 0],
        // 99% of 3 rounds down to 2.
        [3, "99%", 0],
        [1, 0, 1],
        // The defaults (25%/25%) on one replica: no pod down, one surge pod.
        [1, undefined, undefined],
    ])("accepts %s replica(s) with maxUnavailable %s and maxSurge %s", (replicas, maxUnavailable, maxSurge) => {
        expect(messagesOf("rolling-update-safe", rolling(replicas, maxUnavailable, maxSurge))).toEqual([]);
    });

    it("accepts a Deployment without any strategy (RollingUpdate 25%/25%) and one scaled to zero", () => {
        expect(messagesOf("rolling-update-safe", withFields(deployment(), { "spec.strategy": undefined }), rolling(0, "100%"))).toEqual([]);
    });

    it("fires for a StatefulSet with OnDelete but not RollingUpdate", () => {
        const onDelete = withFields(statefulSet("a"), { "spec.updateStrategy": { type: "OnDelete" } });
        const rollingSet = withFields(statefulSet("b"), { "spec.updateStrategy": { type: "RollingUpdate" } });
        expect(violationsOf("rolling-update-safe", onDelete, rollingSet).map((v) => v.name)).toEqual(["a"]);
    });
});

describe("min-replicas", () => {
    it("fires for a single replica, written or defaulted", () => {
        const one = withFields(deployment("one"), { "spec.replicas": 1 });
        const unset = withFields(statefulSet("unset"), { "spec.replicas": undefined });
        expect(violationsOf("min-replicas", one, unset).map((v) => [v.kind, v.name, v.message])).toEqual([
            ["Deployment", "one", "runs 1 replica(s), fewer than 2, and no HorizontalPodAutoscaler targets it"],
            ["StatefulSet", "unset", "runs 1 replica(s), fewer than 2, and no HorizontalPodAutoscaler targets it"],
        ]);
    });

    it("accepts an HPA with minReplicas >= 2 targeting it by kind and name", () => {
        const web = withFields(deployment(), { "spec.replicas": undefined });
        expect(messagesOf("min-replicas", web, hpa())).toEqual([]);
    });

    it("fires when the HPA may scale below the threshold, whatever spec.replicas says", () => {
        const web = withFields(deployment(), { "spec.replicas": 3 });
        expect(messagesOf("min-replicas", web, withFields(hpa(), { "spec.minReplicas": undefined }))).toEqual([
            'may be scaled down to 1 replica(s), fewer than 2, by HorizontalPodAutoscaler "web" (minReplicas 1)',
        ]);
    });

    it("ignores HPAs that target another kind, another name or another namespace", () => {
        const web = withFields(deployment(), { "spec.replicas": 1 });
        const others = [hpa("web", "shop", "StatefulSet"), hpa("api"), hpa("web", "other")];
        expect(messagesOf("min-replicas", web, ...others)).toHaveLength(1);
    });

    it("uses its minReplicas parameter", () => {
        const config = new Map(defaultPolicyConfig());
        config.set("min-replicas", { level: "mandatory", params: { minReplicas: 4 } });
        const violations = checkObjects([deployment()], config).filter((v) => v.policy === "min-replicas");
        expect(violations.map((v) => [v.level, v.message])).toEqual([["mandatory", "runs 3 replica(s), fewer than 4, and no HorizontalPodAutoscaler targets it"]]);
    });
});

describe("min-replicas and pdb-allows-eviction with a crowd of HPAs on one workload", () => {
    it("judge 200,000 HPAs without overflowing the stack, and name five of them", () => {
        const crowd = Array.from({ length: 200_000 }, (_, i) => withFields(hpa("web"), { "metadata.name": `h${i}`, "spec.minReplicas": 1 }));
        const web = withFields(deployment(), { "spec.replicas": undefined });
        const report = checkObjects([web, ...crowd, withFields(pdb(), { "spec.maxUnavailable": undefined, "spec.minAvailable": 1 })], defaultPolicyConfig());
        expect(report.filter((v) => v.policy === "min-replicas").map((v) => v.message)).toEqual([
            'may be scaled down to 1 replica(s), fewer than 2, by HorizontalPodAutoscaler "h0", "h1", "h2", "h3", "h4" and 199995 more (minReplicas 1)',
        ]);
        expect(report.filter((v) => v.policy === "pdb-allows-eviction")).toHaveLength(1);
    });
});

describe("pdb-required under policy/v1beta1", () => {
    it("does not count a v1beta1 budget with an empty selector, which selected no pod before policy/v1", () => {
        const empty = (apiVersion: string) => withFields(pdb("all", "shop", {}), { apiVersion });
        expect(messagesOf("pdb-required", deployment(), empty("policy/v1beta1"))).toHaveLength(1);
        expect(messagesOf("pdb-required", deployment(), empty("policy/v1"))).toEqual([]);
    });
});

describe("pdb-required", () => {
    it("fires for 2+ replicas without a PDB, naming the pod labels", () => {
        expect(messagesOf("pdb-required", deployment())).toEqual(['runs 3 replicas but no PodDisruptionBudget in namespace "shop" selects its pods (app=web)']);
    });

    it("fires for an autoscaled workload even without spec.replicas", () => {
        const web = withFields(deployment(), { "spec.replicas": undefined });
        expect(messagesOf("pdb-required", web, hpa())).toEqual(['is autoscaled but no PodDisruptionBudget in namespace "shop" selects its pods (app=web)']);
    });

    it("accepts a PDB whose matchLabels or matchExpressions match the pod labels", () => {
        const byExpression = pdb("web", "shop", { matchExpressions: [{ key: "app", operator: "In", values: ["api", "web"] }] });
        const byExists = pdb("web", "shop", { matchExpressions: [{ key: "app", operator: "Exists" }] });
        expect(messagesOf("pdb-required", deployment(), byExpression)).toEqual([]);
        expect(messagesOf("pdb-required", deployment(), byExists)).toEqual([]);
        expect(messagesOf("pdb-required", statefulSet(), pdb("db"))).toEqual([]);
    });

    it("accepts an empty selector, which selects every pod in the namespace", () => {
        expect(messagesOf("pdb-required", deployment(), pdb("all", "shop", {}))).toEqual([]);
    });

    it("is not satisfied by a PDB in another namespace, with a mismatching selector, or without a selector", () => {
        const elsewhere = pdb("web", "other");
        const notIn = pdb("not-web", "shop", { matchLabels: { app: "web" }, matchExpressions: [{ key: "tier", operator: "In", values: ["db"] }] });
        const excluded = pdb("excluded", "shop", { matchExpressions: [{ key: "app", operator: "NotIn", values: ["web"] }] });
        const noSelector = pdb("none", "shop", null);
        expect(messagesOf("pdb-required", deployment(), elsewhere, notIn, excluded, noSelector)).toHaveLength(1);
    });

    it("does not ask single-replica workloads for one", () => {
        expect(messagesOf("pdb-required", withFields(deployment(), { "spec.replicas": 1 }))).toEqual([]);
    });
});

describe("hpa-target-has-requests", () => {
    const web = withFields(deployment(), { "spec.replicas": undefined });

    it("fires when the target's containers do not request the scaled resource", () => {
        const noCpu = withFields(web, { "spec.template.spec.containers.0.resources": { requests: { memory: "1Gi" }, limits: { memory: "1Gi" } } });
        expect(violationsOf("hpa-target-has-requests", noCpu, hpa()).map((v) => [v.kind, v.message])).toEqual([
            ["HorizontalPodAutoscaler", 'scales Deployment "web" on cpu utilization, but container "app" sets no cpu request (nor a limit, which would become one)'],
        ]);
    });

    it("counts a limit as the request the API server makes of it, and a LimitRange's default request", () => {
        const limitOnly = withFields(web, { "spec.template.spec.containers.0.resources": { limits: { cpu: "500m", memory: "1Gi" } } });
        expect(messagesOf("hpa-target-has-requests", limitOnly, hpa())).toEqual([]);
        const bare = withFields(web, { "spec.template.spec.containers.0.resources": undefined });
        const limitRange = (field: string, namespace = "shop"): KubeObject => ({
            apiVersion: "v1", kind: "LimitRange", metadata: { name: "defaults", namespace }, spec: { limits: [{ type: "Container", [field]: { cpu: "100m" } }] },
        });
        expect(messagesOf("hpa-target-has-requests", bare, hpa(), limitRange("defaultRequest"))).toEqual([]);
        // A LimitRange's default limit is also its default request.
        expect(messagesOf("hpa-target-has-requests", bare, hpa(), limitRange("default"))).toEqual([]);
        expect(messagesOf("hpa-target-has-requests", bare, hpa(), limitRange("max"))).toHaveLength(1);
        expect(messagesOf("hpa-target-has-requests", bare, hpa(), limitRange("defaultRequest", "other"))).toHaveLength(1);
    });

    it("checks each Utilization metric, ContainerResource metrics against their container only", () => {
        const sidecar = withFields(container("proxy"), { resources: { requests: { cpu: "10m" }, limits: { cpu: "10m" } } });
        const target = withFields(web, { "spec.template.spec.containers.1": sidecar });
        const memoryAndCpu = withFields(hpa(), {
            "spec.metrics": [
                { type: "Resource", resource: { name: "memory", target: { type: "Utilization", averageUtilization: 80 } } },
                { type: "ContainerResource", containerResource: { name: "memory", container: "app", target: { type: "Utilization", averageUtilization: 80 } } },
                { type: "Resource", resource: { name: "memory", target: { type: "AverageValue", averageValue: "500Mi" } } },
            ],
        });
        expect(messagesOf("hpa-target-has-requests", target, memoryAndCpu)).toEqual(['scales Deployment "web" on memory utilization, but container "proxy" sets no memory request (nor a limit, which would become one)']);
    });

    it("treats an autoscaling/v2 HPA without metrics as CPU utilization", () => {
        const noCpu = withFields(web, { "spec.template.spec.containers.0.resources.requests.cpu": undefined, "spec.template.spec.containers.0.resources.limits.cpu": undefined });
        expect(messagesOf("hpa-target-has-requests", noCpu, withFields(hpa(), { "spec.metrics": undefined }))).toHaveLength(1);
    });

    it("ignores init containers that finish before the app starts, but not sidecars", () => {
        const init = withFields(container("init"), { resources: undefined });
        const sidecar = withFields(container("mesh"), { restartPolicy: "Always", resources: undefined });
        expect(messagesOf("hpa-target-has-requests", withFields(web, { "spec.template.spec.initContainers": [init] }), hpa())).toEqual([]);
        expect(messagesOf("hpa-target-has-requests", withFields(web, { "spec.template.spec.initContainers": [sidecar] }), hpa())).toEqual([
            'scales Deployment "web" on cpu utilization, but sidecar "mesh" sets no cpu request (nor a limit, which would become one)',
        ]);
    });

    it("finds the target by kind and name", () => {
        const noCpu = withFields(statefulSet(), { "spec.template.spec.containers.0.resources": undefined });
        expect(messagesOf("hpa-target-has-requests", noCpu, hpa("db", "shop", "Deployment"))).toEqual([]);
        expect(messagesOf("hpa-target-has-requests", noCpu, hpa("db", "shop", "StatefulSet"))).toHaveLength(1);
    });
});

describe("hpa-replicas-unset", () => {
    it("fires for a Deployment with spec.replicas targeted by an HPA", () => {
        expect(violationsOf("hpa-replicas-unset", deployment(), hpa()).map((v) => [v.kind, v.name, v.message])).toEqual([
            ["Deployment", "web", 'sets spec.replicas: 3 although HorizontalPodAutoscaler "web" manages its replica count'],
        ]);
    });

    it("accepts it without spec.replicas, or without an HPA targeting it", () => {
        expect(messagesOf("hpa-replicas-unset", withFields(deployment(), { "spec.replicas": undefined }), hpa())).toEqual([]);
        expect(messagesOf("hpa-replicas-unset", deployment(), hpa("api"))).toEqual([]);
    });
});

describe("hpa-bounds-valid", () => {
    it.each([
        [{ minReplicas: 5, maxReplicas: 3 }, ["minReplicas 5 is above maxReplicas 3"]],
        [{ minReplicas: 0, maxReplicas: 3 }, ["minReplicas 0 is below 1"]],
        [{ minReplicas: 2, maxReplicas: undefined }, ["sets no maxReplicas"]],
        // minReplicas defaults to 1.
        [{ minReplicas: undefined, maxReplicas: 1 }, []],
        [{ minReplicas: 3, maxReplicas: 3 }, []],
    ])("for %j reports %j", (bounds, expected) => {
        expect(messagesOf("hpa-bounds-valid", withFields(hpa(), { "spec.minReplicas": bounds.minReplicas, "spec.maxReplicas": bounds.maxReplicas }))).toEqual(expected);
    });
});
