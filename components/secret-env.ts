import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { declareObjects } from "./kube-resource";
import { secretEnvObject, withSecretEnvRefs } from "./specs/secret-env";
import { WorkloadArgs } from "./specs/pod-template";

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
    const object = secretEnvObject(app, args.namespace, Object.fromEntries(names.map((n) => [n, pulumi.secret(values[n])])));
    // Declared like every other object of the app (kube-resource.ts), so it carries the same apply annotations.
    const secret = declareObjects({ secret: object }, opts).secret as k8s.core.v1.Secret;
    return { specArgs: withSecretEnvRefs(app, args, names), secret };
}
