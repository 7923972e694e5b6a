import { fieldAt } from "../kube-object";
import { defineObjectRule } from "../rule";
import { checkContainers } from "../workload";

export const noPrivilegeEscalation = defineObjectRule({
    name: "no-privilege-escalation",
    description:
        "Every container sets allowPrivilegeEscalation: false and none is privileged, so no process can gain more rights than it started with (setuid binaries, host devices).",
    remediation: "Set securityContext.allowPrivilegeEscalation: false on every container and remove privileged: true.",
    defaultLevel: "advisory",
    parameters: {},
    checkObject(obj) {
        return checkContainers(obj, (container) => {
            const problems: string[] = [];
            if (fieldAt(container.fields, "securityContext", "privileged") === true) problems.push("runs privileged");
            if (fieldAt(container.fields, "securityContext", "allowPrivilegeEscalation") !== false) {
                problems.push("does not set allowPrivilegeEscalation: false");
            }
            return problems.length > 0 ? problems.join(" and ") : undefined;
        });
    },
});
