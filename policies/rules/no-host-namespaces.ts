import { defineObjectRule } from "../rule";
import { podTemplateOf } from "../workload";

const HOST_NAMESPACES = ["hostNetwork", "hostPID", "hostIPC"] as const;

export const noHostNamespaces = defineObjectRule({
    name: "no-host-namespaces",
    description:
        "No pod shares the node's network, process or IPC namespace (hostNetwork, hostPID, hostIPC), which would let it see and reach everything else on the node.",
    remediation: "Remove hostNetwork, hostPID and hostIPC from the pod spec (or set them to false); expose ports through a Service instead.",
    defaultLevel: "mandatory",
    parameters: {},
    checkObject(obj) {
        const pod = podTemplateOf(obj)?.spec;
        if (pod === undefined) return [];
        const shared = HOST_NAMESPACES.filter((field) => pod[field] === true);
        return shared.length > 0 ? [`pod sets ${shared.map((field) => `${field}: true`).join(", ")}`] : [];
    },
});
