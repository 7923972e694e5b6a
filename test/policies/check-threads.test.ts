// `kube-appstack check` on several threads (cli/check-threads.ts): what worker threads read comes back exactly as the
// main thread would have read it, so the report is the same whatever `--jobs` says, for hostile inputs as for clean ones.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { benchObjects } from "../../bench/bench-stack";
import { MessageChannel, receiveMessageOnPort, Worker } from "node:worker_threads";
import { DONE, PARALLEL_AFTER_BYTES, readManifestInputs, type WorkerData } from "../../cli/check-threads";
import { manifestYaml } from "../../cli/manifest-yaml";
import { enabledRules } from "../../policies/check";
import { parsePolicyConfig } from "../../policies/policy-config";
import { check } from "./run-check";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "check-threads-"));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** Files that each go down another path of the reader and the report; repeated between the clean files below. */
const HOSTILE: Readonly<Record<string, string | Buffer>> = {
    "broken.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: broken\ndata: {}\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: after-broken}\nspec:\n  hostNetwork: yes\n  containers: [{name: c, image: nginx}]\n",
    "utf16.yaml": Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from("apiVersion: v1\nkind: Pod\nmetadata: {name: wide}\nspec: {containers: [{name: c, image: nginx:1.27}]}\n", "utf16le")]),
    "nul.yaml": Buffer.from("apiVersion: v1\n\0kind: Pod\n"),
    "stream.json": '{"apiVersion": "v1", "kind": "Service", "metadata": {"name": "lonely", "namespace": "shop"}, "spec": {"selector": {"app": "none"}}} {"apiVersion": "v1"',
    "list.yaml": "apiVersion: v1\nkind: List\nitems:\n- apiVersion: apps/v1\n  kind: Deployment\n  metadata: {name: listed, annotations: {ignore.kube-appstack.io/min-replicas: one is enough}}\n  spec: {replicas: 1, template: {spec: {containers: [{name: c, image: 'nginx:1.27'}]}}}\n- apiVersion: apps/v1\n  kind: Deploymnt\n  metadata: {name: misspelled}\n",
    "kustomization.yaml": "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [a.yaml]\n",
    "template.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Values.name }}\n",
    "anchors.yaml": "apiVersion: v1\nkind: Pod\nmetadata: {name: anchored, labels: &l {app: a}}\nspec:\n  nodeSelector: *l\n  containers:\n  - &c {name: c, image: 'nginx:1.27', ports: [{containerPort: 0x50, hostPort: 8_0}]}\n",
    "custom.yaml": "apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w, namespace: shop}\n",
    "empty.yaml": "# nothing here\n",
    // A plain `__proto__` key through a merge, and floats beyond float64 (go-yaml keeps them text): neither may read
    // differently once it crossed as JSON.
    "proto.yaml": "apiVersion: v1\nkind: Pod\nmetadata: {name: proto}\nspec:\n  <<: {hostNetwork: false}\n  __proto__: {hostPID: true}\n  containers: [{name: c, image: 'nginx:1.27'}]\n",
    // One StorageClass listed twice through an alias: two objects, on any thread.
    "aliased-items.yaml": "apiVersion: v1\nkind: List\nitems:\n- &sc {apiVersion: storage.k8s.io/v1, kind: StorageClass, metadata: {name: fast, annotations: {storageclass.kubernetes.io/is-default-class: 'true'}}, provisioner: x}\n- *sc\n- {apiVersion: v1, kind: PersistentVolumeClaim, metadata: {name: claim, namespace: shop}, spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}}\n",
    "huge-float.yaml": "apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata: {name: huge, namespace: shop}\nspec: {maxUnavailable: 1e400, minAvailable: 100%, selector: {matchLabels: {app: a}}}\n",
};

