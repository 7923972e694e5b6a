import { asFields } from "../kube-object";
import { defineObjectRule } from "../rule";
import { checkContainers, isReplicatedService } from "../workload";

export const livenessProbeRequired = defineObjectRule({
    name: "liveness-probe-required",
    description:
        "Every container of a Deployment or StatefulSet (init containers excepted) defines a livenessProbe, so a process that hangs without exiting is restarted instead of holding its pod forever.",
    remediation: "Add a livenessProbe (httpGet, tcpSocket, grpc or exec) to every app container, with a failureThreshold that tolerates slow moments.",
    defaultLevel: "advisory",
    parameters: {},
    checkObject(obj) {
        if (!isReplicatedService(obj)) return [];
        return checkContainers(obj, (c) => (asFields(c.fields.livenessProbe) === undefined ? "defines no livenessProbe" : undefined), {
            includeInit: false,
        });
    },
});
