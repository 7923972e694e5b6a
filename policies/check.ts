/** Runs the rules over plain objects: the core behind the command line and the dogfooding tests. */
import { type KubeObject, objectRef, type ObjectRef } from "./kube-object";
import { defaultPolicyConfig, type PolicyConfig } from "./policy-config";
import type { Rule, Violation } from "./rule";
import { rules } from "./rules";
import { StackIndex } from "./stack-index";
import { MISSING_REASON, waiverOf } from "./waivers";

/** A rule that threw: reported for that rule (and object), while every other rule still reports. */
export interface RuleFailure {
    readonly policy: string;
    /** The object the rule was judging; absent for a cross-resource rule, which judges them all. */
    readonly object?: ObjectRef;
    readonly message: string;
}

/** A violation with the object it was found on, so an adapter can say where that object was read. */
export interface ObjectViolation extends Violation {
    readonly object: KubeObject;
}

/** A violation an annotation on its object waives, with the reason the annotation gives. */
export interface WaivedViolation extends ObjectViolation {
    readonly reason: string;
}

export interface CheckReport {
    readonly violations: ObjectViolation[];
    readonly waived: WaivedViolation[];
    readonly failures: RuleFailure[];
}

/** A rule the config enables, with its level and parameters. */
export interface EnabledRule {
    readonly rule: Rule;
    readonly level: Violation["level"];
    readonly params: Readonly<Record<string, unknown>>;
}

/** The rules `config` enables, in the rules' order. */
export function enabledRules(config: PolicyConfig): EnabledRule[] {
    return rules.flatMap((rule) => {
        const setting = config.get(rule.name);
        return setting === undefined || setting.level === "disabled" ? [] : [{ rule, level: setting.level, params: setting.params }];
    });
}

/**
 * What the per-object rules said of one object, in rule order: each message, or the failure of a rule that threw. Plain
 * data, so the rules can run where the object was read (a worker thread of `kube-appstack check`) and be reported here.
 */
export type ObjectFindings = ReadonlyArray<{ readonly policy: string; readonly message: string; readonly failed?: true }>;

/** Runs the enabled per-object rules on `object`. */
export function objectFindings(object: KubeObject, enabled: readonly EnabledRule[]): ObjectFindings {
    const findings: Array<ObjectFindings[number]> = [];
    for (const { rule, params } of enabled) {
        if (rule.scope !== "object") continue;
        try {
            for (const message of rule.checkObject(object, params)) findings.push({ policy: rule.name, message });
        } catch (error) {
            findings.push({ policy: rule.name, message: failureMessage(error), failed: true });
        }
    }
    return findings;
}

const failureMessage = (error: unknown): string => `the rule failed: ${(error as Error).message}`;

/**
 * Every violation of the enabled rules, per-object rules first (in object order), then cross-resource rules over all
 * `objects` together. Rules that need Pulumi resource options (protect-stateful-resources) do not run here. A rule that
 * throws (a bug, or input no rule expected) becomes a failure of that rule alone. `found` holds per-object findings
 * already made (objectFindings, with the same config) for some of the objects; the rules run on the others.
 */
export function checkObjectsReport(
    objects: readonly KubeObject[],
    config: PolicyConfig = defaultPolicyConfig(),
    found?: ReadonlyMap<KubeObject, ObjectFindings>,
): CheckReport {
    const enabled = enabledRules(config);
    const levels = new Map(enabled.map(({ rule, level }) => [rule.name, level]));
    const violations: ObjectViolation[] = [];
    const waived: WaivedViolation[] = [];
    const failures: RuleFailure[] = [];
    const report = (policy: string, level: Violation["level"], object: KubeObject, message: string): void => {
        const waiver = waiverOf(object, policy);
        if (waiver !== undefined && "reason" in waiver) waived.push({ policy, level, ...objectRef(object), message, reason: waiver.reason, object });
        else violations.push({ policy, level, ...objectRef(object), message: waiver ? `${message} ${MISSING_REASON}` : message, object });
    };
    for (const object of objects) {
        for (const { policy, message, failed } of found?.get(object) ?? objectFindings(object, enabled)) {
            const level = levels.get(policy);
            if (level === undefined) throw new Error(`internal error: a finding of ${policy}, which the config does not enable`);
            if (failed) failures.push({ policy, object: objectRef(object), message });
            else report(policy, level, object, message);
        }
    }
    const stackRules = enabled.filter(({ rule }) => rule.scope === "stack");
    if (stackRules.length > 0) {
        // Indexing reads every object too; if that throws, each cross-resource rule reports the failure.
        let index: StackIndex | Error;
        try {
            index = new StackIndex(objects);
        } catch (error) {
            index = error as Error;
        }
        for (const { rule, level, params } of stackRules) {
            if (rule.scope !== "stack") continue;
            try {
                if (index instanceof Error) throw index;
                for (const finding of rule.checkStack(index, params)) report(rule.name, level, finding.object, finding.message);
            } catch (error) {
                failures.push({ policy: rule.name, message: failureMessage(error) });
            }
        }
    }
    return { violations, waived, failures };
}

/** The violations alone (see checkObjectsReport); throws if a rule failed, so no caller mistakes a crash for a pass. */
export function checkObjects(objects: readonly KubeObject[], config: PolicyConfig = defaultPolicyConfig()): Violation[] {
    const { violations, failures } = checkObjectsReport(objects, config);
    if (failures.length > 0) throw new Error(failures.map((f) => `${f.policy}: ${f.message}`).join("\n"));
    return violations.map(({ policy, level, kind, namespace, name, message }) => ({ policy, level, kind, namespace, name, message }));
}
