/**
 * The rules as Pulumi CrossGuard policies. Per-object rules become ResourceValidationPolicies over each Kubernetes
 * resource's inputs; cross-resource rules become StackValidationPolicies over the whole stack.
 *
 * CrossGuard wraps resource properties in a proxy that throws when a rule reads a value that is unknown during
 * preview; CrossGuard itself turns that into an advisory "can't run during preview" note. The objects built here read
 * the properties lazily, so only the rules that touch an unknown value are skipped.
 */
import type {
    Policies,
    PolicyConfigSchema,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
} from "@pulumi/policy";
import { z } from "zod";
import type { KubeObject } from "./kube-object";
import { resolveParameters } from "./policy-config";
import type { Rule, StackRule } from "./rule";
import { rules } from "./rules";
import { StackIndex } from "./stack-index";
import { MISSING_REASON, waiverOf } from "./waivers";

/** `kubernetes:apps/v1:Deployment`: the module is `<group>/<version>`, with `core` for the core group. */
const KUBERNETES_TYPE = /^kubernetes:([^:/]+)\/([^:/]+):([^:]+)$/;

/**
 * The Kubernetes object a Pulumi resource describes, `undefined` for anything else (providers, components, other
 * clouds). `apiVersion` and `kind` come from the type token; every other field is read from `props` on demand.
 */
export function kubeObjectFromPulumi(type: string, props: Readonly<Record<string, unknown>>): KubeObject | undefined {
    const match = KUBERNETES_TYPE.exec(type);
    if (match === null) return undefined;
    const [, group, version, kind] = match;
    return {
        apiVersion: group === "core" ? version : `${group}/${version}`,
        kind,
        get metadata() {
            return props.metadata;
        },
        get spec() {
            return props.spec;
        },
    };
}

/** The pack's policies, one per rule, each at the rule's default enforcement level. */
export function crossGuardPolicies(): Policies {
    // Stack validation only sees outputs, which carry server-side defaults (spec.replicas: 1, requests copied from
    // limits). Cross-resource rules judge what the program wrote, so they use the inputs each resource was analyzed
    // with, recorded here by URN; resources CrossGuard did not analyze in this run fall back to their outputs.
    const inputsByUrn = new Map<string, KubeObject>();
    return rules.map((rule): ResourceValidationPolicy | StackValidationPolicy => {
        switch (rule.scope) {
            case "object":
                return resourcePolicy(rule, (object, args) => rule.checkObject(object, parameters(rule, args)));
            case "stack":
                return stackPolicy(rule, inputsByUrn);
            case "pulumi-resource":
                return resourcePolicy(rule, (object, args) => rule.checkResource(object, { protect: args.opts.protect }, parameters(rule, args)));
        }
    });
}

function basePolicy(rule: Rule): Pick<ResourceValidationPolicy, "name" | "description" | "enforcementLevel" | "remediationSteps" | "configSchema"> {
    return {
        name: rule.name,
        description: rule.description,
        enforcementLevel: rule.defaultLevel,
        remediationSteps: rule.remediation,
        configSchema: configSchema(rule),
    };
}

/** JSON Schema of the rule's parameters, so `pulumi` validates policy config and fills in the defaults. */
function configSchema(rule: Rule): PolicyConfigSchema | undefined {
    const entries = Object.entries(rule.parameters);
    if (entries.length === 0) return undefined;
    const properties: PolicyConfigSchema["properties"] = {};
    for (const [key, spec] of entries) {
        const { $schema: _dialect, ...schema } = z.toJSONSchema(spec.schema, { target: "draft-7" });
        properties[key] = { ...(schema as PolicyConfigSchema["properties"][string]), description: spec.description, default: spec.default as never };
    }
    return { properties };
}

function parameters(rule: Rule, args: ResourceValidationArgs | StackValidationArgs): Record<string, unknown> {
    return resolveParameters(rule, args.getConfig<Record<string, unknown>>(), `policy config of "${rule.name}"`);
}

/**
 * What `run` returns, or, when a rule throws, one message saying so: the rule's failure is reported at its level while
 * every other policy still runs. CrossGuard's own signal for a value unknown during preview passes through untouched.
 */
function reportingFailure<T>(run: () => T[]): Array<T | string> {
    try {
        return run();
    } catch (error) {
        // @pulumi/policy's UnknownValueError (internal, not exported): CrossGuard turns it into its preview note.
        if ((error as Error).constructor?.name === "UnknownValueError") throw error;
        return [`the policy failed on this input, so its findings are missing: ${(error as Error).message}`];
    }
}

/** A policy over each Kubernetes resource: `check` gets the object and CrossGuard's arguments for it. */
function resourcePolicy(rule: Rule, check: (object: KubeObject, args: ResourceValidationArgs) => string[]): ResourceValidationPolicy {
    return {
        ...basePolicy(rule),
        validateResource: (args: ResourceValidationArgs, reportViolation: ReportViolation) => {
            const object = kubeObjectFromPulumi(args.type, args.props);
            if (object === undefined) return;
            const waiver = waiverOf(object, rule.name);
            if (waiver !== undefined && "reason" in waiver) return;
            for (const message of reportingFailure(() => check(object, args))) reportViolation(waiver ? `${message} ${MISSING_REASON}` : message);
        },
    };
}

/**
 * A StackValidationPolicy that also validates each resource, reporting nothing: that is the only point where
 * CrossGuard shows a policy the resource inputs, which the stack check then uses.
 */
function stackPolicy(rule: StackRule, inputsByUrn: Map<string, KubeObject>): ResourceValidationPolicy & StackValidationPolicy {
    return {
        ...basePolicy(rule),
        validateResource: (args: ResourceValidationArgs) => {
            const object = kubeObjectFromPulumi(args.type, args.props);
            if (object !== undefined) inputsByUrn.set(args.urn, object);
        },
        validateStack: (args: StackValidationArgs, reportViolation: ReportViolation) => {
            const urns = new Map<KubeObject, string>();
            for (const resource of args.resources) {
                const object = inputsByUrn.get(resource.urn) ?? kubeObjectFromPulumi(resource.type, resource.props);
                if (object !== undefined) urns.set(object, resource.urn);
            }
            const findings = reportingFailure(() => rule.checkStack(new StackIndex(urns.keys()), parameters(rule, args)));
            for (const finding of findings) {
                if (typeof finding === "string") {
                    reportViolation(finding);
                    continue;
                }
                const waiver = waiverOf(finding.object, rule.name);
                if (waiver !== undefined && "reason" in waiver) continue;
                reportViolation(waiver ? `${finding.message} ${MISSING_REASON}` : finding.message, urns.get(finding.object));
            }
        },
    };
}
