// The kube-appstack-kind provider plugin as the engine meets it: bin/pulumi-resource-kube-appstack-kind started as its
// own process (from the prebuilt bundle), spoken to over gRPC with the engine's own protocol messages, driving the fake
// kind. The engine tests (test/engine/kind-cluster.test.ts) run it under the real engine.
import { ChildProcess, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as grpc from "@grpc/grpc-js";
import { PluginInfo } from "@pulumi/pulumi/proto/plugin_pb";
import { ResourceProviderClient } from "@pulumi/pulumi/proto/provider_grpc_pb";
import {
    CheckRequest, ConfigureRequest, ConfigureResponse, CreateRequest, DeleteRequest, DiffRequest, DiffResponse, InvokeRequest,
    ReadRequest, UpdateRequest,
} from "@pulumi/pulumi/proto/provider_pb";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { KindClusterInputs, KindClusterOutputs } from "../../components/kind-cluster-provider";
import { version } from "../../package.json";
import { waitFor } from "../support/wait-for";
import { KindTestEnv, kindInputs, useFakeKind } from "./kind-env";

const PLUGIN = path.resolve(__dirname, "../../bin/pulumi-resource-kube-appstack-kind");

interface Plugin {
    child: ChildProcess;
    client: ResourceProviderClient;
    /** What the plugin wrote to stdout: the engine reads its first line as the port. */
    stdout(): string;
    stderr(): string;
}

/** The plugin's environment: the fake kind first on the PATH, and its own state and home. */
const startEnv = (env: KindTestEnv) => ({
    PATH: `${env.fake.dir}:${path.dirname(process.execPath)}:/usr/bin:/bin`, XDG_STATE_HOME: env.stateHome, HOME: env.stateHome, TMPDIR: os.tmpdir(),
});

/** Whether the process runs: it exists and is no zombie (a reparented process is reaped by whoever adopted it, maybe late). */
function running(pid: number): boolean {
    try {
        return !/^\d+ \(.*\) Z /.test(fs.readFileSync(`/proc/${pid}/stat`, "utf8"));
    } catch {
        return false;
    }
}

/** Starts the plugin as the engine does (the engine's address as its argument) and connects to the port it prints. */
async function startPlugin(env: KindTestEnv): Promise<Plugin> {
    // A stdin pipe this process holds, as the engine does.
    const child = spawn(PLUGIN, ["127.0.0.1:1"], { env: startEnv(env), stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stderr?.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    const port = await new Promise<string>((resolve, reject) => {
        child.stdout?.setEncoding("utf8").on("data", (chunk: string) => {
            stdout += chunk;
            if (stdout.includes("\n")) resolve(stdout.split("\n")[0]);
        });
        // "close", not "exit": only then has all of stderr arrived.
        child.on("close", (code) => reject(new Error(`the plugin exited (${code}) before printing its port: ${stderr}`)));
    });
    const client = new ResourceProviderClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
    return { child, client, stdout: () => stdout, stderr: () => stderr };
}

/** One unary call, as a promise. */
function call<Req, Res>(client: ResourceProviderClient, method: string, request: Req): Promise<Res> {
    return new Promise((resolve, reject) => {
        const fn = (client as unknown as Record<string, (r: Req, cb: (e: grpc.ServiceError | null, r: Res) => void) => void>)[method];
        fn.call(client, request, (error, response) => (error ? reject(error) : resolve(response)));
    });
}

const struct = (value: object) => Struct.fromJavaScript(JSON.parse(JSON.stringify(value)) as Record<string, never>);

describe("the kube-appstack-kind provider plugin", () => {
    let env: KindTestEnv;
    let plugin: Plugin;

    beforeEach(async () => {
        env = useFakeKind();
        plugin = await startPlugin(env);
    });
    afterEach(() => {
        plugin.client.close();
        plugin.child.kill("SIGKILL");
        env.restore();
    });

    const create = async (inputs: KindClusterInputs) => {
        const response = await call<CreateRequest, { getId(): string; getProperties(): Struct | undefined }>(
            plugin.client, "create", new CreateRequest().setUrn("urn:test").setType("kube-appstack-kind:index:Cluster").setProperties(struct(inputs)));
        return { id: response.getId(), outs: response.getProperties()?.toJavaScript() as unknown as KindClusterOutputs };
    };
    const diff = (olds: object, news: object) => call<DiffRequest, DiffResponse>(
        plugin.client, "diff", new DiffRequest().setId("dev").setUrn("urn:test").setOlds(struct(olds)).setNews(struct(news)));

    it("prints only its port, and says who it is and what it accepts", async () => {
        expect(plugin.stdout()).toMatch(/^\d+\n$/);
        const info = await call<Empty, PluginInfo>(plugin.client, "getPluginInfo", new Empty());
        expect(info.getVersion()).toBe(version);
        const configured = await call<ConfigureRequest, ConfigureResponse>(plugin.client, "configure", new ConfigureRequest().setArgs(struct({})));
        // No secrets in (so the engine strips them); previews are answered (below).
        expect(configured.getAcceptsecrets()).toBe(false);
        expect(configured.getSupportspreview()).toBe(true);
        // A state moved over from another provider (the dynamic provider before the plugin) keeps its cluster.
        const configDiff = await call<DiffRequest, DiffResponse>(plugin.client, "diffConfig", new DiffRequest().setOlds(struct({ x: "1" })).setNews(struct({})));
        expect(configDiff.getChanges()).toBe(DiffResponse.DiffChanges.DIFF_NONE);
        await expect(call(plugin.client, "invoke", new InvokeRequest().setTok("kube-appstack-kind:index:nothing")))
            .rejects.toMatchObject({ code: grpc.status.UNIMPLEMENTED });
    });

    it("writes its V8 code cache once it listens: the engine ends it with a signal, which fires no exit event", async () => {
        const cacheDir = path.resolve(__dirname, "../../bin-out/code-cache");
        const caches = () => (fs.existsSync(cacheDir) ? fs.readdirSync(cacheDir).filter((f) => /^kind-plugin-.*\.bin$/.test(f)) : []);
        plugin.client.close();
        plugin.child.kill("SIGKILL");
        for (const file of caches()) fs.rmSync(path.join(cacheDir, file));
        plugin = await startPlugin(env);
        // Written right after the port is printed.
        await waitFor("the plugin's code cache", 10_000, () => caches().length > 0, 20);
        const info = await call<Empty, PluginInfo>(plugin.client, "getPluginInfo", new Empty());
        expect(info.getVersion()).toBe(version);
        plugin.child.kill("SIGINT");
        expect(caches()).toHaveLength(1);
    });

    it("checks, creates, reads, updates and deletes a cluster through the fake kind", async () => {
        const inputs = kindInputs();
        const checked = await call<CheckRequest, { getInputs(): Struct | undefined }>(
            plugin.client, "check", new CheckRequest().setUrn("urn:test").setOlds(struct({})).setNews(struct(inputs)));
        expect(checked.getInputs()?.toJavaScript()).toEqual(inputs);

        const { id, outs } = await create(inputs);
        expect(id).toBe("dev");
        expect(outs).toMatchObject({ ...inputs, contextName: "kind-dev", nodeNames: ["dev-control-plane", "dev-worker", "dev-worker2"] });
        expect(outs.kubeconfig).toContain("current-context: kind-dev");
        expect(env.fake.clusters()).toEqual(["dev"]);

        const read = await call<ReadRequest, { getId(): string; getProperties(): Struct | undefined }>(
            plugin.client, "read", new ReadRequest().setId(id).setUrn("urn:test").setProperties(struct(outs)));
        expect(read.getId()).toBe("dev");
        expect(read.getProperties()?.toJavaScript()).toEqual(outs);

        const updated = await call<UpdateRequest, { getProperties(): Struct | undefined }>(
            plugin.client, "update", new UpdateRequest().setId(id).setUrn("urn:test").setOlds(struct(outs)).setNews(struct({ ...inputs, waitTimeout: "5m" })));
        expect(updated.getProperties()?.toJavaScript()).toEqual({ ...outs, waitTimeout: "5m" });

        await call(plugin.client, "delete", new DeleteRequest().setId(id).setUrn("urn:test").setProperties(struct(outs)));
        expect(env.fake.clusters()).toEqual([]);
        const gone = await call<ReadRequest, { getId(): string }>(
            plugin.client, "read", new ReadRequest().setId(id).setUrn("urn:test").setProperties(struct(outs)));
        expect(gone.getId()).toBe("");
    });

    it("answers previews without a kind command: a create's outputs unknown, an update's exactly what the update will write", async () => {
        const inputs = kindInputs();
        const planned = await call<CreateRequest, { getId(): string; getProperties(): Struct | undefined }>(
            plugin.client, "create", new CreateRequest().setUrn("urn:test").setProperties(struct(inputs)).setPreview(true));
        expect(planned.getId()).toBe("");
        // Only the inputs: the SDK shows the kubeconfig and the other outputs as unknown until the cluster exists.
        expect(planned.getProperties()?.toJavaScript()).toEqual(inputs);

        const outs = { ...inputs, kubeconfig: "k", contextName: "kind-dev", apiServerEndpoint: "https://127.0.0.1:1", nodeNames: ["dev-control-plane"] };
        const previewed = await call<UpdateRequest, { getProperties(): Struct | undefined }>(
            plugin.client, "update", new UpdateRequest().setId("dev").setUrn("urn:test").setOlds(struct(outs)).setNews(struct({ ...inputs, waitTimeout: "5m" })).setPreview(true));
        expect(previewed.getProperties()?.toJavaScript()).toEqual({ ...outs, waitTimeout: "5m" });
        expect(env.fake.calls()).toEqual([]);
    });

    it("diffs: the wait timeout updates in place, a shape change replaces (old cluster first), a state of the dynamic provider is no change", async () => {
        const inputs = kindInputs();
        const outs = { ...inputs, kubeconfig: "k", contextName: "kind-dev", apiServerEndpoint: "https://127.0.0.1:1", nodeNames: ["dev-control-plane"] };

        const same = await diff(outs, inputs);
        expect(same.getChanges()).toBe(DiffResponse.DiffChanges.DIFF_NONE);
        expect(same.getReplacesList()).toEqual([]);
        // What a dynamic provider's state carries besides the outputs: its serialized code.
        expect((await diff({ ...outs, __provider: "exports.handler = ..." }, inputs)).getChanges()).toBe(DiffResponse.DiffChanges.DIFF_NONE);

        const timeout = await diff(outs, { ...inputs, waitTimeout: "5m" });
        expect(timeout.getChanges()).toBe(DiffResponse.DiffChanges.DIFF_SOME);
        expect(timeout.getReplacesList()).toEqual([]);

        const workers = kindInputs({ workerNodes: 3 });
        const replaced = await diff(outs, workers);
        expect(replaced.getChanges()).toBe(DiffResponse.DiffChanges.DIFF_SOME);
        expect(replaced.getReplacesList()).toEqual(["workerNodes", "kindConfig"]);
        expect(replaced.getDeletebeforereplace()).toBe(true);
        // The engine shows the plugin's stderr in the preview. The pipe may deliver it after the call's answer.
        const said = /kind cluster "dev" will be deleted and created again because workerNodes, kindConfig changed/;
        await waitFor(`the plugin to say ${said} on stderr`, 5000, () => said.test(plugin.stderr()), 20);
    });

    it("a failed kind command is the call's error: the advice first, kind's own words after, no stack trace", async () => {
        env.fake.failNext({ command: "get clusters", stderr: "Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?\n" });
        const error = await create(kindInputs()).catch((e: grpc.ServiceError) => e);
        expect(error).toMatchObject({ code: grpc.status.UNKNOWN });
        const details = (error as grpc.ServiceError).details;
        expect(details).toMatch(/^Docker is not running, so kind cannot create or inspect cluster "dev"/);
        expect(details).toContain("Is the docker daemon running?");
        expect(details).not.toMatch(/\n\s+at /);
        expect(env.fake.clusters()).toEqual([]);
    });

    it("ends once the engine that started it is gone (a killed engine cannot stop its plugins): by its stdin, or by its parent", async () => {
        // A stand-in for the engine. It starts one plugin directly, with no stdin pipe: only the change of parent tells.
        // It starts another through a launcher that waits instead of replacing itself, so the parent never changes:
        // only the end of the stdin pipe the engine holds, passed on by the launcher, tells. It prints both pids.
        const launcher = `const p = require("node:child_process").spawn(${JSON.stringify(PLUGIN)}, ["127.0.0.1:1"], { stdio: ["inherit", "pipe", "inherit"] });
            p.stdout.once("data", () => console.log(p.pid)); p.on("exit", () => process.exit());`;
        const engine = spawn(process.execPath, ["-e", `
            const { spawn } = require("node:child_process");
            const direct = spawn(${JSON.stringify(PLUGIN)}, ["127.0.0.1:1"], { stdio: ["ignore", "pipe", "inherit"] });
            const launched = spawn(process.execPath, ["-e", ${JSON.stringify(launcher)}], { stdio: ["pipe", "pipe", "inherit"] });
            const pids = [direct, launched].map((child) => new Promise((resolve) => child.stdout.once("data", (d) => resolve(child === direct ? direct.pid : Number(d)))));
            Promise.all(pids).then((both) => console.log(both.join(" ")));
            setInterval(() => undefined, 60_000);`], { env: startEnv(env), stdio: ["ignore", "pipe", "inherit"] });
        const pids = await new Promise<number[]>((resolve, reject) => {
            engine.stdout.setEncoding("utf8").once("data", (line: string) => resolve(line.trim().split(" ").map(Number)));
            engine.once("close", (code) => reject(new Error(`the stand-in engine ended (${code}) before both plugins served`)));
        });
        try {
            expect(pids).toHaveLength(2);
            for (const pid of pids) expect(running(pid)).toBe(true);
            engine.kill("SIGKILL");
            // At once by stdin, within a second by the parent.
            await waitFor("both plugins to end", 10_000, () => !pids.some(running), 100);
        } finally {
            engine.kill("SIGKILL");
            for (const pid of pids) if (running(pid)) process.kill(pid, "SIGKILL");
        }
    });

    it("a create interrupted by killing the plugin leaves nothing that blocks the next create", async () => {
        env.fake.failNext({ command: "create cluster", hang: true });
        const interrupted = create(kindInputs()).catch((e: Error) => e);
        const hungPid = path.join(env.fake.dir, "hung.pid");
        // Wait (not a timing assertion) until kind is halfway: the node containers exist and kind is still running.
        await waitFor("kind to be halfway through the create", 10_000, () => fs.existsSync(hungPid) && fs.readFileSync(hungPid, "utf8") !== "", 50);
        plugin.child.kill("SIGKILL");
        process.kill(Number(fs.readFileSync(hungPid, "utf8")), "SIGKILL");
        expect(await interrupted).toMatchObject({ code: grpc.status.UNAVAILABLE });
        expect(env.fake.clusters()).toEqual(["dev"]);
        // The killed process could not remove its temporary directory (the config file kind was reading).
        const configFile = env.fake.calls().find((argv) => argv[0] === "create")?.[5];
        expect(configFile).toMatch(new RegExp(`^${os.tmpdir()}/kube-appstack-kind-[^/]+/kind-config\\.yaml$`));
        fs.rmSync(path.dirname(configFile as string), { recursive: true, force: true });

        plugin.client.close();
        plugin = await startPlugin(env);
        const { outs } = await create(kindInputs());
        expect(env.fake.calls().slice(-4).map((argv) => argv.slice(0, 2).join(" "))).toEqual([
            "get clusters", "delete cluster", "create cluster", "get nodes",
        ]);
        expect(outs.nodeNames).toEqual(["dev-control-plane", "dev-worker", "dev-worker2"]);
    });
});
