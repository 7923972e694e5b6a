// The built command (the `cli` set of scripts/build.js, bin/load-bundle.js): each subcommand is its own bundle with
// only its own modules, and an edited source is what runs next, never the bundle built before the edit.
import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const ROOT = path.join(__dirname, "..", "..");

interface Metafile {
    outputs: Record<string, { inputs: Record<string, unknown> }>;
}

/** The files and packages that went into bin-out/<name>.js, by esbuild's account (bundled by the vitest globalSetup). */
function inputsOf(name: string): string[] {
    const meta = JSON.parse(fs.readFileSync(path.join(ROOT, "bin-out", "meta.json"), "utf8")) as Metafile;
    return Object.keys(meta.outputs[`bin-out/${name}.js`].inputs);
}

const packageOf = (file: string): string | undefined => /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(file)?.[1];
const packagesOf = (name: string): string[] => [...new Set(inputsOf(name).map(packageOf).filter((p) => p !== undefined))].sort();
const wingsOf = (name: string): string[] => [...new Set(inputsOf(name).filter((f) => packageOf(f) === undefined).map((f) => f.split("/")[0]))].sort();

describe("the bundles", () => {
    it("hold main's dispatch alone in main, which loads a subcommand's bundle only when it runs", () => {
        expect(inputsOf("main").sort()).toEqual(["cli/main.ts", "cli/version.ts"]);
        expect(fs.readFileSync(path.join(ROOT, "bin-out", "main.js"), "utf8")).toMatch(/require\("\.\/check\.js"\)/);
    });

    it("give check the policies and js-yaml, and nothing of render: no stack config, components, yaml or Pulumi", () => {
        expect(wingsOf("check")).toEqual(["cli", "io", "kube", "policies"]);
        expect(packagesOf("check")).toEqual(["js-yaml", "zod"]);
    });

    it("keep only zod's English locale, the one its messages come from", () => {
        for (const name of ["check", "render", "rules"]) {
            expect(inputsOf(name).filter((file) => /zod\/v4\/locales\/(?!index)/.test(file)).map((file) => path.basename(file))).toEqual(["en.js", "en.js"]);
        }
    });

    it("give the kind plugin its provider and the engine protocol's messages, and nothing of the Pulumi SDK's runtime", () => {
        expect(inputsOf("kind-plugin").filter((f) => packageOf(f) === undefined).sort()).toEqual([
            "components/kind-cluster-provider.ts", "package.json", "plugin/kind-plugin.ts", "plugin/provider-server.ts",
        ]);
        // The SDK's generated protocol files only: its runtime (closure serialization, the TypeScript compiler, npm's
        // libraries) is what made the dynamic provider's process slow to start.
        expect(inputsOf("kind-plugin").filter((f) => packageOf(f) === "@pulumi/pulumi").every((f) => f.includes("/@pulumi/pulumi/proto/"))).toBe(true);
        expect(packagesOf("kind-plugin")).not.toContain("typescript");
        expect(packagesOf("kind-plugin")).toContain("@grpc/grpc-js");
    });

    it("give render the stack config and the specs, and none of the policies", () => {
        expect(wingsOf("render")).toEqual(["cli", "components", "config", "io", "kube", "program"]);
        expect(packagesOf("render")).toEqual(["yaml", "zod"]);
    });
});

