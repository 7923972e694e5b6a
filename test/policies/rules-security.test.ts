import { describe, expect, it } from "vitest";
import { container, deployment, messagesOf, persistentVolume, statefulSet, violationsOf, withFields, workloadOfKind } from "./objects";

const POD = "spec.template.spec";
const APP = `${POD}.containers.0`;

describe("run-as-non-root", () => {
    it("accepts runAsNonRoot set on the pod only", () => {
        expect(messagesOf("run-as-non-root", withFields(deployment(), { [`${APP}.securityContext.runAsNonRoot`]: undefined }))).toEqual([]);
    });

    it("accepts runAsNonRoot set on every container only", () => {
        expect(messagesOf("run-as-non-root", withFields(deployment(), { [`${POD}.securityContext.runAsNonRoot`]: undefined }))).toEqual([]);
    });

    it("accepts a runAsUser above 0 instead of runAsNonRoot", () => {
        const web = withFields(deployment(), { [`${POD}.securityContext`]: { runAsUser: 1000 }, [`${APP}.securityContext.runAsNonRoot`]: undefined });
        expect(messagesOf("run-as-non-root", web)).toEqual([]);
    });

    it("fires when neither the pod nor the container sets it", () => {
        const web = withFields(deployment(), { [`${POD}.securityContext`]: undefined, [`${APP}.securityContext.runAsNonRoot`]: undefined });
        expect(messagesOf("run-as-non-root", web)).toEqual(['container "app" may run as root: it sets neither runAsNonRoot: true nor a runAsUser above 0 (nor does the pod)']);
    });

    it("lets container settings override the pod's", () => {
        const optsOut = withFields(deployment(), { [`${APP}.securityContext.runAsNonRoot`]: false });
        const rootUser = withFields(deployment(), { [`${POD}.securityContext.runAsUser`]: 1000, [`${APP}.securityContext.runAsUser`]: 0 });
        expect(messagesOf("run-as-non-root", optsOut)).toHaveLength(1);
        expect(messagesOf("run-as-non-root", rootUser)).toEqual(['container "app" runs as root (runAsUser: 0)']);
    });

    it("checks init containers against the pod-level setting too", () => {
        const init = withFields(container("init"), { "securityContext.runAsNonRoot": undefined });
        const inherits = withFields(deployment(), { [`${POD}.initContainers`]: [init] });
        const noPodSetting = withFields(inherits, { [`${POD}.securityContext`]: undefined });
        expect(messagesOf("run-as-non-root", inherits)).toEqual([]);
        expect(messagesOf("run-as-non-root", noPodSetting)).toEqual([
            'init container "init" may run as root: it sets neither runAsNonRoot: true nor a runAsUser above 0 (nor does the pod)',
        ]);
    });
});

describe("no-privilege-escalation", () => {
    it("fires when allowPrivilegeEscalation is not false", () => {
        expect(messagesOf("no-privilege-escalation", withFields(deployment(), { [`${APP}.securityContext.allowPrivilegeEscalation`]: undefined }))).toEqual([
            'container "app" does not set allowPrivilegeEscalation: false',
        ]);
    });

    it("always fires for a privileged container", () => {
        expect(messagesOf("no-privilege-escalation", withFields(deployment(), { [`${APP}.securityContext.privileged`]: true }))).toEqual(['container "app" runs privileged']);
    });

    it("checks init containers", () => {
        const init = withFields(container("init"), { "securityContext.privileged": true, "securityContext.allowPrivilegeEscalation": true });
        expect(messagesOf("no-privilege-escalation", withFields(deployment(), { [`${POD}.initContainers`]: [init] }))).toEqual([
            'init container "init" runs privileged and does not set allowPrivilegeEscalation: false',
        ]);
    });

    it("does not take a pod-level setting for the container's (the pod has none)", () => {
        const web = withFields(deployment(), { [`${POD}.securityContext.allowPrivilegeEscalation`]: false, [`${APP}.securityContext.allowPrivilegeEscalation`]: undefined });
        expect(messagesOf("no-privilege-escalation", web)).toHaveLength(1);
    });
});

describe("read-only-root-filesystem", () => {
    it("fires unless the container sets readOnlyRootFilesystem: true", () => {
        const unset = withFields(deployment("a"), { [`${APP}.securityContext.readOnlyRootFilesystem`]: undefined });
        const falseValue = withFields(deployment("b"), { [`${APP}.securityContext.readOnlyRootFilesystem`]: false });
        const noContext = withFields(workloadOfKind("CronJob"), { "spec.jobTemplate.spec.template.spec.containers.0.securityContext": undefined });
        expect(violationsOf("read-only-root-filesystem", unset, falseValue, noContext).map((v) => `${v.name}: ${v.message}`)).toEqual([
            'a: container "app" does not set readOnlyRootFilesystem: true',
            'b: container "app" does not set readOnlyRootFilesystem: true',
            'worker: container "app" does not set readOnlyRootFilesystem: true',
        ]);
    });
});

