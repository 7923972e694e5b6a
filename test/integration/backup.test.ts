// Backup and restore of a stateful app on the live control plane. The snapshot CRDs are installed but no snapshot
// controller runs, so no snapshot becomes ready by itself: the test plays the controller's one part pruning depends on
// (status.readyToUse). The Job's script runs here, for real, as the backup's ServiceAccount (a token the API server
// issues for it), so the Role is proved to be enough as well as least; KWOK runs the Job's pod without its container.
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { tool } from "../../scripts/local-cluster/cluster";
import { snapshotScript } from "../../components/specs/snapshot-script";
import { BACKUP_APP_LABEL, BACKUP_CLAIM_LABEL } from "../../kube/backup-labels";
import { cacheApp, KubeJson, kubectl, LiveStack, localStackConfig, requireLocalCluster } from "./live-stack";
import { waitFor } from "../support/wait-for";

const NAMESPACE = "it-backup";
const ACCOUNT = `system:serviceaccount:${NAMESPACE}:cache-backup`;
const SNAPSHOT = "cache-manual";
let stack: LiveStack;
let work: string;
const cache = cacheApp({ replicas: 2, backup: { schedule: "0 3 * * *", timeZone: "Europe/Berlin", retain: 2 } });

/** `kubectl auth can-i` as the backup's ServiceAccount: a SubjectAccessReview the API server answers. */
function can(verb: string, resource: string, namespace = NAMESPACE): boolean {
    try {
        return kubectl(["auth", "can-i", verb, resource, "-n", namespace, `--as=${ACCOUNT}`]).trim() === "yes";
    } catch (error) {
        if (/^no\b/m.test(String((error as { stdout?: string }).stdout ?? (error as Error).message))) return false;
        throw error;
    }
}

/** A kubeconfig that is the backup's ServiceAccount: the admin kubeconfig's server and CA with a token issued for it. */
function accountKubeconfig(): string {
    const admin = JSON.parse(kubectl(["config", "view", "--raw", "--minify", "-o", "json"])) as KubeJson;
    const token = kubectl(["create", "token", "cache-backup", "-n", NAMESPACE, "--duration=1h"]).trim();
    const file = path.join(work, "backup-account.kubeconfig");
    fs.writeFileSync(file, stringify({
        apiVersion: "v1", kind: "Config", "current-context": "backup",
        clusters: [{ name: "local", cluster: admin.clusters[0].cluster }],
        users: [{ name: "backup", user: { token } }],
        contexts: [{ name: "backup", context: { cluster: "local", user: "backup", namespace: NAMESPACE } }],
    }), { mode: 0o600 });
    return file;
}

/** Runs a backup script as the Job would, with the account's credentials and nothing else: sh, kubectl, date, awk. */
function runAsJob(script: string, kubeconfig: string): string {
    const bin = path.join(work, "bin");
    fs.mkdirSync(bin, { recursive: true });
    if (!fs.existsSync(path.join(bin, "kubectl"))) fs.symlinkSync(tool("kubectl"), path.join(bin, "kubectl"));
    return execFileSync("/bin/sh", ["-c", script], {
        encoding: "utf8",
        env: { PATH: `${bin}:/usr/bin:/bin`, HOME: work, KUBECONFIG: kubeconfig },
    });
}

function snapshots(claim: string): KubeJson[] {
    return stack.list("volumesnapshots", `${BACKUP_APP_LABEL}=cache,${BACKUP_CLAIM_LABEL}=${claim}`)
        .sort((a, b) => a.metadata.name.localeCompare(b.metadata.name));
}

/** What a snapshot controller does once the storage system has cut the snapshot. */
function markReady(name: string): void {
    stack.kubectl(["patch", "volumesnapshot", name, "--subresource=status", "--type=merge", "-p", JSON.stringify({ status: { readyToUse: true } })]);
}

/** Snapshot names carry the time to the second: runs a second apart never collide. */
const nextSecond = () => new Promise((resolve) => setTimeout(resolve, 1100));

beforeAll(async () => {
    requireLocalCluster();
    work = fs.mkdtempSync(path.join(os.tmpdir(), "it-backup-"));
    stack = await LiveStack.create("it-backup", localStackConfig(NAMESPACE, { apps: [cache], storage: [], protectData: false }));
    await stack.up();
});

afterAll(async () => {
    await stack?.cleanup();
    if (work) fs.rmSync(work, { recursive: true, force: true });
});

