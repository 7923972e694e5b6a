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
