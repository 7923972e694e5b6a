import { z } from "zod";
import { schemaProblems } from "./load-stack-config";
import { dnsLabelSchema, namespaceSchema, statefulAppSchema, statelessAppSchema } from "./stack-config";

// Component args are the stack config entries' fields (see config/app-args.ts), so the components check their args
// with the same schema and messages: a TypeScript user gets the same guardrails as a stack config author.

const componentOnly = { name: true, type: true, secretConfig: true } as const;

export const statelessAppArgsSchema = statelessAppSchema.omit(componentOnly).extend({
    namespace: dnsLabelSchema,
    previousReplicas: z.number().int().min(0).optional(),
});
export const statefulAppArgsSchema = statefulAppSchema.omit(componentOnly).extend({ namespace: dnsLabelSchema });
export { persistentStorageArgsSchema } from "./stack-config";
export const appNamespaceArgsSchema = namespaceSchema.omit({ name: true });

/**
 * Throws one error listing every problem of a component's args (and of its name, which names Kubernetes objects), before
 * the component registers anything. `args` must hold plain values only (no Outputs).
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
