// The labels of kube-appstack's volume backups: the components put them on what a backup makes, and the
// statefulset-backed-up policy finds a StatefulSet's backup by them in plain manifests.

/** The app (its StatefulSet) a backup is of: on the backup's CronJob and on every snapshot it takes. */
export const BACKUP_APP_LABEL = "backup.kube-appstack.io/app";
/** The claim a snapshot is a copy of; with BACKUP_APP_LABEL, what pruning selects by. */
export const BACKUP_CLAIM_LABEL = "backup.kube-appstack.io/claim";
