import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { main } from "../support/built-cli";
import { parseManifest } from "../../policies/manifest";

const ROOT = path.join(__dirname, "../..");
const FIXTURES = path.join(__dirname, "fixtures");
const fixture = (name: string): string => path.join(FIXTURES, name);
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "kube-appstack-check-"));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

async function run(...args: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
    let stdout = "";
    let stderr = "";
    const status = await main(args, { stdout: (text) => (stdout += text), stderr: (text) => (stderr += text) });
    return { status, stdout, stderr };
}

interface JsonViolation {
    policy: string;
    level: string;
    kind: string;
    namespace: string;
    name: string;
    message: string;
}

function jsonViolations(stdout: string): JsonViolation[] {
    const report = JSON.parse(stdout) as { violations: JsonViolation[] };
    expect(Object.keys(report)).toEqual(["violations", "notChecked", "waived", "heldBack", "inputErrors", "warnings", "ruleFailures", "summary"]);
    return report.violations;
}

const summary = (v: JsonViolation): string => `${v.level} ${v.policy} ${v.kind} ${v.namespace}/${v.name}`;

describe("kube-appstack check --format json", () => {
    it("prints one JSON object with every violation and exits 1 on a mandatory one", async () => {
        const { status, stdout, stderr } = await run("check", fixture("violations.yaml"), "--format", "json");
        expect(stderr).toBe("");
        expect(status).toBe(1);
        const violations = jsonViolations(stdout);
        for (const { file, document, line, ...violation } of violations as Array<JsonViolation & { file: string; document: number; line: number }>) {
            expect(Object.keys(violation)).toEqual(["policy", "level", "kind", "namespace", "name", "message"]);
            expect(Object.values(violation).every((value) => typeof value === "string" && value !== "")).toBe(true);
            expect(file).toBe(fixture("violations.yaml"));
            expect(document).toBeGreaterThanOrEqual(1);
            expect(line).toBeGreaterThanOrEqual(document);
        }
        const report = JSON.parse(stdout);
        const mandatory = violations.filter((v) => v.level === "mandatory").length;
        const objects = parseManifest(fs.readFileSync(fixture("violations.yaml"), "utf8"), "v.yaml").objects.length;
        expect(objects).toBe(7);
        expect(report.summary).toEqual({
            files: 1, objects, checked: objects, notChecked: 0, mandatory, advisory: violations.length - mandatory, waived: 0, heldBack: 0, inputErrors: 0, warnings: 0, ruleFailures: 0,
        });
        expect([...new Set(violations.map(summary))]).toEqual([
            "mandatory pv-reclaim-retain PersistentVolume default/scratch",
            "advisory resource-requests-required Deployment shop/api",
            "advisory resource-limits-required Deployment shop/api",
            "mandatory limits-not-below-requests Deployment shop/api",
            "advisory image-tag-pinned Deployment shop/api",
            "advisory readiness-probe-required Deployment shop/api",
            "advisory liveness-probe-required Deployment shop/api",
            "advisory rolling-update-safe Deployment shop/api",
            "advisory run-as-non-root Deployment shop/api",
            "advisory no-privilege-escalation Deployment shop/api",
            "advisory read-only-root-filesystem Deployment shop/api",
            "advisory drop-all-capabilities Deployment shop/api",
            "mandatory no-host-namespaces Deployment shop/api",
            "advisory no-default-service-account Deployment shop/api",
            "advisory min-replicas Deployment shop/api",
            "advisory resource-requests-required Deployment shop/worker",
            "advisory liveness-probe-required Deployment shop/worker",
            "advisory drop-all-capabilities Deployment shop/worker",
            "advisory no-default-service-account Deployment shop/worker",
            "advisory pdb-required Deployment shop/worker",
            "advisory hpa-replicas-unset Deployment shop/worker",
            "mandatory hpa-bounds-valid HorizontalPodAutoscaler shop/worker",
            "mandatory service-selector-matches Service shop/api",
            "mandatory service-selector-matches Service shop/ghost",
            "advisory liveness-probe-required StatefulSet shop/cache",
            "advisory rolling-update-safe StatefulSet shop/cache",
            "advisory no-default-service-account StatefulSet shop/cache",
            "mandatory statefulset-pvc-retained StatefulSet shop/cache",
            "advisory pdb-required StatefulSet shop/cache",
            "advisory statefulset-backed-up StatefulSet shop/cache",
        ]);
    });

    it("exits 0 with an empty list for compliant manifests, reading directories, multi-document files and Lists", async () => {
        const { status, stdout, stderr } = await run("check", fixture("compliant"), "--format=json");
        expect([status, jsonViolations(stdout), stderr]).toEqual([0, [], ""]);
    });

    it("skips CRDs, custom resources and YAML that is not Kubernetes", async () => {
        const { status, stdout, stderr } = await run("check", fixture("not-kubernetes.yaml"), "--format", "json");
        expect([status, jsonViolations(stdout), stderr]).toEqual([0, [], ""]);
    });

    it("judges cross-resource rules over every file of one call", async () => {
        const services = path.join(tmp, "services.yaml");
        fs.writeFileSync(services, "apiVersion: v1\nkind: Service\nmetadata: {name: web, namespace: shop}\nspec:\n  selector: {app.kubernetes.io/name: web}\n  ports: [{port: 80, targetPort: http}]\n");
        const alone = jsonViolations((await run("check", services, "--format", "json")).stdout);
        expect(alone.map((v) => v.policy)).toEqual(["service-selector-matches"]);
        const withWorkload = jsonViolations((await run("check", services, fixture("compliant/web.yaml"), "--format", "json")).stdout);
        expect(withWorkload).toEqual([]);
    });

    it("exits 2 for an unparsable document, naming file and document, and still reports the rest", async () => {
        const { status, stdout, stderr } = await run("check", fixture("broken.yaml"), fixture("violations.yaml"), "--format", "json");
        expect(status).toBe(2);
        expect(stderr).toMatch(new RegExp(`^error: ${fixture("broken.yaml")}: document 2: .*line \\d+`));
        const violations = jsonViolations(stdout);
        // Document 1 of the broken file is still checked, and so is the other file.
        expect(violations.map(summary)).toContain("mandatory pv-reclaim-retain PersistentVolume default/broken-file-pv");
        expect(violations.map(summary)).toContain("mandatory pv-reclaim-retain PersistentVolume default/scratch");
    });

    it("exits 2 for a path or file that cannot be read, and still reports the others", async () => {
        const dir = path.join(tmp, "dangling");
        fs.mkdirSync(dir);
        fs.symlinkSync(path.join(tmp, "nowhere.yaml"), path.join(dir, "link.yaml"));
        const { status, stdout, stderr } = await run("check", path.join(tmp, "missing.yaml"), dir, fixture("violations.yaml"), "--format", "json");
        expect(status).toBe(2);
        expect(stderr).toContain(`error: ${path.join(tmp, "missing.yaml")}: cannot read: ENOENT`);
        expect(stderr).toContain(`error: ${path.join(dir, "link.yaml")}: cannot be read (ENOENT); allowed: a readable regular file`);
        expect(jsonViolations(stdout).length).toBeGreaterThan(20);
    });

    it("applies a --config file's levels and parameters", async () => {
        const prod = jsonViolations((await run("check", fixture("violations.yaml"), "--format", "json", "--config", path.join(ROOT, "policies/config/prod.json"))).stdout);
        expect(new Set(prod.map((v) => v.level))).toEqual(new Set(["mandatory"]));
        const config = path.join(tmp, "quiet.json");
        // A parameter changes what a rule finds: "2.0.0" counts as a mutable tag, "latest" no longer does.
        fs.writeFileSync(config, JSON.stringify({
            all: "disabled",
            "pv-reclaim-retain": "advisory",
            "image-tag-pinned": { enforcementLevel: "advisory", mutableTags: ["2.0.0"] },
        }));
        const { status, stdout } = await run("check", fixture("violations.yaml"), "--format", "json", "--config", config);
        const found = jsonViolations(stdout);
        expect(status).toBe(0);
        expect(found.map(summary)).toContain("advisory pv-reclaim-retain PersistentVolume default/scratch");
        const images = found.filter((v) => v.policy === "image-tag-pinned").map((v) => v.message);
        expect(images.some((m) => m.includes('worker:2.0.0" with the mutable tag "2.0.0"'))).toBe(true);
        expect(images.some((m) => m.includes("api:latest"))).toBe(false);
    });

    it("exits 2 on an invalid --config, naming the file and key", async () => {
        const config = path.join(tmp, "bad.json");
        fs.writeFileSync(config, JSON.stringify({ "min-replicas": { minReplicas: "two" } }));
        const { status, stdout, stderr } = await run("check", fixture("violations.yaml"), "--config", config);
        expect([status, stdout]).toEqual([2, ""]);
        expect(stderr).toBe(`error: ${config}: "min-replicas": parameter "minReplicas" is invalid: Invalid input: expected number, received string (given "two")\n`);
    });
});

