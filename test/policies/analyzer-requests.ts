/**
 * Analyzer protocol messages as the Pulumi engine sends them to a policy pack (resource inputs for Analyze, outputs
 * for AnalyzeStack), and the diagnostics it gets back, in the shape of the rules' violations.
 */
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import * as analyzer from "@pulumi/pulumi/proto/analyzer_pb";
import { apiGroup, type KubeObject, objectRef } from "../../policies/kube-object";
import { rules } from "../../policies/rules";

/** The sentinel the engine sends for a string that is unknown during preview. */
export const UNKNOWN_STRING = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

export interface Resource {
    readonly type: string;
    readonly urn: string;
    readonly name: string;
    readonly props: Record<string, unknown>;
    readonly protect?: boolean;
}

export interface Diagnostic {
    readonly policy: string;
    readonly level: "advisory" | "mandatory" | "disabled" | "remediate";
    readonly urn: string;
    /** The message without the policy description CrossGuard puts before it. */
    readonly message: string;
}

export function pulumiType(obj: KubeObject): string {
    const version = obj.apiVersion.split("/").at(-1) as string;
    return `kubernetes:${apiGroup(obj.apiVersion) || "core"}/${version}:${obj.kind}`;
}

/** A Kubernetes object as the resource Pulumi registers for it; the resource name is `<namespace>-<name>`. */
export function resourceOf(obj: KubeObject, options: { protect?: boolean } = {}): Resource {
    const ref = objectRef(obj);
    const name = `${ref.namespace}-${ref.name}`;
    const type = pulumiType(obj);
    return { type, name, urn: `urn:pulumi:test::kube-appstack::${type}::${name}`, props: { ...obj }, protect: options.protect ?? false };
}

function options(resource: Resource): analyzer.AnalyzerResourceOptions {
    return new analyzer.AnalyzerResourceOptions().setProtect(resource.protect ?? false);
}

export function analyzeRequest(resource: Resource): analyzer.AnalyzeRequest {
    return new analyzer.AnalyzeRequest()
        .setType(resource.type)
        .setUrn(resource.urn)
        .setName(resource.name)
        .setProperties(Struct.fromJavaScript(resource.props as Record<string, never>))
        .setOptions(options(resource));
}

export function analyzeStackRequest(resources: readonly Resource[]): analyzer.AnalyzeStackRequest {
    return new analyzer.AnalyzeStackRequest().setResourcesList(
        resources.map((resource) =>
            new analyzer.AnalyzerResource()
                .setType(resource.type)
                .setUrn(resource.urn)
                .setName(resource.name)
                .setProperties(Struct.fromJavaScript(resource.props as Record<string, never>))
                .setOptions(options(resource)),
        ),
    );
}

const LEVELS: Record<number, Diagnostic["level"]> = {
    [analyzer.EnforcementLevel.ADVISORY]: "advisory",
    [analyzer.EnforcementLevel.MANDATORY]: "mandatory",
    [analyzer.EnforcementLevel.DISABLED]: "disabled",
    [analyzer.EnforcementLevel.REMEDIATE]: "remediate",
};

const DESCRIPTIONS = new Map(rules.map((rule) => [rule.name, rule.description]));

/** The diagnostics of a response; those of Analyze carry no URN, so the request's is filled in. */
export function diagnosticsOf(response: analyzer.AnalyzeResponse, urnOfRequest = ""): Diagnostic[] {
    return response.getDiagnosticsList().map((d) => {
        const prefix = `${DESCRIPTIONS.get(d.getPolicyname()) ?? ""}\n`;
        const message = d.getMessage();
        return {
            policy: d.getPolicyname(),
            level: LEVELS[d.getEnforcementlevel()],
            urn: d.getUrn() || urnOfRequest,
            message: message.startsWith(prefix) ? message.slice(prefix.length) : message,
        };
    });
}
