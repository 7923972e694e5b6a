import { asString } from "../kube-object";
import { defineObjectRule } from "../rule";
import { podTemplateOf } from "../workload";

export const noDefaultServiceAccount = defineObjectRule({
    name: "no-default-service-account",
    description:
        "No pod runs as its namespace's `default` ServiceAccount: every pod that names none shares it, so a permission granted to one of them (an RBAC binding, a cloud workload identity) is granted to all.",
    remediation: "Give the workload a ServiceAccount of its own (spec.template.spec.serviceAccountName); kube-appstack's apps get one by default.",
    defaultLevel: "advisory",
    parameters: {},
    checkObject(obj) {
        const pod = podTemplateOf(obj)?.spec;
        if (pod === undefined) return [];
        // `serviceAccount` is the deprecated alias the API server still copies into serviceAccountName.
        const account = asString(pod.serviceAccountName) || asString(pod.serviceAccount) || "default";
        return account === "default"
            ? [`pod runs as the namespace's default ServiceAccount${asString(pod.serviceAccountName) === "default" ? "" : " (it names none)"}`]
            : [];
    },
});
