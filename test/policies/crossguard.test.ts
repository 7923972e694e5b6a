/**
 * The pack's policies driven through @pulumi/policy's own Analyze and AnalyzeStack handlers, with protobuf requests
 * as the engine sends them: the same deserialization, unknown-value proxy and diagnostics as under `pulumi preview`.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { Policies } from "@pulumi/policy";
import * as policyServer from "@pulumi/policy/server";
import type { AnalyzeRequest, AnalyzeResponse, AnalyzeStackRequest } from "@pulumi/pulumi/proto/analyzer_pb";
import { describe, expect, it } from "vitest";
import { checkObjects } from "../../policies/check";
import { crossGuardPolicies } from "../../policies/crossguard";
import { type KubeObject, objectRef } from "../../policies/kube-object";
import { parseManifest } from "../../policies/manifest";
import { defaultPolicyConfig } from "../../policies/policy-config";
import { rules } from "../../policies/rules";
import { analyzeRequest, analyzeStackRequest, type Diagnostic, diagnosticsOf, type Resource, resourceOf, UNKNOWN_STRING } from "./analyzer-requests";
import { deployment, hpa, persistentVolume, statefulSet, withFields } from "./objects";

type Handler<Request> = (call: { request: Request }, callback: (error: unknown, response?: AnalyzeResponse) => void) => Promise<void>;

/** Internal to @pulumi/policy, but the exact functions its gRPC server registers for Analyze and AnalyzeStack. */
const server = policyServer as unknown as {
    makeAnalyzeRpcFun(pack: string, version: string, level: string, policies: Policies): Handler<AnalyzeRequest>;
    makeAnalyzeStackRpcFun(pack: string, version: string, level: string, policies: Policies): Handler<AnalyzeStackRequest>;
};

function call<Request>(handler: Handler<Request>, request: Request): Promise<AnalyzeResponse> {
    return new Promise((resolve, reject) => {
        void handler({ request }, (error, response) => (error ? reject(error) : resolve(response as AnalyzeResponse)));
    });
}

/** A fresh policy pack, as one `pulumi preview` starts one: Analyze per resource, then AnalyzeStack once. */
function analyzer(policies = crossGuardPolicies()) {
    const analyze = server.makeAnalyzeRpcFun("kube-appstack", "0.1.0", "advisory", policies);
    const analyzeStack = server.makeAnalyzeStackRpcFun("kube-appstack", "0.1.0", "advisory", policies);
    return {
        analyze: async (resource: Resource): Promise<Diagnostic[]> => diagnosticsOf(await call(analyze, analyzeRequest(resource)), resource.urn),
        analyzeStack: async (resources: readonly Resource[]): Promise<Diagnostic[]> => diagnosticsOf(await call(analyzeStack, analyzeStackRequest(resources))),
    };
}

async function preview(resources: readonly Resource[]): Promise<Diagnostic[]> {
    const pack = analyzer();
    const diagnostics: Diagnostic[] = [];
    for (const resource of resources) diagnostics.push(...(await pack.analyze(resource)));
    return [...diagnostics, ...(await pack.analyzeStack(resources))];
}

function fixtureObjects(...names: string[]): KubeObject[] {
    return names.flatMap((name) => parseManifest(fs.readFileSync(path.join(__dirname, "fixtures", name), "utf8"), name).objects);
}

