import { createHash } from "node:crypto";
import { z } from "zod";
import { CONFIG_KEY_MAX } from "../../kube/names";
import { absolutePath, show } from "../../kube/schemas";
import { KubeObject } from "./kube-object";

/** The volume that carries an app's config files; a user volume may not take its name. */
export const CONFIG_FILES_VOLUME = "config-files";
/** The API server refuses a ConfigMap above 1 MiB (etcd's object limit leaves it no more). */
export const MAX_CONFIG_FILES_BYTES = 1024 * 1024;
/** Pod template annotation whose value changes with the files' content, so a change rolls the pods. */
export const CONFIG_FILES_HASH_ANNOTATION = "kube-appstack.io/config-files-sha256";
/** World-readable, never writable or executable: config is read by the app, whatever user it runs as. */
const CONFIG_FILE_MODE = 0o444;

const relativeFile = z.string().min(1).refine((file) => !file.startsWith("/") && !file.split(/[\\/]/).includes(".."), {
    error: (iss) => `${show(iss.input)} is not a path inside the project; allowed: a relative path without ".." (e.g. "config/nginx.conf")`,
}).meta({ type: "path relative to the project" });

const configFileSchema = z.union([
    z.strictObject({ content: z.string().meta({ description: "The file's text." }) }),
    z.strictObject({ file: relativeFile.meta({ description: "A file of the project (relative to Pulumi.yaml), read when the program or `render` runs." }) }),
], { error: () => 'allowed: { content: "<text>" } or { file: "<path in the project>" }' }).meta({ title: "Config file" });

export const configFilesSchema = z.record(absolutePath, configFileSchema).superRefine((files, ctx) => {
    const size = Object.values(files).reduce((sum, f) => sum + ("content" in f ? Buffer.byteLength(f.content) : 0), 0);
    if (size > MAX_CONFIG_FILES_BYTES) ctx.addIssue({ code: "custom", message: `the files' content is ${size} bytes; allowed: at most ${MAX_CONFIG_FILES_BYTES} in all (one ConfigMap)` });
});

export type ConfigFiles = z.infer<typeof configFilesSchema>;

/** Config files whose `file` entries have been read: what the builders below take. */
export type ConfigFileContents = Readonly<Record<string, { content: string }>>;

/** Every entry read, or the first one that is not (the adapter that reads files must run first). */
export function fileContents(files: ConfigFiles): ConfigFileContents {
    for (const [mountPath, file] of Object.entries(files)) {
        if (!("content" in file)) throw new Error(`internal error: config file ${mountPath} (${file.file}) was not read before building the app`);
    }
    return files as ConfigFileContents;
}

export function configFilesName(app: string): string {
    return `${app}-config-files`;
}

/**
 * The keys of files mounted from one ConfigMap or Secret, by mount path: `<index>-<file name>` in path order, unique
 * (two files may share a name) and readable in `kubectl describe`. A file name may be up to 255 bytes, a key at most
 * CONFIG_KEY_MAX characters: the name is cut to fit rather than refused, since the index alone keeps keys unique and
 * the key is never seen inside the container (the file appears at its mount path).
 */
export function mountedFileKeys(paths: readonly string[]): Map<string, string> {
    return new Map([...paths].sort().map((mountPath, i) => {
        const name = (mountPath.split("/").pop() || "file").replace(/[^-._a-zA-Z0-9]/g, "_");
        return [mountPath, `${i}-${name}`.slice(0, CONFIG_KEY_MAX)];
    }));
}

function keyed(files: ConfigFileContents): Array<{ key: string; mountPath: string; content: string }> {
    return [...mountedFileKeys(Object.keys(files))].map(([mountPath, key]) => ({ key, mountPath, content: files[mountPath].content }));
}

export function configFilesObject(app: string, namespace: string, labels: Record<string, string>, files: ConfigFileContents): KubeObject {
    return {
        apiVersion: "v1",
        kind: "ConfigMap",
        metadata: { name: configFilesName(app), namespace, labels },
        data: Object.fromEntries(keyed(files).map(({ key, content }) => [key, content])),
    };
}

/**
 * The volume and read-only mounts that put each file at its path (`subPath`, so the directory's other files stay), and
 * the hash that rolls the pods on any change: a subPath mount is never updated in a running pod.
 */
export function configFileMounts(app: string, files: ConfigFileContents) {
    const entries = keyed(files);
    const hash = createHash("sha256");
    for (const { key, content } of entries) hash.update(`${key}\u0000${content}\u0000`);
    return {
        volume: { name: CONFIG_FILES_VOLUME, configMap: { name: configFilesName(app), defaultMode: CONFIG_FILE_MODE } },
        mounts: entries.map(({ key, mountPath }) => ({ name: CONFIG_FILES_VOLUME, mountPath, subPath: key, readOnly: true })),
        annotations: { [CONFIG_FILES_HASH_ANNOTATION]: hash.digest("hex") },
    };
}
