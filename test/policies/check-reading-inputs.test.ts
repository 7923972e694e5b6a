// What `kube-appstack check` reads, as `kubectl apply -f` reads it: JSON manifests and streams of JSON objects, UTF-16
// files with a byte order mark, other tools' configuration files (listed, never judged), and what it says when an input
// names no object it could check.
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { MAX_OBJECTS_PER_FILE, parseManifest } from "../../policies/manifest";
import { check, checkJson } from "./run-check";
import { deployment, messagesOf, withFields } from "./objects";

const ROOT = path.join(__dirname, "..", "..");
const PROD = path.join(ROOT, "policies/config/prod.json");
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "check-reading-inputs-"));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

let trees = 0;
/** A fresh directory holding `files` (path -> text or bytes). */
function tree(files: Readonly<Record<string, string | Buffer>>): string {
    const root = path.join(tmp, `tree${++trees}`);
    for (const [name, content] of Object.entries(files)) {
        fs.mkdirSync(path.dirname(path.join(root, name)), { recursive: true });
        fs.writeFileSync(path.join(root, name), content);
    }
    return root;
}

const HOST_POD = {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name: "hostpod", namespace: "shop" },
    spec: { hostNetwork: true, containers: [{ name: "c", image: "nginx:1.27", securityContext: { privileged: true } }] },
};
const HOST_POD_YAML = `apiVersion: v1
kind: Pod
metadata: {name: hostpod, namespace: shop}
spec:
  hostNetwork: yes
  containers:
    - {name: c, image: "nginx:1.27", securityContext: {privileged: true}}
`;
const configMap = (name: string) => JSON.stringify({ apiVersion: "v1", kind: "ConfigMap", metadata: { name } });
const names = (objects: ReadonlyArray<{ metadata?: unknown }>) => objects.map((o) => (o.metadata as { name: unknown }).name);

