// The program and the policy pack run from prebuilt bundles (the `pulumi` set of scripts/build.js). These tests build
// them in a copy of the sources and check that an edited or missing source is never run stale: the next load rebuilds,
// or fails naming the file.
import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parse } from "yaml";

const REPO = path.resolve(__dirname, "../..");

interface Build {
    ensureBuilt(set: string, entry: string): string;
    staleInputs(set: string, entry: string): string[];
}

interface Stamp {
    [entry: string]: Record<string, [number, number] | null>;
}

/** A copy of everything the bundles are built from, with the repository's node_modules linked in. */
function sourceCopy(): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kube-appstack-bundle-"));
    for (const entry of ["index.ts", "tsconfig.json", "package.json", "pulumi-program.js", "bin", "program", "components", "config", "kube", "io", "policies", "scripts/build.js"]) {
        fs.cpSync(path.join(REPO, entry), path.join(dir, entry), { recursive: true });
    }
    fs.symlinkSync(path.join(REPO, "node_modules"), path.join(dir, "node_modules"), "dir");
    return dir;
}

describe("the prebuilt program bundle", () => {
    let dir: string;
    let build: Build;
    const source = (file: string) => path.join(dir, file);
    const isFresh = (entry: string) => build.staleInputs("pulumi", entry).length === 0;
    /** The sources each bundle was built from, by the build's own record. */
    const sourcesOf = (entry: string) => Object.keys((JSON.parse(fs.readFileSync(source(".build/build-inputs.json"), "utf8")) as Stamp)[entry]);

    beforeEach(() => {
        dir = sourceCopy();
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        build = require(source("scripts/build.js")) as Build;
    });
    afterEach(() => {
        delete require.cache[source("scripts/build.js")];
        fs.rmSync(dir, { recursive: true, force: true });
    });

    it("is built when missing and records every source of ours that went into it, the packages by their lock file", () => {
        expect(isFresh("program")).toBe(false);
        const file = build.ensureBuilt("pulumi", "program");
        expect(file).toBe(source(".build/program.js"));
        expect(isFresh("program")).toBe(true);
        const sources = sourcesOf("program");
        expect(sources).toEqual(expect.arrayContaining(["index.ts", "program/program.ts", "components/kind-cluster.ts", "config/stack-config.ts", "kube/schemas.ts", "tsconfig.json", "scripts/build.js"]));
        // npm rewrites node_modules/.package-lock.json on every install: it stands for the bundled packages' files.
        expect(sources.filter((s) => s.includes("node_modules"))).toEqual(["node_modules/.package-lock.json"]);
        // The Pulumi SDK stays the one instance in node_modules that the language host loads; zod and yaml are bundled.
        const bundle = fs.readFileSync(file, "utf8");
        expect(bundle).toMatch(/require\("@pulumi\/pulumi"\)/);
        expect(bundle).not.toMatch(/require\("(zod|yaml)"\)/);
        // No source map: the SDK would map every resource's whole call stack through it (docs/performance.md).
        expect(bundle).not.toContain("sourceMappingURL");
    });

    it("is rebuilt when a source changes, and then runs the change", () => {
        build.ensureBuilt("pulumi", "program");
        fs.appendFileSync(source("program/program.ts"), '\nexport const marker = "changed after the build";\nconsole.log(marker);\n');
        expect(isFresh("program")).toBe(false);
        build.ensureBuilt("pulumi", "program");
        expect(isFresh("program")).toBe(true);
        expect(fs.readFileSync(source(".build/program.js"), "utf8")).toContain("changed after the build");
    });

    it("is rebuilt when the compiler settings change", () => {
        build.ensureBuilt("pulumi", "program");
        fs.appendFileSync(source("tsconfig.json"), "\n");
        expect(isFresh("program")).toBe(false);
    });

    it("fails naming the file when a source it needs is gone, and is not left looking fresh", () => {
        build.ensureBuilt("pulumi", "program");
        fs.rmSync(source("program/previous-outputs.ts"));
        expect(isFresh("program")).toBe(false);
        expect(() => build.ensureBuilt("pulumi", "program")).toThrow(/program\/program\.ts.*Could not resolve "\.\/previous-outputs"/s);
        expect(isFresh("program")).toBe(false);
    });

    it("writes the V8 code cache of the program on exit and of the policy pack once loaded (the engine ends the pack with a signal)", async () => {
        const caches = () => (fs.existsSync(source(".build/code-cache")) ? fs.readdirSync(source(".build/code-cache")).map((f) => f.replace(/-[\d.-]+\.bin$/, "")).sort() : []);
        const program = spawnSync(process.execPath, ["-e", 'require("./pulumi-program.js")'], { cwd: dir, encoding: "utf8" });
        expect(program.status, program.stderr).toBe(0);
        expect(caches()).toEqual(["program"]);
        // Outside the engine the pack serves until it is killed, as under the engine.
        const pack = spawn(process.execPath, ["-e", 'require("./policies/pulumi-policy-pack.js")'], { cwd: dir, stdio: "ignore" });
        try {
            // Not a timing assertion: the test's timeout bounds the wait.
            while (!caches().includes("policies")) await new Promise((resolve) => setTimeout(resolve, 50));
        } finally {
            pack.kill("SIGKILL");
        }
        expect(caches()).toEqual(["policies", "program"]);
    });

    it("builds the policy pack from its own entry point", () => {
        build.ensureBuilt("pulumi", "policies");
        expect(sourcesOf("policies")).toContain("policies/crossguard.ts");
        expect(sourcesOf("policies")).not.toContain("program/program.ts");
    });
});

describe("what Pulumi runs", () => {
    it("is the bundled program, not TypeScript through ts-node, started from V8's code cache", () => {
        const project = parse(fs.readFileSync(path.join(REPO, "Pulumi.yaml"), "utf8")) as { main: string; runtime: { options: { typescript: boolean } } };
        expect(project.runtime.options.typescript).toBe(false);
        expect(project.main).toBe("pulumi-program.js");
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const program = require(path.join(REPO, project.main)) as unknown;
        expect(typeof program === "function" && program.name).toBe("program");
        // The function is the bundle's own text, loaded through bin/load-bundle.js (which keeps the code cache).
        expect(fs.readFileSync(path.join(REPO, ".build", "program.js"), "utf8")).toContain((program as () => unknown).toString());
        expect(fs.readFileSync(path.join(REPO, project.main), "utf8")).toContain('loadBundle("program", "pulumi")');
    });

    it("is the bundled policy pack", () => {
        const pack = JSON.parse(fs.readFileSync(path.join(REPO, "policies", "package.json"), "utf8")) as { main: string };
        expect(fs.readFileSync(path.join(REPO, "policies", pack.main), "utf8")).toContain('loadBundle("policies", "pulumi")');
    });
});
