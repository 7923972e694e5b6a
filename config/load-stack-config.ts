import { z } from "zod";
import { crossEntryProblems, StackConfig, stackConfigSchema, TOP_LEVEL_KEYS } from "./stack-config";

export const CONFIG_NAMESPACE = "kube-appstack";

/** Every problem of a stack's configuration at once, so one `pulumi up` shows the whole list to fix. */
export class StackConfigError extends Error {
    // Not `stack`: that would shadow Error.prototype.stack, and Pulumi would print the problems object, not the message.
    constructor(public readonly stackName: string, public readonly problems: string[]) {
        super(
            `Invalid configuration for stack "${stackName}" (Pulumi.${stackName}.yaml): ${problems.length} problem${problems.length === 1 ? "" : "s"}; nothing was deployed.\n`
            + problems.map((p) => `  - ${p}`).join("\n"),
        );
        this.name = "StackConfigError";
    }
}

/**
 * A config value as the program sees it. Pulumi passes structured values as JSON text and scalars as strings (the CLI
 * also writes `pulumi config set` values into Pulumi.<stack>.yaml as strings, e.g. `"true"`): JSON text is parsed, so
 * `"true"` is the boolean and `"3"` the number, and any other string stays a string.
 */
export function configValue(value: unknown): unknown {
    if (typeof value !== "string") return value;
    try {
        return JSON.parse(value);
    } catch {
        return value;
    }
}

/** Extra checks that live with the code that owns a section (e.g. the kind cluster's args). */
export type SectionValidator = (config: StackConfig) => string[];

type Path = ReadonlyArray<PropertyKey>;

/**
 * A key path as users write it: `kube-appstack:apps[1].autoscaling.minReplicas` for stack config (root
 * `kube-appstack:`), `args.autoscaling.minReplicas` for component args (root `args.`).
 */
function formatPath(path: Path, root = `${CONFIG_NAMESPACE}:`): string {
    if (path.length === 0) return root.replace(/[:.]$/, "");
    return path.reduce<string>((out, part, i) => (typeof part === "number" ? `${out}[${part}]` : `${out}${i === 0 ? "" : "."}${String(part)}`), root);
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

function suggestion(key: string, allowed: string[]): string {
    const close = allowed.filter((k) => distance(k.toLowerCase(), key.toLowerCase()) <= Math.max(1, Math.floor(k.length / 4)));
    return close.length > 0 ? ` (did you mean ${close.map((k) => `"${k}"`).join(" or ")}?)` : "";
}

interface SchemaDef {
    type: string;
    shape?: Record<string, z.ZodType>;
    element?: z.ZodType;
    options?: z.ZodType[];
    innerType?: z.ZodType;
    in?: z.ZodType;
    valueType?: z.ZodType;
}

const defOf = (schema: z.ZodType): SchemaDef => (schema as unknown as { _zod: { def: SchemaDef } })._zod.def;

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

function describeIssue(issue: z.core.$ZodIssue, schema: z.ZodType, data: unknown, root: string): string[] {
    if (issue.code === "unrecognized_keys") {
        const allowed = allowedKeysAt(schema, issue.path, data);
        return issue.keys.map((key) =>
            `${formatPath([...issue.path, key], root)}: unknown key${suggestion(key, allowed)}; allowed keys here: ${allowed.join(", ")}`);
    }
    // Our own messages already quote the value; zod's built-in ones ("Invalid input: expected number") get it appended.
    const builtIn = issue.code !== "custom" && issue.message.startsWith("Invalid");
    const missing = issue.code === "invalid_type" && issue.input === undefined;
    const message = missing && builtIn ? "required, but missing" : issue.message;
    const given = builtIn && !missing && "input" in issue ? `; given: ${JSON.stringify(issue.input)}` : "";
    return [`${formatPath(issue.path, root)}: ${message}${given}`];
}

/** Every problem of `data` against `schema`, one message each, key paths under `root`; empty when valid. */
export function schemaProblems(schema: z.ZodType, data: unknown, root: string): string[] {
    const result = schema.safeParse(data, { reportInput: true });
    return result.success ? [] : result.error.issues.flatMap((i) => describeIssue(i, schema, data, root));
}

/** Keys that apps name in `secretConfig`: they hold secret values, set next to ours with `pulumi config set --secret`. */
function secretConfigKeys(raw: Record<string, unknown>): string[] {
    const apps = Array.isArray(raw.apps) ? (raw.apps as Array<{ secretConfig?: unknown } | null>) : [];
    return apps.flatMap((a) => (a?.secretConfig && typeof a.secretConfig === "object" ? Object.values(a.secretConfig) : []))
        .filter((k): k is string => typeof k === "string");
}

/**
 * Validates the `kube-appstack:*` config of a stack. `raw` maps keys without the namespace (`apps`, `cluster`, ...) to
 * their values as Pulumi read them from Pulumi.<stack>.yaml. Throws a StackConfigError listing every problem.
 */
export function parseStackConfig(stack: string, raw: Record<string, unknown>, validators: SectionValidator[] = []): StackConfig {
    const unknownTopLevel = Object.keys(raw).filter((k) => !TOP_LEVEL_KEYS.includes(k) && !secretConfigKeys(raw).includes(k));
    const known = Object.fromEntries(Object.entries(raw).filter(([k]) => TOP_LEVEL_KEYS.includes(k)));
    const result = stackConfigSchema.safeParse(known, { reportInput: true });
    const problems = [
        ...unknownTopLevel.map((k) => `${CONFIG_NAMESPACE}:${k}: unknown key${suggestion(k, TOP_LEVEL_KEYS)}; allowed keys: ${TOP_LEVEL_KEYS.map((t) => `${CONFIG_NAMESPACE}:${t}`).join(", ")}`),
        ...(result.success ? [] : result.error.issues.flatMap((i) => describeIssue(i, stackConfigSchema, known, `${CONFIG_NAMESPACE}:`))),
        ...crossEntryProblems(known).map((p) => `${formatPath(p.path)}: ${p.message}`),
        ...(result.success ? validators.flatMap((v) => v(result.data)) : []),
    ];
    if (problems.length > 0 || !result.success) throw new StackConfigError(stack, problems);
    return result.data;
}
