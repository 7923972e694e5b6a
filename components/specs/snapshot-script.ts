// The shell script a backup Job runs: one CSI VolumeSnapshot per claim, then pruning. It needs only `sh`, `awk`,
// `date` and `kubectl`, and only the grants of the backup Role (create, list and delete volumesnapshots; get and list
// persistentvolumeclaims): no `kubectl wait` or `--wait`, which would watch.

import { BACKUP_APP_LABEL, BACKUP_CLAIM_LABEL } from "../../kube/backup-labels";

export interface SnapshotScriptArgs {
    /** The app whose claims are snapshotted: the value of BACKUP_APP_LABEL, by which (with the claim's) pruning selects. */
    app: string;
    /** Claims to snapshot, in order; one that does not exist (a replica never scaled up to) is skipped. */
    claims: readonly string[];
    /** Ready snapshots kept per claim. */
    retain: number;
    volumeSnapshotClassName?: string;
}

/** Every value is a Kubernetes name or a number (the schema makes sure), so single quotes are all the quoting needed. */
const quote = (value: string | number): string => `'${String(value).replace(/'/g, "'\\''")}'`;

/** A snapshot not ready this long after it was taken is given up on: no snapshot of a volume takes a week. */
export const STUCK_SNAPSHOT_DAYS = 7;

/**
 * Picks the snapshots of one claim to delete, from lines `<name> <creationTimestamp> <readyToUse>`, oldest first
 * (readyToUse is empty until the snapshot controller sets it). With `keep` the ready snapshots kept, newest first:
 * - once `keep` ready ones are counted, every older snapshot goes (`superseded`), ready or not;
 * - newer than that, a snapshot not ready goes only when it is stuck: older than `cutoff` (RFC 3339 UTC, compared as
 *   text) and not among the newest `keep` of any state (`stuck`). So a snapshot still being cut is deleted only once
 *   `keep` newer ones are ready, and a snapshot driver that never finishes leaves a week of attempts, not one more
 *   every run.
 * Prints `<name> <reason>` per snapshot to delete.
 */
export const PRUNE_AWK = 'NF { name[++n] = $1; created[n] = $2; ready[n] = $3 } END { for (i = n; i >= 1; i--) { if (kept >= keep) print name[i], "superseded"; else if (ready[i] == "true") kept++; else if (n - i >= keep && created[i] < cutoff) print name[i], "stuck" } }';

/**
 * The script, for `sh -c`. Snapshots are named `<claim>-<UTC time to the second>`. Pruning keeps the newest `retain`
 * ready snapshots of each claim and deletes what is older, and deletes stuck ones (PRUNE_AWK): snapshots still being
 * taken or failing never push a good one out, and with fewer ready ones than `retain` no ready one is deleted.
 */
export function snapshotScript(args: SnapshotScriptArgs): string {
    const selector = (claim: string) => `${BACKUP_APP_LABEL}=$app,${BACKUP_CLAIM_LABEL}=${claim}`;
    return [
        "set -eu",
        `app=${quote(args.app)}`,
        `retain=${quote(args.retain)}`,
        "stamp=$(date -u +%Y%m%d%H%M%S)",
        // busybox's date (the image's) and GNU's both read `@<seconds>`.
        `stuck=$(date -u -d "@$(( $(date +%s) - ${STUCK_SNAPSHOT_DAYS * 24 * 3600} ))" +%Y-%m-%dT%H:%M:%SZ)`,
        `for claim in ${args.claims.map(quote).join(" ")}; do`,
        // --ignore-not-found: a missing claim prints nothing, while an API error still stops the script.
        '  if [ -z "$(kubectl get persistentvolumeclaim "$claim" --ignore-not-found -o name)" ]; then',
        '    echo "skipped $claim: no such claim"',
        "    continue",
        "  fi",
        // Every value double-quoted: kubectl reads YAML 1.1, where a name such as `yes`, `on` or `n` is a boolean.
        "  kubectl create -f - <<EOF",
        "apiVersion: snapshot.storage.k8s.io/v1",
        "kind: VolumeSnapshot",
        "metadata:",
        '  name: "$claim-$stamp"',
        "  labels:",
        `    ${BACKUP_APP_LABEL}: "$app"`,
        `    ${BACKUP_CLAIM_LABEL}: "$claim"`,
        "spec:",
        ...(args.volumeSnapshotClassName === undefined ? [] : [`  volumeSnapshotClassName: "${args.volumeSnapshotClassName}"`]),
        "  source:",
        '    persistentVolumeClaimName: "$claim"',
        "EOF",
        `  listed=$(kubectl get volumesnapshots -l "${selector("$claim")}" --sort-by=.metadata.creationTimestamp -o jsonpath='{range .items[*]}{.metadata.name}{" "}{.metadata.creationTimestamp}{" "}{.status.readyToUse}{"\\n"}{end}')`,
        // Its own step, so that a failing awk stops the script (in a pipeline only the last command's status counts).
        `  doomed=$(printf '%s\\n' "$listed" | awk -v keep="$retain" -v cutoff="$stuck" '${PRUNE_AWK}')`,
        `  printf '%s\\n' "$doomed" | while read -r snapshot why; do`,
        '    [ -n "$snapshot" ] || continue',
        `    if [ "$why" = stuck ]; then echo "$snapshot has not become ready in ${STUCK_SNAPSHOT_DAYS} days: deleting it"; fi`,
        // An earlier run's delete (--wait=false) may finish between the list and this delete: that is no failure.
        '    kubectl delete volumesnapshot "$snapshot" --wait=false --ignore-not-found',
        "  done",
        "done",
        "",
    ].join("\n");
}
