/** Label selectors: `matchLabels` plus `matchExpressions` (PDBs, workloads) and plain maps (Services). */
import { asFields, asList, asString } from "./kube-object";

export interface Requirement {
    readonly key: string;
    readonly operator: string;
    readonly values: readonly string[];
}

export interface LabelSelector {
    readonly matchLabels: ReadonlyArray<readonly [string, string]>;
    readonly matchExpressions: readonly Requirement[];
}

/**
 * A `metav1.LabelSelector`. `undefined` (a missing or null selector) selects nothing; an empty selector `{}` selects
 * everything, as for a policy/v1 PodDisruptionBudget.
 */
export function parseLabelSelector(value: unknown): LabelSelector | undefined {
    const fields = asFields(value);
    if (fields === undefined) return undefined;
    const matchExpressions: Requirement[] = [];
    for (const expression of asList(fields.matchExpressions)) {
        const key = asString(asFields(expression)?.key);
        const operator = asString(asFields(expression)?.operator);
        if (key === undefined || operator === undefined) continue;
        const values = asList(asFields(expression)?.values).filter((v): v is string => typeof v === "string");
        matchExpressions.push({ key, operator, values });
    }
    return { matchLabels: stringEntries(fields.matchLabels), matchExpressions };
}

/** A Service-style selector: a plain label map. */
export function mapSelector(value: unknown): LabelSelector {
    return { matchLabels: stringEntries(value), matchExpressions: [] };
}

export function isEmptySelector(selector: LabelSelector): boolean {
    return selector.matchLabels.length === 0 && selector.matchExpressions.length === 0;
}

export function selectorMatches(selector: LabelSelector, labels: Readonly<Record<string, string>>): boolean {
    for (const [key, value] of selector.matchLabels) {
        if (labels[key] !== value) return false;
    }
    return selector.matchExpressions.every((requirement) => requirementMatches(requirement, labels));
}

/**
 * `app=web, tier In (a, b)`. Rules also format a pod template's labels this way (as the selector of exactly them),
 * which is where an empty one shows up: it reads `no labels` (none required, or none set).
 */
export function formatSelector(selector: LabelSelector): string {
    const terms = [
        ...selector.matchLabels.map(([key, value]) => `${key}=${value}`),
        ...selector.matchExpressions.map((r) => `${r.key} ${r.operator}${r.values.length > 0 ? ` (${r.values.join(", ")})` : ""}`),
    ];
    return terms.length === 0 ? "no labels" : terms.join(", ");
}

function requirementMatches(requirement: Requirement, labels: Readonly<Record<string, string>>): boolean {
    const has = Object.prototype.hasOwnProperty.call(labels, requirement.key);
    switch (requirement.operator) {
        case "In":
            return has && requirement.values.includes(labels[requirement.key]);
        case "NotIn":
            return !has || !requirement.values.includes(labels[requirement.key]);
        case "Exists":
            return has;
        case "DoesNotExist":
            return !has;
        default:
            // The API server rejects other operators, so such a selector cannot select anything.
            return false;
    }
}

function stringEntries(value: unknown): Array<readonly [string, string]> {
    return Object.entries(asFields(value) ?? {}).filter((entry): entry is [string, string] => typeof entry[1] === "string");
}
