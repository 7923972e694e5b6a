// The program and the policy pack run from prebuilt bundles (scripts/bundle.js). These tests build them in a copy of the
// sources and check that an edited, added-to or missing source is never run stale: the next load rebuilds, or fails
// naming the file.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parse } from "yaml";

const REPO = path.resolve(__dirname, "../..");

interface Bundler {
    BUNDLES: Record<string, string>;
    ensureBundle(name: string): string;
    isFresh(name: string): boolean;
    loadBundle(name: string): unknown;
}

/** A copy of everything the bundles are built from, with the repository's node_modules linked in. */
function sourceCopy(): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kube-appstack-bundle-"));
    for (const entry of ["index.ts", "tsconfig.json", "pulumi-program.js", "program", "components", "config", "kube", "policies", "scripts/bundle.js"]) {
        fs.cpSync(path.join(REPO, entry), path.join(dir, entry), { recursive: true });
    }
    fs.symlinkSync(path.join(REPO, "node_modules"), path.join(dir, "node_modules"), "dir");
    return dir;
}

describe("the prebuilt program bundle", () => {
    let dir: string;
    let bundler: Bundler;
    const source = (file: string) => path.join(dir, file);

    beforeEach(() => {
        dir = sourceCopy();
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        bundler = require(source("scripts/bundle.js")) as Bundler;
    });
    afterEach(() => {
        delete require.cache[source("scripts/bundle.js")];
        fs.rmSync(dir, { recursive: true, force: true });
    });

    it("is built when missing and records every source of ours that went into it, and no package", () => {
        expect(bundler.isFresh("program")).toBe(false);
        const file = bundler.ensureBundle("program");
        expect(file).toBe(source(".build/program.js"));
        expect(bundler.isFresh("program")).toBe(true);
        const manifest = JSON.parse(fs.readFileSync(source(".build/program.sources.json"), "utf8")) as { sources: string[] };
        expect(manifest.sources).toEqual(expect.arrayContaining(["index.ts", "program/program.ts", "components/kind-cluster.ts", "config/stack-config.ts", "kube/schemas.ts", "tsconfig.json"]));
        expect(manifest.sources.filter((s) => s.includes("node_modules"))).toEqual([]);
        expect(fs.readFileSync(file, "utf8")).toMatch(/require\("@pulumi\/pulumi"\)/);
    });

    it("is rebuilt when a source changes, and then runs the change", () => {
        bundler.ensureBundle("program");
        fs.appendFileSync(source("program/program.ts"), '\nexport const marker = "changed after the build";\nconsole.log(marker);\n');
        expect(bundler.isFresh("program")).toBe(false);
        bundler.ensureBundle("program");
        expect(bundler.isFresh("program")).toBe(true);
        expect(fs.readFileSync(source(".build/program.js"), "utf8")).toContain("changed after the build");
    });

    it("is rebuilt when the compiler settings change", () => {
        bundler.ensureBundle("program");
        fs.appendFileSync(source("tsconfig.json"), "\n");
        expect(bundler.isFresh("program")).toBe(false);
    });

    it("fails naming the file when a source it needs is gone, and is not left looking fresh", () => {
        bundler.ensureBundle("program");
        fs.rmSync(source("program/previous-outputs.ts"));
        expect(bundler.isFresh("program")).toBe(false);
        expect(() => bundler.ensureBundle("program")).toThrow(/program\/program\.ts.*Could not resolve "\.\/previous-outputs"/s);
        expect(bundler.isFresh("program")).toBe(false);
    });

    it("builds the policy pack from its own entry point", () => {
        bundler.ensureBundle("policies");
        const manifest = JSON.parse(fs.readFileSync(source(".build/policies.sources.json"), "utf8")) as { entry: string; sources: string[] };
        expect(manifest.entry).toBe("policies/index.ts");
        expect(manifest.sources).toContain("policies/crossguard.ts");
        expect(manifest.sources).not.toContain("program/program.ts");
    });
});

describe("what Pulumi runs", () => {
    it("is the bundled program, not TypeScript through ts-node", () => {
        const project = parse(fs.readFileSync(path.join(REPO, "Pulumi.yaml"), "utf8")) as { main: string; runtime: { options: { typescript: boolean } } };
        expect(project.runtime.options.typescript).toBe(false);
        expect(project.main).toBe("pulumi-program.js");
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const program = require(path.join(REPO, project.main)) as unknown;
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        expect(program).toBe((require(path.join(REPO, ".build", "program.js")) as unknown));
        expect(typeof program === "function" && program.name).toBe("program");
    });

    it("is the bundled policy pack", () => {
        const pack = JSON.parse(fs.readFileSync(path.join(REPO, "policies", "package.json"), "utf8")) as { main: string };
        expect(fs.readFileSync(path.join(REPO, "policies", pack.main), "utf8")).toContain('loadBundle("policies")');
    });
});
