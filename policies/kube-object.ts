/**
 * Plain Kubernetes objects as the rules see them: parsed YAML, Pulumi resource inputs or mock outputs.
 *
 * Nothing here trusts the shape of its input. Manifests come from users and CrossGuard hands over partially unknown
 * values during preview, so every accessor returns `undefined` (or an empty list) for a missing or mistyped field
 * instead of throwing.
 */

/** A Kubernetes object: anything with a string `apiVersion` and `kind`. */
export interface KubeObject {
    readonly apiVersion: string;
    readonly kind: string;
    readonly metadata?: unknown;
    readonly spec?: unknown;
    readonly [field: string]: unknown;
}

/** Which object a violation is about. */
export interface ObjectRef {
    readonly kind: string;
    /** `default` when the object has none (also for cluster-scoped kinds). */
    readonly namespace: string;
    readonly name: string;
}

export type Fields = Readonly<Record<string, unknown>>;

export function isKubeObject(value: unknown): value is KubeObject {
    const fields = asFields(value);
    return typeof fields?.apiVersion === "string" && typeof fields.kind === "string";
}

const IDENTITY = ["apiVersion", "kind"] as const;

/**
 * Why a value is meant as a Kubernetes object but is none, or `undefined`. An item of a List (`inList`) must be an
 * object: kubectl refuses the List otherwise. A document is meant as one when it has both `apiVersion` and `kind` (and
 * one of them is no string: `kind: 123`, a Helm action `{{ .Values.kind }}` read as a mapping), or one of them and a
 * `metadata` mapping where the other is misspelled (`apiversion: v1` beside `kind: Pod` would hide the whole Pod) or
 * the one given is Kubernetes' own (`namesBuiltIn`: `kind: Pod`, `apiVersion: apps/v1`). Other YAML is none and not
 * meant as one: a Helm chart's Chart.yaml (an apiVersion, no kind, no metadata), a values file, a score.dev workload or
 * a kustomization without its optional kind (another group's apiVersion and a metadata).
 */
export function identityProblem(value: unknown, inList = false, namesBuiltIn: (fields: Fields) => boolean = () => false): string | undefined {
    const fields = asFields(value);
    if (fields === undefined) return inList ? `a List item must be a Kubernetes object; given ${describeValue(value)}, which kubectl refuses` : undefined;
    const present = IDENTITY.filter((key) => Object.hasOwn(fields, key));
    if (present.length === 2) {
        const wrong = IDENTITY.find((key) => typeof fields[key] !== "string");
        if (wrong === undefined) return undefined;
        const example = wrong === "kind" ? `"Deployment"` : `"apps/v1"`;
        return `${wrong} must be a string, such as ${example}; given ${describeValue(fields[wrong])}, so this is no Kubernetes object`;
    }
    const missing = IDENTITY.filter((key) => !Object.hasOwn(fields, key));
    const misspelled = missing.flatMap((key) => Object.keys(fields).filter((field) => field !== key && field.toLowerCase() === key.toLowerCase()).map((field) => `"${field}"`));
    if (!inList && (present.length === 0 || asFields(fields.metadata) === undefined || (misspelled.length === 0 && !namesBuiltIn(fields)))) return undefined;
    return `${missing.join(" and ")} not set${misspelled.length > 0 ? ` (given ${misspelled.join(" and ")}: field names are case-sensitive)` : ""}, so kubectl refuses this object; allowed: both apiVersion and kind, such as "apps/v1" and "Deployment"`;
}

/** A value as a message names what was given: `42, a number`, `a mapping`, `nothing (null)`. */
export function describeValue(value: unknown): string {
    if (Array.isArray(value)) return "a list";
    if (typeof value === "object" && value !== null) return "a mapping";
    if (value === null) return "nothing (null)";
    // A message quotes at most the start of a long string: a List item may be megabytes of text.
    const shown = typeof value === "string" && value.length > 80 ? `${JSON.stringify(value.slice(0, 80))}...` : JSON.stringify(value);
    return `${shown}, a ${typeof value}`;
}

/** The value as a JSON object (not an array), or `undefined`. */
export function asFields(value: unknown): Fields | undefined {
    return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Fields) : undefined;
}

/**
 * The value as a plain list; anything else counts as an empty list. Always a copy: CrossGuard hands over arrays
 * wrapped in a proxy on which `map`, `filter` and friends throw (they read the proxied `constructor`).
 */
export function asList(value: unknown): readonly unknown[] {
    if (!Array.isArray(value)) return [];
    const list: unknown[] = [];
    for (let i = 0; i < value.length; i++) list.push(value[i]);
    return list;
}

export function asString(value: unknown): string | undefined {
    return typeof value === "string" ? value : undefined;
}

export function asNumber(value: unknown): number | undefined {
    return typeof value === "number" && Number.isFinite(value) ? value : undefined;
}

/** Follows `path` through nested objects; `undefined` as soon as a step is missing or not an object. */
export function fieldAt(value: unknown, ...path: readonly string[]): unknown {
    let current = value;
    for (const key of path) {
        const fields = asFields(current);
        if (fields === undefined) return undefined;
        current = fields[key];
    }
    return current;
}

/** The API group of an `apiVersion`: `apps` for `apps/v1`, the empty string (core) for `v1`. */
export function apiGroup(apiVersion: string): string {
    const slash = apiVersion.indexOf("/");
    return slash < 0 ? "" : apiVersion.slice(0, slash);
}

/**
 * Kinds that older clusters served from the `extensions` group before `apps` (until Kubernetes 1.16): manifests still
 * carry `extensions/v1beta1`, and a rule must judge them like their `apps` twins.
 */
const EXTENSIONS_TWINS: Readonly<Record<string, string>> = { Deployment: "apps", DaemonSet: "apps", ReplicaSet: "apps" };

/**
 * True for a built-in kind in its own API group (any version, deprecated ones included), so a CRD that reuses a
 * built-in kind name in another group is not mistaken for it.
 */
export function isKind(obj: KubeObject, group: string, kind: string): boolean {
    if (obj.kind !== kind) return false;
    const actual = apiGroup(obj.apiVersion);
    return actual === group || (actual === "extensions" && EXTENSIONS_TWINS[kind] === group);
}

export function objectRef(obj: KubeObject): ObjectRef {
    return {
        kind: obj.kind,
        namespace: namespaceOf(obj),
        name: asString(fieldAt(obj, "metadata", "name")) ?? asString(fieldAt(obj, "metadata", "generateName")) ?? "",
    };
}

export function namespaceOf(obj: KubeObject): string {
    return asString(fieldAt(obj, "metadata", "namespace")) || "default";
}

/** String-valued entries of a label map; other values cannot be labels and are ignored. */
export function labelsOf(value: unknown): Readonly<Record<string, string>> {
    const labels: Record<string, string> = {};
    for (const [key, label] of Object.entries(asFields(value) ?? {})) {
        if (typeof label === "string") labels[key] = label;
    }
    return labels;
}