describe("drop-all-capabilities", () => {
    it("fires when ALL is not dropped", () => {
        const web = withFields(deployment(), { [`${APP}.securityContext.capabilities`]: { drop: ["NET_RAW"] } });
        expect(messagesOf("drop-all-capabilities", web)).toEqual(['container "app" does not drop ALL capabilities']);
    });

    it("allows adding back NET_BIND_SERVICE only", () => {
        const bind = withFields(deployment(), { [`${APP}.securityContext.capabilities.add`]: ["NET_BIND_SERVICE"] });
        const admin = withFields(deployment(), { [`${APP}.securityContext.capabilities.add`]: ["NET_BIND_SERVICE", "SYS_ADMIN"] });
        expect(messagesOf("drop-all-capabilities", bind)).toEqual([]);
        expect(messagesOf("drop-all-capabilities", admin)).toEqual(['container "app" adds capabilities SYS_ADMIN']);
    });

    it("checks init containers", () => {
        const init = withFields(container("init"), { "securityContext.capabilities": undefined });
        expect(messagesOf("drop-all-capabilities", withFields(deployment(), { [`${POD}.initContainers`]: [init] }))).toEqual(['init container "init" does not drop ALL capabilities']);
    });
});

describe("no-host-namespaces", () => {
    it("fires for each host namespace the pod shares", () => {
        const web = withFields(deployment(), { [`${POD}.hostNetwork`]: true, [`${POD}.hostPID`]: true, [`${POD}.hostIPC`]: false });
        const pod = withFields(workloadOfKind("Pod"), { "spec.hostIPC": true });
        expect(violationsOf("no-host-namespaces", web, pod).map((v) => [v.kind, v.level, v.message])).toEqual([
            ["Deployment", "mandatory", "pod sets hostNetwork: true, hostPID: true"],
            ["Pod", "mandatory", "pod sets hostIPC: true"],
        ]);
    });

    it("accepts explicit false", () => {
        expect(messagesOf("no-host-namespaces", withFields(deployment(), { [`${POD}.hostNetwork`]: false }))).toEqual([]);
    });
});

describe("pv-reclaim-retain", () => {
    it.each(["Delete", "Recycle"])("fires for reclaim policy %s", (policy) => {
        expect(violationsOf("pv-reclaim-retain", withFields(persistentVolume(), { "spec.persistentVolumeReclaimPolicy": policy }))).toEqual([
            {
                policy: "pv-reclaim-retain",
                level: "mandatory",
                kind: "PersistentVolume",
                namespace: "default",
                name: "data",
                message: `has reclaim policy ${policy}, which erases its data when the claim is deleted`,
            },
        ]);
    });

    it("accepts Retain and an omitted policy (Retain for a PersistentVolume created by hand)", () => {
        expect(messagesOf("pv-reclaim-retain", persistentVolume(), withFields(persistentVolume("b"), { "spec.persistentVolumeReclaimPolicy": undefined }))).toEqual([]);
    });
});

describe("statefulset-pvc-retained", () => {
    it("fires when claims are deleted with the StatefulSet", () => {
        const db = withFields(statefulSet(), { "spec.persistentVolumeClaimRetentionPolicy.whenDeleted": "Delete" });
        expect(messagesOf("statefulset-pvc-retained", db)).toEqual(["deletes its PersistentVolumeClaims when it is deleted (persistentVolumeClaimRetentionPolicy.whenDeleted: Delete)"]);
    });

    it("accepts an omitted policy, Delete only on scale-down, and a StatefulSet without claim templates", () => {
        const omitted = withFields(statefulSet("a"), { "spec.persistentVolumeClaimRetentionPolicy": undefined });
        const whenScaled = withFields(statefulSet("b"), { "spec.persistentVolumeClaimRetentionPolicy.whenScaled": "Delete" });
        const noClaims = withFields(statefulSet("c"), { "spec.volumeClaimTemplates": undefined, "spec.persistentVolumeClaimRetentionPolicy.whenDeleted": "Delete" });
        expect(messagesOf("statefulset-pvc-retained", omitted, whenScaled, noClaims)).toEqual([]);
    });
});
