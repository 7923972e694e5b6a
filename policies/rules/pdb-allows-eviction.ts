import { hpaMinReplicas } from "../hpa";
import { scaledIntOrPercent } from "../int-or-percent";
import { fieldAt, namespaceOf } from "../kube-object";
import { parseLabelSelector } from "../label-selector";
import { defineStackRule, type Finding } from "../rule";
import type { StackIndex, Workload } from "../stack-index";
import { effectiveReplicas, isReplicatedService } from "../workload";

/**
 * The fewest pods a workload runs: an autoscaled one may sit at its HPA's minReplicas, so a budget that blocks there
 * blocks some drains. `undefined` for kinds whose count the manifest does not state (DaemonSets, Jobs, bare Pods).
 */
function fewestPods(index: StackIndex, workload: Workload): number | undefined {
    if (!isReplicatedService(workload.object)) return undefined;
    const hpas = index.hpasTargeting(workload);
    return hpas.length > 0 ? hpas.reduce((fewest, hpa) => Math.min(fewest, hpaMinReplicas(hpa)), Infinity) : effectiveReplicas(workload.object);
}

/**
 * Why a PodDisruptionBudget lets no pod be evicted, or `undefined`. The disruption controller allows
 * `healthy - desiredHealthy` evictions; desiredHealthy is `pods - maxUnavailable`, or minAvailable (a percentage of
 * the pods rounded up, as intstr scales it for PDBs), so with every pod healthy nothing may go when maxUnavailable
 * scales to 0 or minAvailable to all of the pods.
 */
function blockingReason(index: StackIndex, pdb: Finding["object"]): string | undefined {
    const maxUnavailable = fieldAt(pdb, "spec", "maxUnavailable");
    if (maxUnavailable !== undefined && maxUnavailable !== null) {
        // Rounded up, a percentage is 0 only when it is 0%.
        return scaledIntOrPercent(maxUnavailable, 1, true) === 0 ? `maxUnavailable ${JSON.stringify(maxUnavailable)} allows no eviction` : undefined;
    }
    const minAvailable = fieldAt(pdb, "spec", "minAvailable");
    if (minAvailable === undefined || minAvailable === null) return undefined;
    // A percentage of 100 keeps every pod, however many there are.
    if (typeof minAvailable === "string" && (scaledIntOrPercent(minAvailable, 100, true) ?? 0) >= 100) return `minAvailable ${JSON.stringify(minAvailable)} keeps every pod`;
    const selector = parseLabelSelector(fieldAt(pdb, "spec", "selector"));
    if (selector === undefined) return undefined;
    const selected = index.workloadsSelectedBy(namespaceOf(pdb), selector);
    const counts = selected.map((workload) => fewestPods(index, workload));
    // Without the pods' number (no workload in the input, or one of a kind that does not state it) nothing is sure.
    if (selected.length === 0 || counts.some((count) => count === undefined)) return undefined;
    const pods = (counts as number[]).reduce((sum, count) => sum + count, 0);
    const keep = scaledIntOrPercent(minAvailable, pods, true);
    if (pods === 0 || keep === undefined || keep < pods) return undefined;
    const of = selected.map((w) => `${w.ref.kind} ${w.ref.name}`).join(", ");
    return `minAvailable ${JSON.stringify(minAvailable)} keeps all ${pods} pod(s) of ${of} (counting an autoscaled workload at its minReplicas)`;
}

export const pdbAllowsEviction = defineStackRule({
    name: "pdb-allows-eviction",
    description:
        "A PodDisruptionBudget leaves room for one eviction: maxUnavailable 0, or a minAvailable that reaches every pod it selects (an autoscaled workload counted at its HPA's minReplicas), blocks every node drain and cluster upgrade until someone deletes the budget.",
    remediation: "Use maxUnavailable: 1 (or a percentage above 0), or a minAvailable below the replica count; run enough replicas that one can go.",
    defaultLevel: "advisory",
    parameters: {},
    checkStack(index) {
        const findings: Finding[] = [];
        for (const pdb of index.pdbs) {
            const reason = blockingReason(index, pdb);
            if (reason !== undefined) findings.push({ object: pdb, message: `${reason}: every node drain blocks on these pods` });
        }
        return findings;
    },
});
