/** Runs the rules over plain objects: the core behind the command line and the dogfooding tests. */
import { type KubeObject, objectRef } from "./kube-object";
import { defaultPolicyConfig, type PolicyConfig } from "./policy-config";
import type { Rule, Violation } from "./rule";
import { rules } from "./rules";
import { StackIndex } from "./stack-index";

/**
 * Every violation of the enabled rules, per-object rules first (in object order), then cross-resource rules over all
 * `objects` together. Rules that need Pulumi resource options (protect-stateful-resources) do not run here.
 */
export function checkObjects(objects: readonly KubeObject[], config: PolicyConfig = defaultPolicyConfig()): Violation[] {
    const enabled = rules.flatMap((rule) => {
        const setting = config.get(rule.name);
        return setting === undefined || setting.level === "disabled" ? [] : [{ rule, level: setting.level, params: setting.params }];
    });
    const violations: Violation[] = [];
    const report = (rule: Rule, level: Violation["level"], object: KubeObject, message: string): void => {
        violations.push({ policy: rule.name, level, ...objectRef(object), message });
    };
    for (const object of objects) {
        for (const { rule, level, params } of enabled) {
            if (rule.scope !== "object") continue;
            for (const message of rule.checkObject(object, params)) report(rule, level, object, message);
        }
    }
    if (enabled.some(({ rule }) => rule.scope === "stack")) {
        const index = new StackIndex(objects);
        for (const { rule, level, params } of enabled) {
            if (rule.scope !== "stack") continue;
            for (const finding of rule.checkStack(index, params)) report(rule, level, finding.object, finding.message);
        }
    }
    return violations;
}
