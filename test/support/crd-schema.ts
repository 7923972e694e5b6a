import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import Ajv, { ValidateFunction } from "ajv";
import { parseAllDocuments } from "yaml";
import { KubeObject } from "../../components/specs/kube-object";
import { CRD_SOURCES, crdFiles } from "../../scripts/local-cluster/crds";
import { REPO } from "./run-program";

// Custom resources checked against the openAPIV3Schema of the very CRDs the local cluster installs (the upstream files
// in the Go modules pinned by scripts/tools/crds), as the API server checks them; unknown fields, which the API server
// would silently prune, are errors here.

type Schema = Record<string, unknown>;

/** The schema with every object that lists its properties closed, so a misspelled field fails instead of vanishing. */
function closed(schema: Schema): Schema {
    const out: Schema = {};
    for (const [key, value] of Object.entries(schema)) {
        if (key === "properties" && value && typeof value === "object") {
            out[key] = Object.fromEntries(Object.entries(value as Record<string, Schema>).map(([k, v]) => [k, closed(v)]));
        } else if (Array.isArray(value)) out[key] = value.map((v) => (v && typeof v === "object" ? closed(v as Schema) : v));
        else if (value && typeof value === "object" && key !== "enum" && key !== "default" && key !== "example") out[key] = closed(value as Schema);
        else out[key] = value;
    }
    if (out.properties !== undefined && out.additionalProperties === undefined && out["x-kubernetes-preserve-unknown-fields"] !== true) {
        out.additionalProperties = false;
    }
    return out;
}

let validators: Map<string, ValidateFunction> | undefined;

function moduleDir(module: string): string {
    const cwd = path.join(REPO, "scripts", "tools", "crds");
    for (const args of [["mod", "download", module], ["list", "-m", "-f", "{{.Dir}}", module]]) {
        const result = spawnSync("go", args, { cwd, encoding: "utf8" });
        if (result.status !== 0) throw new Error(`go ${args.join(" ")} failed: ${result.error?.message ?? result.stderr}`);
        if (args[0] === "list") return result.stdout.trim();
    }
    throw new Error("unreachable");
}

/** CRD patterns are Go (RE2) regular expressions: the one RE2 construct they use that JavaScript lacks is `(?i)`. */
const re2 = Object.assign((pattern: string, flags: string) => (pattern.includes("(?i)")
    ? new RegExp(pattern.replaceAll("(?i)", ""), `${flags}i`)
    : new RegExp(pattern, flags)), { code: "re2" });

function load(): Map<string, ValidateFunction> {
    const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false, code: { regExp: re2 } });
    const map = new Map<string, ValidateFunction>();
    for (const source of CRD_SOURCES) {
        for (const file of crdFiles(source, moduleDir(source.module))) {
            // A file may carry more than the CRD (the Gateway API's admission policy).
            for (const document of parseAllDocuments(fs.readFileSync(file, "utf8"))) {
                const crd = document.toJS() as {
                    kind: string;
                    spec: { group: string; names: { kind: string }; versions: Array<{ name: string; schema: { openAPIV3Schema: Schema } }> };
                };
                if (crd.kind !== "CustomResourceDefinition") continue;
                for (const version of crd.spec.versions) {
                    map.set(`${crd.spec.group}/${version.name}/${crd.spec.names.kind}`, ajv.compile(closed(version.schema.openAPIV3Schema)));
                }
            }
        }
    }
    return map;
}

/** Whether a CRD the local cluster installs defines the object's kind. */
export function isCustomResource(object: KubeObject): boolean {
    validators ??= load();
    return validators.has(`${object.apiVersion}/${object.kind}`);
}

/** Throws with every schema error, naming the object and the field. */
export function validateAgainstCrd(object: KubeObject): void {
    validators ??= load();
    const validate = validators.get(`${object.apiVersion}/${object.kind}`);
    if (!validate) throw new Error(`no CRD of the local cluster defines ${object.apiVersion} ${object.kind}`);
    if (!validate(object as unknown)) {
        const errors = (validate.errors ?? []).map((e) => `${e.instancePath || "/"} ${e.message ?? ""}${e.params && "additionalProperty" in e.params ? ` (${String(e.params.additionalProperty)})` : ""}`);
        throw new Error(`${object.apiVersion} ${object.kind} ${object.metadata.namespace ?? ""}/${object.metadata.name} is invalid: ${errors.join("; ")}`);
    }
}
