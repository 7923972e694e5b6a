import { z } from "zod";

// How a schema problem reads, for stack config and component args alike: the key path as users write it, the value
// given, what is allowed, and "did you mean" for unknown keys.

type Path = ReadonlyArray<PropertyKey>;
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * A key path as users write it: `kube-appstack:apps[1].autoscaling.minReplicas` for stack config (root
 * `kube-appstack:`), `args.autoscaling.minReplicas` for component args (root `args.`).
 */
export function formatPath(path: Path, root: string): string {
    if (path.length === 0) return root.replace(/[:.]$/, "");
    return path.reduce<string>((out, part, i) => {
        if (typeof part === "number") return `${out}[${part}]`;
        // Map keys such as label keys (`example.com/tier`) or quota names (`requests.cpu`) would read as nested keys.
        if (!IDENTIFIER.test(String(part))) return `${out}[${JSON.stringify(String(part))}]`;
        return `${out}${i === 0 ? "" : "."}${String(part)}`;
    }, root);
}

function distance(a: string, b: string): number {
    const row = Array.from({ length: b.length + 1 }, (_, i) => i);
    for (let i = 1; i <= a.length; i++) {
        let diagonal = row[0];
        row[0] = i;
        for (let j = 1; j <= b.length; j++) {
            const above = row[j];
            row[j] = Math.min(row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
            diagonal = above;
        }
    }
    return row[b.length];
}

export function suggestion(key: string, allowed: string[]): string {
    const close = allowed.filter((k) => distance(k.toLowerCase(), key.toLowerCase()) <= Math.max(1, Math.floor(k.length / 4)));
    return close.length > 0 ? ` (did you mean ${close.map((k) => `"${k}"`).join(" or ")}?)` : "";
}

export interface SchemaDef {
    type: string;
    shape?: Record<string, z.ZodType>;
    element?: z.ZodType;
    options?: z.ZodType[];
    innerType?: z.ZodType;
    in?: z.ZodType;
    valueType?: z.ZodType;
}

export const defOf = (schema: z.ZodType): SchemaDef => (schema as unknown as { _zod: { def: SchemaDef } })._zod.def;

/** The keys a strict object at `path` allows, found by walking the schema along the data (unions by their discriminator). */
function allowedKeysAt(schema: z.ZodType, path: Path, data: unknown): string[] {
    const def = defOf(schema);
    switch (def.type) {
        case "optional":
        case "nullable":
        case "default":
            return allowedKeysAt(def.innerType!, path, data);
        case "pipe":
            return allowedKeysAt(def.in!, path, data);
        case "union": {
            const type = (data as { type?: unknown } | undefined)?.type;
            const match = def.options!.find((o) => defOf(o).shape?.type && defOf(defOf(o).shape!.type).type === "literal"
                && (defOf(o).shape!.type as unknown as { _zod: { def: { values: unknown[] } } })._zod.def.values.includes(type));
            return match ? allowedKeysAt(match, path, data) : [];
        }
        case "object":
            if (path.length === 0) return Object.keys(def.shape!);
            return allowedKeysAt(def.shape![String(path[0])], path.slice(1), (data as Record<string, unknown>)?.[String(path[0])]);
        case "array":
            return allowedKeysAt(def.element!, path.slice(1), (data as unknown[])?.[Number(path[0])]);
        case "record":
            return allowedKeysAt(def.valueType!, path.slice(1), (data as Record<string, unknown>)?.[String(path[0])]);
        default:
            return [];
    }
}

/** Keys that a release renamed, by their former name: a config written before it is told where the key went. */
const RENAMED_KEYS: Readonly<Record<string, string>> = { prometheus: "monitoring" };

export function describeIssue(issue: z.core.$ZodIssue, schema: z.ZodType, data: unknown, root: string): string[] {
    if (issue.code === "unrecognized_keys") {
        const allowed = allowedKeysAt(schema, issue.path, data);
        return issue.keys.map((key) => {
            const renamed = RENAMED_KEYS[key] !== undefined && allowed.includes(RENAMED_KEYS[key]) ? ` (renamed: ${RENAMED_KEYS[key]})` : "";
            return `${formatPath([...issue.path, key], root)}: unknown key${renamed || suggestion(key, allowed)}; allowed keys here: ${allowed.join(", ")}`;
        });
    }
    // A map key that fails its own schema: that schema's message says what is wrong with it.
    if (issue.code === "invalid_key" && issue.issues.length > 0) return [`${formatPath(issue.path, root)}: ${issue.issues[0].message}`];
    // Our own messages already quote the value; zod's built-in ones ("Invalid input: expected number") get it appended.
    const builtIn = issue.code !== "custom" && issue.message.startsWith("Invalid");
    const missing = issue.code === "invalid_type" && issue.input === undefined;
    const message = missing && builtIn ? "required, but missing" : issue.message;
    const given = builtIn && !missing && "input" in issue ? `; given: ${JSON.stringify(issue.input)}` : "";
    return [`${formatPath(issue.path, root)}: ${message}${given}`];
}

/** Keys a JavaScript object cannot hold as plain data: `__proto__` would set the prototype and vanish from the map. */
const UNSAFE_KEYS = new Set(["__proto__", "constructor", "prototype"]);

/** Every map key anywhere in `data` that would not survive as data, one message each. */
export function unsafeKeyProblems(data: unknown, root: string, path: PropertyKey[] = []): string[] {
    if (typeof data !== "object" || data === null) return [];
    return Object.entries(data).flatMap(([key, value]) => {
        const at = [...path, Array.isArray(data) ? Number(key) : key];
        return UNSAFE_KEYS.has(key)
            ? [`${formatPath(at, root)}: ${JSON.stringify(key)} cannot be used as a key; allowed: any other name`]
            : unsafeKeyProblems(value, root, at);
    });
}

/** Every problem of `data` against `schema`, one message each, key paths under `root`; empty when valid. */
export function schemaProblems(schema: z.ZodType, data: unknown, root: string): string[] {
    const unsafe = unsafeKeyProblems(data, root);
    if (unsafe.length > 0) return unsafe;
    const result = schema.safeParse(data, { reportInput: true });
    return result.success ? [] : result.error.issues.flatMap((i) => describeIssue(i, schema, data, root));
}
