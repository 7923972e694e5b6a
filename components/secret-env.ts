import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { WorkloadArgs } from "./specs/pod-template";

export function secretEnvName(app: string): string {
    return `${app}-secret-env`;
}

/**
 * Stores secret environment values in a Secret owned by the app and points the container's env at it, so the values
 * never appear in the Deployment or StatefulSet and stay Pulumi secrets (encrypted in state, masked in previews).
 */
export function withSecretValues<T extends WorkloadArgs>(
    app: string,
    args: T & { namespace: string; secretValues?: Record<string, pulumi.Input<string>> },
    opts: pulumi.CustomResourceOptions,
): { specArgs: T; secret?: k8s.core.v1.Secret } {
    const values = args.secretValues ?? {};
    const names = Object.keys(values);
    if (names.length === 0) return { specArgs: args };
    const secretName = secretEnvName(app);
    const secret = new k8s.core.v1.Secret(secretName, {
        metadata: { name: secretName, namespace: args.namespace, labels: { "app.kubernetes.io/name": app } },
        type: "Opaque",
        stringData: Object.fromEntries(names.map((n) => [n, pulumi.secret(values[n])])),
    }, opts);
    const refs = Object.fromEntries(names.map((n) => [n, { secretName, key: n }]));
    return { specArgs: { ...args, secretEnv: { ...args.secretEnv, ...refs } }, secret };
}
