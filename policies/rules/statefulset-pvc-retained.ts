import { asList, fieldAt, isKind } from "../kube-object";
import { defineObjectRule } from "../rule";

export const statefulsetPvcRetained = defineObjectRule({
    name: "statefulset-pvc-retained",
    description:
        "A StatefulSet with volumeClaimTemplates keeps its PersistentVolumeClaims when it is deleted, so deleting or recreating the StatefulSet does not delete its data.",
    remediation: "Set spec.persistentVolumeClaimRetentionPolicy.whenDeleted: Retain (the default when the field is omitted).",
    defaultLevel: "mandatory",
    parameters: {},
    checkObject(obj) {
        if (!isKind(obj, "apps", "StatefulSet") || asList(fieldAt(obj, "spec", "volumeClaimTemplates")).length === 0) return [];
        return fieldAt(obj, "spec", "persistentVolumeClaimRetentionPolicy", "whenDeleted") === "Delete"
            ? ["deletes its PersistentVolumeClaims when it is deleted (persistentVolumeClaimRetentionPolicy.whenDeleted: Delete)"]
            : [];
    },
});
