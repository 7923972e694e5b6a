// The engine toolchain on its own (a tiny fixture program, not the app): when these fail, the
// app's engine tests cannot pass either, and the cause is in scripts/install-tools.sh.
import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EngineProject, findEngine, STACK_LOCKED } from "../../harness/pulumi-engine";

const fixture = path.join(__dirname, "fixtures", "toolchain");

describe("engine toolchain", () => {
    let project: EngineProject;
    let renderDir: string;

    beforeAll(async () => {
        project = EngineProject.create(findEngine(), { source: fixture });
        renderDir = path.join(project.tempDir, "rendered");
        await project.initStack("toolchain", { "engine-toolchain:renderDir": renderDir });
    });

    afterAll(async () => {
        await project?.cleanup();
    });

    it("reports the pinned CLI version", async () => {
        const { stdout } = await project.pulumi(["version"]);
        expect(stdout.trim()).toMatch(/^v3\.\d+\.\d+/);
    });

    it("runs the TypeScript program, renders the ConfigMap and runs the dynamic provider", async () => {
        await project.pulumi(["up", "--stack", "toolchain", "--yes", "--skip-preview"]);

        const manifests = fs.readdirSync(renderDir, { recursive: true, encoding: "utf8" });
        const configMap = manifests.find((file) => file.endsWith(".yaml") && file.includes("configmap"));
        expect(configMap, `rendered files: ${manifests.join(", ")}`).toBeDefined();
        const yaml = fs.readFileSync(path.join(renderDir, configMap as string), "utf8");
        expect(yaml).toContain("kind: ConfigMap");
        expect(yaml).toContain("greeting: hello");

        expect(await project.outputs("toolchain")).toEqual({ echoLength: "dynamic provider".length });
    });

    it("reports no changes on a second up", async () => {
        const result = await project.pulumi(["up", "--stack", "toolchain", "--yes", "--expect-no-changes"]);
        expect(result.code).toBe(0);
    });

    it("starts the Node.js policy pack and fails the preview on its mandatory violation", async () => {
        const policyPack = path.join(project.dir, "policy");
        await project.pulumi(["preview", "--stack", "toolchain", "--policy-pack", policyPack]);

        await project.pulumi(["config", "set", "--stack", "toolchain", "greeting", "forbidden"]);
        const result = await project.pulumi(["preview", "--stack", "toolchain", "--policy-pack", policyPack], {
            allowFailure: true,
        });
        expect(result.code).not.toBe(0);
        expect(result.output).toMatch(/\[mandatory\]\s+no-forbidden-greeting\s/);
    });

    it("cleans up a stack whose update was killed on its timeout, though the update left the stack locked", async () => {
        const hung = EngineProject.create(findEngine(), { source: fixture });
        try {
            await hung.initStack("hung", { "engine-toolchain:renderDir": path.join(hung.tempDir, "rendered"), "engine-toolchain:hang": "true" });
            const killed = await hung.pulumi(["up", "--stack", "hung", "--yes", "--skip-preview"], { allowFailure: true, timeoutMs: 30_000 });
            expect(killed.output).toContain("[killed after 30 s: ");
            expect(processesWorkingIn(hung.tempDir)).toEqual([]);
            const refused = await hung.pulumi(["up", "--stack", "hung", "--yes", "--skip-preview"], { allowFailure: true, timeoutMs: 60_000 });
            expect(refused.output).toContain(STACK_LOCKED);
        } finally {
            // What is tested: before the harness cancelled a leftover lock, this threw and left the stack behind.
            await hung.cleanup();
        }
    });
});

/** The command lines of the processes whose working directory is in `dir` (the engine's plugins run in the project). */
function processesWorkingIn(dir: string): string[] {
    return fs.readdirSync("/proc").filter((entry) => /^\d+$/.test(entry)).flatMap((pid) => {
        try {
            if (!fs.readlinkSync(`/proc/${pid}/cwd`).startsWith(dir)) return [];
            return [fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").replaceAll("\0", " ").trim()];
        } catch {
            return [];
        }
    });
}
