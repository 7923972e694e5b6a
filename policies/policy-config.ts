/**
 * Enforcement levels and parameters per rule, in CrossGuard's policy-pack-config format, so one file serves
 * `pulumi preview --policy-pack-config <file>` and `kube-appstack check --config <file>`:
 *
 *     { "all": "advisory",
 *       "image-tag-pinned": "mandatory",
 *       "min-replicas": { "enforcementLevel": "mandatory", "minReplicas": 3 } }
 *
 * `all` sets the level of every rule first; entries for single rules then override it.
 */
import { FileReadError, readBoundedFile } from "../io/bounded-file";
import { asFields } from "./kube-object";
import { ENFORCEMENT_LEVELS, type EnforcementLevel, type Rule } from "./rule";
import { rules } from "./rules";

export interface RuleSetting {
    readonly level: EnforcementLevel;
    readonly params: Readonly<Record<string, unknown>>;
}

/** A setting for every rule of the pack, keyed by rule name. */
export type PolicyConfig = ReadonlyMap<string, RuleSetting>;

/** Bad config: the message names the file (or other source) and the key. */
export class PolicyConfigError extends Error {
    override name = "PolicyConfigError";
}

/** Far above any real policy config (the shipped ones are a few hundred bytes). */
const MAX_POLICY_CONFIG_BYTES = 1024 * 1024;

const ALL = "all";
const LEVEL_KEY = "enforcementLevel";

/** Each rule at its default level with default parameters. */
export function defaultPolicyConfig(): PolicyConfig {
    return new Map(rules.map((rule) => [rule.name, { level: rule.defaultLevel, params: resolveParameters(rule, {}, rule.name) }]));
}

export function loadPolicyConfig(file: string, { emptyRefused = false } = {}): PolicyConfig {
    let text: string;
    try {
        text = readBoundedFile(file, MAX_POLICY_CONFIG_BYTES).toString("utf8");
    } catch (error) {
        if (!(error instanceof FileReadError)) throw error;
        throw new PolicyConfigError(`${file}: policy config: ${error.reason}`);
    }
    if (text.trim() === "") {
        // CrossGuard accepts an empty file as "no config"; a gate given an empty config by mistake must not pass quietly.
        if (emptyRefused) throw new PolicyConfigError(`${file}: the policy config is empty; allowed: a JSON object of levels and parameters (leave --config out for the defaults)`);
        return defaultPolicyConfig();
    }
    let raw: unknown;
    try {
        raw = JSON.parse(text);
    } catch (error) {
        throw new PolicyConfigError(`${file}: policy config is not valid JSON: ${(error as Error).message}`);
    }
    return parsePolicyConfig(raw, file);
}

/** Validates a parsed config; `source` names it in errors (usually the file path). */
export function parsePolicyConfig(raw: unknown, source: string): PolicyConfig {
    const entries = asFields(raw);
    if (entries === undefined) {
        throw new PolicyConfigError(`${source}: policy config must be a JSON object mapping policy names to levels or settings`);
    }
    const config = new Map(defaultPolicyConfig());
    const byName = new Map(rules.map((rule) => [rule.name, rule]));
    if (entries[ALL] !== undefined) {
        const all = parseEntry(entries[ALL], `${source}: "${ALL}"`);
        if (Object.keys(all.params).length > 0) {
            throw new PolicyConfigError(`${source}: "${ALL}" may only set ${LEVEL_KEY}; parameters belong to a single policy`);
        }
        const level = all.level;
        if (level !== undefined) for (const [name, setting] of config) config.set(name, { ...setting, level });
    }
    for (const [name, value] of Object.entries(entries)) {
        if (name === ALL) continue;
        const rule = byName.get(name);
        if (rule === undefined) {
            throw new PolicyConfigError(`${source}: unknown policy "${name}"; known policies: ${[...byName.keys()].join(", ")}`);
        }
        const where = `${source}: "${name}"`;
        const entry = parseEntry(value, where);
        const current = config.get(name) as RuleSetting;
        config.set(name, { level: entry.level ?? current.level, params: resolveParameters(rule, { ...current.params, ...entry.params }, where) });
    }
    return config;
}

/**
 * A rule's parameters: defaults overlaid with `given`, each value checked against the parameter's schema.
 * `where` prefixes error messages (file and policy name).
 */
export function resolveParameters(rule: Rule, given: Readonly<Record<string, unknown>>, where: string): Record<string, unknown> {
    const resolved: Record<string, unknown> = {};
    for (const key of Object.keys(given)) {
        if (!Object.hasOwn(rule.parameters, key)) {
            const known = Object.keys(rule.parameters);
            throw new PolicyConfigError(
                `${where}: unknown parameter "${key}"; ${known.length === 0 ? `${rule.name} has no parameters` : `allowed: ${known.join(", ")}`}`,
            );
        }
    }
    for (const [key, spec] of Object.entries(rule.parameters)) {
        const value = Object.hasOwn(given, key) ? given[key] : spec.default;
        const result = spec.schema.safeParse(value);
        if (!result.success) {
            const issue = result.error.issues[0];
            const path = [key, ...issue.path.map(String)].join(".");
            const given = issue.path.reduce<unknown>((at, step) => (at as Record<PropertyKey, unknown> | undefined)?.[step], value);
            throw new PolicyConfigError(`${where}: parameter "${path}" is invalid: ${issue.message} (given ${JSON.stringify(given)})`);
        }
        resolved[key] = result.data;
    }
    return resolved;
}

function parseEntry(value: unknown, where: string): { level?: EnforcementLevel; params: Record<string, unknown> } {
    if (typeof value === "string") return { level: parseLevel(value, where), params: {} };
    const fields = asFields(value);
    if (fields === undefined) {
        throw new PolicyConfigError(`${where}: expected an enforcement level (${ENFORCEMENT_LEVELS.join(", ")}) or an object, given ${JSON.stringify(value)}`);
    }
    const { [LEVEL_KEY]: level, ...params } = fields;
    return { level: level === undefined ? undefined : parseLevel(level, `${where}.${LEVEL_KEY}`), params };
}

function parseLevel(value: unknown, where: string): EnforcementLevel {
    if ((ENFORCEMENT_LEVELS as readonly unknown[]).includes(value)) return value as EnforcementLevel;
    throw new PolicyConfigError(`${where}: enforcement level ${JSON.stringify(value)} is not one of ${ENFORCEMENT_LEVELS.join(", ")}`);
}