describe("JSON manifests", () => {
    it("reads .json files found in directories: a privileged Pod in pod.json fails the prod gate (it was skipped before)", async () => {
        const dir = tree({ "pod.json": JSON.stringify(HOST_POD), "cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cfg}\n" });
        const { status, stdout, stderr } = await check(dir, "--config", PROD);
        expect(stderr).toBe("");
        expect(status).toBe(1);
        expect(stdout).toContain(`Pod shop/hostpod  (${path.join(dir, "pod.json")})`);
        expect(stdout).toContain("[mandatory] no-host-namespaces: pod sets hostNetwork: true");
        expect(stdout).toContain("Checked 1 object(s) in 2 file(s)");
    });

    it("reads a stream of JSON objects, one after another or one per line, each a document of its own with its line", async () => {
        const pretty = JSON.stringify({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "c" } }, null, "\t");
        const file = path.join(tree({ "stream.json": `${configMap("a")}${configMap("b")}\n\n${pretty}\n${configMap("d")}\n` }), "stream.json");
        const { status, json } = await checkJson(file);
        expect(status).toBe(0);
        expect(json.notChecked.map((o: { name: string; document: number; line: number }) => [o.name, o.document, o.line]))
            .toEqual([["a", 1, 1], ["b", 2, 1], ["c", 3, 3], ["d", 4, 10]]);
    });

    it("ends the stream at a third value that is not JSON, naming its document and line, as kubectl does; what came before is checked", () => {
        const { objects, errors } = parseManifest(`${configMap("a")}\n${configMap("b")}\n  {"apiVersion": v1}\n${configMap("c")}\n`, "s.json");
        expect(names(objects)).toEqual(["a", "b"]);
        expect(errors).toHaveLength(1);
        expect(errors[0]).toMatchObject({ source: "s.json", document: 3 });
        expect(errors[0].message).toMatch(/^not JSON at line 3, column 3, after 2 JSON objects \(kubectl reads a stream that opens with "\{" as JSON objects and stops here too\): .+; the rest of the file was not read$/);
    });

    it("reads on as YAML when the first or second value is not JSON, as kubectl does: a YAML flow mapping still opens a YAML file", () => {
        const jsonThenYaml = parseManifest(`${configMap("a")}\n${HOST_POD_YAML}---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: z}\n`, "m.yaml");
        expect(jsonThenYaml.errors).toEqual([]);
        expect(names(jsonThenYaml.objects)).toEqual(["a", "hostpod", "z"]);
        expect(jsonThenYaml.documents).toEqual([1, 2, 3]);
        expect(jsonThenYaml.lines).toEqual([1, 2, 9]);
        // The YAML after the JSON is read as YAML 1.1, as everywhere: `hostNetwork: yes` is true.
        expect((jsonThenYaml.objects[1].spec as { hostNetwork: unknown }).hostNetwork).toBe(true);

        const flow = parseManifest("{labels: {a: b}}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: f}\n", "f.yaml");
        expect(flow.errors).toEqual([]);
        expect(names(flow.objects)).toEqual(["f"]);
        expect(flow.documents).toEqual([2]);
    });

    it("refuses duplicate keys in JSON as in YAML, with the line and the column in the file, also for a value that follows another on its line", () => {
        const duplicate = '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"a","name":"b"}}';
        const line = `${configMap("first")}${duplicate}`;
        const { objects, errors } = parseManifest(`\n${line}\n`, "d.json");
        expect(names(objects)).toEqual(["first"]);
        expect(errors).toEqual([{ source: "d.json", document: 2, message: `duplicated mapping key at line 2, column ${line.indexOf('"name":"b"') + 1}` }]);
    });

    it("keeps the bounds: objects per file, the alias rule in the YAML after JSON, and the file size for .json files in directories", async () => {
        const stream = parseManifest(`${configMap("x")}\n`.repeat(MAX_OBJECTS_PER_FILE + 1), "many.json");
        expect(stream.objects).toHaveLength(MAX_OBJECTS_PER_FILE);
        expect(stream.errors).toEqual([{ source: "many.json", document: MAX_OBJECTS_PER_FILE + 1, message: expect.stringContaining(`more than ${MAX_OBJECTS_PER_FILE} objects in this file`) }]);

        const levels = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"];
        for (let i = 1; i <= 9; i++) levels.push(`a${i}: &a${i} [${Array(10).fill(`*a${i - 1}`).join(", ")}]`);
        const bomb = parseManifest(`${configMap("a")}\n${levels.join("\n")}\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: b}\n`, "bomb.json");
        expect(names(bomb.objects)).toEqual(["a"]);
        expect(bomb.errors).toEqual([{ source: "bomb.json", document: 2, message: expect.stringContaining("document contains excessive aliasing") }]);

        const dir = tree({ "cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n" });
        const big = path.join(dir, "big.json");
        fs.closeSync(fs.openSync(big, "w"));
        fs.truncateSync(big, 64 * 1024 * 1024 + 1); // sparse: no 64 MiB written
        const { status, stderr } = await check(dir);
        expect(status).toBe(2);
        expect(stderr).toContain(`error: ${big}: ${64 * 1024 * 1024 + 1} bytes; allowed: at most ${64 * 1024 * 1024}`);
    });

    it("warns about unrendered Helm templates and objects defined twice in JSON too", async () => {
        const dir = tree({
            "templated.json": JSON.stringify({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "{{ .Release.Name }}-cfg" } }),
            "a.json": configMap("twice"),
            "b.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: twice}\n",
        });
        const { status, json } = await checkJson(dir);
        expect(status).toBe(0);
        expect(json.warnings.map((w: { source: string; message: string }) => [path.basename(w.source), w.message.slice(0, 40)])).toEqual([
            ["templated.json", "this looks like an unrendered Helm templ"],
            ["a.json", `ConfigMap default/twice is defined again`],
        ]);
    });

    it("skips JSON that is not Kubernetes found in directories (package.json, dashboards) and node_modules, but reports JSON it cannot read", async () => {
        const dir = tree({
            "cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n",
            "package.json": JSON.stringify({ name: "app", version: "1.0.0", dependencies: { kind: "^1" } }),
            "dashboards/api.json": JSON.stringify({ title: "API", panels: [{ kind: "graph" }] }),
            "node_modules/pkg/pod.json": JSON.stringify(HOST_POD),
        });
        const { status, stderr, json } = await checkJson(dir, "--config", PROD);
        expect(stderr).toBe("");
        expect(status).toBe(0);
        expect(json.summary).toMatchObject({ files: 3, objects: 1, notChecked: 1, inputErrors: 0 });
        // JSON with comments is read by no manifest reader, kubectl's included: an error (a gate must not guess that an
        // unreadable file holds nothing), with the way to leave it out.
        fs.writeFileSync(path.join(dir, "tsconfig.json"), '{\n  // JSON with comments\n  "compilerOptions": {"strict": true},\n}\n');
        const broken = await check(dir);
        expect(broken.status).toBe(2);
        expect(broken.stderr).toContain(`error: ${path.join(dir, "tsconfig.json")}: document 1: missed comma between flow collection entries at line 3`);
        expect(broken.stderr).toContain("if this file is no manifest, leave it out with --exclude");
        expect((await check(dir, "--exclude", "tsconfig.json")).status).toBe(0);
    });

    it("reports a broken .json file whose apiVersion is spelled with an escape: it may hide a Pod", async () => {
        const dir = tree({ "pod.json": '{"api\\u0056ersion": "v1", "kind": "Pod", "kind": "Pod"}' });
        const { status, stderr } = await check(dir);
        expect(status).toBe(2);
        expect(stderr).toContain(`error: ${path.join(dir, "pod.json")}: document 1: `);
    });

    it("still reports a broken .json file found in a directory when it spells apiVersion: it may be a manifest", async () => {
        const dir = tree({ "pod.json": '{"apiVersion": "v1", "kind": "Pod", // a comment\n}' });
        const { status, stderr } = await check(dir);
        expect(status).toBe(2);
        expect(stderr).toContain(`error: ${path.join(dir, "pod.json")}: document 1: `);
    });
});

