// What `kube-appstack check` judges, and what it says it did not: every workload kind (deprecated API versions
// included), objects no policy covers listed as not checked, and input that no cluster would take reported as such.
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { main } from "../support/built-cli";
import type { ResourceValidationArgs, ResourceValidationPolicy } from "@pulumi/policy";
import { checkObjectsReport } from "../../policies/check";
import { MAX_OBJECTS_PER_FILE } from "../../policies/manifest";
import { crossGuardPolicies } from "../../policies/crossguard";
import type { KubeObject } from "../../policies/kube-object";
import { deployment, withFields } from "./objects";

const ROOT = path.join(__dirname, "..", "..");
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "check-coverage-"));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

async function check(yaml: string, ...args: string[]) {
    const file = path.join(tmp, `m${Math.random().toString(36).slice(2)}.yaml`);
    fs.writeFileSync(file, yaml);
    let stdout = "";
    let stderr = "";
    const status = await main(["check", file, ...args], { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
    return { status, stdout, stderr, file };
}

const PRIVILEGED_DAEMONSET = `apiVersion: extensions/v1beta1
kind: DaemonSet
metadata: {name: agent, namespace: kube-system}
spec:
  template:
    metadata: {labels: {app: agent}}
    spec:
      hostNetwork: yes
      hostPID: true
      hostIPC: true
      containers:
        - name: agent
          image: agent:1.0
          securityContext: {privileged: true}
`;

describe("kube-appstack check: what it judges", () => {
    it("fails a privileged extensions/v1beta1 DaemonSet on the host's namespaces under the prod config (it passed before)", async () => {
        const { status, stdout } = await check(PRIVILEGED_DAEMONSET, "--config", path.join(ROOT, "policies/config/prod.json"));
        expect(status).toBe(1);
        expect(stdout).toContain("[mandatory] no-host-namespaces: pod sets hostNetwork: true, hostPID: true, hostIPC: true");
        expect(stdout).toMatch(/\[mandatory\] no-privilege-escalation: container "agent"/);
    });

    it("judges ReplicationControllers and extensions/v1beta1 Deployments like their current kinds", async () => {
        const rc = `apiVersion: v1\nkind: ReplicationController\nmetadata: {name: legacy, namespace: shop}\nspec:\n  replicas: 1\n  selector: {app: legacy}\n  template:\n    metadata: {labels: {app: legacy}}\n    spec:\n      containers: [{name: app, image: "app:latest"}]\n`;
        const { stdout } = await check(`${rc}---\n${rc.replace("v1\nkind: ReplicationController", "extensions/v1beta1\nkind: Deployment").replace("legacy", "old")}`, "--format", "json");
        const report = JSON.parse(stdout);
        const policies = (kind: string) => report.violations.filter((v: { kind: string }) => v.kind === kind).map((v: { policy: string }) => v.policy);
        expect(policies("ReplicationController")).toEqual(expect.arrayContaining(["image-tag-pinned", "resource-limits-required", "run-as-non-root"]));
        // min-replicas and rolling-update-safe judge Deployments only: they fire because extensions/v1beta1 counts as one.
        expect(policies("Deployment")).toEqual(expect.arrayContaining(["image-tag-pinned", "min-replicas"]));
        expect(report.summary).toMatchObject({ objects: 2, checked: 2, notChecked: 0 });
    });

    it("lists objects no policy covers as not checked, never as checked", async () => {
        const yaml = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: b}\n---\napiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\n";
        const text = await check(yaml);
        expect(text.status).toBe(0);
        expect(text.stdout).toContain("Checked 0 object(s) in 1 file(s): no violations.");
        expect(text.stdout).toContain("Not checked (no policy covers these kinds): 3 object(s): ConfigMap 2, Widget 1.");
        const json = JSON.parse((await check(yaml, "--format", "json")).stdout);
        expect(json.notChecked.map((o: { kind: string; name: string; document: number }) => [o.kind, o.name, o.document]))
            .toEqual([["ConfigMap", "a", 1], ["ConfigMap", "b", 2], ["Widget", "w", 3]]);
    });

    it("reports a misspelled built-in kind and a nameless object as input errors (exit 2), naming file and document", async () => {
        const { status, stderr, stdout, file } = await check("apiVersion: apps/v1\nkind: Deploymnet\nmetadata: {name: web}\n---\napiVersion: v1\nkind: Service\nmetadata: {namespace: shop}\n");
        expect(status).toBe(2);
        expect(stderr).toContain(`error: ${file}: document 1: apps/v1 has no kind "Deploymnet" (did you mean "Deployment"?)`);
        expect(stderr).toContain(`error: ${file}: document 2: Service has no metadata.name`);
        // Nothing was left to check: the summary says so rather than "Checked 0 object(s) ...: no violations".
        expect(stdout).toBe("Nothing checked: 2 input error(s), listed above.\n");
    });

    it("reports a label, selector or annotation that is not a string as an input error, instead of judging a selector without it", async () => {
        // Unquoted, `canary: no` is false and `version: 2` a number: the API server refuses both, and a rule that skipped
        // them would find this selector matching the template.
        const web = `apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: shop}\nspec:\n  selector: {matchLabels: {app: web, canary: no}}\n  template:\n    metadata: {labels: {app: web}}\n    spec: {containers: [{name: app, image: "nginx:1.27"}]}\n`;
        const service = "apiVersion: v1\nkind: Service\nmetadata: {name: web, namespace: shop}\nspec: {selector: {app: web, version: 2}, ports: [{port: 80}]}\n";
        const labels = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, labels: [app]}\n";
        const nodeSelector = web.replace("canary: no", "tier: web").replace("spec: {containers", "spec: {nodeSelector: {gpu: true}, containers");
        const { status, stderr, file } = await check([web, service, labels, nodeSelector].join("---\n"));
        expect(status).toBe(2);
        const quote = "quote the value (unquoted, YAML reads yes, no, on, off, true and false as booleans and digits as numbers)";
        expect(stderr).toContain(`error: ${file}: document 1: spec.selector.matchLabels.canary must be a string, which Kubernetes requires there; given false, a boolean: ${quote}`);
        expect(stderr).toContain(`error: ${file}: document 2: spec.selector.version must be a string, which Kubernetes requires there; given 2, a number: ${quote}`);
        expect(stderr).toContain(`error: ${file}: document 3: metadata.labels must be a mapping of strings; given a list`);
        expect(stderr).toContain(`error: ${file}: document 4: spec.template.spec.nodeSelector.gpu must be a string, which Kubernetes requires there; given true, a boolean: ${quote}`);
    });

    it("reads a ReplicationController's selector as the map it is, whatever its label keys are named", async () => {
        const rc = (selector: string, labels = selector) => `apiVersion: v1\nkind: ReplicationController\nmetadata: {name: rc, namespace: shop}\nspec:\n  replicas: 3\n  selector: {${selector}}\n  template:\n    metadata: {labels: {${labels}}}\n    spec: {containers: [{name: app, image: "nginx:1.27"}]}\n`;
        // A label named matchLabels is only a label here, not a Deployment's LabelSelector.
        expect((await check(rc("matchLabels: x"))).stderr).toBe("");
        const { status, stderr, file } = await check(rc("app: web, version: 2", "app: web"));
        expect(status).toBe(2);
        expect(stderr).toContain(`error: ${file}: document 1: spec.selector.version must be a string, which Kubernetes requires there; given 2, a number`);
    });

    it("lists a built-in group's kind it does not know, and is not close to a known one, as not checked (it may be newer)", async () => {
        const { status, stdout } = await check("apiVersion: networking.k8s.io/v1beta1\nkind: FutureThing\nmetadata: {name: f}\n");
        expect(status).toBe(0);
        expect(stdout).toContain("Not checked (no policy covers these kinds): 1 object(s): FutureThing 1.");
    });

    it("refuses input with no Kubernetes object at all: a gate that checked nothing must not pass", async () => {
        const { status, stderr, stdout, file } = await check("# nothing here\nfoo: bar\n");
        expect(status).toBe(2);
        expect(stderr).toBe(`error: ${file}: no Kubernetes object found (1 file(s) read, and no document in them is a mapping with a string apiVersion and kind): a check that checked nothing cannot pass\n`);
        expect(stdout).toBe("Nothing checked: 1 input error(s), listed above.\n");
    });

    it("refuses an empty --config file (exit 2) instead of checking with the defaults", async () => {
        const empty = path.join(tmp, "empty.json");
        fs.writeFileSync(empty, "\n");
        const { status, stderr } = await check(PRIVILEGED_DAEMONSET, "--config", empty);
        expect(status).toBe(2);
        expect(stderr).toBe(`error: ${empty}: the policy config is empty; allowed: a JSON object of levels and parameters (leave --config out for the defaults)\n`);
    });

    it("refuses a --config that is no regular file (a directory, a named pipe, a device) with one line, without reading it", async () => {
        const dir = fs.mkdtempSync(path.join(tmp, "config-"));
        fs.symlinkSync("/dev/zero", path.join(dir, "zero.json"));
        expect(spawnSync("mkfifo", [path.join(dir, "pipe.json")]).status).toBe(0);
        for (const [config, what] of [[dir, "a directory"], [path.join(dir, "pipe.json"), "a named pipe"], [path.join(dir, "zero.json"), "a character device"]]) {
            const { status, stderr } = await check(PRIVILEGED_DAEMONSET, "--config", config);
            expect(status, config).toBe(2);
            expect(stderr).toBe(`error: ${config}: policy config: ${what}, not a regular file; allowed: a regular file (symbolic links are followed)\n`);
        }
    });

    it("reads standard input for -", () => {
        const result = spawnSync(process.execPath, [path.join(ROOT, "bin/kube-appstack.js"), "check", "-", "--format", "json"], { input: PRIVILEGED_DAEMONSET, encoding: "utf8" });
        expect(result.status).toBe(1);
        expect(JSON.parse(result.stdout).violations[0]).toMatchObject({ file: "-", document: 1, line: 1 });
    });

    it("prints its version", async () => {
        let stdout = "";
        expect(await main(["--version"], { stdout: (t) => (stdout += t), stderr: () => undefined })).toBe(0);
        expect(stdout).toBe(`kube-appstack ${JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")).version}\n`);
    });
});

