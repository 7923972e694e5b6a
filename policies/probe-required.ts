/** The check behind `readiness-probe-required` and `liveness-probe-required`: one probe field on every app container. */
import { asFields } from "./kube-object";
import { defineObjectRule } from "./rule";
import { checkContainers, isReplicatedService } from "./workload";

export function requireProbe(name: string, field: "readinessProbe" | "livenessProbe", why: string, remediation: string) {
    return defineObjectRule({
        name,
        description: `Every container of a Deployment or StatefulSet (init containers excepted) defines a ${field}, ${why}`,
        remediation,
        defaultLevel: "advisory",
        parameters: {},
        checkObject(obj) {
            if (!isReplicatedService(obj)) return [];
            return checkContainers(obj, (c) => (asFields(c.fields[field]) === undefined ? `defines no ${field}` : undefined), { includeInit: false });
        },
    });
}
