// Stateful data on the local cluster: a 3-replica StatefulSet that starts in order with one bound claim per pod, a
// protected stack that `pulumi destroy` refuses to touch, claims that outlive their StatefulSet, and what an unprotected
// destroy removes (docs/configuration.md, What `pulumi destroy` deletes).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cacheApp, kubectl, KubeJson, LiveStack, localStackConfig, requireLocalCluster, webApp } from "./live-stack";

const NAMESPACE = "it-data";
const STORAGE_PV = `${NAMESPACE}-shared-data`;
let stack: LiveStack;

function config(overrides: Record<string, unknown> = {}): Record<string, unknown> {
    return localStackConfig(NAMESPACE, { protectData: true, apps: [cacheApp({ replicas: 3 })], ...overrides });
}

beforeAll(async () => {
    requireLocalCluster();
    stack = await LiveStack.create("it-data", config());
});

afterAll(async () => {
    await stack?.cleanup();
    kubectl(["delete", "pv", STORAGE_PV, "--ignore-not-found"]);
});

const readySince = (pod: KubeJson): number =>
    Date.parse((pod.status.conditions as KubeJson[]).find((c) => c.type === "Ready" && c.status === "True")?.lastTransitionTime);
const exists = (args: string[]): boolean => {
    try {
        kubectl(["get", ...args]);
        return true;
    } catch {
        return false;
    }
};

describe("stateful data on the local cluster", () => {
    it("starts the StatefulSet's pods in order, each with one claim of its own, bound, spread over both workers", async () => {
        await stack.up();
        const pods = [0, 1, 2].map((i) => stack.get("pod", `cache-${i}`));
        for (let i = 1; i < pods.length; i++) {
            // OrderedReady: pod i is only created once pod i-1 is ready (timestamps have one-second resolution).
            expect(Date.parse(pods[i].metadata.creationTimestamp)).toBeGreaterThanOrEqual(readySince(pods[i - 1]) - 999);
        }
        for (const [i, pod] of pods.entries()) {
            expect(readySince(pod)).toBeGreaterThan(0);
            const claims = (pod.spec.volumes as KubeJson[]).filter((v) => v.persistentVolumeClaim).map((v) => v.persistentVolumeClaim.claimName);
            expect(claims).toEqual([`data-cache-${i}`]);
            expect(stack.get("pvc", `data-cache-${i}`).status.phase).toBe("Bound");
        }
        expect(new Set(pods.map((p) => p.spec.nodeName)).size).toBe(2);
        expect(stack.get("pdb", "cache").status).toMatchObject({ expectedPods: 3, disruptionsAllowed: 1 });
    });

    it("with protectData, `pulumi destroy` is refused, names the protected resources, and deletes nothing", async () => {
        const result = await stack.destroy({ allowFailure: true });
        expect(result.code).not.toBe(0);
        expect(result.output).toMatch(/protected/i);
        for (const name of ["cache", "shared-data", STORAGE_PV]) expect(result.output).toContain(name);
        expect(exists(["-n", NAMESPACE, "statefulset", "cache"])).toBe(true);
        expect(exists(["-n", NAMESPACE, "service", "cache-headless"])).toBe(true);
        expect(exists(["-n", NAMESPACE, "pvc", "shared-data"])).toBe(true);
        expect(exists(["pv", STORAGE_PV])).toBe(true);
        expect(stack.get("statefulset", "cache").status.readyReplicas).toBe(3);
    });

    it("keeps the StatefulSet's claims, bound to their volumes, when a config change deletes the StatefulSet", async () => {
        stack.setConfig(config({ protectData: false }));
        await stack.up();
        const volumes = [0, 1, 2].map((i) => stack.get("pvc", `data-cache-${i}`).spec.volumeName as string);
        // A stack needs one app at least: the cache gives way to a small web app.
        stack.setConfig(config({ protectData: false, apps: [webApp({ replicas: 1, autoscaling: undefined })] }));
        const result = await stack.up();
        expect(result.output).toMatch(/kubernetes:apps\/v1:StatefulSet\s+cache\s+deleted/);
        expect(exists(["-n", NAMESPACE, "statefulset", "cache"])).toBe(false);
        for (const [i, volume] of volumes.entries()) {
            const claim = stack.get("pvc", `data-cache-${i}`);
            expect(claim.status.phase).toBe("Bound");
            expect(claim.spec.volumeName).toBe(volume);
        }
    });

    it("without protectData, `pulumi destroy` removes the stack's objects and namespace, and with it the leftover claims and their volumes", async () => {
        const dynamicVolumes = [0, 1, 2].map((i) => stack.get("pvc", `data-cache-${i}`).spec.volumeName as string);
        await stack.destroy();
        expect(exists(["namespace", NAMESPACE])).toBe(false);
        expect(exists(["pv", STORAGE_PV])).toBe(false);
        // kind's standard class reclaims with Delete: the provisioner removes the volumes once their claims are gone.
        const deadline = Date.now() + 60_000;
        while (dynamicVolumes.some((v) => exists(["pv", v])) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 1000));
        for (const volume of dynamicVolumes) expect(exists(["pv", volume]), volume).toBe(false);
    });
});