describe("a policy that throws", () => {
    it("becomes a failure of that policy on that object, and every other policy still reports", () => {
        // An object whose pod spec cannot be read: a stand-in for input no rule expected.
        const hostile = { ...deployment("hostile") } as KubeObject;
        Object.defineProperty(hostile, "spec", { get: () => { throw new Error("unreadable spec"); }, enumerable: true });
        const fine = withFields(deployment("fine"), { "spec.template.spec.containers.0.image": "app:latest" });
        const { violations, failures } = checkObjectsReport([hostile, fine]);
        expect(failures.length).toBeGreaterThan(0);
        expect(failures.every((f) => f.message === "the rule failed: unreadable spec")).toBe(true);
        expect(failures.filter((f) => f.object).every((f) => f.object?.name === "hostile")).toBe(true);
        expect(violations.filter((v) => v.name === "fine").map((v) => v.policy)).toContain("image-tag-pinned");
    });
});

describe("a policy that throws under CrossGuard", () => {
    it("reports the failure as that policy's violation on that resource, and lets CrossGuard's unknown-value signal through", () => {
        const policy = crossGuardPolicies().find((p) => p.name === "image-tag-pinned") as ResourceValidationPolicy;
        const reported: string[] = [];
        const args = (spec: () => unknown) => ({
            type: "kubernetes:apps/v1:Deployment", urn: "urn:x", name: "web", opts: { protect: false },
            props: { metadata: { name: "web" }, get spec() { return spec(); } },
            getConfig: () => ({}),
        }) as unknown as ResourceValidationArgs;
        (policy.validateResource as (a: ResourceValidationArgs, r: (m: string) => void) => void)(args(() => { throw new Error("boom"); }), (m) => reported.push(m));
        expect(reported).toEqual(["the policy failed on this input, so its findings are missing: boom"]);
        class UnknownValueError extends Error {}
        expect(() => (policy.validateResource as (a: ResourceValidationArgs, r: (m: string) => void) => void)(args(() => { throw new UnknownValueError("unknown"); }), () => undefined)).toThrow("unknown");
    });
});

