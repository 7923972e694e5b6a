// `kube-appstack check --format sarif`: every log it writes is checked against the official SARIF 2.1.0 schema, and
// what it says against the check's own findings (the JSON format of the same run).
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import { createRequire } from "node:module";
import * as os from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { Ajv2020 } from "ajv/dist/2020";
import addFormats from "ajv-formats";
import { afterAll, describe, expect, it } from "vitest";
import { main } from "../support/built-cli";
import { sarifLog } from "../../cli/sarif";
import { checkObjectsReport } from "../../policies/check";
import type { KubeObject } from "../../policies/kube-object";
import { defaultPolicyConfig } from "../../policies/policy-config";
import { rules } from "../../policies/rules";
import { deployment, withFields } from "./objects";

const ROOT = path.join(__dirname, "..", "..");
const BIN = path.join(ROOT, "bin", "kube-appstack.js");
const fixture = (name: string): string => path.join(__dirname, "fixtures", name);
/** How the fixtures are named in a log written from the repository root, where the tests run. */
const fixtureUri = (name: string): string => `test/policies/fixtures/${name}`;
const VERSION = (JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as { version: string }).version;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "check-sarif-"));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/**
 * The official SARIF 2.1.0 schema, from the package of Microsoft's SARIF SDK (the OASIS schema in JSON Schema
 * 2020-12). Its entry point is exported, its assets folder is not, so the file is found beside the entry point.
 */
function sarifSchema(): object {
    const entry = createRequire(__filename).resolve("@microsoft/sarif-multitool-ts");
    return JSON.parse(fs.readFileSync(path.join(path.dirname(entry), "..", "assets", "sarif-2.1.0.schema.json"), "utf8")) as object;
}

// Strict, but for "required" naming properties an anyOf branch does not declare: the schema's own style.
const ajv = new Ajv2020({ allErrors: true, strict: true, strictRequired: false });
addFormats(ajv);
const validate = ajv.compile(sarifSchema());

function expectValidSarif(log: unknown): void {
    const valid = validate(log);
    expect(valid ? [] : validate.errors?.map((e) => `${e.instancePath} ${e.message} ${JSON.stringify(e.params)}`)).toEqual([]);
}

interface Message { text: string }
interface ArtifactLocation { uri?: string; uriBaseId?: string; index?: number; description?: Message }
interface SarifLocation {
    physicalLocation?: { artifactLocation: ArtifactLocation; region?: { startLine: number } };
    logicalLocations: Array<{ name: string; fullyQualifiedName: string; kind: string }>;
}
interface SarifResult {
    ruleId: string;
    ruleIndex: number;
    level: string;
    message: Message;
    locations: SarifLocation[];
    suppressions?: Array<{ kind: string; justification: string }>;
    partialFingerprints: Record<string, string>;
}
interface SarifNotification {
    descriptor: { id: string; index: number };
    associatedRule?: { id: string; index: number };
    level: string;
    message: Message;
    locations?: SarifLocation[];
}
interface SarifRule {
    id: string;
    shortDescription: Message;
    help: Message;
    defaultConfiguration: { level: string; enabled?: boolean };
    properties: { enforcementLevel: string; crossGuardOnly: boolean; parameters: Record<string, unknown> };
}
interface SarifRun {
    tool: { driver: { name: string; version: string; rules: SarifRule[]; notifications: Array<{ id: string }> } };
    invocations: Array<{ executionSuccessful: boolean; toolExecutionNotifications: SarifNotification[] }>;
    artifacts: Array<{ location?: ArtifactLocation; description?: Message; roles: string[] }>;
    results: SarifResult[];
}

/** The one run of a log, after checking the log against the schema. */
function runOf(log: unknown): SarifRun {
    expectValidSarif(log);
    const { runs } = log as { runs: SarifRun[] };
    expect(runs).toHaveLength(1);
    return runs[0];
}

