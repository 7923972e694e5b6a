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

/**
 * The script, for `sh -c`. Snapshots are named `<claim>-<UTC time to the second>`. Pruning keeps, per claim, the newest
 * `retain` snapshots that are ready to use, and the newest `retain` snapshots whatever their state, and deletes the
 * rest: snapshots still being taken or failing never push a good one out, and a snapshot that is not ready goes only
 * once `retain` newer ones were taken, when it has been stuck for `retain` runs, so a broken snapshot driver leaves
 * `retain` of them behind instead of one more every run.
 */
export function snapshotScript(args: SnapshotScriptArgs): string {
    const selector = (claim: string) => `${BACKUP_APP_LABEL}=$app,${BACKUP_CLAIM_LABEL}=${claim}`;
    return [
        "set -eu",
        `app=${quote(args.app)}`,
        `retain=${quote(args.retain)}`,
        "stamp=$(date -u +%Y%m%d%H%M%S)",
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
        `  listed=$(kubectl get volumesnapshots -l "${selector("$claim")}" --sort-by=.metadata.creationTimestamp -o jsonpath='{range .items[*]}{.metadata.name}{" "}{.status.readyToUse}{"\\n"}{end}')`,
        // Newest first: a ready one within the newest `retain` ready ones stays, and so does any within the newest `retain`.
        `  old=$(printf '%s\\n' "$listed" | awk -v keep="$retain" 'NF { name[++n] = $1; ready[n] = $2 } END { for (i = n; i >= 1; i--) { if (ready[i] == "true" && kept < keep) kept++; else if (n - i >= keep) print name[i] } }')`,
        '  for snapshot in $old; do kubectl delete volumesnapshot "$snapshot" --wait=false; done',
        "done",
        "",
    ].join("\n");
}
