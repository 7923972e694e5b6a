/**
 * The YAML schema of manifests, as kubectl reads them, for both readers of policies/manifest.ts: js-yaml's and the fast
 * one for block-style YAML (policies/block-yaml.ts), which resolves plain scalars through the same types.
 */
import { CORE_SCHEMA, Type } from "js-yaml";

// kubectl and the API server read YAML through sigs.k8s.io/yaml, which turns it into JSON with its fork of go-yaml v2,
// a YAML 1.1 parser: besides true/false, a plain `yes`, `on`, `y` is true and `no`, `off`, `n` is false (go-yaml v2's
// resolve table, every case variant it lists). So `hostNetwork: yes` runs a pod on the host network, and a rule must
// read it as true. Quoted strings stay strings, as they do there.
// This type replaces js-yaml's own bool type (one type per tag), so it lists true/false too.
const YAML11_TRUE = new Set(["true", "True", "TRUE", "y", "Y", "yes", "Yes", "YES", "on", "On", "ON"]);
const YAML11_FALSE = new Set(["false", "False", "FALSE", "n", "N", "no", "No", "NO", "off", "Off", "OFF"]);
const YAML11_BOOL = new Type("tag:yaml.org,2002:bool", {
    kind: "scalar",
    resolve: (data: unknown) => typeof data === "string" && (YAML11_TRUE.has(data) || YAML11_FALSE.has(data)),
    construct: (data: string) => YAML11_TRUE.has(data),
});

/**
 * YAML 1.2 core types, the YAML 1.1 booleans above, and merge keys (`<<`), as kubectl reads manifests; dates stay
 * strings. js-yaml merges any key resolved to the merge tag, the way its own default schema declares it.
 */
export const MANIFEST_SCHEMA = CORE_SCHEMA.extend({
    implicit: [YAML11_BOOL, new Type("tag:yaml.org,2002:merge", { kind: "scalar", resolve: (data: unknown) => data === "<<" || data === null })],
});

/** The schema's implicit types in the order js-yaml tries them on a plain scalar (its compiled list, bool replaced in place). */
const IMPLICIT_TYPES = (MANIFEST_SCHEMA as unknown as { compiledImplicit: Type[] }).compiledImplicit;

/**
 * The characters a plain scalar that any implicit type resolves can start with: `~` and `null` (null), the YAML 1.1
 * booleans, numbers, `.inf` and `.nan`, and `<<` (merge). Every other scalar is a string without trying the types, which
 * matters at millions of scalars (test/policies/block-yaml.test.ts checks the types against every other character).
 */
export const IMPLICIT_FIRST_CHARACTERS = "-+.0123456789~<nNyYoOtTfF";
const MAY_RESOLVE = new Uint8Array(128);
for (const c of IMPLICIT_FIRST_CHARACTERS) MAY_RESOLVE[c.charCodeAt(0)] = 1;

/** What a plain (unquoted) scalar means under the schema: the first implicit type that resolves it, as js-yaml does. */
export function resolvePlainScalar(text: string): unknown {
    const first = text.charCodeAt(0);
    if (first < 128 && MAY_RESOLVE[first] === 0) return text;
    for (const type of IMPLICIT_TYPES) {
        if (type.resolve(text)) return type.construct(text);
    }
    return text;
}
