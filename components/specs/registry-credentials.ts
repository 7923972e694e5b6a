import { z } from "zod";
import { repeatedIndexes, show } from "../../kube/schemas";
import { KubeObject } from "./kube-object";

/**
 * Credentials for a private registry, kept as Pulumi secrets and turned into the app's own pull Secret
 * (`kubernetes.io/dockerconfigjson`), which its pods name in `imagePullSecrets`.
 */

// A registry host with an optional port and path, as image references name it (docker.io, ghcr.io, 10.0.0.5:5000).
const REGISTRY = /^[a-zA-Z0-9](?:[a-zA-Z0-9.-]*[a-zA-Z0-9])?(?::[0-9]{1,5})?(?:\/[a-z0-9._/-]+)?$/;

export const registryServer = z.string().refine((server) => REGISTRY.test(server), {
    error: (iss) => `${show(iss.input)} is not a registry host; allowed: a host with an optional port, as image references name it (e.g. "ghcr.io", "registry.example.com:5000")`,
}).meta({ type: "registry host" });

export const registryUsername = z.string().min(1).refine((user) => !user.includes(":"), {
    error: (iss) => `${show(iss.input)} contains ":"; allowed: a user name without ":" (the registry's basic auth joins user and password with it)`,
});

/** Each registry once: the docker config keys its entries by server. */
export function uniqueServers(credentials: ReadonlyArray<{ server: string }>, ctx: z.RefinementCtx): void {
    for (const i of repeatedIndexes(credentials.map((c) => c.server))) {
        ctx.addIssue({ code: "custom", path: [i, "server"], message: `${show(credentials[i].server)} is already given; allowed: each registry once` });
    }
}

export function registrySecretName(app: string): string {
    return `${app}-registry`;
}

export interface RegistryCredential<P> {
    readonly server: string;
    readonly username: string;
    readonly password: P;
}

/**
 * The pull Secret, from credentials whose passwords are `P` (Pulumi Outputs in the component, a placeholder in
 * `render`). `dockerConfig` builds the `.dockerconfigjson` text from the credentials once their passwords are known.
 */
export function registrySecretObject<V>(app: string, namespace: string, dockerConfigJson: V): KubeObject & { stringData: Record<string, V> } {
    return {
        apiVersion: "v1",
        kind: "Secret",
        metadata: { name: registrySecretName(app), namespace, labels: { "app.kubernetes.io/name": app } },
        type: "kubernetes.io/dockerconfigjson",
        stringData: { ".dockerconfigjson": dockerConfigJson },
    };
}

/** The docker config JSON the kubelet reads: an `auths` entry per registry, with the `auth` field it prefers. */
export function dockerConfigJson(credentials: ReadonlyArray<RegistryCredential<string>>): string {
    return JSON.stringify({
        auths: Object.fromEntries(credentials.map((c) => [c.server, {
            username: c.username,
            password: c.password,
            auth: Buffer.from(`${c.username}:${c.password}`).toString("base64"),
        }])),
    });
}
