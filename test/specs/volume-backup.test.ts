// Backup of a stateful app's claims: a CronJob that snapshots each replica's claim with the least privilege and the
// restricted pod profile, and claims restored from a named snapshot.
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { BACKUP_APP_LABEL, BACKUP_CLAIM_LABEL } from "../../kube/backup-labels";
import { statefulAppClaims, statefulAppObjects, StatefulAppArgs } from "../../components/specs/stateful-app";
import { BACKUP_RULES, BACKUP_USER, DEFAULT_BACKUP_IMAGE, DEFAULT_BACKUP_RETAIN, DEFAULT_BACKUP_SCHEDULE } from "../../components/specs/volume-backup";
import { PRUNE_AWK } from "../../components/specs/snapshot-script";
import { hasDigest } from "../../kube/image";
import { validateAgainstOpenApi } from "../support/openapi";

/* eslint-disable @typescript-eslint/no-explicit-any */
const resources = { requests: { cpu: "250m", memory: "128Mi" }, limits: { cpu: "500m", memory: "256Mi" } };
const db = (extra: Partial<StatefulAppArgs> = {}): StatefulAppArgs => ({ namespace: "apps", image: "redis:7.4.1-alpine", resources, storage: { size: "1Gi" }, ...extra });
const script = (o: ReturnType<typeof statefulAppObjects>): string => (o.backupCronJob as any).spec.jobTemplate.spec.template.spec.containers[0].command[2];