async function check(...args: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
    let stdout = "";
    let stderr = "";
    const status = await main(["check", ...args], { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
    return { status, stdout, stderr };
}

/** `check --format sarif` and `check --format json` over the same arguments: their statuses must agree. */
async function sarifAndJson(...args: string[]) {
    const sarif = await check(...args, "--format", "sarif");
    const json = await check(...args, "--format", "json");
    expect(sarif.status).toBe(json.status);
    expect(sarif.stderr).toBe(json.stderr);
    return { status: sarif.status, run: runOf(JSON.parse(sarif.stdout)), json: JSON.parse(json.stdout), stdout: sarif.stdout };
}

/** The real command, in a directory of the test's choosing. */
function spawnCheck(cwd: string, args: string[], input?: string) {
    const result = spawnSync(process.execPath, [BIN, "check", ...args, "--format", "sarif"], { cwd, input, encoding: "utf8" });
    expect(result.error).toBeUndefined();
    return { status: result.status, run: runOf(JSON.parse(result.stdout)), stderr: result.stderr };
}

const LEVEL: Record<string, string> = { mandatory: "error", advisory: "warning", disabled: "none" };

function write(name: string, text: string): string {
    const file = path.join(tmp, name);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text);
    return file;
}

describe("kube-appstack check --format sarif", () => {
    it("writes a log the SARIF 2.1.0 schema accepts, with exactly the findings of --format json at their levels", async () => {
        const { status, run, json } = await sarifAndJson(fixture("violations.yaml"));
        expect(status).toBe(1);
        expect(run.tool.driver).toMatchObject({ name: "kube-appstack", version: VERSION });
        type JsonViolation = { policy: string; level: string; kind: string; namespace: string; name: string; message: string };
        const expected = (json.violations as JsonViolation[]).map((v) => [LEVEL[v.level], v.policy, `${v.kind} ${v.namespace}/${v.name}: ${v.message}`]);
        expect(expected.length).toBeGreaterThan(20);
        expect(run.results.map((r) => [r.level, r.ruleId, r.message.text])).toEqual(expected);
        expect(new Set(run.results.map((r) => r.level))).toEqual(new Set(["error", "warning"]));
        for (const result of run.results) {
            expect(run.tool.driver.rules[result.ruleIndex].id).toBe(result.ruleId);
            expect(result.suppressions).toBeUndefined();
        }
        expect(run.invocations).toEqual([{ executionSuccessful: true, toolExecutionNotifications: [] }]);
    });

    it("declares every rule with the level, parameters and help in effect under the default config", async () => {
        const { run } = await sarifAndJson(fixture("compliant"));
        expect(run.results).toEqual([]);
        expect(run.tool.driver.rules.map((r) => r.id)).toEqual(rules.map((r) => r.name));
        const defaults = defaultPolicyConfig();
        for (const [i, rule] of rules.entries()) {
            expect(run.tool.driver.rules[i]).toEqual({
                id: rule.name,
                shortDescription: { text: rule.description },
                fullDescription: { text: rule.description },
                help: { text: rule.remediation },
                defaultConfiguration: { level: LEVEL[rule.defaultLevel] },
                properties: { enforcementLevel: rule.defaultLevel, crossGuardOnly: rule.scope === "pulumi-resource", parameters: defaults.get(rule.name)?.params },
            });
        }
        expect(run.tool.driver.rules.find((r) => r.id === "protect-stateful-resources")?.properties.crossGuardOnly).toBe(true);
    });

    it("carries a --config file's levels, disabled rules and parameters", async () => {
        const config = write("quiet.json", JSON.stringify({
            all: "disabled",
            "pv-reclaim-retain": "mandatory",
            "image-tag-pinned": { enforcementLevel: "advisory", mutableTags: ["2.0.0"] },
        }));
        const { status, run } = await sarifAndJson(fixture("violations.yaml"), "--config", config);
        expect(status).toBe(1);
        const byId = new Map(run.tool.driver.rules.map((r) => [r.id, r]));
        expect(byId.get("pv-reclaim-retain")?.defaultConfiguration).toEqual({ level: "error" });
        expect(byId.get("image-tag-pinned")?.defaultConfiguration).toEqual({ level: "warning" });
        expect(byId.get("image-tag-pinned")?.properties.parameters.mutableTags).toEqual(["2.0.0"]);
        expect(byId.get("min-replicas")?.defaultConfiguration).toEqual({ level: "none", enabled: false });
        expect(byId.get("min-replicas")?.properties.enforcementLevel).toBe("disabled");
        expect(new Set(run.results.map((r) => `${r.level} ${r.ruleId}`))).toEqual(new Set(["error pv-reclaim-retain", "warning image-tag-pinned"]));
    });

    it("points each result at its file, the line its document starts on, and the object", async () => {
        const { run } = await sarifAndJson(fixture("violations.yaml"));
        const lines = fs.readFileSync(fixture("violations.yaml"), "utf8").split("\n");
        /** The document that starts on `line` (from 1), up to the next marker. */
        const documentAt = (line: number): string => {
            const end = lines.findIndex((text, i) => i >= line && text.startsWith("---"));
            return lines.slice(line - 1, end < 0 ? undefined : end).join("\n");
        };
        expect(run.artifacts).toEqual([{ location: { uri: fixtureUri("violations.yaml"), uriBaseId: "%SRCROOT%" }, roles: ["analysisTarget"] }]);
        for (const result of run.results) {
            expect(result.locations).toHaveLength(1);
            const [{ physicalLocation, logicalLocations }] = result.locations;
            const [namespace, kind, name] = logicalLocations[0].fullyQualifiedName.split("/");
            expect(logicalLocations).toEqual([{ name, fullyQualifiedName: `${namespace}/${kind}/${name}`, kind: "resource" }]);
            expect(result.message.text.startsWith(`${kind} ${namespace}/${name}: `)).toBe(true);
            expect(physicalLocation?.artifactLocation).toEqual({ uri: fixtureUri("violations.yaml"), uriBaseId: "%SRCROOT%", index: 0 });
            const start = physicalLocation!.region!.startLine;
            // The first document follows a comment line; every other one opens with its marker.
            expect(start === 2 ? lines[1] : lines[start - 1], result.message.text).toMatch(/^(---|apiVersion: )/);
            expect(documentAt(start), result.message.text).toMatch(new RegExp(`kind: ${kind}[\\s\\S]*name: ${name}\\b`));
        }
        const ghost = run.results.find((r) => r.message.text.startsWith("Service shop/ghost: "));
        expect(documentAt(ghost!.locations[0].physicalLocation!.region!.startLine)).toContain("selector: {app: nothing-has-this-label}");
    });

    it("fingerprints each finding, so two on one object stay apart and one keeps its identity when its document moves", async () => {
        const fingerprints = (run: SarifRun) => run.results.map((r) => r.partialFingerprints);
        const { run } = await sarifAndJson(fixture("violations.yaml"));
        const places = run.results.map((r) => `${r.ruleId} ${r.locations[0].physicalLocation?.region?.startLine}`);
        // The fixture has them: one rule, one object, two containers.
        expect(new Set(places).size).toBeLessThan(places.length);
        expect(new Set(fingerprints(run).map((f) => f["kubeAppstackFinding/v1"])).size).toBe(run.results.length);
        const moved = write("moved.yaml", `# moved down\n\n${fs.readFileSync(fixture("violations.yaml"), "utf8")}`);
        const again = (await sarifAndJson(moved)).run;
        expect(again.results[0].locations[0].physicalLocation?.region?.startLine).toBe(run.results[0].locations[0].physicalLocation!.region!.startLine + 2);
        expect(fingerprints(again)).toEqual(fingerprints(run));
    });

    it("lists a waived finding as a result suppressed in source, with the annotation's reason", async () => {
        const reason = "the node agent needs the host network (SEC-142)";
        const file = write("waived.yaml", [
            "apiVersion: v1", "kind: Pod", "metadata:", "  name: agent", "  namespace: kube-system", "  annotations:",
            `    ignore.kube-appstack.io/no-host-namespaces: "${reason}"`,
            "spec:", "  hostNetwork: true", "  containers:", "    - {name: agent, image: \"agent:1.0\"}", "",
        ].join("\n"));
        const { run, json } = await sarifAndJson(file);
        const suppressed = run.results.filter((r) => r.suppressions !== undefined);
        expect(suppressed.map((r) => [r.ruleId, r.level, r.suppressions])).toEqual([["no-host-namespaces", "error", [{ kind: "inSource", justification: reason }]]]);
        expect(json.waived).toHaveLength(1);
        expect(run.results.length).toBe(json.violations.length + 1);
        // A file outside the working directory is named by its absolute file: URI.
        const { uri, uriBaseId } = suppressed[0].locations[0].physicalLocation!.artifactLocation;
        expect([fileURLToPath(uri!), uriBaseId]).toEqual([file, undefined]);
    });

    it("reports an unreadable input as an error notification that names it, and the findings of the rest", async () => {
        const missing = path.join(tmp, "missing.yaml");
        const { status, run } = await sarifAndJson(fixture("broken.yaml"), missing, fixture("violations.yaml"));
        expect(status).toBe(2);
        const [invocation] = run.invocations;
        expect(invocation.executionSuccessful).toBe(false);
        const errors = invocation.toolExecutionNotifications.filter((n) => n.level === "error");
        expect(errors.map((n) => [n.descriptor.id, n.level])).toEqual([["input-error", "error"], ["input-error", "error"]]);
        // Cross-resource findings are held back while an input fails: warnings that name their rule, no results.
        const heldBack = invocation.toolExecutionNotifications.filter((n) => n.descriptor.id === "held-back");
        expect(heldBack.length).toBeGreaterThan(0);
        expect(heldBack.every((n) => n.level === "warning" && n.associatedRule !== undefined)).toBe(true);
        expect(run.results.some((r) => heldBack.some((n) => n.associatedRule?.id === r.ruleId))).toBe(false);
        expect(run.tool.driver.notifications[errors[0].descriptor.index].id).toBe("input-error");
        const broken = errors.find((n) => n.message.text.startsWith(`${fixture("broken.yaml")}: document 2: `))!;
        expect(broken.message.text).toMatch(/ at line \d+, column \d+$/);
        expect(broken.locations).toEqual([{ physicalLocation: { artifactLocation: { uri: fixtureUri("broken.yaml"), uriBaseId: "%SRCROOT%", index: expect.any(Number) } } }]);
        // A path that cannot be read is named in the message only: it may be a directory, or no file at all.
        expect(errors.find((n) => n.message.text.startsWith(`${missing}: cannot read`))?.locations).toBeUndefined();
        expect(run.results.some((r) => r.ruleId === "pv-reclaim-retain" && r.message.text.startsWith("PersistentVolume default/broken-file-pv: "))).toBe(true);
    });

    it("reports input warnings (a duplicate object, an unrendered Helm template) as warning notifications at their file", async () => {
        const cm = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings}\ndata: {image: \"{{ .Values.image }}\"}\n";
        const file = write("warned.yaml", `${cm}---\n${cm}`);
        const { status, run, json } = await sarifAndJson(file);
        expect(status).toBe(0);
        expect(json.warnings).toHaveLength(2);
        const [invocation] = run.invocations;
        expect(invocation.executionSuccessful).toBe(true);
        const warnings = invocation.toolExecutionNotifications.filter((n) => n.descriptor.id === "input-warning");
        expect(warnings.map((n) => [n.level, n.message.text.replace(`${file}: `, "")])).toEqual(json.warnings.map((w: { document: number; message: string }) => ["warning", `document ${w.document}: ${w.message}`]));
        expect(warnings[0].locations?.[0].physicalLocation?.artifactLocation.index).toBeGreaterThanOrEqual(0);
    });

    it("says so, and exits 2, when nothing was found to check", async () => {
        const empty = write("empty.yaml", "# nothing here\n");
        const { status, run } = await sarifAndJson(empty);
        expect(status).toBe(2);
        expect(run.results).toEqual([]);
        expect(run.invocations).toEqual([{
            executionSuccessful: false,
            toolExecutionNotifications: [{
                descriptor: { id: "input-error", index: 0 },
                level: "error",
                message: { text: `${empty}: no Kubernetes object found (1 file(s) read, and no document in them is a mapping with a string apiVersion and kind): a check that checked nothing cannot pass` },
            }],
        }]);
    });

    it("lists objects no policy covers as note notifications at their place", async () => {
        const file = write("configmaps.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---\n# b\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: b, namespace: shop}\n");
        const { status, run } = await sarifAndJson(file);
        expect(status).toBe(0);
        expect(run.invocations[0].executionSuccessful).toBe(true);
        expect(run.invocations[0].toolExecutionNotifications.map((n) => [n.descriptor.id, n.level, n.message.text, n.locations?.[0].physicalLocation?.region?.startLine])).toEqual([
            ["not-checked", "note", "ConfigMap default/a was not checked: no policy covers kind ConfigMap", 1],
            ["not-checked", "note", "ConfigMap shop/b was not checked: no policy covers kind ConfigMap", 4],
        ]);
    });

    it("lists other tools' configuration files as note notifications with the reason, at their file and line, naming no object", async () => {
        const file = write("kustomization.yaml", "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [app.yaml]\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n");
        const { status, run, json, stdout } = await sarifAndJson(file);
        expect(status).toBe(0);
        expectValidSarif(JSON.parse(stdout));
        const [note] = run.invocations[0].toolExecutionNotifications;
        expect(note.message.text).toBe(`Kustomization was not checked: ${json.notChecked[0].reason}`);
        expect(json.notChecked[0].reason).toBe("kustomize's input, not an object for the cluster (no metadata.name): check the output of `kustomize build` instead");
        expect(note.locations).toEqual([{ physicalLocation: { artifactLocation: expect.objectContaining({ index: 0 }), region: { startLine: 1 } } }]);
    });

    it("reports a policy that throws as an error notification of that rule, beside the other findings", () => {
        // An object whose pod spec cannot be read stands in for input no rule expected; no YAML can make one.
        const hostile = { ...deployment("hostile") } as KubeObject;
        Object.defineProperty(hostile, "spec", { get: () => { throw new Error("unreadable spec"); }, enumerable: true });
        const fine = withFields(deployment("fine"), { "spec.template.spec.containers.0.image": "app:latest" });
        const { violations, waived, failures } = checkObjectsReport([hostile, fine]);
        expect(failures.length).toBeGreaterThan(0);
        const run = runOf(sarifLog(
            {
                violations: violations.map(({ object: _object, ...v }) => ({ ...v, file: "in-memory.yaml", document: 1, line: 1 })),
                waived: [], heldBack: [], notChecked: [], inputErrors: [], warnings: [], ruleFailures: failures,
            },
            { config: defaultPolicyConfig(), toolVersion: VERSION, cwd: ROOT },
        ));
        expect(waived).toEqual([]);
        expect(run.invocations[0].executionSuccessful).toBe(false);
        const notifications = run.invocations[0].toolExecutionNotifications;
        expect(notifications).toHaveLength(failures.length);
        for (const [i, failure] of failures.entries()) {
            const notification = notifications[i];
            expect(notification).toMatchObject({ descriptor: { id: "rule-failure" }, level: "error", associatedRule: { id: failure.policy } });
            expect(run.tool.driver.rules[notification.associatedRule!.index].id).toBe(failure.policy);
            expect(notification.message.text).toContain("the rule failed: unreadable spec");
        }
        const onHostile = notifications.filter((n) => n.locations !== undefined);
        expect(onHostile.length).toBeGreaterThan(0);
        for (const n of onHostile) expect(n.locations).toEqual([{ logicalLocations: [{ name: "hostile", fullyQualifiedName: "shop/Deployment/hostile", kind: "resource" }] }]);
        expect(run.results.some((r) => r.ruleId === "image-tag-pinned" && r.message.text.startsWith("Deployment shop/fine: "))).toBe(true);
    });

    it("reads standard input as an artifact of its own, without a URI", () => {
        const pod = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  hostNetwork: true\n  containers: [{name: app, image: \"app:1.0\"}]\n";
        const { status, run } = spawnCheck(ROOT, ["-"], pod);
        expect(status).toBe(1);
        expect(run.artifacts).toEqual([{ description: { text: "standard input" }, roles: ["analysisTarget", "standardStream"] }]);
        const mandatory = run.results.find((r) => r.ruleId === "no-host-namespaces")!;
        expect(mandatory.level).toBe("error");
        expect(mandatory.locations[0].physicalLocation).toEqual({ artifactLocation: { index: 0, description: { text: "standard input" } }, region: { startLine: 1 } });
    });

    it("percent-encodes paths below the working directory, and names files elsewhere by file: URI", () => {
        const work = path.join(tmp, "work");
        const inside = path.join("a b#c%d", "é x?.yaml");
        const configMap = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n";
        write(path.join("work", inside), configMap);
        const outside = write(path.join("else where", "o #1%.yaml"), configMap.replace("name: c", "name: o"));
        const { status, run } = spawnCheck(work, ["a b#c%d", outside]);
        expect(status).toBe(0);
        expect(run.artifacts.map((a) => a.location)).toEqual([
            { uri: "a%20b%23c%25d/%C3%A9%20x%3F.yaml", uriBaseId: "%SRCROOT%" },
            { uri: expect.stringMatching(/^file:\/\/\/.*\/else%20where\/o%20%231%25\.yaml$/) },
        ]);
        expect(decodeURIComponent(run.artifacts[0].location!.uri!)).toBe(inside);
        expect(fileURLToPath(run.artifacts[1].location!.uri!)).toBe(outside);
    });

    it("writes the same bytes for the same input", async () => {
        const args = [fixture("broken.yaml"), fixture("violations.yaml"), fixture("compliant"), "--format", "sarif"];
        const first = await check(...args);
        expect(first.stdout.length).toBeGreaterThan(1000);
        expect((await check(...args)).stdout).toBe(first.stdout);
    });

    it.each([
        [fixture("compliant"), 0],
        [fixture("violations.yaml"), 1],
        [fixture("broken.yaml"), 2],
    ])("exits as the other formats do: %s with %i", async (input, expected) => {
        const { status } = await sarifAndJson(input);
        expect(status).toBe(expected);
        expect((await check(input)).status).toBe(expected);
    });
});

describe("the schema check", () => {
    it("refuses what SARIF forbids, so a log that passes it means something", async () => {
        const log = JSON.parse((await check(fixture("violations.yaml"), "--format", "sarif")).stdout);
        expect(validate(log)).toBe(true);
        const broken = (change: (run: SarifRun & Record<string, unknown>) => void): boolean => {
            const copy = structuredClone(log);
            change(copy.runs[0]);
            return validate(copy);
        };
        expect(broken((run) => { run.results[0].level = "mandatory"; })).toBe(false);
        expect(broken((run) => { run.results[0].locations[0].physicalLocation!.artifactLocation.uri = "a b.yaml"; })).toBe(false);
        expect(broken((run) => { run.results[0].locations[0].physicalLocation!.region!.startLine = 0; })).toBe(false);
        expect(broken((run) => { (run.results[0] as unknown as Record<string, unknown>).policy = "x"; })).toBe(false);
        expect(broken((run) => { run.invocations = [{ toolExecutionNotifications: [] } as never]; })).toBe(false);
    });
});