describe("a source edited after the build", () => {
    const copy = fs.mkdtempSync(path.join(os.tmpdir(), "kube-appstack-build-"));
    afterAll(() => fs.rmSync(copy, { recursive: true, force: true }));
    for (const entry of ["bin", "scripts/build.js", "cli", "plugin", "policies", "kube", "io", "components", "config", "program", "package.json", "tsconfig.json"]) {
        fs.cpSync(path.join(ROOT, entry), path.join(copy, entry), { recursive: true });
    }
    fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(copy, "node_modules"));
    const run = (...args: string[]) => spawnSync(process.execPath, [path.join(copy, "bin", "kube-appstack.js"), ...args], { cwd: copy, encoding: "utf8" });
    const mainBundle = path.join(copy, "bin-out", "main.js");
    const edit = (file: string, from: string, to: string) => {
        const text = fs.readFileSync(path.join(copy, file), "utf8");
        expect(text).toContain(from);
        fs.writeFileSync(path.join(copy, file), text.replace(from, to));
    };

    it("builds a missing bin-out/ on the first run and keeps it while nothing changes", () => {
        expect(run("--version")).toMatchObject({ status: 0, stdout: "kube-appstack 0.1.0\n", stderr: "" });
        const built = fs.statSync(mainBundle).mtimeMs;
        expect(run("--version")).toMatchObject({ status: 0, stdout: "kube-appstack 0.1.0\n", stderr: "" });
        expect(fs.statSync(mainBundle).mtimeMs).toBe(built);
    });

    it("is what runs next: the bin rebuilds first", () => {
        edit("cli/main.ts", "Run kube-appstack <command> --help", "Run kube-appstack <command> -h");
        const result = run("help");
        expect(result.stderr).toBe("");
        expect(result.stdout).toContain("Run kube-appstack <command> -h for a command's options.");
    });

    it("is rebuilt also when it is a module a subcommand imports", () => {
        edit("policies/manifest.ts", "export function parseManifest(text: string, source: string): ParsedManifest {", "export function parseManifest(text: string, source: string): ParsedManifest {\n    if (text.startsWith(\"#edited\")) return { objects: [], documents: [], errors: [{ source, message: \"edited\" }], warnings: [], lines: [] };");
        const file = path.join(copy, "edited.yaml");
        fs.writeFileSync(file, "#edited\n");
        expect(run("check", file)).toMatchObject({ status: 2, stderr: `error: ${file}: edited\n` });
    });

    it("that does not compile stops the command with esbuild's error and exit status 2, no stack trace", () => {
        edit("cli/rules.ts", "const EXIT_OK = 0;", "const EXIT_OK = ;");
        const result = run("rules");
        expect(result.status).toBe(2);
        expect(result.stdout).toBe("");
        expect(result.stderr).toContain("cli/rules.ts:");
        expect(result.stderr).toContain("kube-appstack: building bin-out/ failed (see above)");
        expect(result.stderr).not.toMatch(/^\s+at /m);
        edit("cli/rules.ts", "const EXIT_OK = ;", "const EXIT_OK = 0;");
        expect(run("rules").status).toBe(0);
    });

    it("is built by several processes at once, as a preview starts the program and the policy pack, while commands write code caches", async () => {
        const started = (argv: string[]) => new Promise<{ status: number | null; stderr: string }>((resolve) => {
            const child = spawn(process.execPath, argv, { cwd: copy, stdio: ["ignore", "ignore", "pipe"] });
            let stderr = "";
            child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
            child.on("close", (status) => resolve({ status, stderr }));
        });
        const results = await Promise.all([
            ...Array.from({ length: 3 }, () => started([path.join(copy, "scripts", "build.js"), "cli"])),
            ...Array.from({ length: 3 }, () => started([path.join(copy, "bin", "kube-appstack.js"), "rules"])),
        ]);
        for (const result of results) expect(result).toEqual({ status: 0, stderr: "" });
        expect(run("--version")).toMatchObject({ status: 0, stdout: "kube-appstack 0.1.0\n", stderr: "" });
        // A command that loaded a bundle a later build replaced may have written its cache after that build's removal:
        // one more build leaves the caches of this build's bundles only, for the next test, and nothing aside.
        expect(spawnSync(process.execPath, [path.join(copy, "scripts", "build.js"), "cli"], { encoding: "utf8" })).toMatchObject({ status: 0, stderr: "" });
        expect(fs.readdirSync(path.join(copy, "bin-out")).filter((name) => name.includes("code-cache-removed-"))).toEqual([]);
    });

    it("starts from V8's code cache after the first run, with the same output", () => {
        const first = run("rules", "--format", "json");
        const caches = fs.readdirSync(path.join(copy, "bin-out", "code-cache")).map((file) => file.replace(/-[\d.-]+\.bin$/, "")).sort();
        expect(caches).toEqual(["main", "rules"]);
        expect(run("rules", "--format", "json")).toMatchObject({ status: first.status, stdout: first.stdout, stderr: first.stderr });
    });
});
