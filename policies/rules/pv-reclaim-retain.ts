import { fieldAt, isKind } from "../kube-object";
import { defineObjectRule } from "../rule";

export const pvReclaimRetain = defineObjectRule({
    name: "pv-reclaim-retain",
    description:
        "A PersistentVolume keeps its data when its claim goes away: reclaim policy Delete or Recycle erases the volume as soon as the PVC is deleted.",
    remediation: "Set spec.persistentVolumeReclaimPolicy: Retain (for dynamically provisioned volumes, use a StorageClass with reclaimPolicy: Retain).",
    defaultLevel: "mandatory",
    parameters: {},
    checkObject(obj) {
        if (!isKind(obj, "", "PersistentVolume")) return [];
        const policy = fieldAt(obj, "spec", "persistentVolumeReclaimPolicy");
        return policy === "Delete" || policy === "Recycle" ? [`has reclaim policy ${policy}, which erases its data when the claim is deleted`] : [];
    },
});
