import { z } from "zod";
import { isWithin } from "../../kube/paths";
import { asList, asString, fieldAt } from "../kube-object";
import { defineObjectRule, parameter } from "../rule";
import { podTemplateOf } from "../workload";

export const noHostPath = defineObjectRule({
    name: "no-host-path",
    description:
        "No pod mounts a directory of its node (a hostPath volume) outside the allowed paths: a hostPath reaches the node's files (its container runtime socket, its kubelet credentials), and data in it stays on one node.",
    remediation: "Use a PersistentVolumeClaim, an emptyDir or a projected volume; if a node path is really needed (a log collector), add it to the policy's allowedPaths.",
    defaultLevel: "advisory",
    parameters: {
        allowedPaths: parameter(z.array(z.string().startsWith("/")), [], "Node directories (and everything under them) that hostPath volumes may mount."),
    },
    checkObject(obj, { allowedPaths }) {
        const pod = podTemplateOf(obj)?.spec;
        if (pod === undefined) return [];
        return asList(pod.volumes).flatMap((volume) => {
            const hostPath = asString(fieldAt(volume, "hostPath", "path"));
            if (hostPath === undefined || allowedPaths.some((allowed) => isWithin(allowed, hostPath))) return [];
            return [`volume "${asString(fieldAt(volume, "name")) ?? "?"}" mounts the node path ${hostPath}`];
        });
    },
});
