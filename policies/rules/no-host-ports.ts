import { asList, asNumber, fieldAt } from "../kube-object";
import { defineObjectRule } from "../rule";
import { checkContainers } from "../workload";

export const noHostPorts = defineObjectRule({
    name: "no-host-ports",
    description:
        "No container binds a port on its node (ports[].hostPort): it bypasses Services and NetworkPolicies, and two replicas on one node cannot both start.",
    remediation: "Remove hostPort and expose the port through a Service (NodePort or LoadBalancer when it must be reached from outside).",
    defaultLevel: "advisory",
    parameters: {},
    checkObject(obj) {
        return checkContainers(obj, (c) => {
            const bound = asList(c.fields.ports).map((p) => asNumber(fieldAt(p, "hostPort"))).filter((p): p is number => p !== undefined && p !== 0);
            return bound.length > 0 ? `binds host port${bound.length > 1 ? "s" : ""} ${bound.join(", ")}` : undefined;
        });
    },
});
