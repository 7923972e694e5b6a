import { fieldAt } from "../kube-object";
import { formatSelector, isEmptySelector, mapSelector, parseLabelSelector, selectorMatches } from "../label-selector";
import { defineObjectRule } from "../rule";
import { podTemplateOf } from "../workload";

/** Kinds whose controller finds its pods by `spec.selector` (a Job's is generated, a bare Pod has none). */
const SELECTING = ["Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "ReplicationController"];

export const selectorMatchesTemplate = defineObjectRule({
    name: "selector-matches-template",
    description:
        "A workload's spec.selector (matchLabels and matchExpressions; a ReplicationController's plain map) exists where apps/v1 requires it and selects its own pod template's labels; otherwise the API server refuses it, or, under older API versions, the controller never sees its own pods.",
    remediation: "Give the pod template every label the selector requires, with matching values.",
    defaultLevel: "mandatory",
    parameters: {},
    checkObject(obj) {
        const template = podTemplateOf(obj);
        if (template === undefined || !SELECTING.includes(obj.kind)) return [];
        const written = fieldAt(obj, "spec", "selector");
        const selector = obj.kind === "ReplicationController" ? mapSelector(written) : parseLabelSelector(written);
        if (selector === undefined || isEmptySelector(selector)) {
            // apps/v1 refuses an object without a selector (or with an empty one); older versions default it to the
            // template's labels, and a ReplicationController still does.
            return obj.apiVersion === "apps/v1" ? ["has no spec.selector (or an empty one), which apps/v1 requires: the API server refuses the object"] : [];
        }
        return selectorMatches(selector, template.labels) ? [] : [`selector ${formatSelector(selector)} does not select its own pod template's labels`];
    },
});