describe("a stateful app's backup on the live control plane", () => {
    it("has the API server accept its CronJob, ServiceAccount, Role and RoleBinding as built", () => {
        const cronJob = stack.get("cronjob", "cache-backup");
        expect(cronJob.spec).toMatchObject({ schedule: "0 3 * * *", timeZone: "Europe/Berlin", concurrencyPolicy: "Forbid", suspend: false });
        expect(cronJob.spec.jobTemplate.spec.template.spec.serviceAccountName).toBe("cache-backup");
        expect(stack.get("serviceaccount", "cache-backup").automountServiceAccountToken).toBe(true);
        expect(stack.get("role", "cache-backup").rules).toHaveLength(2);
        expect(stack.get("rolebinding", "cache-backup").subjects).toEqual([{ kind: "ServiceAccount", name: "cache-backup", namespace: NAMESPACE }]);
    });

    it("authorizes taking, listing and pruning snapshots and reading claims, in its namespace only, and nothing else", () => {
        for (const verb of ["create", "list", "delete"]) expect(can(verb, "volumesnapshots.snapshot.storage.k8s.io"), verb).toBe(true);
        for (const verb of ["get", "list"]) expect(can(verb, "persistentvolumeclaims"), verb).toBe(true);
        for (const verb of ["watch", "update", "patch"]) expect(can(verb, "volumesnapshots.snapshot.storage.k8s.io"), verb).toBe(false);
        expect(can("create", "volumesnapshots.snapshot.storage.k8s.io", "default")).toBe(false);
        expect(can("delete", "volumesnapshots.snapshot.storage.k8s.io", "default")).toBe(false);
        expect(can("delete", "persistentvolumeclaims")).toBe(false);
        expect(can("get", "secrets")).toBe(false);
        expect(can("create", "volumesnapshotcontents.snapshot.storage.k8s.io")).toBe(false);
        expect(can("get", "pods")).toBe(false);
    });

    it("runs its script as the account: a labelled snapshot of each replica's claim, and a claim that is missing skipped", async () => {
        await waitFor("both claims of the cache", 60_000, () => stack.list("persistentvolumeclaims").length === 2);
        const script = stack.get("cronjob", "cache-backup").spec.jobTemplate.spec.template.spec.containers[0].command[2] as string;
        const kubeconfig = accountKubeconfig();
        const output = runAsJob(script, kubeconfig);
        expect(output).toMatch(/volumesnapshot\.snapshot\.storage\.k8s\.io\/data-cache-0-\d{14} created/);
        for (const claim of ["data-cache-0", "data-cache-1"]) {
            const [snapshot, ...more] = snapshots(claim);
            expect(more).toEqual([]);
            expect(snapshot.metadata.name).toMatch(new RegExp(`^${claim}-\\d{14}$`));
            expect(snapshot.spec).toEqual({ source: { persistentVolumeClaimName: claim } });
        }
        expect(runAsJob(snapshotScript({ app: "cache", claims: ["data-cache-9"], retain: 2 }), kubeconfig)).toBe("skipped data-cache-9: no such claim\n");
        // An app named like a YAML 1.1 boolean (as kubectl reads YAML): its label stays the string "on".
        await nextSecond();
        expect(runAsJob(snapshotScript({ app: "on", claims: ["data-cache-1"], retain: 2 }), kubeconfig)).toMatch(/data-cache-1-\d{14} created/);
        expect(stack.list("volumesnapshots", `${BACKUP_APP_LABEL}=on`).map((s) => s.metadata.labels[BACKUP_CLAIM_LABEL])).toEqual(["data-cache-1"]);
    });

    it("prunes to the newest `retain` ready snapshots of each claim: never one still being taken, never another's", async () => {
        const script = stack.get("cronjob", "cache-backup").spec.jobTemplate.spec.template.spec.containers[0].command[2] as string;
        const kubeconfig = accountKubeconfig();
        // A snapshot taken by hand (without the labels) is no business of the Job's.
        kubectl(["apply", "-n", NAMESPACE, "-f", "-"], stringify({
            apiVersion: "snapshot.storage.k8s.io/v1", kind: "VolumeSnapshot", metadata: { name: SNAPSHOT }, spec: { source: { persistentVolumeClaimName: "data-cache-0" } },
        }));
        const [first] = snapshots("data-cache-0").map((s) => s.metadata.name);
        markReady(first);
        await nextSecond();
        runAsJob(script, kubeconfig);
        const [, second] = snapshots("data-cache-0").map((s) => s.metadata.name);
        markReady(second);
        await nextSecond();
        // Two ready and one being taken: with retain 2 nothing is older than the second newest ready one.
        runAsJob(script, kubeconfig);
        expect(snapshots("data-cache-0")).toHaveLength(3);
        const third = snapshots("data-cache-0")[2].metadata.name;
        markReady(third);
        await nextSecond();
        // The fourth is not ready: the third and second are the two kept, the first goes.
        runAsJob(script, kubeconfig);
        expect(snapshots("data-cache-0").map((s) => s.metadata.name)).toEqual([second, third, expect.stringMatching(/^data-cache-0-\d{14}$/)]);
        // data-cache-1's snapshots were never ready, and were taken minutes ago: none of its four went (stuck ones, a week
        // old, go: test/specs/volume-backup.test.ts, as no API server lets a test backdate a snapshot).
        expect(snapshots("data-cache-1")).toHaveLength(4);
        expect(stack.get("volumesnapshot", SNAPSHOT).metadata.name).toBe(SNAPSHOT);
    });

    it("has KWOK run a Job of the CronJob under the namespace's restricted Pod Security, as its account, to completion", async () => {
        const template = stack.get("cronjob", "cache-backup").spec.jobTemplate;
        // KWOK lets a pod with this label exit 0 (docs/local-cluster.md); the script itself never runs under KWOK.
        template.spec.template.metadata.labels["emulate.kube-appstack.io/completes"] = "true";
        kubectl(["apply", "-n", NAMESPACE, "-f", "-"], stringify({ apiVersion: "batch/v1", kind: "Job", metadata: { name: "cache-backup-now" }, spec: template.spec }));
        const job = await waitFor("the Job to complete", 90_000, () => {
            const j = stack.get("job", "cache-backup-now");
            return j.status?.succeeded === 1 ? j : undefined;
        });
        expect(job.status.conditions.map((c: KubeJson) => c.type)).toContain("Complete");
        const [pod] = stack.list("pods", "batch.kubernetes.io/job-name=cache-backup-now");
        expect(pod.spec.serviceAccountName).toBe("cache-backup");
        expect(pod.spec.volumes.some((v: KubeJson) => v.name.startsWith("kube-api-access-"))).toBe(true);
        expect(stack.get("namespace", NAMESPACE).metadata.labels["pod-security.kubernetes.io/enforce"]).toBe("restricted");
    });
});

