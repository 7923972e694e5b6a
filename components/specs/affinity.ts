import { z } from "zod";
import { dnsLabel, intIn, labelKey, labelMap, labelValue, show } from "../../kube/schemas";

// Tolerations and affinity as the API server validates them (core/v1 Toleration, Affinity), typed here rather than
// passed through as free maps: an unknown field or a bad operator would otherwise surface halfway through `pulumi up`.

/** `operator` decides how many values a requirement takes; the API server refuses any other count. */
function valuesFit(r: { operator: string; values?: string[] }, ctx: z.RefinementCtx): void {
    const count = r.values?.length ?? 0;
    const rule = ["In", "NotIn"].includes(r.operator) ? count > 0 : ["Exists", "DoesNotExist"].includes(r.operator) ? count === 0 : count === 1;
    if (!rule) {
        const allowed = ["In", "NotIn"].includes(r.operator) ? "at least one value" : ["Exists", "DoesNotExist"].includes(r.operator) ? "no values" : "exactly one integer value";
        ctx.addIssue({ code: "custom", path: ["values"], message: `${count} value(s) with operator ${r.operator}; allowed: ${allowed}` });
    }
    if (["Gt", "Lt"].includes(r.operator) && !(r.values ?? []).every((v) => /^-?\d+$/.test(v))) {
        ctx.addIssue({ code: "custom", path: ["values"], message: `${show(r.values)} with operator ${r.operator}; allowed: an integer` });
    }
}

const requirement = <O extends [string, ...string[]]>(operators: O) => z.strictObject({
    key: labelKey.meta({ description: "The label the requirement reads." }),
    operator: z.enum(operators).meta({ description: "In and NotIn take values, Exists and DoesNotExist none, Gt and Lt one integer." }),
    values: z.array(labelValue).optional().meta({ description: "The values the operator compares with." }),
}).superRefine(valuesFit);

const labelSelector = z.strictObject({
    matchLabels: labelMap.optional().meta({ description: "Labels the objects must carry." }),
    matchExpressions: z.array(requirement(["In", "NotIn", "Exists", "DoesNotExist"])).optional().meta({ description: "Requirements the objects' labels must meet." }),
}).meta({ title: "Label selector" });

const nodeSelectorTerm = z.strictObject({
    matchExpressions: z.array(requirement(["In", "NotIn", "Exists", "DoesNotExist", "Gt", "Lt"])).optional().meta({ description: "Requirements the node's labels must meet." }),
}).meta({ title: "Node selector term", description: "Nodes whose labels meet every requirement." });

const podAffinityTerm = z.strictObject({
    labelSelector: labelSelector.optional().meta({ description: "The pods this term is about." }),
    namespaceSelector: labelSelector.optional().meta({ description: "The namespaces of those pods, by label." }),
    namespaces: z.array(dnsLabel).optional().meta({ description: "The namespaces of those pods, by name.", default: "the pod's own namespace" }),
    topologyKey: labelKey.meta({ description: "Node label whose value defines \"together\", e.g. `kubernetes.io/hostname` or `topology.kubernetes.io/zone`." }),
}).meta({ title: "Pod affinity term", description: "Pods (by label, in some namespaces) and what \"together\" means for them." });

const weight = intIn(1, 100).meta({ description: "How much the preference counts, 1 to 100." });
const podAffinity = (what: string) => z.strictObject({
    requiredDuringSchedulingIgnoredDuringExecution: z.array(podAffinityTerm).optional().meta({ description: `Pods must be ${what} the pods of every term.` }),
    preferredDuringSchedulingIgnoredDuringExecution: z.array(z.strictObject({
        weight,
        podAffinityTerm,
    })).optional().meta({ description: `Pods should be ${what} these pods, by weight.` }),
});

/** A Kubernetes Affinity (node affinity, pod affinity and anti-affinity), field for field as core/v1 declares it. */
export const affinitySchema = z.strictObject({
    nodeAffinity: z.strictObject({
        requiredDuringSchedulingIgnoredDuringExecution: z.strictObject({
            nodeSelectorTerms: z.array(nodeSelectorTerm).min(1).meta({ description: "A node must meet one of the terms." }),
        }).optional().meta({ description: "Nodes the pods may run on." }),
        preferredDuringSchedulingIgnoredDuringExecution: z.array(z.strictObject({
            weight,
            preference: nodeSelectorTerm,
        })).optional().meta({ description: "Nodes the pods should run on, by weight." }),
    }).optional().meta({ description: "Which nodes the pods run on." }),
    podAffinity: podAffinity("placed with").optional().meta({ description: "Pods to run near (same topology value)." }),
    podAntiAffinity: podAffinity("kept apart from").optional().meta({ description: "Pods to keep away from (another topology value)." }),
}).meta({ title: "Affinity" });

/** A Kubernetes Toleration, with the API server's rules across its fields. */
export const tolerationSchema = z.strictObject({
    key: labelKey.optional().meta({ description: "The taint key tolerated.", default: "every key (operator Exists only)" }),
    operator: z.enum(["Exists", "Equal"]).optional().meta({ description: "Exists matches any value; Equal matches `value`.", default: '`"Equal"`' }),
    value: labelValue.optional().meta({ description: "The taint value, for operator Equal." }),
    effect: z.enum(["NoSchedule", "PreferNoSchedule", "NoExecute"]).optional().meta({ description: "The taint effect tolerated.", default: "every effect" }),
    tolerationSeconds: z.number().int().optional().meta({ description: "For NoExecute: how long the pod stays on a node after the taint appears.", default: "forever" }),
}).superRefine((t, ctx) => {
    if (t.operator === "Exists" && t.value !== undefined && t.value !== "") {
        ctx.addIssue({ code: "custom", path: ["value"], message: `${show(t.value)} with operator Exists; allowed: no value` });
    }
    if ((t.key === undefined || t.key === "") && t.operator !== "Exists") {
        ctx.addIssue({ code: "custom", path: ["operator"], message: `${show(t.operator ?? "Equal")} without a key; allowed: Exists (a toleration without a key matches every taint)` });
    }
    if (t.tolerationSeconds !== undefined && t.effect !== "NoExecute") {
        ctx.addIssue({ code: "custom", path: ["tolerationSeconds"], message: `is set with effect ${show(t.effect)}; allowed: only with effect NoExecute` });
    }
}).meta({ title: "Toleration" });
