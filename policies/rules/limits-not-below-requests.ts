import { asFields, fieldAt } from "../kube-object";
import { parseQuantity } from "../../kube/quantity";
import { defineObjectRule } from "../rule";
import { checkContainers } from "../workload";

export const limitsNotBelowRequests = defineObjectRule({
    name: "limits-not-below-requests",
    description: "No container limits a resource below what it requests: the API server rejects such a pod, so the rollout never starts.",
    remediation: "Raise the limit to at least the request (or lower the request) for each resource listed.",
    defaultLevel: "mandatory",
    parameters: {},
    checkObject(obj) {
        return checkContainers(obj, (container) => {
            const requests = asFields(fieldAt(container.fields, "resources", "requests")) ?? {};
            const limits = asFields(fieldAt(container.fields, "resources", "limits")) ?? {};
            const problems: string[] = [];
            for (const [resource, limitValue] of Object.entries(limits)) {
                const requestValue = requests[resource];
                if (requestValue === undefined || requestValue === null) continue;
                const limit = parseQuantity(limitValue);
                const request = parseQuantity(requestValue);
                if (limit === undefined || request === undefined) {
                    const invalid = limit === undefined ? `limits.${resource} ${JSON.stringify(limitValue)}` : `requests.${resource} ${JSON.stringify(requestValue)}`;
                    problems.push(`has ${invalid}, which is not a Kubernetes quantity`);
                } else if (limit < request) {
                    problems.push(`limits ${resource} to ${String(limitValue)}, below its request of ${String(requestValue)}`);
                }
            }
            return problems.length > 0 ? problems.join("; ") : undefined;
        });
    },
});