describe("the CrossGuard policies", () => {
    it("report the same violations as the rules, per resource and across the stack", async () => {
        const objects = fixtureObjects("violations.yaml", "compliant/web.yaml", "compliant/db.yaml");
        const resources = objects.map((object) => resourceOf(object));
        const byUrn = new Map(resources.map((resource, i) => [resource.urn, objectRef(objects[i])]));
        const viaCrossGuard = (await preview(resources))
            .filter((d) => d.policy !== "protect-stateful-resources")
            .map((d) => ({ policy: d.policy, level: d.level, ...byUrn.get(d.urn), message: d.message }));
        const expected = checkObjects(objects, defaultPolicyConfig());
        expect(expected.length).toBeGreaterThan(25);
        const order = (v: { policy: string; name?: string; message: string }): string => `${v.policy} ${v.name} ${v.message}`;
        expect(viaCrossGuard.sort((a, b) => order(a).localeCompare(order(b)))).toEqual([...expected].sort((a, b) => order(a).localeCompare(order(b))));
    });

    it("are declared from the rules: names, default levels, remediation and parameter schemas", () => {
        const policies = crossGuardPolicies();
        expect(policies.map((p) => [p.name, p.enforcementLevel, p.remediationSteps])).toEqual(rules.map((r) => [r.name, r.defaultLevel, r.remediation]));
        const minReplicas = policies.find((p) => p.name === "min-replicas");
        expect(minReplicas?.configSchema).toEqual({
            properties: {
                minReplicas: { type: "integer", minimum: 1, maximum: Number.MAX_SAFE_INTEGER, default: 2, description: "Fewest replicas a Deployment or StatefulSet may run." },
            },
        });
        expect(policies.find((p) => p.name === "image-tag-pinned")?.configSchema?.properties.mutableTags).toMatchObject({ type: "array", items: { type: "string" }, default: ["latest"] });
        expect(policies.find((p) => p.name === "no-host-namespaces")?.configSchema).toBeUndefined();
    });

    it("skip only the rule that reads a value unknown during preview, as an advisory note", async () => {
        const web = withFields(deployment(), { "spec.template.spec.containers.0.image": UNKNOWN_STRING, "spec.template.spec.containers.0.resources.limits": undefined });
        const diagnostics = await analyzer().analyze(resourceOf(web));
        expect(diagnostics.map((d) => [d.policy, d.level])).toEqual([
            ["resource-limits-required", "advisory"],
            ["image-tag-pinned", "advisory"],
        ]);
        expect(diagnostics[1].message).toMatch(/^can't run policy 'image-tag-pinned' .* during preview: string value at \.spec\.template\.spec\.containers\.0\.image can't be known during preview$/);
    });

    it("accept resources whose fields are missing, and ignore resources that are not Kubernetes objects", async () => {
        const pack = analyzer();
        const resources: Resource[] = [
            { type: "kubernetes:apps/v1:Deployment", urn: "urn:pulumi:test::p::kubernetes:apps/v1:Deployment::empty", name: "empty", props: {} },
            { type: "kubernetes:autoscaling/v2:HorizontalPodAutoscaler", urn: "urn:pulumi:test::p::kubernetes:autoscaling/v2:HorizontalPodAutoscaler::h", name: "h", props: { spec: { maxReplicas: 3 } } },
            { type: "aws:s3/bucket:Bucket", urn: "urn:pulumi:test::p::aws:s3/bucket:Bucket::b", name: "b", props: { spec: { hostNetwork: true } } },
            { type: "pulumi:providers:kubernetes", urn: "urn:pulumi:test::p::pulumi:providers:kubernetes::k", name: "k", props: { kubeconfig: "x" } },
            { type: "kubernetes:yaml/v2:ConfigGroup", urn: "urn:pulumi:test::p::kubernetes:yaml/v2:ConfigGroup::g", name: "g", props: { files: ["a.yaml"] } },
        ];
        // The empty Deployment's findings: apps/v1 refuses a Deployment without a selector, and its pods would run as
        // the namespace's default ServiceAccount.
        expect((await pack.analyze(resources[0])).map((d) => d.policy)).toEqual(["selector-matches-template", "no-default-service-account"]);
        for (const resource of resources.slice(1)) expect(await pack.analyze(resource)).toEqual([]);
        // A Deployment without spec runs the API default of one replica.
        expect((await pack.analyzeStack(resources)).map((d) => [d.policy, d.urn])).toEqual([["min-replicas", resources[0].urn]]);
    });

    it("judge cross-resource rules on the inputs each resource was analyzed with, not on server-defaulted outputs", async () => {
        const inputs = [resourceOf(withFields(deployment(), { "spec.replicas": undefined })), resourceOf(hpa())];
        // The API server fills in spec.replicas; the program never wrote it, so hpa-replicas-unset must stay quiet.
        const outputs = [{ ...inputs[0], props: withFields(inputs[0].props, { "spec.replicas": 2, status: { replicas: 2 } }) }, inputs[1]];
        const pack = analyzer();
        for (const resource of inputs) await pack.analyze(resource);
        expect((await pack.analyzeStack(outputs)).map((d) => d.policy)).toEqual(["pdb-required"]);
        // Resources CrossGuard did not analyze in this run are judged on their outputs.
        expect((await analyzer().analyzeStack(outputs)).map((d) => d.policy)).toEqual(["pdb-required", "hpa-replicas-unset"]);
    });

    it("attach each cross-resource violation to the URN of the object that must change", async () => {
        const resources = [resourceOf(withFields(deployment(), { "spec.replicas": 1 })), resourceOf(hpa())];
        const diagnostics = await preview(resources);
        expect(diagnostics.filter((d) => d.policy === "hpa-replicas-unset").map((d) => d.urn)).toEqual([resources[0].urn]);
    });
});

describe("protect-stateful-resources", () => {
    it("asks PersistentVolumes, PersistentVolumeClaims and StatefulSets for the protect option, as advisory by default", async () => {
        const claim: KubeObject = { apiVersion: "v1", kind: "PersistentVolumeClaim", metadata: { name: "data", namespace: "shop" }, spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "1Gi" } } } };
        const pack = analyzer();
        const unprotected = [persistentVolume(), claim, statefulSet()].map((object) => resourceOf(object));
        for (const resource of unprotected) {
            expect(await pack.analyze(resource)).toEqual([
                { policy: "protect-stateful-resources", level: "advisory", urn: resource.urn, message: `is a ${resource.type.split(":")[2]} without the Pulumi protect option` },
            ]);
        }
        for (const object of [persistentVolume(), claim, statefulSet()]) expect(await pack.analyze(resourceOf(object, { protect: true }))).toEqual([]);
        expect((await pack.analyze(resourceOf(deployment()))).map((d) => d.policy)).not.toContain("protect-stateful-resources");
    });

    it("is never run by the plain-object checker, which has no resource options", () => {
        expect(checkObjects([persistentVolume(), statefulSet()], defaultPolicyConfig()).map((v) => v.policy)).not.toContain("protect-stateful-resources");
    });
});
