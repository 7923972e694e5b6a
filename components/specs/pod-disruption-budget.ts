import { z } from "zod";
import { code, intOrPercentUpTo100 } from "../../kube/schemas";
import { KubeObject } from "./kube-object";
import { selectorLabels } from "./labels";

export const DEFAULT_MAX_UNAVAILABLE_PODS = 1;

/**
 * How many pods a voluntary disruption (node drain, cluster upgrade) may take down at once.
 * Give at most one of the two; integers or percentages ("50%").
 */
export const disruptionSchema = z.strictObject({
    minAvailable: intOrPercentUpTo100.optional().meta({ description: "Pods that must stay up.", default: "unset (maxUnavailable is used)" }),
    maxUnavailable: intOrPercentUpTo100.optional().meta({ description: "Pods that may be down at once.", default: code(DEFAULT_MAX_UNAVAILABLE_PODS) }),
}).refine((d) => d.minAvailable === undefined || d.maxUnavailable === undefined, {
    error: "minAvailable and maxUnavailable are both set; allowed: at most one of them",
}).meta({ title: "Disruption budget" });

export type DisruptionArgs = z.infer<typeof disruptionSchema>;

/** A `minAvailable` count that reaches the most pods the app can run leaves no pod to evict: every drain hangs. */
export function minAvailableWithin(disruption: DisruptionArgs | undefined, replicas: number, ctx: z.RefinementCtx): void {
    const min = disruption?.minAvailable;
    if (typeof min === "number" && replicas > 1 && min >= replicas) {
        ctx.addIssue({
            code: "custom",
            path: ["disruption", "minAvailable"],
            message: `${min} reaches the most replicas the app runs (${replicas}), so no pod could ever be evicted and node drains would hang; allowed: at most ${replicas - 1}`,
        });
    }
}

export function podDisruptionBudget(
    name: string,
    namespace: string,
    labels: Record<string, string>,
    args: DisruptionArgs = {},
): KubeObject {
    const budget = args.minAvailable !== undefined
        ? { minAvailable: args.minAvailable }
        : { maxUnavailable: args.maxUnavailable ?? DEFAULT_MAX_UNAVAILABLE_PODS };
    return {
        apiVersion: "policy/v1",
        kind: "PodDisruptionBudget",
        metadata: { name, namespace, labels },
        spec: { ...budget, selector: { matchLabels: selectorLabels(name) } },
    };
}
