import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { ProgramRun, Registration, runProgram, stackConfigFile } from "../support/run-program";
import { environmentStacks } from "./environment-stacks";

const PROVIDER = "pulumi:providers:kubernetes";
const OUT = "/var/tmp/kube-appstack-render-test"; // never written: under mocks no provider runs

/** The stack's own config with its cluster section replaced by render mode, as a render stack would hold it. */
function renderConfig(stack: string): Record<string, unknown> {
    return { ...stackConfigFile(stack), "kube-appstack:cluster": { renderYamlToDirectory: OUT } };
}

const kubeResources = (run: ProgramRun) => run.registrations.filter((r) => r.type.startsWith("kubernetes:"));
const providerRef = (provider: Registration) => `${provider.urn}::${provider.name}-id`;
type Meta = { apiVersion: string; kind: string; metadata: { name?: string; namespace?: string } };

/**
 * Where the Kubernetes provider's render mode writes an object (pulumi-kubernetes provider/pkg/provider/provider.go,
 * renderPathForResource): CustomResourceDefinitions under 0-crd/, everything else under 1-manifest/, each in
 * `<apiVersion, "/" as "_">-<kind, lowercase>-<namespace, or "default" when cluster-scoped>-<name>.yaml`.
 */
function renderedPath(object: Meta): string {
    const dir = object.kind === "CustomResourceDefinition" ? "0-crd" : "1-manifest";
    const apiVersion = object.apiVersion.replace(/[/:]/g, "_");
    return path.join(dir, `${apiVersion}-${object.kind.toLowerCase()}-${object.metadata.namespace ?? "default"}-${object.metadata.name}.yaml`);
}

/** A previous update's outputs in which every stateless app ran a fixed 4 pods (the replicas hand-over's trigger). */
function fixedReplicasBefore(stack: string): Record<string, unknown> {
    const apps = stackConfigFile(stack)["kube-appstack:apps"] as Array<{ name: string; type: string }>;
    return {
        apps: Object.fromEntries(apps.filter((a) => a.type === "stateless").map((a) => [a.name, {
            kind: "stateless", serviceName: a.name, servicePort: 80, dnsName: `${a.name}.apps.svc.cluster.local`, replicas: 4,
        }])),
    };
}

describe.each(environmentStacks())("render mode for the %s stack under mocks", (stack) => {
    it("gives the stack's one Kubernetes provider renderYamlToDirectory and nothing that reaches a cluster", async () => {
        const run = await runProgram(`render-${stack}`, renderConfig(stack));
        const providers = run.ofType(PROVIDER);
        expect(providers).toHaveLength(1);
        expect(providers[0].inputs.renderYamlToDirectory).toBe(OUT);
        for (const key of ["kubeconfig", "context", "clusterIdentifier"]) expect(providers[0].inputs[key] ?? "", key).toBe("");
    });

    it("ignores a KUBECONFIG in the environment (the provider refuses a kubeconfig beside renderYamlToDirectory)", async () => {
        const saved = process.env.KUBECONFIG;
        process.env.KUBECONFIG = "/home/someone/.kube/config";
        try {
            const run = await runProgram(`render-${stack}`, renderConfig(stack));
            expect(run.ofType(PROVIDER)[0].inputs.kubeconfig ?? "").toBe("");
        } finally {
            if (saved === undefined) delete process.env.KUBECONFIG;
            else process.env.KUBECONFIG = saved;
        }
    });

    it("sends every Kubernetes resource through the rendering provider", async () => {
        const run = await runProgram(`render-${stack}`, renderConfig(stack));
        const ref = providerRef(run.ofType(PROVIDER)[0]);
        const kube = kubeResources(run);
        expect(kube.length).toBeGreaterThan(0);
        for (const r of kube) expect(r.provider, `${r.type} ${r.name}`).toBe(ref);
    });

    it("renders exactly the objects the stack applies to its cluster, input for input", async () => {
        const objects = (run: ProgramRun) => new Map(kubeResources(run).map((r) => [`${r.type}/${r.name}`, r.inputs]));
        const rendered = objects(await runProgram(`render-${stack}`, renderConfig(stack)));
        const applied = objects(await runProgram(stack, stackConfigFile(stack)));
        expect([...rendered.keys()].sort()).toEqual([...applied.keys()].sort());
        for (const [key, inputs] of rendered) expect(inputs, key).toEqual(applied.get(key));
    });

    it("declares no replicas hand-over, which only a live Deployment needs, even after fixed replicas", async () => {
        const handovers = (run: ProgramRun) => run.registrations.filter((r) => r.type.endsWith("Patch")).map((r) => r.name);
        const previousOutputs = fixedReplicasBefore(stack);
        // Applied to a cluster, the autoscaled web app takes over from the fixed count with a patch ...
        const applied = await runProgram(stack, stackConfigFile(stack), { previousOutputs });
        expect(handovers(applied)).toEqual(["web-replicas-handover"]);
        // ... rendered, there is nothing to take over from.
        const rendered = await runProgram(`render-${stack}`, renderConfig(stack), { previousOutputs });
        expect(handovers(rendered)).toEqual([]);
    });

    it("names every object, so each lands in its own file and a re-render rewrites the same files", async () => {
        const run = await runProgram(`render-${stack}`, renderConfig(stack));
        const objects = kubeResources(run).map((r) => r.inputs as unknown as Meta);
        for (const o of objects) expect(o.metadata.name, `${o.kind} has metadata.name (no random autoname suffix)`).toMatch(/^[a-z0-9]/);
        const files = objects.map(renderedPath);
        expect(new Set(files).size).toBe(files.length);
        expect(files).toContain("1-manifest/apps_v1-deployment-apps-web.yaml");
        expect(files).toContain("1-manifest/v1-namespace-default-apps.yaml");
    });
});
