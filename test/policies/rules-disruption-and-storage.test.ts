// pdb-allows-eviction and storage-class-reclaim-retain: budgets that block every drain, and classes that delete data.
import { describe, expect, it } from "vitest";
import type { KubeObject } from "../../policies/kube-object";
import { deployment, hpa, messagesOf, pdb, statefulSet, violationsOf, withFields, workloadOfKind } from "./objects";

const budget = (spec: Record<string, unknown>, name = "web"): KubeObject =>
    withFields(pdb(name), { "spec.maxUnavailable": undefined, ...Object.fromEntries(Object.entries(spec).map(([k, v]) => [`spec.${k}`, v])) });
const replicas = (count: number | undefined, name = "web") => withFields(deployment(name), { "spec.replicas": count });

describe("pdb-allows-eviction", () => {
    it.each([
        [{ maxUnavailable: 0 }, 'maxUnavailable 0 allows no eviction'],
        [{ maxUnavailable: "0%" }, 'maxUnavailable "0%" allows no eviction'],
        [{ minAvailable: "100%" }, 'minAvailable "100%" keeps every pod'],
        [{ minAvailable: 3 }, 'minAvailable 3 keeps all 3 pod(s) of Deployment web (counting an autoscaled workload at its minReplicas)'],
        [{ minAvailable: 5 }, 'minAvailable 5 keeps all 3 pod(s) of Deployment web (counting an autoscaled workload at its minReplicas)'],
        // 90% of 3 pods rounds up to 3: the disruption controller rounds a PDB's percentages up.
        [{ minAvailable: "90%" }, 'minAvailable "90%" keeps all 3 pod(s) of Deployment web (counting an autoscaled workload at its minReplicas)'],
    ])("fires for %j in front of 3 replicas", (spec, reason) => {
        expect(violationsOf("pdb-allows-eviction", replicas(3), budget(spec))).toEqual([
            { policy: "pdb-allows-eviction", level: "advisory", kind: "PodDisruptionBudget", namespace: "shop", name: "web", message: `${reason}: every node drain blocks on these pods` },
        ]);
    });

    it.each([
        [{ maxUnavailable: 1 }],
        [{ maxUnavailable: "1%" }], // rounded up: 1 pod
        [{ minAvailable: 2 }],
        [{ minAvailable: "66%" }], // 66% of 3 rounds up to 2
        [{}],
    ])("accepts %j in front of 3 replicas", (spec) => {
        expect(messagesOf("pdb-allows-eviction", replicas(3), budget(spec))).toEqual([]);
    });

    it("counts an autoscaled workload at its HPA's minReplicas, and every workload the budget selects", () => {
        const autoscaled = replicas(undefined);
        expect(messagesOf("pdb-allows-eviction", autoscaled, hpa(), budget({ minAvailable: 2 }))).toHaveLength(1); // minReplicas 2
        expect(messagesOf("pdb-allows-eviction", autoscaled, withFields(hpa(), { "spec.minReplicas": 3 }), budget({ minAvailable: 2 }))).toEqual([]);
        // One budget over two Deployments' pods (2 + 2): minAvailable 3 leaves one eviction.
        const a = withFields(replicas(2, "a"), { "spec.template.metadata.labels": { tier: "web" } });
        const b = withFields(replicas(2, "b"), { "spec.template.metadata.labels": { tier: "web" } });
        const shared = withFields(budget({ minAvailable: 3 }), { "spec.selector": { matchLabels: { tier: "web" } } });
        expect(messagesOf("pdb-allows-eviction", a, b, shared)).toEqual([]);
        expect(messagesOf("pdb-allows-eviction", a, b, withFields(shared, { "spec.minAvailable": 4 }))).toEqual([
            "minAvailable 4 keeps all 4 pod(s) of Deployment a, Deployment b (counting an autoscaled workload at its minReplicas): every node drain blocks on these pods",
        ]);
    });

    it("says nothing about a minAvailable count when the pods' number is unknown: no workload in the input, or a DaemonSet", () => {
        expect(messagesOf("pdb-allows-eviction", budget({ minAvailable: 1 }))).toEqual([]);
        const agent = withFields(workloadOfKind("DaemonSet", "web"), { "spec.template.metadata.labels": { app: "web" } });
        expect(messagesOf("pdb-allows-eviction", agent, budget({ minAvailable: 1 }))).toEqual([]);
        // ... but 100% or maxUnavailable 0 blocks whatever the number.
        expect(messagesOf("pdb-allows-eviction", agent, budget({ minAvailable: "100%" }))).toHaveLength(1);
    });

    it("counts a StatefulSet's replicas like a Deployment's", () => {
        const db = withFields(statefulSet(), { "spec.replicas": 1 });
        expect(messagesOf("pdb-allows-eviction", db, withFields(budget({ minAvailable: 1 }, "db"), { "spec.selector": { matchLabels: { app: "db" } } }))).toHaveLength(1);
    });
});

