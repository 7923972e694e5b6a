import { KubeObject } from "./kube-object";
import { SecretKeyRef, WorkloadArgs } from "./pod-template";

export function secretEnvName(app: string): string {
    return `${app}-secret-env`;
}

/**
 * The Secret holding an app's secret environment values (one key per variable), with `values` as its stringData.
 * The component passes Pulumi secret Outputs; the engine-free renderer passes a placeholder, never the value.
 */
export function secretEnvObject<V>(app: string, namespace: string, values: Record<string, V>): KubeObject & { stringData: Record<string, V> } {
    return {
        apiVersion: "v1",
        kind: "Secret",
        metadata: { name: secretEnvName(app), namespace, labels: { "app.kubernetes.io/name": app } },
        type: "Opaque",
        stringData: values,
    };
}

/** `args` with its container env pointing at those keys of the app's Secret (unchanged without variables). */
export function withSecretEnvRefs<T extends WorkloadArgs>(app: string, args: T, variables: string[]): T {
    if (variables.length === 0) return args;
    const refs: Record<string, SecretKeyRef> = Object.fromEntries(variables.map((v) => [v, { secretName: secretEnvName(app), key: v }]));
    return { ...args, secretEnv: { ...args.secretEnv, ...refs } };
}
