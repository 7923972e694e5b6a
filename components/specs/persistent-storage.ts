import { z } from "zod";
import { absolutePath, accessModes, code, dnsLabel, dnsSubdomain, labelValue, positiveQuantity } from "../../kube/schemas";
import { compact, KubeObject } from "./kube-object";
import { stackLabels } from "./labels";

export const DEFAULT_VOLUME_ACCESS_MODES = ["ReadWriteOnce"] as const;
/** A class no provisioner serves, so the claim can only bind the volume made for it. */
export const DEFAULT_MANUAL_STORAGE_CLASS = "manual";
export const DEFAULT_RECLAIM_POLICY = "Retain";

/** The fields of a PersistentStorage that a stack config `storage` entry also writes (with its `name`). */
export const persistentStorageShape = {
    size: positiveQuantity.meta({ description: 'Capacity, e.g. "1Gi".' }),
    accessModes: accessModes.optional().meta({ description: "Access modes of volume and claim.", default: code(DEFAULT_VOLUME_ACCESS_MODES) }),
    storageClassName: dnsSubdomain.optional().meta({
        description: "StorageClass name shared by volume and claim (no provisioner behind it).",
        default: code(DEFAULT_MANUAL_STORAGE_CLASS),
    }),
    reclaimPolicy: z.enum(["Retain", "Delete"]).optional().meta({
        description: "What happens to the data when the claim is deleted; Retain keeps it for a person to decide.",
        default: code(DEFAULT_RECLAIM_POLICY),
    }),
    hostPath: absolutePath.optional().meta({
        description: "A directory on the node (`hostPath`, type DirectoryOrCreate). For single-node clusters, and for kind, whose nodes all mount the same laptop directory (see the kind cluster's `extraMounts`). Give exactly one of hostPath and local.",
    }),
    local: z.strictObject({
        path: absolutePath.meta({ description: "Directory or disk on the nodes." }),
        nodeNames: z.array(labelValue).min(1).meta({ description: "Nodes that have it; pods using the claim are scheduled onto them." }),
    }).optional().meta({
        description: "A `local` volume: a directory or disk on specific nodes. The Kubernetes API requires node affinity for it, so the nodes are named here.",
    }),
};

/** A PersistentStorage needs exactly one volume source. */
export function oneStorageSource(s: { hostPath?: string; local?: unknown }, ctx: z.RefinementCtx): void {
    if ((s.hostPath === undefined) === (s.local === undefined)) {
        ctx.addIssue({
            code: "custom",
            message: "exactly one of hostPath and local is required (a local volume also names its nodes, as the Kubernetes API requires node affinity for it)",
        });
    }
}

/**
 * A PersistentVolume and the PersistentVolumeClaim bound to it: storage provisioned by hand (no dynamic provisioner),
 * reserved for one claim so that no other claim can take it.
 */
export const persistentStorageArgsSchema = z.strictObject({
    ...persistentStorageShape,
    namespace: dnsLabel.meta({ description: "Namespace of the claim (the volume itself is cluster-wide)." }),
}).superRefine(oneStorageSource);

export type PersistentStorageArgs = z.infer<typeof persistentStorageArgsSchema>;

export interface PersistentStorageObjects {
    persistentVolume: KubeObject;
    persistentVolumeClaim: KubeObject;
}

/** Volumes are cluster-wide: prefixing the namespace keeps two namespaces' `data` volumes apart. */
export function persistentVolumeName(name: string, namespace: string): string {
    return `${namespace}-${name}`;
}

export function persistentStorageObjects(name: string, args: PersistentStorageArgs): PersistentStorageObjects {
    const pvName = persistentVolumeName(name, args.namespace);
    const accessModes = args.accessModes ?? [...DEFAULT_VOLUME_ACCESS_MODES];
    const storageClassName = args.storageClassName ?? DEFAULT_MANUAL_STORAGE_CLASS;
    const labels = { "app.kubernetes.io/name": name, ...stackLabels() };
    const source = args.local
        ? {
            local: { path: args.local.path },
            nodeAffinity: {
                required: {
                    nodeSelectorTerms: [{
                        matchExpressions: [{ key: "kubernetes.io/hostname", operator: "In", values: args.local.nodeNames }],
                    }],
                },
            },
        }
        : { hostPath: { path: args.hostPath, type: "DirectoryOrCreate" } };
    return {
        persistentVolume: {
            apiVersion: "v1",
            kind: "PersistentVolume",
            metadata: { name: pvName, labels },
            spec: compact({
                capacity: { storage: args.size },
                accessModes,
                persistentVolumeReclaimPolicy: args.reclaimPolicy ?? DEFAULT_RECLAIM_POLICY,
                storageClassName,
                volumeMode: "Filesystem",
                // Reserves the volume for this claim: no other claim can bind it first.
                claimRef: { namespace: args.namespace, name },
                ...source,
            }),
        },
        persistentVolumeClaim: {
            apiVersion: "v1",
            kind: "PersistentVolumeClaim",
            metadata: { name, namespace: args.namespace, labels },
            spec: {
                accessModes,
                storageClassName,
                volumeName: pvName,
                resources: { requests: { storage: args.size } },
            },
        },
    };
}
