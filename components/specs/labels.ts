// Recommended Kubernetes labels (app.kubernetes.io/*). The selector uses only the two labels that never change over an
// app's life, because a Deployment's or StatefulSet's selector is immutable: changing it would force a replacement.

export const PART_OF = "kube-appstack";

export function selectorLabels(app: string): Record<string, string> {
    return { "app.kubernetes.io/name": app, "app.kubernetes.io/instance": app };
}

export function appLabels(app: string, component: string, extra: Record<string, string> = {}): Record<string, string> {
    return {
        ...extra,
        ...selectorLabels(app),
        "app.kubernetes.io/component": component,
        "app.kubernetes.io/part-of": PART_OF,
        "app.kubernetes.io/managed-by": "pulumi",
    };
}
