import { describe, expect, it } from "vitest";
import { appNamespaceObjects } from "../../components/specs/app-namespace";
import { imageTag, isImageReference, isPinnedImage } from "../../kube/image";
import { persistentStorageObjects } from "../../components/specs/persistent-storage";
import { validateAgainstOpenApi } from "../support/openapi";

/* eslint-disable @typescript-eslint/no-explicit-any */
describe("persistentStorageObjects", () => {
    it("binds the claim to its volume both ways, with Retain and the manual class by default", () => {
        const { persistentVolume: pv, persistentVolumeClaim: pvc } = persistentStorageObjects("shared-data", { namespace: "apps", size: "1Gi", hostPath: "/data/shared" }) as any;
        expect(pv.metadata.name).toBe("apps-shared-data");
        expect(pv.spec).toMatchObject({
            capacity: { storage: "1Gi" }, accessModes: ["ReadWriteOnce"], persistentVolumeReclaimPolicy: "Retain", storageClassName: "manual",
            claimRef: { namespace: "apps", name: "shared-data" }, hostPath: { path: "/data/shared", type: "DirectoryOrCreate" },
        });
        expect(pvc.spec).toEqual({
            accessModes: ["ReadWriteOnce"], storageClassName: "manual", volumeName: "apps-shared-data", resources: { requests: { storage: "1Gi" } },
        });
    });

    it("gives a local volume the node affinity the API requires", () => {
        const { persistentVolume: pv } = persistentStorageObjects("d", { namespace: "apps", size: "1Gi", local: { path: "/mnt/d", nodeNames: ["n1"] } }) as any;
        expect(pv.spec.local).toEqual({ path: "/mnt/d" });
        expect(pv.spec.nodeAffinity.required.nodeSelectorTerms).toEqual([{ matchExpressions: [{ key: "kubernetes.io/hostname", operator: "In", values: ["n1"] }] }]);
        expect(pv.spec).not.toHaveProperty("hostPath");
        validateAgainstOpenApi(pv);
    });
});

describe("appNamespaceObjects", () => {
    it("enforces the restricted Pod Security Standard and default container resources", () => {
        const o = appNamespaceObjects("apps") as any;
        expect(o.namespace.metadata.labels).toMatchObject({
            "pod-security.kubernetes.io/enforce": "restricted", "pod-security.kubernetes.io/warn": "restricted", "pod-security.kubernetes.io/audit": "restricted",
        });
        expect(o.limitRange.spec.limits).toEqual([{ type: "Container", defaultRequest: { cpu: "100m", memory: "128Mi" }, default: { cpu: "500m", memory: "512Mi" } }]);
        expect(o.resourceQuota).toBeUndefined();
        expect(o.networkPolicy).toBeUndefined();
    });

    it("adds a quota and a default-deny ingress policy that still lets the namespace talk to itself", () => {
        const o = appNamespaceObjects("apps", { quota: { "requests.cpu": "4" }, defaultDenyIngress: true, podSecurity: "baseline" }) as any;
        expect(o.resourceQuota.spec.hard).toEqual({ "requests.cpu": "4" });
        expect(o.networkPolicy.spec).toEqual({ podSelector: {}, policyTypes: ["Ingress"], ingress: [{ from: [{ podSelector: {} }] }] });
        expect(o.namespace.metadata.labels["pod-security.kubernetes.io/enforce"]).toBe("baseline");
        for (const object of Object.values(o)) validateAgainstOpenApi(object as any);
    });
});

describe("image references", () => {
    it.each([
        ["nginx:1.27", "1.27", true], ["nginx", undefined, false], ["nginx:latest", "latest", false],
        ["localhost:5000/nginx", undefined, false], ["localhost:5000/nginx:1.2", "1.2", true],
        [`nginx@sha256:${"0".repeat(64)}`, undefined, true], [`nginx:latest@sha256:${"0".repeat(64)}`, "latest", true],
    ])("%s has tag %s and pinned=%s", (image, tag, pinned) => {
        expect(imageTag(image)).toBe(tag);
        expect(isPinnedImage(image)).toBe(pinned);
    });

    // distribution/reference: alphanumeric runs joined by ".", "_", "__" or any number of "-".
    it.each(["x.y:1", "x_y:1", "x__y:1", "x-y:1", "x---y:1", "a.b-c__d_e:1", "registry.local:5000/team/app-x:1", "a0/b1.c2:v1.0"])("takes %s as an image reference", (image) => {
        expect(isImageReference(image)).toBe(true);
    });

    it.each(["x..y:1", "x___y:1", "a.-b:1", "a-.b:1", "a_-b:1", "a._b:1", "-a:1", "a-:1", "a_:1", "team/x..y:1", "team/.x:1", "reg.io/a__.b:1"])("refuses %s, which no runtime can parse", (image) => {
        expect(isImageReference(image)).toBe(false);
    });
});
