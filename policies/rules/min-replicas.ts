import { z } from "zod";
import { hpaMinReplicas } from "../hpa";
import { objectRef } from "../kube-object";
import { defineStackRule, type Finding, parameter } from "../rule";
import { effectiveReplicas, isReplicatedService } from "../workload";

/** How many HPAs a finding names before it only counts the rest. */
const LISTED_HPAS = 5;

export const minReplicas = defineStackRule({
    name: "min-replicas",
    description:
        "A Deployment or StatefulSet runs at least 2 replicas, or is targeted by a HorizontalPodAutoscaler whose minReplicas is at least 2, so one node drain or crash does not take the app down. When an HPA targets the workload, its minReplicas is what counts.",
    remediation: "Set spec.replicas to 2 or more, or attach a HorizontalPodAutoscaler with minReplicas of 2 or more (and leave spec.replicas unset).",
    defaultLevel: "advisory",
    parameters: {
        /** Fewest replicas a Deployment or StatefulSet may run. @default 2 */
        minReplicas: parameter(z.number().int().min(1), 2, "Fewest replicas a Deployment or StatefulSet may run."),
    },
    checkStack(index, { minReplicas }) {
        const findings: Finding[] = [];
        for (const workload of index.workloads) {
            if (!isReplicatedService(workload.object)) continue;
            const hpas = index.hpasTargeting(workload);
            if (hpas.length === 0) {
                const replicas = effectiveReplicas(workload.object);
                if (replicas < minReplicas) {
                    findings.push({ object: workload.object, message: `runs ${replicas} replica(s), fewer than ${minReplicas}, and no HorizontalPodAutoscaler targets it` });
                }
                continue;
            }
            // reduce, not Math.max(...): spreading one argument per HPA overflows the stack at a few hundred thousand.
            const floor = hpas.reduce((most, hpa) => Math.max(most, hpaMinReplicas(hpa)), 0);
            if (floor < minReplicas) {
                const listed = hpas.slice(0, LISTED_HPAS).map((hpa) => `"${objectRef(hpa).name}"`).join(", ");
                const names = hpas.length > LISTED_HPAS ? `${listed} and ${hpas.length - LISTED_HPAS} more` : listed;
                findings.push({
                    object: workload.object,
                    message: `may be scaled down to ${floor} replica(s), fewer than ${minReplicas}, by HorizontalPodAutoscaler ${names} (minReplicas ${floor})`,
                });
            }
        }
        return findings;
    },
});
