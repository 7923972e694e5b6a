import * as fs from "node:fs";
import * as path from "node:path";
import type { ResourceValidation, ResourceValidationArgs, ResourceValidationPolicy } from "@pulumi/policy";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { checkObjects } from "../../policies/check";
import { crossGuardPolicies, kubeObjectFromPulumi } from "../../policies/crossguard";
import type { KubeObject } from "../../policies/kube-object";
import { loadPolicyConfig, type PolicyConfig } from "../../policies/policy-config";
import { REPO, runProgram, stackConfigFile } from "../support/run-program";

interface Finding { policy: string; level: string; kind: string; name: string }

/**
 * The program under mocks for a stack, fed to the policies with that stack's policy config: the plain-object rules via
 * checkObjects, and protect-stateful-resources (which needs Pulumi's resource options) via its CrossGuard policy.
 */
async function findings(stack: string, config: Record<string, unknown>, policyConfig: PolicyConfig): Promise<Finding[]> {
    const run = await runProgram(stack, config);
    const kube = run.registrations.filter((r) => r.type.startsWith("kubernetes:") && !r.type.endsWith("Patch"));
    const objects = kube.map((r) => kubeObjectFromPulumi(r.type, r.inputs)).filter((o): o is KubeObject => o !== undefined);
    const fromRules = checkObjects(objects, policyConfig).map((v) => ({ policy: v.policy, level: v.level, kind: v.kind, name: v.name }));
    const protect = crossGuardPolicies().find((p) => p.name === "protect-stateful-resources") as ResourceValidationPolicy;
    const level = policyConfig.get("protect-stateful-resources")!.level;
    const fromCrossGuard: Finding[] = [];
    for (const r of level === "disabled" ? [] : kube) {
        const args = { type: r.type, props: r.inputs, urn: r.urn, name: r.name, opts: { protect: r.protect }, getConfig: () => ({}) };
        await (protect.validateResource as ResourceValidation)(args as unknown as ResourceValidationArgs, () =>
            fromCrossGuard.push({ policy: protect.name, level, kind: r.type.split(":")[2], name: (r.inputs.metadata as { name: string }).name }));
    }
    return [...fromRules, ...fromCrossGuard];
}

const policyConfigOf = (stack: string) => loadPolicyConfig(path.join(REPO, "policies", "config", `${stack}.json`));

describe("dogfooding: the example stacks pass their own policies", () => {
    it.each(["dev", "staging", "prod"])("%s has no mandatory violation", async (stack) => {
        const found = await findings(stack, stackConfigFile(stack), policyConfigOf(stack));
        expect(found.filter((f) => f.level === "mandatory")).toEqual([]);
    });

    it("prod has no violation at all", async () => {
        expect(await findings("prod", stackConfigFile("prod"), policyConfigOf("prod"))).toEqual([]);
    });
});

describe("a deliberately unsafe stack", () => {
    const unsafe = (parse(fs.readFileSync(path.join(__dirname, "..", "fixtures", "Pulumi.unsafe.yaml"), "utf8")) as { config: Record<string, unknown> }).config;

    it("is valid config, and the prod policies catch every guardrail it switches off", async () => {
        const found = await findings("unsafe", unsafe, policyConfigOf("prod"));
        const summary = [...new Set(found.map((f) => `${f.policy} ${f.kind}/${f.name}`))].sort();
        expect(summary).toEqual([
            "drop-all-capabilities Deployment/web",
            "min-replicas Deployment/web",
            "no-privilege-escalation Deployment/web",
            "protect-stateful-resources PersistentVolume/apps-scratch",
            "protect-stateful-resources PersistentVolumeClaim/scratch",
            "protect-stateful-resources StatefulSet/db",
            "pv-reclaim-retain PersistentVolume/apps-scratch",
            "read-only-root-filesystem Deployment/web",
            "rolling-update-safe Deployment/web",
            "run-as-non-root Deployment/web",
            "statefulset-backed-up StatefulSet/db",
            "statefulset-pvc-retained StatefulSet/db",
        ]);
        expect(found.every((f) => f.level === "mandatory")).toBe(true);
    });
});