/** A tree past PARALLEL_AFTER_BYTES: the benchmark's app stacks in files of their own, with the hostile files between them. */
function writeTree(): string {
    const root = path.join(tmp, "tree");
    const objects = benchObjects(600);
    for (let i = 0; i < objects.length; i += 10) {
        const dir = path.join(root, `part-${Math.floor(i / 500)}`);
        fs.mkdirSync(dir, { recursive: true });
        fs.writeFileSync(path.join(dir, `stack-${i}.yaml`), objects.slice(i, i + 10).map((o) => manifestYaml(o)).join("---\n"));
        if (i % 500 === 0) {
            for (const [name, content] of Object.entries(HOSTILE)) fs.writeFileSync(path.join(dir, name), content);
            // The same object in every part: a duplicate across files, wherever each copy is read.
            fs.writeFileSync(path.join(dir, "again.yaml"), manifestYaml(objects[3]));
        }
    }
    fs.mkdirSync(path.join(root, "z"));
    fs.symlinkSync(path.join(root, "gone.yaml"), path.join(root, "z", "dangling.yaml"));
    fs.symlinkSync("/dev/zero", path.join(root, "z", "device.yaml"));
    return root;
}

const TREE = writeTree();
const FILES = (function list(dir: string): string[] {
    return fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name)).flatMap((entry) => {
        const full = path.join(dir, entry.name);
        return entry.isDirectory() ? list(full) : [full];
    });
})(TREE);

