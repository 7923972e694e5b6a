/**
 * The npm name `kube-appstack` belongs to someone else: a command that resolves it through npm outside this repository
 * (a plain `npx kube-appstack`, `npm install -g kube-appstack`) asks the registry for their package and runs it. No
 * command this repository documents or runs may do that (issue 15): `npx` and `npm exec` need `--no`, which forbids
 * installing anything, and the name is never installed. Prose may name the forbidden form as a warning, so only what is
 * run is scanned: fenced code blocks of the docs, package.json's scripts, the workflows and the shell scripts.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = path.join(__dirname, "..", "..");
const PACKAGE = "kube-appstack";

const filesUnder = (dir: string, extension: string): string[] =>
    fs.readdirSync(path.join(ROOT, dir), { recursive: true, encoding: "utf8" })
        .filter((file) => file.endsWith(extension))
        .map((file) => path.join(dir, file));

/** The lines of every fenced code block of a Markdown file. */
function fencedLines(markdown: string): string[] {
    return markdown.split(/^```/m).filter((_, i) => i % 2 === 1).flatMap((block) => block.split("\n").slice(1));
}

/** Every command line this repository documents or runs, with where it is. */
function commandLines(): Array<{ where: string; line: string }> {
    const read = (file: string) => fs.readFileSync(path.join(ROOT, file), "utf8");
    const markdown = ["README.md", ...filesUnder("docs", ".md")].flatMap((file) => fencedLines(read(file)).map((line) => ({ where: file, line })));
    const scripts = Object.entries(JSON.parse(read("package.json")).scripts as Record<string, string>).map(([name, line]) => ({ where: `package.json scripts.${name}`, line }));
    const files = [...filesUnder(".github/workflows", ".yml"), ".ci/run", ...filesUnder("scripts", ".sh")].flatMap((file) =>
        read(file).split("\n").filter((line) => !line.trim().startsWith("#")).map((line) => ({ where: file, line })));
    return [...markdown, ...scripts, ...files];
}

const RUNNER = /\b(?:npx|npm\s+(?:exec|x))\s+([^\n;&|`)]*)/g;
const INSTALL = /\bnpm\s+(?:install|i|add)\b([^\n;&|`)]*)/g;

/** What one `npx`/`npm exec` call would fetch from the registry for PACKAGE, or undefined if it fetches nothing of it. */
function registryFetch(line: string): string | undefined {
    for (const [call, rest] of line.matchAll(RUNNER)) {
        const words = rest.trim().split(/\s+/).filter(Boolean);
        const end = words.indexOf("--");
        const options = end === -1 ? words.filter((w) => w.startsWith("-")) : words.slice(0, end);
        const command = end === -1 ? words.find((w) => !w.startsWith("-")) : words[end + 1];
        const packages = [command, ...options.filter((w) => w.startsWith("--package=")).map((w) => w.slice("--package=".length))];
        if (packages.some((name) => name?.replace(/@[^@/]*$/, "") === PACKAGE) && !options.includes("--no")) return call.trim();
    }
    for (const [call, rest] of line.matchAll(INSTALL)) {
        if (rest.trim().split(/\s+/).some((word) => word.replace(/@[^@/]*$/, "") === PACKAGE)) return call.trim();
    }
    return undefined;
}

describe("no documented or scripted command fetches the registry's kube-appstack", () => {
    it("tells a fetching command from a local one", () => {
        expect(registryFetch("npx kube-appstack check x.yaml")).toBe("npx kube-appstack check x.yaml");
        expect(registryFetch("npm exec -- kube-appstack@latest check")).toBeDefined();
        expect(registryFetch("npx --yes --package=kube-appstack -- check")).toBeDefined();
        expect(registryFetch("npm install -g kube-appstack")).toBeDefined();
        expect(registryFetch("npx --no -- kube-appstack check x.yaml")).toBeUndefined();
        expect(registryFetch("npm exec --no -- kube-appstack --version")).toBeUndefined();
        expect(registryFetch("npx tsx bench/main.ts")).toBeUndefined();
        expect(registryFetch("node bin/kube-appstack.js check manifests/")).toBeUndefined();
    });

    it("in the docs' code blocks, package.json's scripts, the workflows and the shell scripts", () => {
        const lines = commandLines();
        // The scan must reach the places the README names the command.
        expect(lines.filter(({ line }) => /kube-appstack(?:\.js)? check/.test(line)).length).toBeGreaterThan(3);
        const fetching = lines.filter(({ line }) => registryFetch(line) !== undefined).map(({ where, line }) => `${where}: ${line.trim()}`);
        expect(fetching).toEqual([]);
    });
});