describe("kube-appstack check (text)", () => {
    it("groups violations by object, with a fix hint per policy and a summary", async () => {
        const { status, stdout } = await run("check", fixture("violations.yaml"));
        expect(status).toBe(1);
        const lines = stdout.split("\n");
        const ghost = lines.indexOf(`Service shop/ghost  (${fixture("violations.yaml")})`);
        expect(lines.slice(ghost, ghost + 3)).toEqual([
            `Service shop/ghost  (${fixture("violations.yaml")})`,
            '  [mandatory] service-selector-matches: selector app=nothing-has-this-label matches no pod template in namespace "shop"',
            "      fix: Make spec.selector a subset of the workload's pod template labels and point a named targetPort at a declared container port name (or use the port number).",
        ]);
        expect(lines.filter((line) => line.includes("fix: Set resources.limits")).length).toBe(1);
        expect(stdout.trimEnd().split("\n").at(-1)).toBe("Checked 7 object(s) in 1 file(s): 7 mandatory and 29 advisory violation(s).");
    });

    it("says so when there is nothing to fix", async () => {
        expect((await run("check", fixture("compliant"))).stdout).toBe("Checked 9 object(s) in 2 file(s): no violations.\n");
    });
});

describe("kube-appstack check (text) on names that hold control characters", () => {
    it("writes them escaped, so a manifest can neither forge a line of the report nor send the terminal escape sequences", async () => {
        const forged = "Checked 0 object(s) in 1 file(s): no violations.";
        const pod = `apiVersion: v1\nkind: Pod\nmetadata: {name: "evil\\n${forged}\\e[2K\\u202e", namespace: shop}\nspec: {hostNetwork: true, containers: [{name: app, image: "nginx:1.27"}]}\n`;
        const dir = fs.mkdtempSync(path.join(tmp, "control-"));
        fs.writeFileSync(path.join(dir, "pod.yaml"), pod);
        // A file name is the input's too: one with a line break, holding a document that does not parse.
        fs.writeFileSync(path.join(dir, `broken\n${forged}.yaml`), "a: [\n");
        const { status, stdout, stderr } = await run("check", dir);
        expect(status).toBe(2);
        for (const output of [stdout, stderr]) {
            expect(output).not.toMatch(/[\x1b\u202e]/);
            expect(output.split("\n")).not.toContain(forged);
        }
        expect(stdout).toContain(`Pod shop/evil\\n${forged}\\u001b[2K\\u202e  (`);
        expect(stderr).toContain(`error: ${dir}/broken\\n${forged}.yaml: document 1: `);
    });
});

