import { utilizationMetrics } from "../hpa";
import { defineStackRule, type Finding } from "../rule";
import { containersOf, describeContainer, writtenResource } from "../workload";

export const hpaTargetHasRequests = defineStackRule({
    name: "hpa-target-has-requests",
    description:
        "A HorizontalPodAutoscaler that scales on resource utilization targets a workload whose containers request that resource: utilization is usage divided by request, so without requests the HPA cannot compute it and never scales. A limit counts (the API server copies it into a missing request), as does a LimitRange in the input that gives the namespace a default request.",
    remediation: "Set resources.requests for the scaled resource (cpu, memory) on every container of the target workload, or scale on an AverageValue target instead.",
    defaultLevel: "mandatory",
    parameters: {},
    checkStack(index) {
        const findings: Finding[] = [];
        for (const hpa of index.hpas) {
            const target = index.hpaTargetOf(hpa);
            if (target === undefined) continue;
            // Utilization counts the containers that run alongside the app: regular ones and sidecars.
            const running = containersOf(target.template.spec).filter((c) => !c.init || c.sidecar);
            for (const metric of utilizationMetrics(hpa)) {
                const counted = metric.container === undefined ? running : running.filter((c) => c.name === metric.container);
                if (index.hasDefaultRequest(target.ref.namespace, metric.resource)) continue;
                const lacking = counted.filter((c) => (writtenResource(c, "requests", metric.resource) ?? writtenResource(c, "limits", metric.resource)) === undefined);
                if (lacking.length === 0) continue;
                findings.push({
                    object: hpa,
                    message: `scales ${target.ref.kind} "${target.ref.name}" on ${metric.resource} utilization, but ${lacking.map(describeContainer).join(", ")} ${lacking.length === 1 ? "sets" : "set"} no ${metric.resource} request (nor a limit, which would become one)`,
                });
            }
        }
        return findings;
    },
});
