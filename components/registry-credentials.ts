import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { declareObjects } from "./kube-resource";
import { dockerConfigJson, registrySecretObject } from "./specs/registry-credentials";

type Credentials = ReadonlyArray<{ server: string; username: string; password: pulumi.Input<string> }>;

/** Turns an app's registry credentials into its pull Secret, a Pulumi secret, and has its pods name that Secret. */
export function withRegistryCredentials<T extends { pullSecretFromCredentials?: boolean }>(
    app: string,
    args: T & { namespace: string; registryCredentials?: Credentials },
    opts: pulumi.CustomResourceOptions,
): { specArgs: T; secret?: k8s.core.v1.Secret } {
    const credentials = args.registryCredentials ?? [];
    if (credentials.length === 0) return { specArgs: args };
    const json = pulumi.secret(pulumi.all(credentials.map((c) => c.password)).apply((passwords) =>
        dockerConfigJson(credentials.map((c, i) => ({ server: c.server, username: c.username, password: passwords[i] })))));
    const object = registrySecretObject(app, args.namespace, json);
    // Declared like every other object of the app (kube-resource.ts), so it carries the same apply annotations.
    const secret = declareObjects({ secret: object }, opts).secret as k8s.core.v1.Secret;
    return { specArgs: { ...args, pullSecretFromCredentials: true }, secret };
}
