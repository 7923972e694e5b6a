// KindCluster under the real engine: its provider plugin (bin/pulumi-resource-kube-appstack-kind, named in the fixture's
// Pulumi.yaml) driving the fake `kind` from test/kind/fake-kind.ts.
import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeKind, writeFakeKind } from "../kind/fake-kind";
import { EngineProject, findEngine } from "../../harness/pulumi-engine";

const stack = "kind";
const clusterName = "engine-test";
const fixture = "test/engine/fixtures/kind-cluster";

function kindProject(fake: FakeKind): EngineProject {
    const engine = findEngine();
    return EngineProject.create(engine, { projectDir: fixture, env: { PATH: `${fake.dir}:${engine.path}` } });
}

describe("KindCluster under the real engine, against the fake kind", () => {
    let fake: FakeKind;
    let project: EngineProject;

    const up = () => project.pulumi(["up", "--stack", stack, "--yes", "--skip-preview"]);
    const workerCount = () => (fake.configOf(clusterName)?.match(/role: worker/g) ?? []).length;

    beforeAll(async () => {
        fake = writeFakeKind();
        project = kindProject(fake);
        await project.initStack(stack, { "engine-kind:workerNodes": "1" });
    });

    afterAll(async () => {
        await project?.cleanup();
        if (fake) fs.rmSync(fake.dir, { recursive: true, force: true });
    });

    it("pulumi up creates the cluster", async () => {
        await up();

        expect(fake.clusters()).toEqual([clusterName]);
        expect(workerCount()).toBe(1);
        const outputs = await project.outputs(stack);
        expect(outputs.nodeNames).toEqual([`${clusterName}-control-plane`, `${clusterName}-worker`]);
        expect(outputs.kubeconfig).toContain(`current-context: kind-${clusterName}`);
    });

    it("stores the kubeconfig encrypted in the state file", async () => {
        const kubeconfig = (await project.outputs(stack)).kubeconfig as string;
        const state = project.stateText(stack);

        expect(state).toContain("ciphertext");
        expect(state).not.toContain(kubeconfig);
        expect(state).not.toContain(JSON.stringify(kubeconfig).slice(1, -1));
        // The fake's CA data, which only the kubeconfig carries.
        expect(state).not.toContain("RkFLRS1DQQ==");
    });

    it("previews a wait-timeout change as an update whose kubeconfig stays known, with no kind command", async () => {
        const calls = fake.calls().length;
        const seen = path.join(project.tempDir, "kubeconfig-seen");
        await project.pulumi(["config", "set", "--stack", stack, "waitTimeout", "5m"]);
        const preview = await project.pulumi(["preview", "--stack", stack, "--diff"], { env: { KUBECONFIG_SEEN_FILE: seen } });
        await project.pulumi(["config", "rm", "--stack", stack, "waitTimeout"]);

        expect(preview.output).toMatch(/~ kube-appstack-kind:index:Cluster: \(update\)/);
        expect(preview.output).toMatch(/~ waitTimeout\s*: "180s" => "5m"/);
        // The program saw the kubeconfig during the preview. Without the plugin's preview of an update, the engine takes
        // the new inputs for the outputs: no kubeconfig, which the SDK treats as unknown, and so would every resource
        // on the cluster (their provider's kubeconfig).
        expect(fs.existsSync(seen)).toBe(true);
        expect(fake.calls()).toHaveLength(calls);
    });

    it("a config change replaces the cluster", async () => {
        await project.pulumi(["config", "set", "--stack", stack, "workerNodes", "2"]);
        const result = await up();

        expect(result.output).toMatch(/replaced/);
        const commands = fake.calls().map((argv) => argv.slice(0, 2).join(" "));
        expect(commands.filter((c) => c === "create cluster")).toHaveLength(2);
        expect(commands).toContain("delete cluster");
        expect(fake.clusters()).toEqual([clusterName]);
        expect(workerCount()).toBe(2);
    });

    it("pulumi destroy deletes the cluster", async () => {
        await project.pulumi(["destroy", "--stack", stack, "--yes", "--skip-preview"]);

        expect(fake.clusters()).toEqual([]);
    });
});

describe("a stack whose cluster the dynamic provider made, before the plugin", () => {
    let fake: FakeKind;
    let project: EngineProject;
    let before: Record<string, unknown>;

    beforeAll(async () => {
        fake = writeFakeKind();
        fake.addCluster(clusterName);
        project = kindProject(fake);
        await project.initStack(stack, { "engine-kind:workerNodes": "1" });
        // The state `pulumi up` of this fixture wrote with the dynamic provider (its serialized code shortened).
        await project.pulumi(["stack", "import", "--stack", stack, "--file", path.resolve(fixture, "dynamic-provider-state.json")]);
        before = await project.outputs(stack);
    });

    afterAll(async () => {
        await project?.cleanup();
        if (fake) fs.rmSync(fake.dir, { recursive: true, force: true });
    });

    it("hands the same cluster over to the plugin: no replacement in the preview, no kind command in the up", async () => {
        const preview = await project.pulumi(["preview", "--stack", stack, "--diff"]);
        expect(preview.output).not.toMatch(/replace|\+ .*KindCluster|- .*KindCluster/);
        await project.pulumi(["up", "--stack", stack, "--yes", "--skip-preview"]);

        expect(fake.calls()).toEqual([]);
        expect(await project.outputs(stack)).toEqual(before);
        const types = (JSON.parse(project.stateText(stack)) as { checkpoint: { latest: { resources: { type: string }[] } } })
            .checkpoint.latest.resources.map((r) => r.type);
        expect(types).toContain("kube-appstack-kind:index:Cluster");
        expect(types.filter((t) => t.startsWith("pulumi-nodejs") || t === "pulumi:providers:pulumi-nodejs")).toEqual([]);
    });
});

describe("a project that does not name the kind provider plugin", () => {
    let fake: FakeKind;
    let project: EngineProject;

    beforeAll(async () => {
        fake = writeFakeKind();
        project = kindProject(fake);
        const file = path.join(project.dir, "Pulumi.yaml");
        fs.writeFileSync(file, fs.readFileSync(file, "utf8").replace(/\nplugins:[\s\S]*$/, "\n"));
        await project.initStack(stack, { "engine-kind:workerNodes": "1" });
    });

    afterAll(async () => {
        await project?.cleanup();
        if (fake) fs.rmSync(fake.dir, { recursive: true, force: true });
    });

    it("stops with what to add to Pulumi.yaml, before Pulumi looks for the plugin in a registry", async () => {
        // Pulumi's default, which the harness turns off: a missing plugin is fetched from GitHub's pulumi/pulumi-<name>.
        const preview = await project.pulumi(["preview", "--stack", stack], { allowFailure: true, env: { PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "false" } });

        expect(preview.code).not.toBe(0);
        expect(preview.output).toContain('KindCluster "kind" cannot run:');
        expect(preview.output).toContain("does not name the kind provider plugin that serves KindCluster");
        expect(preview.output).toMatch(/plugins:\n\s+providers:\n\s+- name: kube-appstack-kind\n\s+path: /);
        expect(preview.output).not.toMatch(/github|could not find latest version/i);
        expect(fake.calls()).toEqual([]);
    });
});
