import { mountedFileKeys } from "./config-files";
import { KubeObject } from "./kube-object";

/** The volume that carries an app's secret files; a user volume may not take its name. */
export const SECRET_FILES_VOLUME = "secret-files";
/** Owner-read only. The kubelet adds group read for the pod's fsGroup, which is how a non-root process reads them. */
export const SECRET_FILE_MODE = 0o400;
/**
 * The pod's fsGroup when it has secret files and `security.fsGroup` is not set: Kubernetes makes secret files root's,
 * and only the fsGroup (a supplementary group of every container process) gets to read a 0400 file. Any group works.
 */
export const DEFAULT_SECRET_FILES_FS_GROUP = 2000;

export function secretFilesName(app: string): string {
    return `${app}-secret-files`;
}

/**
 * The Secret holding an app's secret files (one key per file), with `values` as its stringData. The component passes
 * Pulumi secret Outputs; the engine-free renderer passes a placeholder, never the value.
 */
export function secretFilesObject<V>(app: string, namespace: string, values: Record<string, V>): KubeObject & { stringData: Record<string, V> } {
    const keys = mountedFileKeys(Object.keys(values));
    return {
        apiVersion: "v1",
        kind: "Secret",
        metadata: { name: secretFilesName(app), namespace, labels: { "app.kubernetes.io/name": app } },
        type: "Opaque",
        stringData: Object.fromEntries(Object.entries(values).map(([mountPath, value]) => [keys.get(mountPath) as string, value])),
    };
}

/** The volume and read-only mounts (mode 0400) that put each secret file at its path. */
export function secretFileMounts(app: string, paths: readonly string[]) {
    const keys = mountedFileKeys(paths);
    return {
        volume: { name: SECRET_FILES_VOLUME, secret: { secretName: secretFilesName(app), defaultMode: SECRET_FILE_MODE } },
        mounts: [...keys].map(([mountPath, key]) => ({ name: SECRET_FILES_VOLUME, mountPath, subPath: key, readOnly: true })),
    };
}
