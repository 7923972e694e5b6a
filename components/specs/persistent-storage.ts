import { compact, KubeObject } from "./kube-object";
import { stackLabels } from "./labels";

/**
 * A PersistentVolume and the PersistentVolumeClaim bound to it: storage provisioned by hand (no dynamic provisioner),
 * reserved for one claim so that no other claim can take it.
 */
export interface PersistentStorageArgs {
    /** Namespace of the claim (the volume itself is cluster-wide). Required. */
    namespace: string;
    /** Capacity, e.g. "1Gi". Required. */
    size: string;
    /** Access modes of volume and claim. @default ["ReadWriteOnce"] */
    accessModes?: Array<"ReadWriteOnce" | "ReadWriteOncePod" | "ReadOnlyMany" | "ReadWriteMany">;
    /** StorageClass name shared by volume and claim (no provisioner behind it). @default "manual" */
    storageClassName?: string;
    /** What happens to the data when the claim is deleted; Retain keeps it for a person to decide. @default "Retain" */
    reclaimPolicy?: "Retain" | "Delete";
    /**
     * A directory on the node (`hostPath`, type DirectoryOrCreate). For single-node clusters, and for kind, whose nodes
     * all mount the same laptop directory (see the kind cluster's `extraMounts`). Give exactly one of hostPath and local.
     * @default none
     */
    hostPath?: string;
    /**
     * A `local` volume: a directory or disk on specific nodes. The Kubernetes API requires node affinity for it, so the
     * nodes are named here, and pods using the claim are scheduled onto them.
     * @default none
     */
    local?: { path: string; nodeNames: string[] };
}

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
    const accessModes = args.accessModes ?? ["ReadWriteOnce"];
    const storageClassName = args.storageClassName ?? "manual";
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
                persistentVolumeReclaimPolicy: args.reclaimPolicy ?? "Retain",
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