describe("a stateful app's backup", () => {
    it("is absent unless asked for", () => {
        const o = statefulAppObjects("db", db());
        expect([o.backupServiceAccount, o.backupRole, o.backupRoleBinding, o.backupCronJob]).toEqual([undefined, undefined, undefined, undefined]);
    });

    it("is a CronJob <name>-backup on the default schedule that never overlaps itself, every object valid for the API", () => {
        const o = statefulAppObjects("db", db({ replicas: 3, backup: {} }));
        const cronJob = o.backupCronJob as any;
        expect(cronJob.metadata).toMatchObject({ name: "db-backup", namespace: "apps" });
        expect(cronJob.spec).toMatchObject({ schedule: DEFAULT_BACKUP_SCHEDULE, concurrencyPolicy: "Forbid" });
        expect(cronJob.spec).not.toHaveProperty("timeZone");
        for (const object of [o.backupServiceAccount!, o.backupRole!, o.backupRoleBinding!, o.backupCronJob!]) validateAgainstOpenApi(object);
        const withZone = statefulAppObjects("db", db({ backup: { schedule: "@hourly", timeZone: "Europe/Berlin" } })).backupCronJob as any;
        expect(withZone.spec).toMatchObject({ schedule: "@hourly", timeZone: "Europe/Berlin" });
    });

    it("runs as its own account, which may only take, list and prune snapshots and look claims up", () => {
        const o = statefulAppObjects("db", db({ backup: {} }));
        expect(o.backupRole).toMatchObject({ kind: "Role", metadata: { name: "db-backup", namespace: "apps" }, rules: BACKUP_RULES });
        expect(BACKUP_RULES).toEqual([
            { apiGroups: ["snapshot.storage.k8s.io"], resources: ["volumesnapshots"], verbs: ["create", "list", "delete"] },
            { apiGroups: [""], resources: ["persistentvolumeclaims"], verbs: ["get", "list"] },
        ]);
        expect(o.backupRoleBinding).toMatchObject({ roleRef: { kind: "Role", name: "db-backup" }, subjects: [{ kind: "ServiceAccount", name: "db-backup", namespace: "apps" }] });
        expect(o.backupServiceAccount).toMatchObject({ metadata: { name: "db-backup" }, automountServiceAccountToken: true });
        const pod = (o.backupCronJob as any).spec.jobTemplate.spec.template.spec;
        expect(pod).toMatchObject({ serviceAccountName: "db-backup", automountServiceAccountToken: true, restartPolicy: "Never" });
        // The app's own pods keep no token: the grant is the Job's alone.
        expect((o.statefulSet as any).spec.template.spec.automountServiceAccountToken).toBe(false);
    });

    it("runs its pods under the restricted profile, bounded, from an image pinned by digest", () => {
        const pod = (statefulAppObjects("db", db({ backup: {} })).backupCronJob as any).spec.jobTemplate.spec.template.spec;
        expect(pod.securityContext).toEqual({ runAsNonRoot: true, runAsUser: BACKUP_USER, runAsGroup: BACKUP_USER, seccompProfile: { type: "RuntimeDefault" } });
        const [container] = pod.containers;
        expect(container.securityContext).toEqual({ runAsNonRoot: true, allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] } });
        expect(container.resources.requests).toBeDefined();
        expect(container.resources.limits).toBeDefined();
        expect(container.image).toBe(DEFAULT_BACKUP_IMAGE);
        expect(hasDigest(container.image)).toBe(true);
        // kubectl's cache goes to the one writable place.
        expect(container.env).toEqual([{ name: "HOME", value: "/tmp" }]);
        expect(container.volumeMounts).toEqual([{ name: "tmp", mountPath: "/tmp" }]);
    });

    it("labels its pods apart from the app's, so they never join its Services, disruption budget or network policy", () => {
        const o = statefulAppObjects("db", db({ replicas: 2, backup: {}, labels: { team: "data" } }));
        const podLabels = (o.backupCronJob as any).spec.jobTemplate.spec.template.metadata.labels;
        const selector = (o.statefulSet as any).spec.selector.matchLabels;
        expect(Object.entries(selector).every(([k, v]) => podLabels[k] === v)).toBe(false);
        expect(podLabels).toMatchObject({ "app.kubernetes.io/name": "db-backup", "app.kubernetes.io/component": "backup", team: "data" });
    });

    it("snapshots every claim the StatefulSet can make: each replica's, or each up to the autoscaler's maximum", () => {
        expect(statefulAppClaims("db", { replicas: 3 })).toEqual(["data-db-0", "data-db-1", "data-db-2"]);
        expect(statefulAppClaims("db", {})).toEqual(["data-db-0"]);
        expect(statefulAppClaims("db", { autoscaling: { minReplicas: 1, maxReplicas: 4 } })).toHaveLength(4);
        const text = script(statefulAppObjects("db", db({ replicas: 3, backup: {} })));
        expect(text).toContain("for claim in 'data-db-0' 'data-db-1' 'data-db-2'; do");
        expect(text).toContain(`retain='${DEFAULT_BACKUP_RETAIN}'`);
        expect(script(statefulAppObjects("db", db({ replicas: 0, backup: { retain: 2 } })))).toContain("retain='2'");
    });

    it("labels each snapshot with the app and claim it prunes by, and names the class only when given", () => {
        const text = script(statefulAppObjects("db", db({ backup: { volumeSnapshotClassName: "csi-snapclass" } })));
        expect(text).toContain(`${BACKUP_APP_LABEL}: "$app"`);
        expect(text).toContain(`${BACKUP_CLAIM_LABEL}: "$claim"`);
        expect(text).toContain(`-l "${BACKUP_APP_LABEL}=$app,${BACKUP_CLAIM_LABEL}=$claim"`);
        expect(text).toContain('volumeSnapshotClassName: "csi-snapclass"');
        expect(script(statefulAppObjects("db", db({ backup: {} })))).not.toContain("volumeSnapshotClassName");
        // Deleting waits for nothing: a wait would watch, which the Role does not grant.
        expect(text).toContain("--wait=false");
        expect(text).not.toMatch(/kubectl wait|--watch/);
    });
});

describe("the snapshot the backup script creates", () => {
    /** The heredoc kubectl reads, expanded as sh expands it, read as kubectl reads YAML (1.1: yes, on, n are booleans). */
    function manifest(app: string, className?: string): any {
        const text = script(statefulAppObjects(app, db({ backup: { volumeSnapshotClassName: className } })));
        const body = text.slice(text.indexOf("<<EOF\n") + 6, text.indexOf("\nEOF\n"));
        return parse(body.replace(/\$app/g, app).replace(/\$claim/g, `data-${app}-0`).replace(/\$stamp/g, "20261130023000"), { version: "1.1" });
    }

    it.each(["db", "yes", "on", "n", "null", "true"])("keeps an app named %j a string in its name and labels", (app) => {
        expect(manifest(app, "off").metadata).toEqual({
            name: `data-${app}-0-20261130023000`,
            labels: { [BACKUP_APP_LABEL]: app, [BACKUP_CLAIM_LABEL]: `data-${app}-0` },
        });
        expect(manifest(app, "off").spec).toEqual({ volumeSnapshotClassName: "off", source: { persistentVolumeClaimName: `data-${app}-0` } });
    });
});