describe("encodings", () => {
    const utf16le = (text: string) => Buffer.from(`\uFEFF${text}`, "utf16le");
    const utf16be = (text: string) => utf16le(text).swap16();

    it("reads UTF-16 with a byte order mark, little- and big-endian, as kubectl does: PowerShell's `>` output is checked", async () => {
        const dir = tree({ "le.yaml": utf16le(HOST_POD_YAML), "be.yaml": utf16be(HOST_POD_YAML.replace("hostpod", "bepod")), "json.json": utf16le(JSON.stringify(HOST_POD).replace("hostpod", "jsonpod")) });
        const { status, stderr, json } = await checkJson(dir, "--config", PROD);
        expect(stderr).toBe("");
        expect(status).toBe(1);
        const hostNamespaces = json.violations.filter((v: { policy: string }) => v.policy === "no-host-namespaces");
        expect(hostNamespaces.map((v: { name: string; file: string; line: number }) => [v.name, path.basename(v.file), v.line]).sort()).toEqual([
            ["bepod", "be.yaml", 1], ["hostpod", "le.yaml", 1], ["jsonpod", "json.json", 1],
        ]);
    });

    it("reads UTF-16 on standard input too", () => {
        const result = spawnSync(process.execPath, [path.join(ROOT, "bin/kube-appstack.js"), "check", "-", "--config", PROD], { input: utf16le(HOST_POD_YAML) });
        expect(result.stderr.toString()).toBe("");
        expect(result.status).toBe(1);
        expect(result.stdout.toString()).toContain("[mandatory] no-host-namespaces");
    });

    it("reads UTF-8 with a byte order mark, a JSON file included", async () => {
        const file = path.join(tree({ "pod.json": `\uFEFF${JSON.stringify(HOST_POD)}` }), "pod.json");
        expect((await check(file, "--config", PROD)).status).toBe(1);
    });

    it("refuses NUL bytes without a byte order mark as not UTF-8 text, naming the file and the line, instead of a parser's column", async () => {
        const dir = tree({ "nomark.yaml": Buffer.from(HOST_POD_YAML, "utf16le"), "nul.yaml": `${HOST_POD_YAML}\n# \u0000\n` });
        const { status, stderr } = await check(dir);
        expect(status).toBe(2);
        const allowed = "UTF-16 or UTF-32 without a byte order mark, or a binary file, holds them; allowed: UTF-8, or UTF-16 with a byte order mark";
        expect(stderr).toBe([
            `error: ${path.join(dir, "nomark.yaml")}: not UTF-8 text: a NUL byte at line 1 (byte 1), which YAML never allows; ${allowed}`,
            `error: ${path.join(dir, "nul.yaml")}: not UTF-8 text: a NUL byte at line 9 (byte ${Buffer.byteLength(HOST_POD_YAML) + 3}), which YAML never allows; ${allowed}`,
            "",
        ].join("\n"));
    });
});

