// Autoscaling a StatefulApp: an HPA on the StatefulSet, which then leaves spec.replicas to it; a stateful app switched
// from a fixed count hands that count over, as a stateless one does; metrics besides CPU and memory.
import { describe, expect, it } from "vitest";
import { REPLICAS_HANDOVER_MANAGER } from "../../components/specs/autoscaler";
import { statelessAppObjects } from "../../components/specs/stateless-app";
import { validateAgainstOpenApi } from "../support/openapi";
import { runProgram } from "../support/run-program";

/* eslint-disable @typescript-eslint/no-explicit-any */
const resources = { requests: { cpu: "250m", memory: "128Mi" }, limits: { cpu: "500m", memory: "256Mi" } };
const db = (extra: Record<string, unknown> = {}) => ({ name: "db", type: "stateful", image: "redis:7.4.1-alpine", resources, storage: { size: "1Gi" }, ...extra });
const config = (app: Record<string, unknown>) => ({
    "kube-appstack:cluster": { kubeconfig: { context: "staging" } },
    "kube-appstack:namespace": { name: "apps" },
    "kube-appstack:apps": [app],
});
const STATEFUL_SET = "kubernetes:apps/v1:StatefulSet";
const HPA = "kubernetes:autoscaling/v2:HorizontalPodAutoscaler";

describe("StatefulApp autoscaling", () => {
    it("targets the StatefulSet with an HPA, leaves spec.replicas to it, and budgets disruptions for its most pods", async () => {
        const run = await runProgram("staging", config(db({ autoscaling: { minReplicas: 2, maxReplicas: 5 } })));
        expect((run.get(STATEFUL_SET, "db").inputs as any).spec).not.toHaveProperty("replicas");
        expect((run.get(HPA, "db").inputs as any).spec).toMatchObject({ scaleTargetRef: { apiVersion: "apps/v1", kind: "StatefulSet", name: "db" }, minReplicas: 2, maxReplicas: 5 });
        expect(run.ofType("kubernetes:policy/v1:PodDisruptionBudget")).toHaveLength(1);
        expect((run.outputs.apps as any).db).not.toHaveProperty("replicas");
    });

    it("hands the previous fixed count over before the StatefulSet drops spec.replicas, never fewer than the minimum", async () => {
        const previousOutputs = { apps: { db: { kind: "stateful", serviceName: "db-headless", servicePort: 6379, dnsName: "x", replicas: 3 } } };
        const run = await runProgram("staging", config(db({ autoscaling: { minReplicas: 2, maxReplicas: 5 } })), { previousOutputs });
        const patch = run.get("kubernetes:apps/v1:StatefulSetPatch", "db-replicas-handover");
        expect(patch.inputs).toMatchObject({ metadata: { name: "db", annotations: { "pulumi.com/patchFieldManager": REPLICAS_HANDOVER_MANAGER } }, spec: { replicas: 3 } });
        expect(patch.retainOnDelete).toBe(true);
        expect(run.get(STATEFUL_SET, "db").dependencies).toContain(patch.urn);
        expect(run.stackOutputReads).toEqual(["organization/kube-appstack/staging"]);
        const fixed = await runProgram("staging", config(db({ replicas: 3 })));
        expect((fixed.outputs.apps as any).db.replicas).toBe(3);
        // A stateful app reads the stack's last outputs even at a fixed size: a changed storage.restoreFrom is refused.
        expect(fixed.stackOutputReads).toEqual(["organization/kube-appstack/staging"]);
    });

    it("refuses replicas beside autoscaling, as for a stateless app", async () => {
        await expect(runProgram("staging", config(db({ replicas: 3, autoscaling: { maxReplicas: 5 } })))).rejects.toThrow(/apps\[0\]\.replicas: 3 is set together with autoscaling/);
    });
});

describe("metrics besides CPU and memory", () => {
    const args = (autoscaling: any) => ({ namespace: "apps", image: "nginxinc/nginx-unprivileged:1.27.3-alpine", resources, autoscaling });

    it("turn Pods, Object and External metrics into autoscaling/v2 metrics, with no CPU target unless asked", () => {
        const hpa = statelessAppObjects("web", args({
            maxReplicas: 10,
            metrics: [
                { type: "Pods", name: "http_requests_per_second", averageValue: "100" },
                { type: "Object", name: "requests_per_second", object: { apiVersion: "networking.k8s.io/v1", kind: "Ingress", name: "web" }, value: "2k" },
                { type: "External", name: "queue_messages_ready", selector: { queue: "orders" }, averageValue: "30" },
            ],
        })).autoscaler!;
        expect((hpa.spec as any).metrics).toEqual([
            { type: "Pods", pods: { metric: { name: "http_requests_per_second" }, target: { type: "AverageValue", averageValue: "100" } } },
            { type: "Object", object: { describedObject: { apiVersion: "networking.k8s.io/v1", kind: "Ingress", name: "web" }, metric: { name: "requests_per_second" }, target: { type: "Value", value: "2k" } } },
            { type: "External", external: { metric: { name: "queue_messages_ready", selector: { matchLabels: { queue: "orders" } } }, target: { type: "AverageValue", averageValue: "30" } } },
        ]);
        validateAgainstOpenApi(hpa);
        const withCpu = statelessAppObjects("web", args({ maxReplicas: 10, cpuUtilization: 60, metrics: [{ type: "Pods", name: "rps", averageValue: "5" }] })).autoscaler!;
        expect((withCpu.spec as any).metrics.map((m: any) => m.type)).toEqual(["Resource", "Pods"]);
    });

    it("refuses an Object or External metric without exactly one of value and averageValue, and an unknown type", async () => {
        const web = (metrics: unknown[]) => ({ name: "web", type: "stateless", image: "nginxinc/nginx-unprivileged:1.27.3-alpine", resources, autoscaling: { maxReplicas: 4, metrics } });
        await expect(runProgram("staging", config(web([{ type: "External", name: "q", value: "1", averageValue: "1" }])))).rejects.toThrow(/autoscaling\.metrics\[0\]\.value: exactly one of value and averageValue is required/);
        await expect(runProgram("staging", config(web([{ type: "Resource", name: "cpu" }])))).rejects.toThrow(/autoscaling\.metrics\[0\]\.type: type "Resource" is not known; allowed: "Pods", "Object" or "External"/);
    });
});
