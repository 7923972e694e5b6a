import { isKind, objectRef } from "../kube-object";
import { defineStackRule, type Finding } from "../rule";
import { writtenReplicas } from "../workload";

export const hpaReplicasUnset = defineStackRule({
    name: "hpa-replicas-unset",
    description:
        "A Deployment targeted by a HorizontalPodAutoscaler leaves spec.replicas unset: otherwise every deploy resets the replica count the HPA chose, scaling the app down in the middle of a load peak.",
    remediation: "Remove spec.replicas from the Deployment and let the HPA's minReplicas set the floor.",
    defaultLevel: "advisory",
    parameters: {},
    checkStack(index) {
        const findings: Finding[] = [];
        for (const workload of index.workloads) {
            if (!isKind(workload.object, "apps", "Deployment")) continue;
            const replicas = writtenReplicas(workload.object);
            const [hpa] = index.hpasTargeting(workload);
            if (replicas === undefined || hpa === undefined) continue;
            findings.push({
                object: workload.object,
                message: `sets spec.replicas: ${replicas} although HorizontalPodAutoscaler "${objectRef(hpa).name}" manages its replica count`,
            });
        }
        return findings;
    },
});
