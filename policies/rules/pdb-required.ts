import { z } from "zod";
import { formatSelector, mapSelector } from "../label-selector";
import { defineStackRule, type Finding, parameter } from "../rule";
import { effectiveReplicas, isReplicatedService } from "../workload";

export const pdbRequired = defineStackRule({
    name: "pdb-required",
    description:
        "A Deployment or StatefulSet with 2 or more replicas, or targeted by a HorizontalPodAutoscaler, is covered by a PodDisruptionBudget in its namespace whose selector matches its pod labels, so node drains and cluster upgrades evict its pods one at a time.",
    remediation: "Add a PodDisruptionBudget (maxUnavailable: 1 or minAvailable) in the same namespace whose selector matches the pod template labels.",
    defaultLevel: "advisory",
    parameters: {
        /** Replica count from which a PodDisruptionBudget is required. @default 2 */
        minReplicas: parameter(z.number().int().min(1), 2, "Replica count from which a PodDisruptionBudget is required."),
    },
    checkStack(index, { minReplicas }) {
        const findings: Finding[] = [];
        for (const workload of index.workloads) {
            if (!isReplicatedService(workload.object)) continue;
            const autoscaled = index.hpasTargeting(workload).length > 0;
            const replicas = effectiveReplicas(workload.object);
            if ((!autoscaled && replicas < minReplicas) || index.hasPdbCovering(workload)) continue;
            const why = autoscaled ? "is autoscaled" : `runs ${replicas} replicas`;
            findings.push({
                object: workload.object,
                message: `${why} but no PodDisruptionBudget in namespace "${workload.ref.namespace}" selects its pods (${formatSelector(mapSelector(workload.template.labels))})`,
            });
        }
        return findings;
    },
});
