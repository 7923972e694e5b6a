import { asString, fieldAt, type KubeObject, objectRef } from "../kube-object";
import { defineStackRule, type Finding } from "../rule";
import type { StorageClaim } from "../stack-index";

/** The annotations that make a StorageClass the default for claims that name none (the beta one is still honoured). */
const DEFAULT_CLASS_ANNOTATIONS = ["storageclass.kubernetes.io/is-default-class", "storageclass.beta.kubernetes.io/is-default-class"];

/** How many claims a finding names before it only counts the rest. */
const LISTED_CLAIMS = 5;

const isDefaultClass = (storageClass: KubeObject): boolean =>
    DEFAULT_CLASS_ANNOTATIONS.some((annotation) => fieldAt(storageClass, "metadata", "annotations", annotation) === "true");

export const storageClassReclaimRetain = defineStackRule({
    name: "storage-class-reclaim-retain",
    description:
        "A StorageClass that claims or StatefulSet claim templates in the input provision from (by name, or as the default class for claims that name none) keeps volumes on release: reclaimPolicy Delete, the default when unset, erases the data as soon as its claim is deleted.",
    remediation: "Set reclaimPolicy: Retain on the StorageClass (a new class: the field cannot change), or point the claims at a class that retains.",
    defaultLevel: "mandatory",
    parameters: {},
    checkStack(index) {
        const byName = new Map(index.storageClasses.map((storageClass) => [objectRef(storageClass).name, storageClass]));
        // With several default classes the newest wins in the API server; any of them may provision, so each is judged.
        const defaults = index.storageClasses.filter(isDefaultClass);
        const users = new Map<KubeObject, StorageClaim[]>();
        for (const claim of index.storageClaims) {
            const classes = claim.storageClassName === undefined ? defaults : [byName.get(claim.storageClassName)].filter((c) => c !== undefined);
            for (const storageClass of classes) {
                const list = users.get(storageClass);
                if (list === undefined) users.set(storageClass, [claim]);
                else list.push(claim);
            }
        }
        const findings: Finding[] = [];
        for (const [storageClass, claims] of users) {
            const policy = asString(fieldAt(storageClass, "reclaimPolicy"));
            if (policy === "Retain") continue;
            const listed = claims.slice(0, LISTED_CLAIMS).map((claim) => claim.description).join(", ");
            const more = claims.length > LISTED_CLAIMS ? ` and ${claims.length - LISTED_CLAIMS} more` : "";
            findings.push({
                object: storageClass,
                message: `${policy === undefined ? "has no reclaimPolicy (Delete by default)" : `has reclaimPolicy ${policy}`}, so the volumes it provisions for ${listed}${more} are deleted with their claims`,
            });
        }
        return findings;
    },
});
