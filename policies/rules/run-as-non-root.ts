import { asNumber, fieldAt } from "../kube-object";
import { defineObjectRule } from "../rule";
import { checkContainers } from "../workload";

export const runAsNonRoot = defineObjectRule({
    name: "run-as-non-root",
    description:
        "Every container runs as a non-root user (runAsNonRoot: true or a runAsUser above 0, container settings overriding the pod's), so a compromised process does not hold root in its container.",
    remediation:
        "Set securityContext.runAsNonRoot: true (and a numeric runAsUser if the image has no numeric USER) on the pod or on every container.",
    defaultLevel: "advisory",
    parameters: {},
    checkObject(obj) {
        return checkContainers(obj, (container, pod) => {
            const setting = (field: string): unknown =>
                fieldAt(container.fields, "securityContext", field) ?? fieldAt(pod, "securityContext", field);
            const user = asNumber(setting("runAsUser"));
            if (user === 0) return "runs as root (runAsUser: 0)";
            if ((user !== undefined && user > 0) || setting("runAsNonRoot") === true) return undefined;
            return "may run as root: it sets neither runAsNonRoot: true nor a runAsUser above 0 (nor does the pod)";
        });
    },
});