describe("command line usage", () => {
    it.each([
        [["check"], /give at least one file or directory/],
        [["check", "x.yaml", "--format", "xml"], /--format must be text, json or sarif, given "xml"/],
        [["check", "x.yaml", "--verbose"], /Unknown option '--verbose'/],
        [["lint"], /unknown command "lint"/],
        [[], /usage: kube-appstack <command>/],
    ])("exits 2 for %j", async (args, message) => {
        const { status, stderr } = await run(...args);
        expect(status).toBe(2);
        expect(stderr).toMatch(message);
    });

    it("prints help and exits 0", async () => {
        expect(await run("check", "--help")).toMatchObject({ status: 0, stdout: expect.stringContaining("usage: kube-appstack check") });
        expect(await run("--help")).toMatchObject({ status: 0, stdout: expect.stringContaining("check     check Kubernetes YAML manifests") });
    });
});

describe("bin/kube-appstack.js", () => {
    // The installed entry point, run as CI would run it: the exit status is the process's.
    it.each([
        [fixture("compliant"), 0],
        [fixture("violations.yaml"), 1],
        [fixture("broken.yaml"), 2],
    ])("checks %s with exit status %i", (input, expected) => {
        const result = spawnSync(process.execPath, [path.join(ROOT, "bin/kube-appstack.js"), "check", input, "--format", "json"], { encoding: "utf8", cwd: ROOT });
        expect(result.status, result.stderr).toBe(expected);
        expect(Array.isArray((JSON.parse(result.stdout) as { violations: unknown }).violations)).toBe(true);
    });
});
