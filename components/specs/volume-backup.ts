import { z } from "zod";
import { BACKUP_APP_LABEL } from "../../kube/backup-labels";
import { cronSchedule, timeZone } from "../../kube/cron-schedule";
import { code, dnsSubdomain, intIn, pinnedImage, show } from "../../kube/schemas";
import { compact, KubeObject } from "./kube-object";
import { appLabels } from "./labels";
import { containerSecurityContext, podSecurityContext } from "./pod-security";
import { TMP_VOLUME } from "./pod-template";
import { identityObjects, type ServiceAccountArgs } from "./service-account";
import { snapshotScript } from "./snapshot-script";

/** Every day at 02:30 in the CronJob's time zone: a quiet hour in most places, off the full hour when others run. */
export const DEFAULT_BACKUP_SCHEDULE = "30 2 * * *";
export const DEFAULT_BACKUP_RETAIN = 7;
export const MAX_BACKUP_RETAIN = 100;
/**
 * alpine/k8s (github.com/alpine-docker/k8s): Alpine with kubectl, sh and awk, rebuilt for every Kubernetes patch
 * release and widely used for exactly this kind of Job. The official registry.k8s.io/kubectl has no shell, and
 * bitnami/kubectl left Docker Hub's free tags in 2025. It runs as root by default, so the pod sets a non-root user. The
 * digest is the multi-arch index of tag 1.34.1, pinned because a tag can move under a running schedule.
 */
export const DEFAULT_BACKUP_IMAGE = "alpine/k8s:1.34.1@sha256:ec714df3813b5405292860f8a1c55c5727bf8c33c88992f1e981efad8065547f";
/** kubectl's own footprint: a few API calls per claim. */
export const DEFAULT_BACKUP_RESOURCES = { requests: { cpu: "50m", memory: "64Mi" }, limits: { cpu: "250m", memory: "128Mi" } } as const;
/** `nobody`: the image has no user of its own besides root. */
export const BACKUP_USER = 65534;
/** A Job that has not finished by then is stuck (an API server that does not answer); the next schedule tries again. */
const BACKUP_DEADLINE_SECONDS = 900;
/** A schedule missed by more than this (the controller was down) is skipped rather than run late. */
const STARTING_DEADLINE_SECONDS = 3600;
const BACKOFF_LIMIT = 2;
const JOBS_HISTORY = 3;
/** Jobs get the CronJob's name plus an 11-character suffix, and a Job's name goes into a 63-character label value. */
export const MAX_CRONJOB_NAME = 52;
const SUFFIX = "-backup";
export const MAX_BACKUP_OWNER_NAME = MAX_CRONJOB_NAME - SUFFIX.length;

export const backupSchema = z.strictObject({
    schedule: cronSchedule.optional().meta({
        description: "When to take the snapshots: five cron fields (minute hour day-of-month month day-of-week) or a descriptor such as `@daily`, as the CronJob controller reads them.",
        default: code(DEFAULT_BACKUP_SCHEDULE),
    }),
    timeZone: timeZone.optional().meta({ description: "IANA time zone of the schedule, e.g. `Europe/Berlin`.", default: "the controller manager's time zone (UTC on most clusters)" }),
    volumeSnapshotClassName: dnsSubdomain.optional().meta({
        description: "VolumeSnapshotClass of the snapshots (its CSI driver must be the claims' driver).",
        default: "the cluster's default VolumeSnapshotClass for the driver",
    }),
    retain: intIn(1, MAX_BACKUP_RETAIN).optional().meta({
        description: "Ready snapshots kept per claim; older ones are deleted after each run. Snapshots not ready yet, or failed, never count and never push a ready one out; one still not ready a week after it was taken is deleted, unless it is among the newest `retain`.",
        default: code(DEFAULT_BACKUP_RETAIN),
    }),
    image: pinnedImage(DEFAULT_BACKUP_IMAGE).optional().meta({
        description: "Image of the backup Job: it needs `sh`, `awk`, `date` and `kubectl`, e.g. a mirror of the default in a private registry.",
        default: `\`${DEFAULT_BACKUP_IMAGE}\``,
    }),
}).meta({ title: "Backup" });

export type BackupArgs = z.infer<typeof backupSchema>;

export function backupName(owner: string): string {
    return `${owner}${SUFFIX}`;
}

/** The owner's name as the backup's CronJob allows it: refines a name schema when `backup` is set. */
export function backupOwnerProblem(owner: string): string | undefined {
    return owner.length <= MAX_BACKUP_OWNER_NAME ? undefined
        : `${show(owner)} has ${owner.length} characters; allowed: at most ${MAX_BACKUP_OWNER_NAME} with \`backup\` (its CronJob ${show(backupName(owner))} may have ${MAX_CRONJOB_NAME}: its Jobs add 11 characters to a name that goes into a label)`;
}

