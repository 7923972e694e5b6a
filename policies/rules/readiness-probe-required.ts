import { asFields } from "../kube-object";
import { defineObjectRule } from "../rule";
import { checkContainers, isReplicatedService } from "../workload";

export const readinessProbeRequired = defineObjectRule({
    name: "readiness-probe-required",
    description:
        "Every container of a Deployment or StatefulSet (init containers excepted) defines a readinessProbe, so Services only route to pods that can answer and a rollout stops at the first pod that cannot.",
    remediation: "Add a readinessProbe (httpGet, tcpSocket, grpc or exec) to every app container.",
    defaultLevel: "advisory",
    parameters: {},
    checkObject(obj) {
        if (!isReplicatedService(obj)) return [];
        return checkContainers(obj, (c) => (asFields(c.fields.readinessProbe) === undefined ? "defines no readinessProbe" : undefined), {
            includeInit: false,
        });
    },
});