describe("a stateful app restored from a snapshot", () => {
    it("gives its claim template the snapshot as dataSource", () => {
        const o = statefulAppObjects("db", db({ storage: { size: "1Gi", restoreFrom: { snapshot: "data-db-0-20261130023000" } } }));
        const template = (o.statefulSet as any).spec.volumeClaimTemplates[0];
        expect(template.spec.dataSource).toEqual({ apiGroup: "snapshot.storage.k8s.io", kind: "VolumeSnapshot", name: "data-db-0-20261130023000" });
        validateAgainstOpenApi(o.statefulSet);
        expect((statefulAppObjects("db", db()).statefulSet as any).spec.volumeClaimTemplates[0].spec).not.toHaveProperty("dataSource");
    });
});

describe("the backup's pruning (PRUNE_AWK, run by the host's awk as the Job's busybox awk runs it)", () => {
    const CUTOFF = "2026-11-23T12:00:00Z";
    const OLD = "2026-11-20T02:30:00Z";
    const prune = (keep: number, lines: string[]): string[] => {
        const result = spawnSync("awk", ["-v", `keep=${keep}`, "-v", `cutoff=${CUTOFF}`, PRUNE_AWK], { input: lines.map((l) => `${l}\n`).join(""), encoding: "utf8" });
        expect(result.stderr).toBe("");
        return result.stdout.split("\n").filter(Boolean);
    };
    // `<name> <created> <readyToUse>`, oldest first; readyToUse is empty until the snapshot controller sets it.
    const at = (day: number) => `2026-11-${String(day).padStart(2, "0")}T02:30:00Z`;

    it("keeps the newest `retain` ready snapshots and deletes every older one, ready or not", () => {
        expect(prune(2, [])).toEqual([]);
        expect(prune(2, [`a ${at(24)} true`, `b ${at(25)} true`, `c ${at(26)} true`, `d ${at(27)} true`])).toEqual(["b superseded", "a superseded"]);
        expect(prune(2, [`a ${at(24)} false`, `b ${at(25)} true`, `c ${at(26)}`, `d ${at(27)} true`])).toEqual(["a superseded"]);
        expect(prune(1, [`a ${at(24)} true`, `b ${at(25)} true`])).toEqual(["a superseded"]);
    });

    it("never lets a snapshot that is not ready push a ready one out, nor deletes one still being cut", () => {
        // Taking the first snapshot of a large volume outlasts several hourly runs: nothing goes, with retain 1 too.
        expect(prune(1, [`a ${at(20)} true`, `b ${at(29)}`, `c ${at(29)} false`, `d ${at(30)}`])).toEqual([]);
        // Fewer ready ones than retain: no ready one goes.
        expect(prune(3, [`a ${OLD} true`, `b ${at(29)}`, `c ${at(30)} true`])).toEqual([]);
    });

    it("deletes a stuck snapshot, one older than a week that is not among the newest `retain`, so a broken driver leaves a week of them", () => {
        expect(prune(2, [`a ${OLD}`, `b ${OLD} false`, `c ${at(22)}`, `d ${at(23)}`, `e ${at(29)}`])).toEqual(["c stuck", "b stuck", "a stuck"]);
        // Among the newest `retain`, even a stuck one stays (a monthly schedule's last attempt).
        expect(prune(2, [`a ${OLD}`, `b ${OLD}`])).toEqual([]);
        // A ready one older than the stuck ones is kept, and still counts.
        expect(prune(2, [`a ${OLD} true`, `b ${OLD}`, `c ${at(29)}`, `d ${at(30)}`])).toEqual(["b stuck"]);
    });
});
