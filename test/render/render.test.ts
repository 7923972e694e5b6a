import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { parseAllDocuments, stringify } from "yaml";
import { main } from "../support/built-cli";
import { objectFile, renderStack, writeManifests } from "../../cli/render";
import { applyAnnotations } from "../../components/kube-resource";
import { KubeObject } from "../../components/specs/kube-object";
import { SECRET_PLACEHOLDER } from "../../program/stack-objects";
import { REPO, runProgram, SECRET_SIG, stackConfigFile } from "../support/run-program";

const key = (o: KubeObject) => `${o.apiVersion}/${o.kind}/${o.metadata.namespace ?? ""}/${o.metadata.name}`;

/** The object without the annotations only the Kubernetes provider reads (the renderer writes manifests for other tools). */
function withoutApplyAnnotations(object: KubeObject): KubeObject {
    const annotations = Object.fromEntries(Object.entries(object.metadata.annotations ?? {}).filter(([k]) => !(k in applyAnnotations(object))));
    const { annotations: _all, ...metadata } = object.metadata;
    return { ...object, metadata: Object.keys(annotations).length > 0 ? { ...metadata, annotations } : metadata };
}

/** What the program declares under mocks, as plain objects (secrets as the renderer's placeholder). */
async function declared(stack: string, config: Record<string, unknown>, secretKeys: string[] = []): Promise<Map<string, unknown>> {
    const run = await runProgram(stack, config, { secretKeys });
    const objects = run.registrations
        .filter((r) => r.type.startsWith("kubernetes:") && !r.type.endsWith("Patch"))
        .map((r) => {
            const inputs = JSON.parse(r.wire, (_k, v) => (v && typeof v === "object" && Object.values(v).includes(SECRET_SIG)
                ? Object.fromEntries(Object.keys(v.value).map((n) => [n, SECRET_PLACEHOLDER]))
                : v)) as KubeObject;
            expect(inputs.metadata.annotations, key(inputs)).toMatchObject(applyAnnotations(inputs));
            return withoutApplyAnnotations(inputs);
        });
    return new Map(objects.map((o) => [key(o), o]));
}

const temps: string[] = [];
function tempDir(): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kube-appstack-render-"));
    temps.push(dir);
    return dir;
}

