import { fieldAt } from "../kube-object";
import { defineObjectRule } from "../rule";
import { checkContainers } from "../workload";

export const readOnlyRootFilesystem = defineObjectRule({
    name: "read-only-root-filesystem",
    description:
        "Every container mounts its root filesystem read-only, so an intruder cannot drop tools or alter the app's code inside the container.",
    remediation:
        "Set securityContext.readOnlyRootFilesystem: true on every container; mount an emptyDir where the app must write (/tmp, caches).",
    defaultLevel: "advisory",
    parameters: {},
    checkObject(obj) {
        return checkContainers(obj, (container) =>
            fieldAt(container.fields, "securityContext", "readOnlyRootFilesystem") === true
                ? undefined
                : "does not set readOnlyRootFilesystem: true",
        );
    },
});