describe("check on several threads", () => {
    it("reads the inputs on worker threads as the main thread reads them, in the order given", async () => {
        // A parameter only the config gives: the benchmark's nginx tag counts as a moving one.
        const enabled = enabledRules(parsePolicyConfig({ "image-tag-pinned": { mutableTags: ["1.27.3-alpine"] } }, "test"));
        const alone = await readManifestInputs(FILES, enabled, 1);
        expect(alone.filesPerThread).toEqual([FILES.length]);
        // Threads from the first file on. A worker that the scheduler starts late may find every file taken (the main
        // thread does not wait for it, by design): each read must equal the one-thread read, and within a few reads
        // every worker must have read files.
        let shared: Awaited<ReturnType<typeof readManifestInputs>>;
        let reads = 0;
        do {
            shared = await readManifestInputs(FILES, enabled, 3, { parallelAfterBytes: 0 });
            expect(shared.filesPerThread).toHaveLength(3);
            expect(shared.filesPerThread.reduce((a, b) => a + b)).toBe(FILES.length);
            expect(shared.inputs).toEqual(alone.inputs);
        } while (!shared.filesPerThread.every((files) => files > 0) && ++reads < 5);
        expect(shared.filesPerThread.every((files) => files > 0), `${shared.filesPerThread}`).toBe(true);
        // The parameter reached the workers: every stateless app of the corpus is found, wherever it was read.
        const findings = shared.inputs.flatMap((input) => ("findings" in input ? input.findings.flat() : []));
        expect(findings.filter((f) => f?.policy === "image-tag-pinned" && f.message.includes("1.27.3-alpine")).length).toBeGreaterThanOrEqual(600);
        // The past-the-range float stayed text, whichever thread read it.
        const huge = shared.inputs.flatMap((input) => ("parsed" in input ? input.parsed.objects : [])).find((o) => o.kind === "PodDisruptionBudget" && (o.metadata as { name: string }).name === "huge");
        expect(huge?.spec).toMatchObject({ maxUnavailable: "1e400" });
    });

    it("leaves a file whose objects are far larger as JSON than as YAML to the main thread", async () => {
        // One anchored 100 kB text repeated 200 times: 20 MB as JSON from a file of 100 kB.
        const file = path.join(tmp, "aliases.yaml");
        const aliases = Array.from({ length: 200 }, (_, i) => `  k${i}: *text\n`).join("");
        fs.writeFileSync(file, `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: big}\ndata:\n  text: &text "${"x".repeat(100_000)}"\n${aliases}`);
        const { port1, port2 } = new MessageChannel();
        const data: WorkerData = { files: [file], next: new Int32Array(new SharedArrayBuffer(4)), rules: [], port: port2 };
        const worker = new Worker(path.join(__dirname, "../../bin/check-worker.js"), { workerData: data, transferList: [port2] });
        const messages: unknown[] = [];
        port1.on("message", (message: unknown) => messages.push(message));
        const code = await new Promise((resolve) => worker.once("exit", resolve));
        // Node may emit the exit before this port's messages: take what is still queued, as readManifestInputs does.
        for (let m = receiveMessageOnPort(port1); m !== undefined; m = receiveMessageOnPort(port1)) messages.push(m.message);
        port1.close();
        expect(code).toBe(0);
        expect(messages).toEqual([["[0,null]"], DONE]);
    });

    it("reads on the main thread, in order, every file a worker hands back unread", async () => {
        // A worker that takes every file and hands each back as the real one does a file too large as JSON.
        const script = path.join(tmp, "handing-back-worker.js");
        fs.writeFileSync(script, `const { workerData: { files, next, port } } = require("node:worker_threads");
const batch = [];
for (let i = Atomics.add(next, 0, 1); i < files.length; i = Atomics.add(next, 0, 1)) batch.push(JSON.stringify([i, null]));
port.postMessage(batch);
port.postMessage(${JSON.stringify(DONE)});
port.close();`);
        const files = FILES.slice(0, 300);
        const alone = await readManifestInputs(files, [], 1);
        const handedBack = await readManifestInputs(files, [], 2, { parallelAfterBytes: 0, workerScript: script });
        expect(handedBack.filesPerThread).toEqual([files.length, 0]);
        expect(handedBack.inputs).toEqual(alone.inputs);
    });

    it("fails the check, never hangs on it, when a worker fails, ends before its last file or cannot start", async () => {
        const script = (name: string, body: string): string => {
            const file = path.join(tmp, name);
            fs.writeFileSync(file, body);
            return file;
        };
        // A worker that takes a file from the shared counter and then fails, or ends without a word.
        const take = 'const { workerData } = require("node:worker_threads"); Atomics.add(workerData.next, 0, 1);';
        const failing = script("failing-worker.js", `${take} throw new Error("the worker broke");`);
        const ending = script("ending-worker.js", `${take} process.exit(3);`);
        const files = FILES.slice(0, 200);
        await expect(readManifestInputs(files, [], 3, { parallelAfterBytes: 0, workerScript: failing }))
            .rejects.toThrow("a worker thread of the check failed: the worker broke (--jobs 1 reads every file on the main thread)");
        await expect(readManifestInputs(files, [], 2, { parallelAfterBytes: 0, workerScript: ending }))
            .rejects.toThrow("a worker thread of the check stopped (exit code 3) before it had read the files it took");
        // A worker that cannot start at all fails the check the same way.
        await expect(readManifestInputs(files, [], 2, { parallelAfterBytes: 0, workerScript: path.join(tmp, "no-such-worker.js") }))
            .rejects.toThrow(/a worker thread of the check failed: Cannot find module/);
    });

    it("reports the same whatever --jobs says: violations, waivers, errors, warnings and held-back findings alike", async () => {
        // Large enough that the command starts its threads.
        const bytes = FILES.reduce((sum, file) => sum + (fs.existsSync(file) && fs.statSync(file).isFile() ? fs.statSync(file).size : 0), 0);
        expect(bytes).toBeGreaterThan(2 * PARALLEL_AFTER_BYTES);
        const runs = await Promise.all(["1", "2", "4"].map((jobs) => check(TREE, "--format", "json", "--jobs", jobs, "--config", path.join(__dirname, "../../policies/config/prod.json"))));
        const [one, ...others] = runs;
        expect(one.status).toBe(2);
        const report = JSON.parse(one.stdout);
        expect(report.summary.objects).toBeGreaterThan(3000);
        expect(report.waived.length).toBeGreaterThan(0);
        expect(report.heldBack.length).toBeGreaterThan(0);
        expect(report.inputErrors.map((e: { source: string }) => path.basename(e.source))).toEqual(expect.arrayContaining(["broken.yaml", "nul.yaml", "stream.json", "list.yaml", "dangling.yaml", "device.yaml"]));
        expect(report.warnings.length).toBeGreaterThan(0);
        for (const other of others) expect(other).toEqual(one);
        const text = await Promise.all(["1", "2"].map((jobs) => check(TREE, "--jobs", jobs)));
        expect(text[1]).toEqual(text[0]);
    });

    it("refuses a --jobs that is no whole number from 1 to 64", async () => {
        for (const jobs of ["0", "65", "1.5", "two", "-1", ""]) {
            const { status, stderr } = await check(TREE, `--jobs=${jobs}`);
            expect(status, jobs).toBe(2);
            expect(stderr, jobs).toContain(`error: --jobs must be a whole number from 1 to 64, given "${jobs}"`);
        }
    });
});
