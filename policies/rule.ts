/**
 * How every rule is declared (kube-linter style): a name users and tooling refer to, what it checks, how to fix a
 * violation, a default enforcement level, typed parameters, and one pure check function. Adapters (CrossGuard, the
 * command line, tests) run rules; no rule knows which adapter runs it.
 */
import type { z } from "zod";
import type { KubeObject } from "./kube-object";
import type { StackIndex } from "./stack-index";

export const ENFORCEMENT_LEVELS = ["advisory", "mandatory", "disabled"] as const;
export type EnforcementLevel = (typeof ENFORCEMENT_LEVELS)[number];

export interface Parameter<T> {
    readonly description: string;
    readonly default: T;
    /** What a configured value must look like; both adapters validate config with it. */
    readonly schema: z.ZodType<T>;
}

export type ParameterSpecs = Readonly<Record<string, Parameter<unknown>>>;

export type ParameterValues<S extends ParameterSpecs> = { readonly [K in keyof S]: S[K] extends Parameter<infer T> ? T : never };

interface RuleInfo<S extends ParameterSpecs> {
    readonly name: string;
    /** One sentence: what the rule checks and why. */
    readonly description: string;
    /** How to fix a violation. */
    readonly remediation: string;
    readonly defaultLevel: EnforcementLevel;
    readonly parameters: S;
}

/** Judges one object on its own. */
export interface ObjectRule<S extends ParameterSpecs = ParameterSpecs> extends RuleInfo<S> {
    readonly scope: "object";
    /** One message per problem; empty when the object complies or the rule does not apply to its kind. */
    checkObject(obj: KubeObject, params: ParameterValues<S>): string[];
}

/** A problem a cross-resource rule found, attached to the object that must change. */
export interface Finding {
    readonly object: KubeObject;
    readonly message: string;
}

/** Judges objects against each other (HPAs and their targets, Services and pods, ...). */
export interface StackRule<S extends ParameterSpecs = ParameterSpecs> extends RuleInfo<S> {
    readonly scope: "stack";
    checkStack(index: StackIndex, params: ParameterValues<S>): Finding[];
}

/** Pulumi resource options a rule may judge; they exist only when CrossGuard runs the rule. */
export interface PulumiResourceOptions {
    readonly protect: boolean;
}

/** Judges an object together with its Pulumi resource options, so only the CrossGuard adapter can run it. */
export interface PulumiResourceRule<S extends ParameterSpecs = ParameterSpecs> extends RuleInfo<S> {
    readonly scope: "pulumi-resource";
    checkResource(obj: KubeObject, options: PulumiResourceOptions, params: ParameterValues<S>): string[];
}

export type Rule = ObjectRule | StackRule | PulumiResourceRule;

/** A rule's verdict on one object, with its level resolved from the policy config. */
export interface Violation {
    readonly policy: string;
    readonly level: Exclude<EnforcementLevel, "disabled">;
    readonly kind: string;
    readonly namespace: string;
    readonly name: string;
    readonly message: string;
}

export function parameter<T>(schema: z.ZodType<T>, defaultValue: T, description: string): Parameter<T> {
    return { schema, default: defaultValue, description };
}

// The define* helpers only exist so TypeScript infers the parameter types for the check function from `parameters`.
export function defineObjectRule<S extends ParameterSpecs>(rule: Omit<ObjectRule<S>, "scope">): ObjectRule<S> {
    return { ...rule, scope: "object" };
}

export function defineStackRule<S extends ParameterSpecs>(rule: Omit<StackRule<S>, "scope">): StackRule<S> {
    return { ...rule, scope: "stack" };
}

export function definePulumiResourceRule<S extends ParameterSpecs>(rule: Omit<PulumiResourceRule<S>, "scope">): PulumiResourceRule<S> {
    return { ...rule, scope: "pulumi-resource" };
}
