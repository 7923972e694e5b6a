import { z } from "zod";
import { schemaProblems } from "./schema-problems";
import { dnsLabelSchema, namespaceSchema, statefulAppSchema, statelessAppSchema } from "./app-args-schema";

// Component args are the stack config entries' fields (see config/app-args.ts and app-args-schema.ts), so the components check their args
// with the same schema and messages: a TypeScript user gets the same guardrails as a stack config author.

const configOnly = { name: true, type: true, secretConfig: true } as const;
// Secret values are Pulumi Outputs, checked by the type system only; the schema just lets them through.
const secretValues = z.record(z.string(), z.unknown()).optional();

export const statelessAppArgsSchema = statelessAppSchema.omit(configOnly).extend({
    namespace: dnsLabelSchema,
    previousReplicas: z.number().int().min(0).optional(),
    secretValues,
});
export const statefulAppArgsSchema = statefulAppSchema.omit(configOnly).extend({
    namespace: dnsLabelSchema,
    secretValues,
    protect: z.boolean().optional(),
});
export { persistentStorageArgsSchema } from "./app-args-schema";
export const appNamespaceArgsSchema = namespaceSchema.omit({ name: true });

/**
 * Throws one error listing every problem of a component's args (and of its name, which names Kubernetes objects), before
 * the component registers anything.
 */
export function assertValidArgs(component: string, name: string, schema: z.ZodType, args: unknown): void {
    const problems = [
        ...schemaProblems(dnsLabelSchema, name, "name"),
        ...schemaProblems(schema, args, "args."),
    ];
    if (problems.length > 0) {
        throw new Error(`${component} "${name}" has invalid args:\n  - ${problems.join("\n  - ")}`);
    }
}
