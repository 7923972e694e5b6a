import { KubeObject } from "./kube-object";
import { selectorLabels } from "./labels";

/**
 * How many pods a voluntary disruption (node drain, cluster upgrade) may take down at once.
 * Give at most one of the two; integers or percentages ("50%").
 */
export interface DisruptionArgs {
    /** Pods that must stay up. @default unset (maxUnavailable is used) */
    minAvailable?: number | string;
    /** Pods that may be down at once. @default 1 */
    maxUnavailable?: number | string;
}

export function podDisruptionBudget(
    name: string,
    namespace: string,
    labels: Record<string, string>,
    args: DisruptionArgs = {},
): KubeObject {
    const budget = args.minAvailable !== undefined
        ? { minAvailable: args.minAvailable }
        : { maxUnavailable: args.maxUnavailable ?? 1 };
    return {
        apiVersion: "policy/v1",
        kind: "PodDisruptionBudget",
        metadata: { name, namespace, labels },
        spec: { ...budget, selector: { matchLabels: selectorLabels(name) } },
    };
}
