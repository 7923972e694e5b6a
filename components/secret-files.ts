import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { withApplyAnnotations } from "./kube-resource";
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
    const secret = new k8s.core.v1.Secret(object.metadata.name, withApplyAnnotations(object) as never, opts);
    return { specArgs: { ...args, secretFilePaths: paths }, secret };
}