describe("bytes that are not UTF-8", () => {
    it("refuses them in YAML, as kubectl's YAML reader does, naming the line and byte, not the first U+FFFD the file spells itself", async () => {
        const before = `${HOST_POD_YAML}# \uFFFD as text\n  `;
        const bad = Buffer.concat([Buffer.from(before), Buffer.from([0xff, 0xfe]), Buffer.from("\n")]);
        // An overlong encoding of "/" and a lone continuation byte are not UTF-8 either.
        const overlong = Buffer.concat([Buffer.from("a: b\n"), Buffer.from([0xc0, 0xaf]), Buffer.from("\n")]);
        // After a byte order mark, which the decoder drops; and in flow YAML, which opens with "{" but is no JSON.
        const marked = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from("a: 1\n"), Buffer.from([0xff]), Buffer.from("\n")]);
        const flow = Buffer.concat([Buffer.from("{a: b}\n# "), Buffer.from([0xff]), Buffer.from("\n")]);
        const dir = tree({ "bad.yaml": bad, "overlong.yaml": overlong, "marked.yaml": marked, "flow.yaml": flow });
        const { status, stderr } = await check(dir);
        expect(status).toBe(2);
        const refused = "which kubectl's YAML reader refuses (\"invalid leading UTF-8 octet\"); allowed: UTF-8, or UTF-16 with a byte order mark";
        expect(stderr).toBe([
            `error: ${path.join(dir, "bad.yaml")}: not UTF-8 text: a byte that is not UTF-8 at line ${before.split("\n").length} (byte ${Buffer.byteLength(before)}), ${refused}`,
            `error: ${path.join(dir, "flow.yaml")}: not UTF-8 text: a byte that is not UTF-8 at line 2 (byte 9), ${refused}`,
            `error: ${path.join(dir, "marked.yaml")}: not UTF-8 text: a byte that is not UTF-8 at line 2 (byte 8), ${refused}`,
            `error: ${path.join(dir, "overlong.yaml")}: not UTF-8 text: a byte that is not UTF-8 at line 2 (byte 5), ${refused}`,
            "",
        ].join("\n"));
    });

    it("reads them in a JSON stream as U+FFFD, as Go's JSON decoder does", async () => {
        const json = JSON.stringify(HOST_POD).replace('"shop"', '"shop", "annotations": {"note": "BAD"}');
        const bytes = Buffer.from(json);
        const at = bytes.indexOf("BAD");
        bytes[at] = 0xff;
        const { status, stdout } = await check(path.join(tree({ "pod.json": bytes }), "pod.json"), "--config", PROD);
        expect(status).toBe(1);
        expect(stdout).toContain("[mandatory] no-host-namespaces");
    });
});