describe("kube-appstack check on a hostile file tree", () => {
    it("refuses FIFOs and links to devices with a message, and still checks the rest", async () => {
        const tree = path.join(tmp, "tree");
        fs.mkdirSync(tree, { recursive: true });
        fs.writeFileSync(path.join(tree, "ok.yaml"), PRIVILEGED_DAEMONSET);
        fs.symlinkSync("/dev/zero", path.join(tree, "zero.yaml"));
        expect(spawnSync("mkfifo", [path.join(tree, "pipe.yaml")]).status).toBe(0);
        let stdout = "";
        let stderr = "";
        const status = await main(["check", tree], { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
        expect(status).toBe(2);
        expect(stderr).toContain(`error: ${path.join(tree, "zero.yaml")}: a character device, not a regular file; allowed: a regular file (symbolic links are followed)`);
        expect(stderr).toContain(`error: ${path.join(tree, "pipe.yaml")}: a named pipe, not a regular file; allowed: a regular file (symbolic links are followed)`);
        expect(stdout).toContain(`DaemonSet kube-system/agent  (${path.join(tree, "ok.yaml")})`);
    });
});

describe("waivers", () => {
    const waived = (annotation: string) => PRIVILEGED_DAEMONSET.replace(
        "metadata: {name: agent, namespace: kube-system}",
        `metadata:\n  name: agent\n  namespace: kube-system\n  annotations:\n    ${annotation}`,
    );

    it("an annotation with a reason waives that policy on that object: listed as waived, not counted", async () => {
        const yaml = waived('ignore.kube-appstack.io/no-host-namespaces: "the node agent needs the host network (SEC-142)"');
        const text = await check(yaml, "--config", path.join(ROOT, "policies/config/prod.json"));
        expect(text.stdout).not.toContain("[mandatory] no-host-namespaces");
        expect(text.stdout).toContain("Waived (ignore.kube-appstack.io/<policy> annotations): 1 finding(s):");
        expect(text.stdout).toContain("DaemonSet kube-system/agent no-host-namespaces: pod sets hostNetwork: true, hostPID: true, hostIPC: true (reason: the node agent needs the host network (SEC-142))");
        expect(text.stdout).toContain("[mandatory] no-privilege-escalation"); // other policies still apply
        const json = JSON.parse((await check(yaml, "--format", "json")).stdout);
        expect(json.waived).toEqual([expect.objectContaining({ policy: "no-host-namespaces", reason: "the node agent needs the host network (SEC-142)", name: "agent" })]);
        expect(json.violations.map((v: { policy: string }) => v.policy)).not.toContain("no-host-namespaces");
        expect(json.summary.waived).toBe(1);
    });

    it("an annotation without a reason waives nothing, and the finding says why", async () => {
        const { status, stdout } = await check(waived('ignore.kube-appstack.io/no-host-namespaces: ""'), "--config", path.join(ROOT, "policies/config/prod.json"));
        expect(status).toBe(1);
        expect(stdout).toMatch(/\[mandatory\] no-host-namespaces: .* \(a ignore\.kube-appstack\.io\/<policy> annotation without a reason waives nothing/);
    });

    it("waives under CrossGuard too", () => {
        const policy = crossGuardPolicies().find((p) => p.name === "no-host-namespaces") as ResourceValidationPolicy;
        const run = (annotations: Record<string, string>) => {
            const reported: string[] = [];
            const props = { metadata: { name: "agent", annotations }, spec: { template: { spec: { hostNetwork: true, containers: [{ name: "a", image: "a:1" }] } } } };
            (policy.validateResource as (a: ResourceValidationArgs, r: (m: string) => void) => void)(
                { type: "kubernetes:apps/v1:DaemonSet", urn: "u", name: "agent", opts: {}, props, getConfig: () => ({}) } as unknown as ResourceValidationArgs,
                (m) => reported.push(m),
            );
            return reported;
        };
        expect(run({})).toHaveLength(1);
        expect(run({ "ignore.kube-appstack.io/no-host-namespaces": "host agent" })).toEqual([]);
    });
});

describe("kube-appstack check --exclude", () => {
    it("skips matching files and directories, and node_modules and .git unless named", async () => {
        const tree = path.join(tmp, "excl");
        for (const dir of ["app", "vendor", "node_modules/pkg", ".git"]) fs.mkdirSync(path.join(tree, dir), { recursive: true });
        for (const file of ["app/a.yaml", "app/a.generated.yaml", "vendor/v.yaml", "node_modules/pkg/nodemod.yaml", ".git/g.yaml"]) {
            fs.writeFileSync(path.join(tree, file), PRIVILEGED_DAEMONSET.replace("name: agent", `name: ${path.basename(file, ".yaml").replace(/\W/g, "")}`));
        }
        const names = async (...args: string[]) => {
            let stdout = "";
            await main(["check", ...args, "--format", "json"], { stdout: (t) => (stdout += t), stderr: () => undefined });
            return [...new Set(JSON.parse(stdout).violations.map((v: { name: string }) => v.name))].sort();
        };
        expect(await names(tree)).toEqual(["a", "agenerated", "v"]);
        expect(await names(tree, "--exclude", "vendor", "--exclude", "*.generated.yaml")).toEqual(["a"]);
        expect(await names(path.join(tree, "node_modules"))).toEqual(["nodemod"]); // (a name `n` would read as false: YAML 1.1)
    });
});

describe("kube-appstack check on a List bomb", () => {
    it("refuses a document that expands through aliases as Kubernetes does, instead of walking billions of aliased items", async () => {
        const levels = ["a0: &a0 {apiVersion: v1, kind: ConfigMap, metadata: {name: x}}"];
        for (let i = 1; i <= 12; i++) levels.push(`a${i}: &a${i} {apiVersion: v1, kind: List, items: [${Array(10).fill(`*a${i - 1}`).join(", ")}]}`);
        // 10^12 ConfigMaps by reference, in under 2 KB; a real manifest after it is still read.
        const bomb = `defs:\n${levels.map((l) => `  ${l}`).join("\n")}\napiVersion: v1\nkind: List\nitems: [*a12]\n---\n${PRIVILEGED_DAEMONSET}`;
        const { status, stderr, stdout, file } = await check(bomb);
        expect(status).toBe(2);
        expect(stderr).toContain(`error: ${file}: document 1: document contains excessive aliasing`);
        expect(stdout).toContain("DaemonSet kube-system/agent");
    });

    it("stops at MAX_OBJECTS_PER_FILE objects in one file with one error for the document, and still reads the next file", async () => {
        const item = "- {apiVersion: v1, kind: ConfigMap, metadata: {name: x}}\n";
        const { status, stderr, stdout, file } = await check(`apiVersion: v1\nkind: List\nitems:\n${item.repeat(MAX_OBJECTS_PER_FILE + 1)}`, path.join(ROOT, "test/policies/fixtures/violations.yaml"));
        expect(status).toBe(2);
        expect(stderr).toContain(`error: ${file}: document 1: more than ${MAX_OBJECTS_PER_FILE} objects in this file`);
        expect(stdout).toContain("PersistentVolume default/scratch");
    });
});
