import { z } from "zod";
import { definePulumiResourceRule, parameter } from "../rule";

export const protectStatefulResources = definePulumiResourceRule({
    name: "protect-stateful-resources",
    description:
        "PersistentVolumes, PersistentVolumeClaims and StatefulSets carry the Pulumi `protect` option, so `pulumi destroy` or a refactor that drops them from the program cannot delete stored data. Runs under CrossGuard only: plain manifests have no resource options.",
    remediation: "Pass { protect: true } in the resource options of every PersistentVolume, PersistentVolumeClaim and StatefulSet.",
    defaultLevel: "advisory",
    parameters: {
        /** Kinds that hold data and must be protected. @default ["PersistentVolume", "PersistentVolumeClaim", "StatefulSet"] */
        kinds: parameter(
            z.array(z.string().min(1)),
            ["PersistentVolume", "PersistentVolumeClaim", "StatefulSet"],
            "Kinds that hold data and must be protected.",
        ),
    },
    checkResource(obj, options, { kinds }) {
        return kinds.includes(obj.kind) && !options.protect ? [`is a ${obj.kind} without the Pulumi protect option`] : [];
    },
});