describe("other tools' configuration files", () => {
    const configs = {
        "kustomization.yaml": "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [deployment.yaml]\n",
        "kind.yaml": "# a kind cluster\nkind: Cluster\napiVersion: kind.x-k8s.io/v1alpha4\nnodes: [{role: control-plane}]\n",
        "kubelet.yaml": "apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\ncgroupDriver: systemd\n",
        "istio/profile.json": JSON.stringify({ apiVersion: "install.istio.io/v1alpha1", kind: "IstioOperator", spec: { profile: "minimal" } }),
        "kubeconfig.yaml": "apiVersion: v1\nkind: Config\nclusters: []\ncurrent-context: dev\n",
    };

    it("lists a Kustomization, kind's Cluster, a KubeletConfiguration, an IstioOperator profile and a kubeconfig as not checked, with the reason (exit 0)", async () => {
        const dir = tree({ ...configs, "deployment.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: app}\n" });
        const { status, stderr, json } = await checkJson(dir);
        expect(stderr).toBe("");
        expect(status).toBe(0);
        const other = (type: string) => `no metadata.name, and ${type} is no built-in Kubernetes kind: read as a tool's configuration file, not an object kubectl would apply`;
        expect(json.notChecked.map((o: { kind: string; name: string; file: string; line: number; reason: string }) => [o.kind, o.name, path.relative(dir, o.file), o.line, o.reason])).toEqual([
            ["ConfigMap", "app", "deployment.yaml", 1, "no policy covers kind ConfigMap"],
            ["IstioOperator", "", "istio/profile.json", 1, other("install.istio.io/v1alpha1 IstioOperator")],
            ["Cluster", "", "kind.yaml", 2, other("kind.x-k8s.io/v1alpha4 Cluster")],
            ["Config", "", "kubeconfig.yaml", 1, other("v1 Config")],
            ["KubeletConfiguration", "", "kubelet.yaml", 1, other("kubelet.config.k8s.io/v1beta1 KubeletConfiguration")],
            ["Kustomization", "", "kustomization.yaml", 1, "kustomize's input, not an object for the cluster (no metadata.name): check the output of `kustomize build` instead"],
        ]);
        expect(json.summary).toMatchObject({ objects: 6, checked: 0, notChecked: 6, inputErrors: 0 });

        const text = await check(dir);
        expect(text.stdout).toBe([
            "Checked 0 object(s) in 6 file(s): no violations.",
            "Not checked (no policy covers these kinds): 1 object(s): ConfigMap 1.",
            "Not checked (configuration files of other tools, not objects for the cluster: no metadata.name, and no built-in kind): 5 document(s): IstioOperator (install.istio.io/v1alpha1) 1, Cluster (kind.x-k8s.io/v1alpha4) 1, Config (v1) 1, KubeletConfiguration (kubelet.config.k8s.io/v1beta1) 1, Kustomization (kustomize.config.k8s.io/v1beta1) 1.",
            "  A Kustomization is kustomize's input, not what the cluster runs: check the output of `kustomize build`.",
            "",
        ].join("\n"));
    });

    it("keeps a nameless object of a built-in kind an input error: that is a manifest with a mistake", async () => {
        const dir = tree({ ...configs, "web.yaml": "apiVersion: apps/v1\nkind: Deployment\nmetadata: {namespace: shop}\nspec: {}\n---\napiVersion: v1\nkind: Secret\n" });
        const { status, stderr } = await check(dir);
        expect(status).toBe(2);
        expect(stderr).toBe([
            `error: ${path.join(dir, "web.yaml")}: document 1: Deployment has no metadata.name`,
            `error: ${path.join(dir, "web.yaml")}: document 2: Secret has no metadata.name`,
            "",
        ].join("\n"));
    });

    it("takes an API group named like a property of every object (constructor, __proto__) for an unknown group, without failing", async () => {
        const file = path.join(tree({ "odd.yaml": "apiVersion: constructor/v1\nkind: Thing\nmetadata: {name: a}\n---\napiVersion: __proto__/v1\nkind: Thing\n" }), "odd.yaml");
        const { status, json } = await checkJson(file);
        expect(status).toBe(0);
        expect(json.notChecked.map((o: { name: string; reason: string }) => [o.name, o.reason])).toEqual([
            ["a", "no policy covers kind Thing"],
            ["", "no metadata.name, and __proto__/v1 Thing is no built-in Kubernetes kind: read as a tool's configuration file, not an object kubectl would apply"],
        ]);
    });

    it("gives them to no rule: a nameless IstioOperator profile is not taken for an operator behind a Service", async () => {
        const service = "apiVersion: v1\nkind: Service\nmetadata: {name: api}\nspec: {selector: {app: api}, ports: [{port: 80}]}\n";
        const named = JSON.stringify({ apiVersion: "install.istio.io/v1alpha1", kind: "IstioOperator", metadata: { name: "control-plane" } });
        const message = async (files: Record<string, string>) => (await checkJson(tree(files))).json.violations
            .filter((v: { policy: string }) => v.policy === "service-selector-matches").map((v: { message: string }) => v.message);
        expect(await message({ "svc.yaml": service, "istio.json": configs["istio/profile.json"] })).toEqual(['selector app=api matches no pod template in namespace "default"']);
        expect(await message({ "svc.yaml": service, "istio.json": named })).toEqual([expect.stringContaining("its pods may come from an operator behind IstioOperator control-plane")]);
    });

    it("finds nothing to check in configuration files alone (exit 2), and says what it found", async () => {
        const dir = tree({ "kustomization.yaml": configs["kustomization.yaml"] });
        const { status, stderr, stdout } = await check(dir);
        expect(status).toBe(2);
        expect(stderr).toBe(`error: ${dir}: no Kubernetes object found (1 configuration file(s) of other tools, listed as not checked, and no object for the cluster): a check that checked nothing cannot pass\n`);
        expect(stdout.split("\n")[0]).toBe("Nothing checked: 1 input error(s), listed above.");
    });
});

