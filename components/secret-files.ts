import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { declareObjects } from "./kube-resource";
import { secretFilesObject } from "./specs/secret-files";

/**
 * Stores an app's secret files in a Secret owned by the app and has the pod template mount them, so the contents never
 * appear in the Deployment or StatefulSet and stay Pulumi secrets (encrypted in state, masked in previews).
 */
export function withSecretFiles<T extends { secretFilePaths?: readonly string[] }>(
    app: string,
    args: T & { namespace: string; secretFiles?: Record<string, pulumi.Input<string>> },
    opts: pulumi.CustomResourceOptions,
): { specArgs: T; secret?: k8s.core.v1.Secret } {
    const files = args.secretFiles ?? {};
    const paths = Object.keys(files);
    if (paths.length === 0) return { specArgs: args };
    const object = secretFilesObject(app, args.namespace, Object.fromEntries(paths.map((p) => [p, pulumi.secret(files[p])])));
    // Declared like every other object of the app (kube-resource.ts), so it carries the same apply annotations.
    const secret = declareObjects({ secret: object }, opts).secret as k8s.core.v1.Secret;
    return { specArgs: { ...args, secretFilePaths: paths }, secret };
}