/** A project directory holding what the repository's stacks read besides their stack file: the apps' config files. */
function projectDir(): string {
    const dir = tempDir();
    fs.cpSync(path.join(REPO, "app-config"), path.join(dir, "app-config"), { recursive: true });
    return dir;
}
afterEach(() => {
    for (const dir of temps.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

async function capture(argv: string[]) {
    let stdout = "";
    let stderr = "";
    const code = await main(argv, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
    return { code, stdout, stderr };
}

describe("kube-appstack render", () => {
    it.each(["dev", "staging", "prod"])("renders exactly what the program declares for %s, field by field", async (stack) => {
        const rendered = renderStack(REPO, stack);
        const program = await declared(stack, stackConfigFile(stack));
        expect(rendered.map(key).sort()).toEqual([...program.keys()].sort());
        for (const object of rendered) expect(object, key(object)).toEqual(program.get(key(object)));
    });

    it("renders secret env values as a placeholder, never in clear", async () => {
        const dir = projectDir();
        const config: Record<string, unknown> = {
            ...stackConfigFile("staging"),
            "kube-appstack:apiKey": { secure: "v1:AAAAAAAAAAAA:encrypted" },
        };
        (config["kube-appstack:apps"] as Array<Record<string, unknown>>)[0].secretConfig = { API_KEY: "apiKey" };
        fs.writeFileSync(path.join(dir, "Pulumi.fork.yaml"), stringify({ config }));
        const rendered = renderStack(dir, "fork");
        const secret = rendered.find((o) => o.kind === "Secret");
        expect(secret).toMatchObject({ metadata: { name: "web-secret-env" }, stringData: { API_KEY: SECRET_PLACEHOLDER } });
        expect(JSON.stringify(rendered)).not.toContain("encrypted");
        const program = await declared("fork", { ...config, "kube-appstack:apiKey": "the-real-value" }, ["kube-appstack:apiKey"]);
        expect(program.get(key(secret!))).toEqual(secret);
    });

    it("renders an Ingress and a weighted HTTPRoute as the program declares them, whatever the order of the weights", async () => {
        const dir = projectDir();
        const staging = stackConfigFile("staging");
        const [web] = staging["kube-appstack:apps"] as Array<Record<string, unknown>>;
        const route = { gateway: { name: "public" }, hostnames: ["www.example.com"], weights: { "web-canary": 1, web: 9 } };
        const canary = { ...web, name: "web-canary", route: undefined, service: { port: 8080 }, ingress: { hosts: ["canary.example.com"], tls: { clusterIssuer: "letsencrypt" } } };
        const config = { ...staging, "kube-appstack:apps": [{ ...web, route }, canary] };
        fs.writeFileSync(path.join(dir, "Pulumi.fork.yaml"), stringify({ config }));
        const rendered = renderStack(dir, "fork");
        const program = await declared("fork", { ...config, "kube-appstack:apps": [{ ...web, route: { ...route, weights: { web: 9, "web-canary": 1 } } }, canary] });
        const routing = rendered.filter((o) => ["Ingress", "HTTPRoute"].includes(o.kind));
        expect(routing.map(key)).toEqual(["gateway.networking.k8s.io/v1/HTTPRoute/apps/web", "networking.k8s.io/v1/Ingress/apps/web-canary"]);
        for (const object of routing) expect(object, key(object)).toEqual(program.get(key(object)));
        expect(rendered.map(key).sort()).toEqual([...program.keys()].sort());
    });

    it("renders an autoscaled restored app's backup, init containers and sidecars as the program declares them", async () => {
        const dir = projectDir();
        const prod = stackConfigFile("prod");
        const [web, cache] = prod["kube-appstack:apps"] as Array<Record<string, unknown>>;
        const restored = {
            ...cache, name: "cache-restored", replicas: undefined, autoscaling: { minReplicas: 1, maxReplicas: 4 }, disruption: undefined,
            storage: { size: "500Mi", storageClassName: "csi-ssd", restoreFrom: { snapshot: "data-cache-0-20261130023000" } },
            backup: { schedule: "0 3 * * MON-FRI", timeZone: "US/Eastern", volumeSnapshotClassName: "csi-snapclass", retain: 2 },
            initContainers: [{ name: "wait", image: "busybox:1.37.0", command: ["true"], secretEnv: { TOKEN: { secretName: "cache-token", key: "token" } }, volumeMounts: [{ volume: "data", readOnly: true }] }],
        };
        const config = { ...prod, "kube-appstack:apps": [web, cache, restored] };
        fs.writeFileSync(path.join(dir, "Pulumi.fork.yaml"), stringify({ config }));
        const rendered = renderStack(dir, "fork");
        const program = await declared("fork", config);
        expect(rendered.map(key).sort()).toEqual([...program.keys()].sort());
        for (const object of rendered) expect(object, key(object)).toEqual(program.get(key(object)));
        const cronJob = rendered.find((o) => key(o) === "batch/v1/CronJob/apps/cache-restored-backup") as unknown as { spec: { jobTemplate: { spec: { template: { spec: { containers: Array<{ command: string[] }> } } } } } };
        expect(cronJob.spec.jobTemplate.spec.template.spec.containers[0].command[2]).toContain("for claim in 'data-cache-restored-0' 'data-cache-restored-1' 'data-cache-restored-2' 'data-cache-restored-3'; do");
    });

    it("reads config values the way Pulumi passes them: `pulumi config set` writes scalars as strings", async () => {
        const dir = projectDir();
        fs.writeFileSync(path.join(dir, "Pulumi.cli.yaml"), stringify({ config: { ...stackConfigFile("prod"), "kube-appstack:protectData": "false" } }));
        const rendered = renderStack(dir, "cli");
        const program = await declared("cli", { ...stackConfigFile("prod"), "kube-appstack:protectData": "false" });
        expect(rendered.map(key).sort()).toEqual([...program.keys()].sort());
    });

    it("writes one file per object, and replaces its own previous output", async () => {
        const out = path.join(tempDir(), "out");
        const first = await capture(["render", "--stack", "prod", "--out", out, "--project-dir", REPO]);
        expect(first.code).toBe(0);
        expect(first.stderr).toMatch(/^rendered 29 objects of stack "prod" to /);
        const deployment = parseAllDocuments(fs.readFileSync(path.join(out, "apps", "deployment-web.yaml"), "utf8"))[0].toJS();
        expect(deployment.kind).toBe("Deployment");
        expect(fs.existsSync(path.join(out, "cluster", "persistentvolume-apps-shared-data.yaml"))).toBe(true);
        fs.writeFileSync(path.join(out, "apps", "stale.yaml"), "kind: ConfigMap\n");
        expect((await capture(["render", "--stack", "staging", "--out", out, "--project-dir", REPO])).code).toBe(0);
        expect(fs.existsSync(path.join(out, "apps", "stale.yaml"))).toBe(false);
        expect(fs.existsSync(path.join(out, "apps", "networkpolicy-default-deny-ingress.yaml"))).toBe(false);
    });

    it("prints a multi-document stream without --out", async () => {
        const { code, stdout } = await capture(["render", "--stack", "staging", "--project-dir", REPO]);
        expect(code).toBe(0);
        const docs = parseAllDocuments(stdout).map((d) => d.toJS() as KubeObject);
        expect(docs.map(objectFile)).toContain(path.join("apps", "statefulset-cache.yaml"));
    });

    it("refuses to clear a directory it did not write", async () => {
        const out = tempDir();
        fs.writeFileSync(path.join(out, "keep.txt"), "mine");
        const { code, stderr } = await capture(["render", "--stack", "prod", "--out", out, "--project-dir", REPO]);
        expect(code).toBe(2);
        expect(stderr).toContain("is not empty and was not written by kube-appstack render");
        expect(fs.readFileSync(path.join(out, "keep.txt"), "utf8")).toBe("mine");
    });

    it("exits 1 with every config problem, and 2 on a missing stack or flag", async () => {
        const dir = tempDir();
        fs.writeFileSync(path.join(dir, "Pulumi.bad.yaml"), stringify({ config: { "kube-appstack:cluster": {}, "kube-appstack:namespace": { name: "Apps" }, "kube-appstack:apps": [] } }));
        const bad = await capture(["render", "--stack", "bad", "--project-dir", dir]);
        expect(bad.code).toBe(1);
        expect(bad.stderr).toContain('Invalid configuration for stack "bad" (Pulumi.bad.yaml): 3 problems');
        const missing = await capture(["render", "--stack", "nope", "--project-dir", dir]);
        expect(missing.code).toBe(2);
        expect(missing.stderr).toBe(`error: no stack "nope" in ${dir}; allowed: bad\n`);
        expect((await capture(["render"])).code).toBe(2);
    });

    it("takes a stack name only, never a path to a file elsewhere", async () => {
        const dir = tempDir();
        const project = path.join(dir, "project");
        fs.mkdirSync(project);
        fs.copyFileSync(path.join(REPO, "Pulumi.staging.yaml"), path.join(dir, "Pulumi.outside.yaml"));
        fs.copyFileSync(path.join(REPO, "Pulumi.staging.yaml"), path.join(project, "Pulumi.staging.yaml"));
        const escape = await capture(["render", "--stack", "../Pulumi.outside.yaml/..", "--project-dir", project]);
        expect(escape.code).toBe(2);
        expect(escape.stderr).toBe(`error: not a stack name: "../Pulumi.outside.yaml/.." in ${project}; allowed: staging\n`);
        expect(escape.stdout).toBe("");
    });

    it("says what a stack file or its config section is when it is no mapping, and where YAML that does not parse breaks", async () => {
        const dir = tempDir();
        const files = { list: "[1]\n", scalar: "config: 5\n", listed: "config: [1, 2]\n", broken: "config:\n  kube-appstack:apps: [\n    {a: b\n" };
        for (const [stack, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, `Pulumi.${stack}.yaml`), text);
        const stderr = async (stack: string) => {
            const result = await capture(["render", "--stack", stack, "--project-dir", dir]);
            expect(result.code, stack).toBe(2);
            return result.stderr;
        };
        const file = (stack: string) => path.join(dir, `Pulumi.${stack}.yaml`);
        expect(await stderr("list")).toBe(`error: ${file("list")}: a stack file is a mapping with a config: section; given a list\n`);
        expect(await stderr("scalar")).toBe(`error: ${file("scalar")}: config must be a mapping of keys such as kube-appstack:apps; given 5\n`);
        expect(await stderr("listed")).toBe(`error: ${file("listed")}: config must be a mapping of keys such as kube-appstack:apps; given a list\n`);
        expect(await stderr("broken")).toMatch(new RegExp(`^error: ${file("broken")}: not valid YAML: .* at line 4, column 1\n$`));
    });

    it("refuses a stack file that would expand without bound (YAML aliases) or is too big, quickly and with one line", async () => {
        const dir = tempDir();
        const levels = Array.from({ length: 12 }, (_, i) => `  l${i + 1}: &l${i + 1} [${Array(10).fill(`*l${i}`).join(", ")}]`);
        fs.writeFileSync(path.join(dir, "Pulumi.bomb.yaml"), ["config:", "  l0: &l0 [lol]", ...levels, "  kube-appstack:apps: *l12", ""].join("\n"));
        const bomb = await capture(["render", "--stack", "bomb", "--project-dir", dir]);
        expect(bomb.code).toBe(2);
        expect(bomb.stderr).toMatch(/^error: \S+Pulumi\.bomb\.yaml: not valid YAML: .*alias/i);
        fs.writeFileSync(path.join(dir, "Pulumi.huge.yaml"), `config:\n  x: "${"a".repeat(2 * 1024 * 1024)}"\n`);
        const huge = await capture(["render", "--stack", "huge", "--project-dir", dir]);
        expect(huge.code).toBe(2);
        expect(huge.stderr).toMatch(/Pulumi\.huge\.yaml: \d+ bytes; allowed: at most 1048576\n$/);
    });

    it("refuses a stack file that is no regular file (a device, a pipe, a directory), with one line and without reading it", async () => {
        const dir = tempDir();
        fs.symlinkSync("/dev/zero", path.join(dir, "Pulumi.zero.yaml"));
        fs.mkdirSync(path.join(dir, "Pulumi.x.yaml"));
        execFileSync("mkfifo", [path.join(dir, "Pulumi.fifo.yaml")]);
        const zero = await capture(["render", "--stack", "zero", "--project-dir", dir]);
        expect(zero.code).toBe(2);
        expect(zero.stderr).toBe(`error: ${path.join(dir, "Pulumi.zero.yaml")}: a character device, not a regular file; allowed: a regular file (symbolic links are followed)\n`);
        const fifo = await capture(["render", "--stack", "fifo", "--project-dir", dir]);
        expect(fifo.stderr).toBe(`error: ${path.join(dir, "Pulumi.fifo.yaml")}: a named pipe, not a regular file; allowed: a regular file (symbolic links are followed)\n`);
        const directory = await capture(["render", "--stack", "x", "--project-dir", dir]);
        expect(directory.stderr).toBe(`error: ${path.join(dir, "Pulumi.x.yaml")}: a directory, not a regular file; allowed: a regular file (symbolic links are followed)\n`);
        fs.copyFileSync(path.join(REPO, "Pulumi.staging.yaml"), path.join(dir, "staging.yaml"));
        fs.symlinkSync("staging.yaml", path.join(dir, "Pulumi.linked.yaml"));
        fs.cpSync(path.join(REPO, "app-config"), path.join(dir, "app-config"), { recursive: true });
        expect((await capture(["render", "--stack", "linked", "--project-dir", dir])).code).toBe(0);
    });

    it("refuses two objects that map to one file, before writing anything", () => {
        const out = path.join(tempDir(), "out");
        const pv = (namespace?: string): KubeObject => ({ apiVersion: "v1", kind: "PersistentVolume", metadata: { name: "x", ...(namespace ? { namespace } : {}) } });
        // A namespace called "cluster" shares its directory with the cluster-scoped objects.
        expect(() => writeManifests(out, [pv(), pv("cluster")])).toThrow(/PersistentVolume x and PersistentVolume x would both be written to \S+cluster\/persistentvolume-x\.yaml; nothing was written/);
        expect(fs.existsSync(out)).toBe(false);
    });
});