const storageClass = (name: string, reclaimPolicy?: string, isDefault = false): KubeObject => ({
    apiVersion: "storage.k8s.io/v1",
    kind: "StorageClass",
    metadata: { name, ...(isDefault ? { annotations: { "storageclass.kubernetes.io/is-default-class": "true" } } : {}) },
    provisioner: "rancher.io/local-path",
    ...(reclaimPolicy === undefined ? {} : { reclaimPolicy }),
});
const claim = (name: string, storageClassName?: string, extra: Record<string, unknown> = {}): KubeObject => ({
    apiVersion: "v1",
    kind: "PersistentVolumeClaim",
    metadata: { name, namespace: "shop" },
    spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "1Gi" } }, ...(storageClassName === undefined ? {} : { storageClassName }), ...extra },
});

describe("storage-class-reclaim-retain", () => {
    it("fires for a class with Delete, or no reclaimPolicy, that a claim or a StatefulSet claim template names", () => {
        const db = withFields(statefulSet(), { "spec.volumeClaimTemplates.0.spec.storageClassName": "fast" });
        expect(violationsOf("storage-class-reclaim-retain", storageClass("fast"), db, claim("data", "fast"))).toEqual([{
            policy: "storage-class-reclaim-retain", level: "mandatory", kind: "StorageClass", namespace: "default", name: "fast",
            message: "has no reclaimPolicy (Delete by default), so the volumes it provisions for StatefulSet shop/db (claim template data), PersistentVolumeClaim shop/data are deleted with their claims",
        }]);
        expect(messagesOf("storage-class-reclaim-retain", storageClass("fast", "Delete"), claim("data", "fast"))).toEqual([
            "has reclaimPolicy Delete, so the volumes it provisions for PersistentVolumeClaim shop/data are deleted with their claims",
        ]);
    });

    it("judges the default class for claims that name no class, and no class for claims that ask for none", () => {
        expect(messagesOf("storage-class-reclaim-retain", storageClass("standard", "Delete", true), claim("data"))).toHaveLength(1);
        expect(messagesOf("storage-class-reclaim-retain", storageClass("standard", "Delete", true), claim("data", ""))).toEqual([]);
        expect(messagesOf("storage-class-reclaim-retain", storageClass("standard", "Delete", false), claim("data"))).toEqual([]);
    });

    it("accepts Retain, classes no claim uses, and claims bound to a named volume (no provisioning)", () => {
        expect(messagesOf("storage-class-reclaim-retain", storageClass("fast", "Retain"), claim("data", "fast"))).toEqual([]);
        expect(messagesOf("storage-class-reclaim-retain", storageClass("unused", "Delete"))).toEqual([]);
        expect(messagesOf("storage-class-reclaim-retain", storageClass("fast", "Delete"), claim("data", "fast", { volumeName: "pv-1" }))).toEqual([]);
    });

    it("reads the class from the annotation that preceded storageClassName, and names five claims then counts", () => {
        const annotated = withFields(claim("old"), { "metadata.annotations": { "volume.beta.kubernetes.io/storage-class": "fast" } });
        const many = Array.from({ length: 7 }, (_, i) => claim(`c${i}`, "fast"));
        const [message] = messagesOf("storage-class-reclaim-retain", storageClass("fast", "Delete"), annotated, ...many);
        expect(message).toBe(
            "has reclaimPolicy Delete, so the volumes it provisions for PersistentVolumeClaim shop/old, PersistentVolumeClaim shop/c0, PersistentVolumeClaim shop/c1, PersistentVolumeClaim shop/c2, PersistentVolumeClaim shop/c3 and 3 more are deleted with their claims",
        );
    });
});
