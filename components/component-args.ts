import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { formatPath, schemaProblems } from "../kube/schema-problems";
import { absolutePath, code, dnsLabel } from "../kube/schemas";
import { registryServer, registryUsername, uniqueServers } from "./specs/registry-credentials";
import { DEFAULT_SECRET_FILES_FS_GROUP } from "./specs/secret-files";

// Args that only components take (Pulumi values and resource options), beside the spec args schemas they extend, and
// the check every component runs first: a TypeScript user gets the same guardrails and messages as a stack config author.

/** Secret values are Pulumi Inputs, checked by the type system only; the schema lets them through. */
export const secretValuesSchema = z.record(z.string(), z.custom<pulumi.Input<string>>()).optional().meta({
    description: "Environment variables whose values are secrets (e.g. `config.requireSecret(\"apiKey\")`). They are stored in a Kubernetes Secret `<name>-secret-env` owned by the app and stay Pulumi secrets (encrypted in state, masked in previews).",
});

/** Secret files are Pulumi Inputs too, by the absolute path they are mounted at. */
export const secretFilesSchema = z.record(absolutePath, z.custom<pulumi.Input<string>>()).optional().meta({
    description: `Files whose contents are secrets (e.g. \`{ "/etc/tls/tls.key": config.requireSecret("tlsKey") }\`), mounted read-only with mode 0400 at their paths from a Secret \`<name>-secret-files\` owned by the app; they stay Pulumi secrets. The pod gets an fsGroup (${DEFAULT_SECRET_FILES_FS_GROUP} unless \`security.fsGroup\` says otherwise), the group the kubelet lets read them. Unlike config files, a change does not roll the pods: restart them to read new contents.`,
});

/** Registry credentials with Pulumi secret passwords, turned into the app's pull Secret. */
export const registryCredentialsSchema = z.array(z.strictObject({
    server: registryServer.meta({ description: 'Registry host, as image references name it (e.g. "ghcr.io").' }),
    username: registryUsername.meta({ description: "User name (or a token's name) at the registry." }),
    password: z.custom<pulumi.Input<string>>().meta({ description: 'Password or token, a Pulumi secret (e.g. `config.requireSecret("registryToken")`).' }),
})).min(1).superRefine(uniqueServers).optional().meta({
    description: "Credentials for private registries: a `kubernetes.io/dockerconfigjson` Secret `<name>-registry` owned by the app holds them (a Pulumi secret: encrypted in state, masked in previews), and the pods name it in `imagePullSecrets` besides any existing ones.",
});

export const DEFAULT_PROTECT = false;

/** `protect` of the resources that hold data, described for the resource it protects. */
export const protectSchema = (what: string) => z.boolean().optional().meta({
    description: `Mark ${what} \`protect: true\`, so that \`pulumi destroy\` or a replacement stops with an error instead of deleting it.`,
    default: code(DEFAULT_PROTECT),
});

/** A component refused its args: the message lists every problem; programs show it without a stack trace. */
export class InvalidArgsError extends Error {
    override name = "InvalidArgsError";
}

/** A check of args against the component's name (which its args do not know), reporting as a zod refinement does. */
export type NameCrossCheck<T> = (name: string, args: T, ctx: z.RefinementCtx) => void;

/**
 * Throws one error listing every problem of a component's args (and of its name, which names Kubernetes objects), before
 * the component registers anything. `crossCheck` runs once the args are valid, as a refinement of their schema would:
 * not as one (`schema.superRefine` per construction), because zod compiles a fast path for every new object schema,
 * which cost more than the parse itself.
 */
export function assertValidArgs<T>(
    component: string, name: string, schema: z.ZodType<T>, args: unknown, nameSchema: z.ZodType = dnsLabel, crossCheck?: NameCrossCheck<T>,
): void {
    const argsProblems = schemaProblems(schema, args, "args.");
    if (argsProblems.length === 0 && crossCheck !== undefined) {
        const ctx = {
            value: args as T,
            addIssue: (issue: string | { path?: PropertyKey[]; message?: string }) => {
                const { path = [], message = "" } = typeof issue === "string" ? { message: issue } : issue;
                argsProblems.push(`${formatPath(path, "args.")}: ${message}`);
            },
        };
        crossCheck(name, args as T, ctx as unknown as z.RefinementCtx);
    }
    const problems = [...schemaProblems(nameSchema, name, "name"), ...argsProblems];
    if (problems.length > 0) {
        throw new InvalidArgsError(`${component} "${name}" has invalid args:\n  - ${problems.join("\n  - ")}`);
    }
}
