import { readBoundedFile } from "../io/bounded-file";
import { describeIssue, formatPath, suggestion, unsafeKeyProblems } from "../kube/schema-problems";
import { ConfigPath, redactValues, secretPlacementProblems, secretValuesAt } from "./secret-paths";
import { crossEntryProblems, StackConfig, stackConfigSchema, TOP_LEVEL_KEYS } from "./stack-config";

export const CONFIG_NAMESPACE = "kube-appstack";

/** Far above any real stack file; keeps a hostile one from exhausting memory before it is even parsed. */
export const MAX_STACK_FILE_BYTES = 1024 * 1024;

/** The text of a stack file (or of Pulumi.yaml beside it), read within MAX_STACK_FILE_BYTES; throws FileReadError. */
export const readStackFileText = (file: string): string => readBoundedFile(file, MAX_STACK_FILE_BYTES).toString("utf8");

/** A stack file that cannot be read or parsed: the message names the file, what is wrong and what is allowed. */
export class StackFileError extends Error {
    override name = "StackFileError";
}

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

/**
 * Keys that apps name in `secretConfig`, `secretFiles` or `registryCredentials[].passwordSecret`: they hold secret values,
 * set next to ours with `pulumi config set --secret`.
 */
function secretConfigKeys(raw: Record<string, unknown>): string[] {
    const apps = Array.isArray(raw.apps) ? (raw.apps as Array<Record<string, unknown> | null>) : [];
    const credentials = (a: Record<string, unknown> | null) => (Array.isArray(a?.registryCredentials) ? (a.registryCredentials as Array<{ passwordSecret?: unknown } | null>).map((c) => c?.passwordSecret) : []);
    return apps.flatMap((a) => [...["secretConfig", "secretFiles"].flatMap((field) => (a?.[field] && typeof a[field] === "object" ? Object.values(a[field] as object) : [])), ...credentials(a)])
        .filter((k): k is string => typeof k === "string");
}

/**
 * Validates the `kube-appstack:*` config of a stack. `raw` maps keys without the namespace (`apps`, `cluster`, ...) to
 * their values as Pulumi read them from Pulumi.<stack>.yaml; `secretPaths` are the places of secret values among them
 * (see secret-paths.ts). Throws a StackConfigError listing every problem, with no secret value in any of them.
 */
export function parseStackConfig(
    stack: string,
    raw: Record<string, unknown>,
    validators: SectionValidator[] = [],
    secretPaths: readonly ConfigPath[] = [],
): StackConfig {
    const unsafe = unsafeKeyProblems(raw, `${CONFIG_NAMESPACE}:`);
    if (unsafe.length > 0) throw new StackConfigError(stack, unsafe);
    // A secret where it would reach a manifest in clear: that is the problem to fix first, and the others are left
    // unsaid, since any of them might quote the secret.
    const misplaced = secretPlacementProblems(secretPaths.filter((p) => TOP_LEVEL_KEYS.includes(String(p[0]))), `${CONFIG_NAMESPACE}:`);
    if (misplaced.length > 0) throw new StackConfigError(stack, misplaced);
    const unknownTopLevel = Object.keys(raw).filter((k) => !TOP_LEVEL_KEYS.includes(k) && !secretConfigKeys(raw).includes(k));
    const known = Object.fromEntries(Object.entries(raw).filter(([k]) => TOP_LEVEL_KEYS.includes(k)));
    const result = stackConfigSchema.safeParse(known, { reportInput: true });
    const problems = [
        ...unknownTopLevel.map((k) => `${CONFIG_NAMESPACE}:${k}: unknown key${suggestion(k, TOP_LEVEL_KEYS)}; allowed keys: ${TOP_LEVEL_KEYS.map((t) => `${CONFIG_NAMESPACE}:${t}`).join(", ")}`),
        ...(result.success ? [] : result.error.issues.flatMap((i) => describeIssue(i, stackConfigSchema, known, `${CONFIG_NAMESPACE}:`))),
        ...crossEntryProblems(known).map((p) => `${formatPath(p.path, `${CONFIG_NAMESPACE}:`)}: ${p.message}`),
        ...(result.success ? validators.flatMap((v) => v(result.data)) : []),
    ];
    const secrets = secretValuesAt(raw, secretPaths);
    if (problems.length > 0 || !result.success) throw new StackConfigError(stack, problems.map((p) => redactValues(p, secrets)));
    return result.data;
}
