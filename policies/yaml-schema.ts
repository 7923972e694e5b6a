/**
 * The YAML schema of manifests, as kubectl reads them, for both readers of policies/manifest.ts: js-yaml's and the fast
 * one for block-style YAML (policies/block-yaml.ts), which resolves plain scalars through the same types.
 */
import { randomUUID } from "node:crypto";
import { FAILSAFE_SCHEMA, Type } from "js-yaml";
import { goYamlNumber } from "../kube/go-yaml-number";

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

// go-yaml v2's nulls: an empty value, `~` and three spellings of null.
const NULLS = new Set(["", "~", "null", "Null", "NULL"]);
const YAML_NULL = new Type("tag:yaml.org,2002:null", {
    kind: "scalar",
    resolve: (data: unknown) => data === null || (typeof data === "string" && NULLS.has(data)),
    construct: () => null,
});

const GO_NUMBER = new Type("tag:yaml.org,2002:float", {
    kind: "scalar",
    resolve: (data: unknown) => typeof data === "string" && goYamlNumber(data) !== undefined,
    construct: (data: string) => goYamlNumber(data),
});

/**
 * What a plain `<<` reads as, as a key or a value: the merge key go-yaml merges, told from a `<<` that is quoted,
 * escaped (`"\x3c<"`) or tagged (`!!str <<`), which go-yaml reads as a field named "<<" and the readers here would
 * otherwise give as the same string. policies/yaml-merge.ts merges under it and turns it back into "<<" as a value. It
 * holds a random part, so that no document can spell it.
 */
export const MERGE_KEY = `\u0000merge-key-${randomUUID()}`;
const PLAIN_MERGE_KEY = new Type("tag:kube-appstack.io,2026:merge-key", {
    kind: "scalar",
    resolve: (data: unknown) => data === "<<",
    construct: () => MERGE_KEY,
});

/**
 * The failsafe schema with nulls as go-yaml v2 reads them, the YAML 1.1 booleans above and go-yaml v2's numbers, as
 * kubectl reads manifests; dates stay strings. A plain merge key (`<<`) is read as the key MERGE_KEY, not merged:
 * js-yaml lets a mapping's own keys win over merged ones wherever they stand, go-yaml lets the later one win, so
 * policies/yaml-merge.ts applies them afterwards, go-yaml's way.
 */
export const MANIFEST_SCHEMA = FAILSAFE_SCHEMA.extend({ implicit: [PLAIN_MERGE_KEY, YAML_NULL, YAML11_BOOL, GO_NUMBER] });

/**
 * The characters a plain scalar that any implicit type resolves can start with: `<<` (the merge key), `~` and `null`
 * (null), the YAML 1.1 booleans, numbers, `.inf` and `.nan`. Every other scalar is a string without trying the types, which
 * matters at millions of scalars (test/policies/block-yaml.test.ts checks the types against every other character).
 */
export const IMPLICIT_FIRST_CHARACTERS = "-+.0123456789~nNyYoOtTfF<";
const MAY_RESOLVE = new Uint8Array(128);
for (const c of IMPLICIT_FIRST_CHARACTERS) MAY_RESOLVE[c.charCodeAt(0)] = 1;

/** What a plain (unquoted) scalar means under the schema: the first implicit type that resolves it, as js-yaml does. */
export function resolvePlainScalar(text: string): unknown {
    const first = text.charCodeAt(0);
    if (first < 128 && MAY_RESOLVE[first] === 0) return text;
    // The types of MANIFEST_SCHEMA in js-yaml's order (merge key, null, bool, number), without its per-type calls: a
    // number would be parsed twice there, once to resolve and once to construct. A letter, `~` or `<` starts no number,
    // only a keyword.
    if (first > 0x39 /* 9 */) {
        const keyword = text.length > LONGEST_KEYWORD ? undefined : KEYWORDS.get(text);
        return keyword === undefined ? text : keyword;
    }
    const decimal = smallDecimal(text);
    if (decimal !== undefined) return decimal;
    const keyword = KEYWORDS.get(text);
    return keyword === undefined ? goYamlNumber(text) ?? text : keyword;
}

/** The plain scalars the merge key, null and bool types resolve, with their values. */
const KEYWORDS = new Map<string, string | boolean | null>([
    ["<<", MERGE_KEY],
    ...[...NULLS].map((text) => [text, null] as const),
    ...[...YAML11_TRUE].map((text) => [text, true] as const),
    ...[...YAML11_FALSE].map((text) => [text, false] as const),
]);
const LONGEST_KEYWORD = Math.max(...[...KEYWORDS.keys()].map((text) => text.length));

/**
 * A plain `0` or decimal digits without a sign or leading zero, short enough to be exact as a double: what ports,
 * replicas and user IDs are, and what the number type reads (through BigInt) as the same value. Undefined otherwise.
 */
function smallDecimal(text: string): number | undefined {
    const length = text.length;
    if (length === 0 || length > 15) return undefined;
    let value = 0;
    for (let i = 0; i < length; i++) {
        const digit = text.charCodeAt(i) - 0x30;
        if (digit < 0 || digit > 9 || (digit === 0 && i === 0 && length > 1)) return undefined;
        value = value * 10 + digit;
    }
    return value;
}
