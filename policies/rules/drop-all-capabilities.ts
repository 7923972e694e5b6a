import { z } from "zod";
import { asList, fieldAt } from "../kube-object";
import { defineObjectRule, parameter } from "../rule";
import { checkContainers } from "../workload";

export const dropAllCapabilities = defineObjectRule({
    name: "drop-all-capabilities",
    description:
        "Every container drops ALL Linux capabilities and adds back none but the allowed ones, so a compromised process cannot use kernel privileges the app never needed.",
    remediation: 'Set securityContext.capabilities.drop: ["ALL"] on every container; add back only NET_BIND_SERVICE if the app binds a port below 1024.',
    defaultLevel: "advisory",
    parameters: {
        /** Capabilities a container may add back after dropping ALL. @default ["NET_BIND_SERVICE"] */
        allowedCapabilities: parameter(
            z.array(z.string().min(1)),
            ["NET_BIND_SERVICE"],
            "Capabilities a container may add back after dropping ALL.",
        ),
    },
    checkObject(obj, { allowedCapabilities }) {
        return checkContainers(obj, (container) => {
            const capabilities = fieldAt(container.fields, "securityContext", "capabilities");
            const problems: string[] = [];
            if (!asList(fieldAt(capabilities, "drop")).includes("ALL")) problems.push("does not drop ALL capabilities");
            const added = asList(fieldAt(capabilities, "add")).filter((c) => typeof c !== "string" || !allowedCapabilities.includes(c));
            if (added.length > 0) problems.push(`adds capabilities ${added.map(String).join(", ")}`);
            return problems.length > 0 ? problems.join(" and ") : undefined;
        });
    },
});
