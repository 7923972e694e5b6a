import { BACKUP_APP_LABEL, BACKUP_CLAIM_LABEL } from "../../kube/backup-labels";
import { labelMap, show } from "../../kube/schemas";

// Recommended Kubernetes labels (app.kubernetes.io/*). The selector uses only the two labels that never change over an
// app's life, because a Deployment's or StatefulSet's selector is immutable: changing it would force a replacement.

/** Labels on every object the stack manages. */
export function stackLabels(): Record<string, string> {
    return { "app.kubernetes.io/part-of": "kube-appstack", "app.kubernetes.io/managed-by": "pulumi" };
}

export function selectorLabels(app: string): Record<string, string> {
    return { "app.kubernetes.io/name": app, "app.kubernetes.io/instance": app };
}

export function appLabels(app: string, component: string, extra: Record<string, string> = {}): Record<string, string> {
    return { ...extra, ...selectorLabels(app), "app.kubernetes.io/component": component, ...stackLabels() };
}

/** The label the app's scraped Service carries and its ServiceMonitor selects on, with the app's selector labels. */
export const SCRAPED_SERVICE_LABEL = "kube-appstack.io/metrics";

/** Label keys the stack sets itself on an app's objects. */
export const RESERVED_LABEL_KEYS: readonly string[] = [
    ...Object.keys(selectorLabels("app")), "app.kubernetes.io/component", ...Object.keys(stackLabels()), SCRAPED_SERVICE_LABEL, BACKUP_APP_LABEL, BACKUP_CLAIM_LABEL,
];

/**
 * Labels a user adds to the stack's own. A reserved key is refused: where the stack's value wins the user's would be
 * dropped without a word, and where the user's won it would break a selector, a policy or a backup's pruning.
 */
export const extraLabelMap = labelMap.superRefine((labels, ctx) => {
    for (const key of Object.keys(labels)) {
        if (RESERVED_LABEL_KEYS.includes(key)) {
            ctx.addIssue({ code: "custom", path: [key], message: `${show(key)} is a label the stack sets itself; allowed: any label key but ${RESERVED_LABEL_KEYS.map((k) => show(k)).join(", ")}` });
        }
    }
}).meta({ type: "map of label key to value" });
