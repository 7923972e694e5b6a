import { ChildProcess, spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { kindClusterProvider } from "../../components/kind-cluster";
import { KindTestEnv, kindInputs, useFakeKind } from "./kind-env";

// Pulumi runs a dynamic provider from a serialized copy (`requireFromString(text).handler()` in the dynamic provider
// host). These tests make the same copy and run it in a fresh node process, where nothing of this repository is loaded:
// once from the module as the tests load it, once from the prebuilt bundle Pulumi runs (the `pulumi` set of scripts/build.js).

const REPO = path.resolve(__dirname, "../..");

/**
 * components/kind-cluster.ts bundled with the options of the program's bundle, into a folder of `dir` that reaches the
 * repository's packages (the serialized copy, written to `dir` itself, reaches none).
 */
function bundledProvider(dir: string): typeof kindClusterProvider {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { esbuildOptions } = require(path.join(REPO, "scripts", "build.js")) as { esbuildOptions(set: string): object };
    fs.mkdirSync(path.join(dir, "bundle"));
    fs.symlinkSync(path.join(REPO, "node_modules"), path.join(dir, "bundle", "node_modules"), "dir");
    const outfile = path.join(dir, "bundle", "kind-cluster.js");
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    require("esbuild").buildSync({ ...esbuildOptions("pulumi"), entryPoints: ["components/kind-cluster.ts"], outfile });
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return (require(outfile) as { kindClusterProvider: typeof kindClusterProvider }).kindClusterProvider;
}

const builds: Record<string, (dir: string) => typeof kindClusterProvider> = {
    "from the module": () => kindClusterProvider,
    "from the prebuilt bundle": bundledProvider,
};

describe.each(Object.keys(builds))("the serialized provider, %s", (build) => {
    let text: string;
    let dir: string;
    let providerFile: string;
    let env: KindTestEnv;

    beforeAll(async () => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "kind-serialized-"));
        const provider = builds[build](dir);
        // The same call pulumi.dynamic.Resource makes for its provider.
        const serialized = await pulumi.runtime.serializeFunction(() => provider, { allowSecrets: true });
        expect(serialized.containsSecrets).toBe(false);
        text = serialized.text;
        providerFile = path.join(dir, "provider.js");
        fs.writeFileSync(providerFile, text);
    });
    afterAll(() => dir && fs.rmSync(dir, { recursive: true, force: true }));
    beforeEach(() => {
        env = useFakeKind();
    });
    afterEach(() => env.restore());

    /** Starts a node process that loads the serialized provider and runs one method; it prints the result as JSON. */
    function runSerialized(method: "create" | "read" | "delete", args: unknown[]): { child: ChildProcess; done: Promise<string> } {
        const script = `require(${JSON.stringify(providerFile)}).handler()[${JSON.stringify(method)}](...${JSON.stringify(args)})` +
            ".then((r) => process.stdout.write(JSON.stringify(r === undefined ? null : r)), (e) => { process.stderr.write(e.message); process.exit(1); });";
        const child = spawn(process.execPath, ["-e", script], {
            cwd: dir,
            env: { PATH: env.fake.path, XDG_STATE_HOME: env.stateHome, HOME: env.stateHome },
            stdio: ["ignore", "pipe", "pipe"],
        });
        let stdout = "";
        let stderr = "";
        child.stdout?.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
        child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
        const done = new Promise<string>((resolve, reject) => {
            child.on("close", (code, signal) => (code === 0 ? resolve(stdout) : reject(new Error(`exit ${code ?? signal}: ${stderr}`))));
        });
        return { child, done };
    }

        it("is small and takes nothing from this repository but its own functions", () => {
            // Measured at about 19 kB; a captured import (the yaml package, @pulumi/pulumi, kind-config) would add far more.
            expect(text.length).toBeLessThan(30_000);
            const required = [...text.matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1]);
            expect(new Set(required)).toEqual(new Set(["child_process", "crypto", "fs", "net", "os", "path"]));
            // Nothing of the component side: the Pulumi SDK, the yaml package, the config renderer.
            expect(text).not.toMatch(/@pulumi|ComponentResource|YAMLMap|renderKindConfig|kindClusterArgsProblems/);
        });

        it("creates, reads and deletes a cluster in a fresh node process", async () => {
            const inputs = kindInputs();
            const created = JSON.parse(await runSerialized("create", [inputs]).done) as { id: string; outs: Record<string, unknown> };
            expect(created.id).toBe("dev");
            expect(created.outs).toMatchObject({ contextName: "kind-dev", nodeNames: ["dev-control-plane", "dev-worker", "dev-worker2"] });

            const read = JSON.parse(await runSerialized("read", ["dev", created.outs]).done) as unknown;
            expect(read).toEqual({ id: "dev", props: created.outs });

            await runSerialized("delete", ["dev", created.outs]).done;
            expect(env.fake.clusters()).toEqual([]);
        });

        it("a create interrupted by killing the provider process leaves nothing that blocks the next create", async () => {
            env.fake.failNext({ command: "create cluster", hang: true });
            const { child, done } = runSerialized("create", [kindInputs()]);
            const hungPid = path.join(env.fake.dir, "hung.pid");
            // Wait (not a timing assertion) until kind is halfway: the node containers exist and kind is still running.
            while (!fs.existsSync(hungPid) || fs.readFileSync(hungPid, "utf8") === "") {
                await new Promise((resolve) => setTimeout(resolve, 50));
            }
            child.kill("SIGKILL");
            process.kill(Number(fs.readFileSync(hungPid, "utf8")), "SIGKILL");
            await expect(done).rejects.toThrow(/SIGKILL/);
            expect(env.fake.clusters()).toEqual(["dev"]);
            // The killed process could not remove its temporary directory (the config file kind was reading).
            const configFile = env.fake.calls().find((argv) => argv[0] === "create")?.[5];
            expect(configFile).toMatch(new RegExp(`^${os.tmpdir()}/kube-appstack-kind-[^/]+/kind-config\\.yaml$`));
            fs.rmSync(path.dirname(configFile as string), { recursive: true, force: true });

            const { outs } = await kindClusterProvider.create(kindInputs());
            expect(env.fake.calls().slice(-4).map((argv) => argv.slice(0, 2).join(" "))).toEqual([
                "get clusters", "delete cluster", "create cluster", "get nodes",
            ]);
            expect(outs.nodeNames).toEqual(["dev-control-plane", "dev-worker", "dev-worker2"]);
        });
});
