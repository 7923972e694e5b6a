import { formatPath } from "../kube/schema-problems";

// Where a stack's secret config values sit. `pulumi config set --path --secret 'kube-appstack:apps[0].env.TOKEN' x`
// writes `secure: v1:...` at exactly that place in Pulumi.<stack>.yaml, while the program only learns that the whole
// `kube-appstack:apps` key holds a secret somewhere. So the places are read from the stack file, and a secret key with
// no marked place (set as a whole, or from outside the file) counts as secret as a whole.

export type ConfigPath = ReadonlyArray<string | number>;

/** Places of `{ secure: <ciphertext> }` values inside one config value, as Pulumi writes them in a stack file. */
export function securePaths(value: unknown, path: ConfigPath = []): ConfigPath[] {
    if (typeof value !== "object" || value === null) return [];
    const keys = Object.keys(value);
    if (keys.length === 1 && keys[0] === "secure" && typeof (value as { secure: unknown }).secure === "string") return [path];
    return Object.entries(value).flatMap(([key, v]) => securePaths(v, [...path, Array.isArray(value) ? Number(key) : key]));
}

/** Whether `path` is a place a secret may be: an env value of an app (it then goes into the app's Secret). */
function isSecretEnvValue(path: ConfigPath): boolean {
    return path.length === 4 && path[0] === "apps" && typeof path[1] === "number" && path[2] === "env" && typeof path[3] === "string";
}

/** One problem per secret in a place that would put it into a manifest in clear, naming the key (under `root`), never the value. */
export function secretPlacementProblems(paths: readonly ConfigPath[], root: string): string[] {
    return paths.filter((p) => !isSecretEnvValue(p)).map((p) =>
        `${formatPath(p, root)}: holds a secret value (not shown), which would reach the manifests in clear; allowed: secrets only as env values (apps[].env.<NAME>, set with \`pulumi config set --path --secret\`) or through secretConfig`);
}

/** App index -> the env vars whose values are secret. */
export function secretEnvNames(paths: readonly ConfigPath[]): Map<number, string[]> {
    const names = new Map<number, string[]>();
    for (const p of paths.filter(isSecretEnvValue)) names.set(p[1] as number, [...(names.get(p[1] as number) ?? []), p[3] as string]);
    return names;
}

/** Every scalar at or under `paths` in `raw` (a whole secret key: all of it), to keep them out of every message. */
export function secretValuesAt(raw: Record<string, unknown>, paths: readonly ConfigPath[]): string[] {
    const scalars = (value: unknown): string[] => (typeof value === "object" && value !== null
        ? Object.values(value).flatMap(scalars)
        : typeof value === "string" || typeof value === "number" ? [String(value)] : []);
    const values = paths.flatMap((p) => scalars(p.reduce<unknown>((node, key) => (node as Record<string | number, unknown> | undefined)?.[key], raw)));
    // Longest first, so a secret that contains another is replaced whole.
    return [...new Set(values.filter((v) => v !== ""))].sort((a, b) => b.length - a.length);
}

/**
 * `message` with every quoted secret value replaced (messages quote the values they show as JSON): the last guard for
 * a secret env value that another problem's message might quote.
 */
export function redactValues(message: string, secrets: readonly string[]): string {
    return secrets.reduce((text, secret) => text.split(JSON.stringify(secret)).join('"[secret]"'), message);
}
