import { BACKUP_APP_LABEL } from "../../kube/backup-labels";
import { asList, fieldAt, isKind, labelsOf } from "../kube-object";
import { defineStackRule, type Finding } from "../rule";

export const statefulsetBackedUp = defineStackRule({
    name: "statefulset-backed-up",
    description:
        `A StatefulSet with volumeClaimTemplates is backed up: a CronJob in its namespace, not suspended, carries the label \`${BACKUP_APP_LABEL}: <StatefulSet name>\` (kube-appstack's \`backup\` makes one that takes CSI VolumeSnapshots of its claims). Claims outlive their pods but not a lost disk, a deleted namespace or a bad write.`,
    remediation: `Set \`backup\` on the stateful app, or label the CronJob that backs the StatefulSet up \`${BACKUP_APP_LABEL}: <name>\`; for data you can rebuild, waive the finding on the StatefulSet.`,
    defaultLevel: "advisory",
    parameters: {},
    checkStack(index) {
        const backedUp = new Set(index.workloads
            .filter((w) => isKind(w.object, "batch", "CronJob") && fieldAt(w.object, "spec", "suspend") !== true)
            .flatMap((w) => {
                const app = labelsOf(fieldAt(w.object, "metadata", "labels"))[BACKUP_APP_LABEL];
                return app === undefined ? [] : [`${w.ref.namespace}/${app}`];
            }));
        const findings: Finding[] = [];
        for (const workload of index.workloads) {
            if (!isKind(workload.object, "apps", "StatefulSet") || asList(fieldAt(workload.object, "spec", "volumeClaimTemplates")).length === 0) continue;
            if (backedUp.has(`${workload.ref.namespace}/${workload.ref.name}`)) continue;
            findings.push({
                object: workload.object,
                message: `keeps data in claims (volumeClaimTemplates) but no CronJob in namespace "${workload.ref.namespace}" labelled ${BACKUP_APP_LABEL}: ${workload.ref.name} backs it up`,
            });
        }
        return findings;
    },
});