describe("what check says when an input names no object it can check", () => {
    it("says that kind and apiVersion must be strings, for a document and for the items of a List", () => {
        const { objects, errors } = parseManifest(
            "apiVersion: v1\nkind: 123\nmetadata: {name: k}\n---\napiVersion: 1.0\nkind: Pod\n---\napiVersion: v1\nkind: List\nitems:\n  - {apiVersion: v1, kind: ConfigMap, metadata: {name: ok}}\n  - {apiVersion: v1, kind: [Pod]}\n  - {apiVersion: v1, kind: List, items: [{apiVersion: v1, kind: ConfigMap, metadata: {name: nested}}, {apiVersion: v1, kind: null}]}\n---\nkind: 5\nnote: no apiVersion, so some other YAML\n",
            "k.yaml",
        );
        expect(names(objects)).toEqual(["ok", "nested"]);
        expect(errors).toEqual([
            { source: "k.yaml", document: 1, message: 'kind must be a string, such as "Deployment"; given 123, a number, so this is no Kubernetes object' },
            { source: "k.yaml", document: 2, message: 'apiVersion must be a string, such as "apps/v1"; given 1, a number, so this is no Kubernetes object' },
            { source: "k.yaml", document: 3, message: 'items[1]: kind must be a string, such as "Deployment"; given a list, so this is no Kubernetes object' },
            { source: "k.yaml", document: 3, message: 'items[2].items[1]: kind must be a string, such as "Deployment"; given nothing (null), so this is no Kubernetes object' },
        ]);
    });

    it("says nothing was checked when no input could be read, instead of counting 0 objects in 0 files", async () => {
        const missing = path.join(tmp, "no-such-dir");
        const { status, stdout, stderr } = await check(missing);
        expect(status).toBe(2);
        expect(stderr).toMatch(new RegExp(`^error: ${missing}: cannot read: ENOENT`));
        expect(stdout).toBe("Nothing checked: 1 input error(s), listed above.\n");
    });

    it("says a directory holds no manifest file at all", async () => {
        const dir = tree({ "README.md": "# docs\n" });
        const { status, stderr } = await check(dir);
        expect(status).toBe(2);
        expect(stderr).toBe(`error: ${dir}: no Kubernetes object found (no .yaml, .yml or .json file there): a check that checked nothing cannot pass\n`);
    });

    it("takes the extensions kubectl takes in a directory, case and all, in its byte order", async () => {
        const dir = tree({ "upper.YAML": HOST_POD_YAML, "mixed.Yml": HOST_POD_YAML, "shout.JSON": JSON.stringify(HOST_POD), "b.yaml": configMap("b"), "B.yaml": configMap("B") });
        const { stdout } = await check(dir, "--format", "json");
        const report = JSON.parse(stdout) as { summary: { files: number }; violations: unknown[]; notChecked: Array<{ file: string }> };
        expect(report.summary.files).toBe(2);
        expect(report.violations).toEqual([]);
        // Upper case sorts first in byte order, as Go's sort.Strings has it.
        expect(report.notChecked.map((o) => path.basename(o.file))).toEqual(["B.yaml", "b.yaml"]);
    });

    it("names a pod template without labels as such in pdb-required's message", () => {
        const unlabelled = withFields(deployment(), { "spec.template.metadata.labels": undefined });
        expect(messagesOf("pdb-required", unlabelled)).toEqual(['runs 3 replicas but no PodDisruptionBudget in namespace "shop" selects its pods (no labels)']);
    });
});