describe("restoring a stateful app from a snapshot on the live control plane", () => {
    it("refuses restoreFrom on the deployed app, before anything changes", async () => {
        stack.setConfig(localStackConfig(NAMESPACE, { apps: [{ ...cache, storage: { ...cache.storage as object, restoreFrom: { snapshot: SNAPSHOT } } }], storage: [], protectData: false }));
        const preview = await stack.preview([], { allowFailure: true });
        expect(preview.code).not.toBe(0);
        expect(preview.output).toContain('kube-appstack:apps[0].storage.restoreFrom: app "cache" is deployed with no restoreFrom');
    });

    it("creates a new app's claims with the snapshot as their dataSource, as the API server accepts them", async () => {
        const restored = { ...cache, name: "cache-restored", replicas: 1, backup: undefined, storage: { ...cache.storage as object, restoreFrom: { snapshot: SNAPSHOT } }, readyTimeoutSeconds: 120 };
        stack.setConfig(localStackConfig(NAMESPACE, { apps: [cache, restored], storage: [], protectData: false }));
        await stack.up();
        const dataSource = { apiGroup: "snapshot.storage.k8s.io", kind: "VolumeSnapshot", name: SNAPSHOT };
        expect(stack.get("statefulset", "cache-restored").spec.volumeClaimTemplates[0].spec.dataSource).toEqual(dataSource);
        const claim = await waitFor<KubeJson>("the restored app's claim", 60_000, () => {
            try {
                return stack.get("persistentvolumeclaim", "data-cache-restored-0");
            } catch {
                return undefined;
            }
        });
        expect(claim.spec.dataSource).toEqual(dataSource);
        expect(claim.spec.dataSourceRef).toEqual(dataSource);
        // Bound all the same: the local cluster's local-path-provisioner is no CSI driver and ignores the dataSource, so
        // its volume starts empty. Filling it from the snapshot is the CSI provisioner's part, which no test here shows.
        expect(claim.status.phase).toBe("Bound");
    });
});