/** What the Job may do: take, list and prune snapshots and look its claims up, in its own namespace, and nothing else. */
export const BACKUP_RULES = [
    { apiGroups: ["snapshot.storage.k8s.io"], resources: ["volumesnapshots"], verbs: ["create", "list", "delete"] },
    { apiGroups: [""], resources: ["persistentvolumeclaims"], verbs: ["get", "list"] },
] satisfies NonNullable<ServiceAccountArgs["rules"]>;

export interface VolumeBackupObjects {
    backupServiceAccount: KubeObject;
    backupRole: KubeObject;
    backupRoleBinding: KubeObject;
    backupCronJob: KubeObject;
}

/**
 * Scheduled CSI VolumeSnapshots of `claims` (see snapshot-script.ts), all named `<owner>-backup`: a ServiceAccount
 * with a Role of BACKUP_RULES only, and a CronJob whose pods meet the restricted Pod Security profile. `extraLabels`
 * are the owner's own `labels`.
 */
export function volumeBackupObjects(owner: string, namespace: string, extraLabels: Record<string, string> | undefined, claims: readonly string[], args: BackupArgs): VolumeBackupObjects {
    const name = backupName(owner);
    // Labels of their own: with the owner's selector labels the Job's pods would join its Services and disruption budget.
    const backupLabels = appLabels(name, "backup", extraLabels);
    const identity = identityObjects(name, namespace, backupLabels, { rules: BACKUP_RULES });
    const script = snapshotScript({ app: owner, claims, retain: args.retain ?? DEFAULT_BACKUP_RETAIN, volumeSnapshotClassName: args.volumeSnapshotClassName });
    const resources = DEFAULT_BACKUP_RESOURCES;
    return {
        backupServiceAccount: identity.serviceAccount,
        backupRole: identity.role!,
        backupRoleBinding: identity.roleBinding!,
        backupCronJob: {
            apiVersion: "batch/v1",
            kind: "CronJob",
            // The owner's name, by which a policy finds the backup of a StatefulSet (statefulset-backed-up).
            metadata: { name, namespace, labels: { ...backupLabels, [BACKUP_APP_LABEL]: owner } },
            spec: compact({
                schedule: args.schedule ?? DEFAULT_BACKUP_SCHEDULE,
                timeZone: args.timeZone,
                // Two runs at once would race each other's pruning.
                concurrencyPolicy: "Forbid",
                startingDeadlineSeconds: STARTING_DEADLINE_SECONDS,
                successfulJobsHistoryLimit: JOBS_HISTORY,
                failedJobsHistoryLimit: JOBS_HISTORY,
                jobTemplate: {
                    metadata: { labels: backupLabels },
                    spec: {
                        backoffLimit: BACKOFF_LIMIT,
                        activeDeadlineSeconds: BACKUP_DEADLINE_SECONDS,
                        template: {
                            metadata: { labels: backupLabels },
                            spec: {
                                serviceAccountName: name,
                                automountServiceAccountToken: true,
                                restartPolicy: "Never",
                                securityContext: podSecurityContext({ runAsUser: BACKUP_USER, runAsGroup: BACKUP_USER }),
                                containers: [{
                                    name: "snapshot",
                                    image: args.image ?? DEFAULT_BACKUP_IMAGE,
                                    command: ["/bin/sh", "-c", script],
                                    // kubectl keeps its discovery cache under $HOME; the root filesystem is read-only.
                                    env: [{ name: "HOME", value: TMP_VOLUME.mountPath }],
                                    resources: { requests: { ...resources.requests }, limits: { ...resources.limits } },
                                    securityContext: containerSecurityContext(),
                                    volumeMounts: [{ ...TMP_VOLUME }],
                                }],
                                volumes: [{ name: TMP_VOLUME.name, emptyDir: {} }],
                            },
                        },
                    },
                },
            }),
        },
    };
}

/** Refines an entry with a `name` and maybe `backup` (a stack config entry): the name leaves room for the CronJob's. */
export function backupNameProblems(entry: { name: string; backup?: unknown }, ctx: z.RefinementCtx): void {
    const problem = entry.backup === undefined ? undefined : backupOwnerProblem(entry.name);
    if (problem !== undefined) ctx.addIssue({ code: "custom", path: ["name"], message: problem });
}

/** A component's name schema, narrowed when the component has `backup`. */
export function backupOwnerName(nameSchema: z.ZodType<string>): z.ZodType<string> {
    return nameSchema.refine((name) => backupOwnerProblem(name) === undefined, { error: (iss) => backupOwnerProblem(String(iss.input)) });
}
