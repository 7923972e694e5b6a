import { hpaTarget } from "../hpa";
import { namespaceOf } from "../kube-object";
import { defineStackRule, type Finding } from "../rule";

export const hpaTargetExists = defineStackRule({
    name: "hpa-target-exists",
    description:
        "A HorizontalPodAutoscaler's scaleTargetRef names a workload in the input, in the HPA's namespace; otherwise it scales nothing (a typo, or a target renamed without its HPA).",
    remediation: "Point spec.scaleTargetRef (kind and name) at the Deployment or StatefulSet to scale, in the same namespace.",
    defaultLevel: "advisory",
    parameters: {},
    checkStack(index) {
        const findings: Finding[] = [];
        for (const hpa of index.hpas) {
            const target = hpaTarget(hpa);
            if (target !== undefined && index.hpaTargetOf(hpa) === undefined) {
                findings.push({ object: hpa, message: `scaleTargetRef ${target.kind} ${target.name} names no workload in namespace "${namespaceOf(hpa)}"` });
            }
        }
        return findings;
    },
});
