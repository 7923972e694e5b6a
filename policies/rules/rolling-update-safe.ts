import { scaledIntOrPercent } from "../int-or-percent";
import { asString, fieldAt, isKind, type KubeObject } from "../kube-object";
import { defineObjectRule } from "../rule";
import { effectiveReplicas } from "../workload";

function deploymentProblem(deployment: KubeObject): string | undefined {
    const strategy = fieldAt(deployment, "spec", "strategy");
    const type = asString(fieldAt(strategy, "type")) ?? "RollingUpdate";
    if (type === "Recreate") return "uses the Recreate strategy, which stops every pod before starting the new ones";
    if (type !== "RollingUpdate") return undefined;
    const replicas = effectiveReplicas(deployment);
    if (replicas <= 0) return undefined;
    const maxUnavailableValue = fieldAt(strategy, "rollingUpdate", "maxUnavailable") ?? "25%";
    const maxUnavailable = scaledIntOrPercent(maxUnavailableValue, replicas, false);
    const maxSurge = scaledIntOrPercent(fieldAt(strategy, "rollingUpdate", "maxSurge") ?? "25%", replicas, true);
    if (maxUnavailable === undefined || maxSurge === undefined) return undefined;
    // With no surge and no unavailability a rollout could not progress, so the controller takes one pod down anyway.
    const unavailable = maxUnavailable === 0 && maxSurge === 0 ? 1 : maxUnavailable;
    if (unavailable < replicas) return undefined;
    return `lets a rollout take all ${replicas} replica(s) down at once (maxUnavailable ${JSON.stringify(maxUnavailableValue)}, maxSurge ${maxSurge})`;
}

export const rollingUpdateSafe = defineObjectRule({
    name: "rolling-update-safe",
    description:
        "Rollouts keep the app up: a Deployment neither uses Recreate nor lets maxUnavailable cover every replica, and a StatefulSet does not use the OnDelete update strategy.",
    remediation:
        "Use strategy RollingUpdate with maxUnavailable below the replica count (0 with maxSurge 1 or 25% is safest); for StatefulSets use updateStrategy RollingUpdate.",
    defaultLevel: "advisory",
    parameters: {},
    checkObject(obj) {
        if (isKind(obj, "apps", "Deployment")) {
            const problem = deploymentProblem(obj);
            return problem === undefined ? [] : [problem];
        }
        if (isKind(obj, "apps", "StatefulSet") && fieldAt(obj, "spec", "updateStrategy", "type") === "OnDelete") {
            return ["uses the OnDelete update strategy: pods are replaced only when someone deletes them, with no readiness check between them"];
        }
        return [];
    },
});
