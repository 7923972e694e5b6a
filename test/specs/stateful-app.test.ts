import { describe, expect, it } from "vitest";
import { statefulAppObjects, StatefulAppArgs } from "../../components/specs/stateful-app";
import { validateAgainstOpenApi } from "../support/openapi";

/* eslint-disable @typescript-eslint/no-explicit-any */
const args = (extra: Partial<StatefulAppArgs> = {}): StatefulAppArgs => ({
    namespace: "apps",
    image: "redis:7.4.1-alpine",
    port: 6379,
    resources: { requests: { cpu: "100m", memory: "128Mi" }, limits: { cpu: "500m", memory: "256Mi" } },
    storage: { size: "500Mi" },
    ...extra,
});

describe("statefulAppObjects", () => {
    it("keeps claims when the StatefulSet is deleted or scaled down, by default", () => {
        const sts = statefulAppObjects("cache", args()).statefulSet as any;
        expect(sts.spec.persistentVolumeClaimRetentionPolicy).toEqual({ whenDeleted: "Retain", whenScaled: "Retain" });
        expect(sts.spec.updateStrategy).toEqual({ type: "RollingUpdate", rollingUpdate: { partition: 0 } });
        expect(sts.spec.replicas).toBe(1);
    });

    it("mounts one claim per replica at the storage mount path", () => {
        const sts = statefulAppObjects("cache", args({ storage: { size: "1Gi", mountPath: "/var/lib/redis", storageClassName: "fast" } })).statefulSet as any;
        expect(sts.spec.volumeClaimTemplates).toEqual([{
            metadata: { name: "data", labels: { "app.kubernetes.io/name": "cache", "app.kubernetes.io/instance": "cache" } },
            spec: { accessModes: ["ReadWriteOnce"], storageClassName: "fast", resources: { requests: { storage: "1Gi" } } },
        }]);
        expect(sts.spec.template.spec.containers[0].volumeMounts).toContainEqual({ name: "data", mountPath: "/var/lib/redis" });
    });

    it("stages updates with a partition and takes explicit retention", () => {
        const sts = statefulAppObjects("cache", args({ updatePartition: 2, claimRetention: { whenScaled: "Delete" } })).statefulSet as any;
        expect(sts.spec.updateStrategy.rollingUpdate.partition).toBe(2);
        expect(sts.spec.persistentVolumeClaimRetentionPolicy).toEqual({ whenDeleted: "Retain", whenScaled: "Delete" });
    });

    it("gives each pod a stable DNS name through a headless Service, and a client Service on request", () => {
        const o = statefulAppObjects("cache", args({ clientService: { port: 6379 } }));
        expect((o.statefulSet as any).spec.serviceName).toBe("cache-headless");
        expect((o.headlessService as any).spec).toMatchObject({ clusterIP: "None", publishNotReadyAddresses: true, ports: [{ port: 6379, targetPort: 6379 }] });
        expect((o.clientService as any).metadata.name).toBe("cache");
        expect((o.clientService as any).spec).not.toHaveProperty("clusterIP");
        expect(statefulAppObjects("cache", args()).clientService).toBeUndefined();
    });

    it("creates a PDB from 2 replicas on", () => {
        expect(statefulAppObjects("cache", args()).disruptionBudget).toBeUndefined();
        expect(statefulAppObjects("cache", args({ replicas: 3 })).disruptionBudget).toBeDefined();
    });

    it("builds objects valid against the Kubernetes OpenAPI schema", () => {
        const o = statefulAppObjects("cache", args({ replicas: 3, clientService: {} }));
        for (const object of [o.statefulSet, o.headlessService, o.clientService!, o.disruptionBudget!]) validateAgainstOpenApi(object);
    });
});
