// kind's default StorageClass `standard`, for the local cluster: the very manifest kind's node images install (rancher's
// local-path-provisioner, its RBAC, config and the class), read from the kind Go module that install-tools.sh builds kind
// from, so both clusters bind claims the same way. Two changes, both because KWOK runs no containers: the provisioner's
// Deployment is left out (the provisioner runs as a local process instead), and its helper pods are labelled so the
// emulated kubelet completes them.
import * as fs from "node:fs";
import * as path from "node:path";
import { parseAllDocuments, stringify } from "yaml";
import { COMPLETES_LABEL } from "./emulation";

/** Where kind keeps the manifest, relative to its module: a Go file with string constants. */
const KIND_STORAGE_FILE = "pkg/build/nodeimage/const_storage.go";

/** The value of Go string constant `name` in `source`: raw strings and other constants joined with `+`. */
function goStringConstant(source: string, name: string, seen: string[] = []): string {
    if (seen.includes(name)) throw new Error(`Go constant ${name} refers to itself`);
    const start = new RegExp(`const\\s+${name}\\s*=\\s*`).exec(source);
    if (!start) throw new Error(`no Go constant ${name} in ${KIND_STORAGE_FILE}`);
    let rest = source.slice(start.index + start[0].length);
    let value = "";
    for (;;) {
        const term = /^(`[^`]*`|"(?:[^"\\]|\\.)*"|[A-Za-z_]\w*)/.exec(rest);
        if (!term) throw new Error(`cannot read Go constant ${name} in ${KIND_STORAGE_FILE}`);
        const token = term[1];
        if (token.startsWith("`")) value += token.slice(1, -1);
        else if (token.startsWith('"')) value += JSON.parse(token) as string;
        else value += goStringConstant(source, token, [...seen, name]);
        rest = rest.slice(token.length);
        const plus = /^\s*\+\s*/.exec(rest);
        if (!plus) return value;
        rest = rest.slice(plus[0].length);
    }
}

export interface KindStorage {
    /** The objects to apply: kind's manifest without the provisioner's Deployment. */
    objects: Array<Record<string, unknown>>;
    /** The helper image kind gives the provisioner (`--helper-image`); never pulled here. */
    helperImage: string;
}

export function kindStorage(kindModuleDir: string): KindStorage {
    const source = fs.readFileSync(path.join(kindModuleDir, KIND_STORAGE_FILE), "utf8");
    const objects = parseAllDocuments(goStringConstant(source, "defaultStorageManifest"))
        .map((doc) => doc.toJS() as Record<string, unknown> & { kind: string; data?: Record<string, string> })
        .filter((o) => o !== null && o.kind !== "Deployment");
    const config = objects.find((o) => o.kind === "ConfigMap");
    if (!config?.data?.["helperPod.yaml"]) throw new Error(`kind's storage manifest in ${KIND_STORAGE_FILE} has no helperPod.yaml`);
    const helperPod = parseAllDocuments(config.data["helperPod.yaml"])[0].toJS() as { metadata: { labels?: Record<string, string> } };
    helperPod.metadata.labels = { ...helperPod.metadata.labels, [COMPLETES_LABEL]: "true" };
    config.data["helperPod.yaml"] = stringify(helperPod);
    return { objects, helperImage: goStringConstant(source, "storageHelperImage") };
}
