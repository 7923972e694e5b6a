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

/**
 * Every violation of the enabled rules, per-object rules first (in object order), then cross-resource rules over all
 * `objects` together. Rules that need Pulumi resource options (protect-stateful-resources) do not run here. A rule that
 * throws (a bug, or input no rule expected) becomes a failure of that rule alone.
 */
export function checkObjectsReport(objects: readonly KubeObject[], config: PolicyConfig = defaultPolicyConfig()): CheckReport {
    const enabled = rules.flatMap((rule) => {
        const setting = config.get(rule.name);
        return setting === undefined || setting.level === "disabled" ? [] : [{ rule, level: setting.level, params: setting.params }];
    });
    const violations: ObjectViolation[] = [];
    const waived: WaivedViolation[] = [];
    const failures: RuleFailure[] = [];
    const report = (rule: Rule, level: Violation["level"], object: KubeObject, message: string): void => {
        const waiver = waiverOf(object, rule.name);
        if (waiver !== undefined && "reason" in waiver) waived.push({ policy: rule.name, level, ...objectRef(object), message, reason: waiver.reason, object });
        else violations.push({ policy: rule.name, level, ...objectRef(object), message: waiver ? `${message} ${MISSING_REASON}` : message, object });
    };
    const guarded = (rule: Rule, object: KubeObject | undefined, run: () => void): void => {
        try {
            run();
        } catch (error) {
            failures.push({ policy: rule.name, ...(object ? { object: objectRef(object) } : {}), message: `the rule failed: ${(error as Error).message}` });
        }
    };
    for (const object of objects) {
        for (const { rule, level, params } of enabled) {
            if (rule.scope !== "object") continue;
            guarded(rule, object, () => {
                for (const message of rule.checkObject(object, params)) report(rule, level, object, message);
            });
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
            const built = index;
            guarded(rule, undefined, () => {
                if (built instanceof Error) throw built;
                for (const finding of rule.checkStack(built, params)) report(rule, level, finding.object, finding.message);
            });
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
