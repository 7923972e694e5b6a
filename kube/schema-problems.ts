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

/** The schema inside its optional, nullable, default and pipe wrappers. */
function unwrapped(schema: z.ZodType): z.ZodType {
    for (let def = defOf(schema); ; def = defOf(schema)) {
        if (def.type === "optional" || def.type === "nullable" || def.type === "default") schema = def.innerType!;
        else if (def.type === "pipe") schema = def.in!;
        else return schema;
    }
}

const keysOf = (schema: z.ZodType): string[] => Object.keys(defOf(unwrapped(schema)).shape ?? {});
const fieldsOf = (data: unknown): string[] => (typeof data === "object" && data !== null && !Array.isArray(data) ? Object.keys(data) : []);

/**
 * The options of a union that `data` is meant as: the one its `type` names (a discriminated union), else those that
 * take a key it has (`{configMap: a, prefix: X}` is meant as the configMap option), else all of them.
 */
function meantOptions(options: z.ZodType[], data: unknown): z.ZodType[] {
    const type = (data as { type?: unknown } | undefined)?.type;
    const byType = options.find((o) => {
        const field = defOf(unwrapped(o)).shape?.type;
        return field !== undefined && defOf(field).type === "literal" && (field as unknown as { _zod: { def: { values: unknown[] } } })._zod.def.values.includes(type);
    });
    if (byType !== undefined) return [byType];
    const given = fieldsOf(data);
    const fitting = options.filter((o) => keysOf(o).some((key) => given.includes(key)));
    return fitting.length > 0 ? fitting : options;
}

/** The schema at `path` of the data, walking unions by the option the data is meant as; undefined if the path leaves it. */
function schemaAt(schema: z.ZodType, path: Path, data: unknown): z.ZodType | undefined {
    const node = unwrapped(schema);
    const def = defOf(node);
    if (path.length === 0) return node;
    const [head, ...rest] = path;
    const child = (data as Record<PropertyKey, unknown> | undefined)?.[head];
    switch (def.type) {
        case "union": {
            const meant = meantOptions(def.options!, data);
            return meant.length === 1 ? schemaAt(meant[0], path, data) : undefined;
        }
        case "object":
            return def.shape![String(head)] === undefined ? undefined : schemaAt(def.shape![String(head)], rest, child);
        case "array":
            return schemaAt(def.element!, rest, child);
        case "record":
            return schemaAt(def.valueType!, rest, child);
        default:
            return undefined;
    }
}

/** The keys a strict object at `path` allows (for a union, those of the options the data is meant as). */
function allowedKeysAt(schema: z.ZodType, path: Path, data: unknown): string[] {
    const node = schemaAt(schema, path, data);
    if (node === undefined) return [];
    const def = defOf(node);
    const valueAt = path.reduce<unknown>((value, key) => (value as Record<PropertyKey, unknown> | undefined)?.[key], data);
    return def.type === "union" ? [...new Set(meantOptions(def.options!, valueAt).flatMap(keysOf))] : keysOf(node);
}

/**
 * What a union of mappings (`envFrom`, a network peer, a config file) allows, when the data fits none of its options:
 * each option by its keys, and "did you mean" for a key of the data that is close to one of theirs.
 */
function unionOfMappingsProblem(union: z.ZodType, input: unknown): string | undefined {
    const options = defOf(union).options!.map(unwrapped);
    if (options.some((option) => keysOf(option).length === 0)) return undefined;
    const known = options.flatMap(keysOf);
    const close = fieldsOf(input).filter((key) => !known.includes(key)).map((key) => suggestion(key, known)).find((hint) => hint !== "") ?? "";
    // Each form by its keys, an optional one marked "?": `{ cidr, except? }`.
    const form = (option: z.ZodType) => `{ ${Object.entries(defOf(option).shape!).map(([key, field]) => (defOf(field).type === "optional" ? `${key}?` : key)).join(", ")} }`;
    return `${JSON.stringify(input)} is none of the forms allowed here${close}; allowed: ${options.map(form).join(" or ")}`;
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
    // Zod's own message says nothing of the forms; a union with a message of its own keeps it.
    if (issue.code === "invalid_union" && issue.message === "Invalid input") {
        const union = schemaAt(schema, issue.path, data);
        const problem = union !== undefined && defOf(union).type === "union" ? unionOfMappingsProblem(union, issue.input) : undefined;
        if (problem !== undefined) return [`${formatPath(issue.path, root)}: ${problem}`];
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
