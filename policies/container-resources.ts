/** The check behind `resource-requests-required` and `resource-limits-required`, on two fields of `resources`. */
import { z } from "zod";
import { defineObjectRule, parameter } from "./rule";
import { checkContainers, writtenResource } from "./workload";

export function requireResources(name: string, field: "requests" | "limits", why: string) {
    const noun = field === "requests" ? "request" : "limit";
    return defineObjectRule({
        name,
        description: `Every container (init containers included) sets CPU and memory ${field}, ${why}`,
        remediation: `Set resources.${field}.cpu and resources.${field}.memory on every container and init container.`,
        defaultLevel: "advisory",
        parameters: {
            /** Resource names every container must set under `resources.requests` (or `.limits`). @default ["cpu", "memory"] */
            resources: parameter(z.array(z.string().min(1)), ["cpu", "memory"], `Resource names every container must set in resources.${field}.`),
        },
        checkObject(obj, { resources }) {
            return checkContainers(obj, (container) => {
                const absent = resources.filter((resource) => writtenResource(container, field, resource) === undefined);
                return absent.length > 0 ? `sets no ${absent.join(" or ")} ${noun}` : undefined;
            });
        },
    });
}
