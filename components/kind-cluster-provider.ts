// The provider behind KindCluster: create, read, diff, update and delete of a kind cluster, driving the `kind` CLI on
// PATH. The kube-appstack-kind provider plugin (plugin/kind-plugin.ts) serves it to the Pulumi engine; the tests call
// it directly.
import * as childProcess from "node:child_process";
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { ResolvedKindClusterArgs } from "./kind-config";

/**
 * The Pulumi package of the kind provider plugin: the engine starts `pulumi-resource-kube-appstack-kind` for it, from
 * the directory the project's Pulumi.yaml names under `plugins.providers` (bin/ here).
 */
export const KIND_PROVIDER_PACKAGE = "kube-appstack-kind";
/** The resource type the plugin serves: one kind cluster. */
export const KIND_CLUSTER_TYPE = `${KIND_PROVIDER_PACKAGE}:index:Cluster`;

/** What the provider receives: the resolved args plus the kind config file rendered from them. */
export interface KindClusterInputs extends ResolvedKindClusterArgs {
    kindConfig: string;
    /** `<project>/<stack>` of the stack that owns the cluster: an interrupted create's marker names it. */
    owner: string;
}

/** What the provider records after `kind create cluster`. */
export interface KindClusterOutputs extends KindClusterInputs {
    kubeconfig: string;
    contextName: string;
    apiServerEndpoint: string;
    nodeNames: string[];
}

interface KindRun {
    code: number | null;
    signal: string | null;
    stdout: string;
    stderr: string;
}

function kindMissingError(): Error {
    return new Error(
        "kind is not on PATH (the `kind` command was not found). The dev stack creates its local cluster with kind: " +
        "install kind v0.29.0 or newer (https://kind.sigs.k8s.io/docs/user/quick-start/#installation), check that " +
        "`kind version` works in the shell that runs pulumi, then run `pulumi up` again.",
    );
}

function nameTakenAdvice(name: string): string {
    return `A kind cluster named "${name}" already exists and this Pulumi stack does not own it. Delete it with ` +
        `\`kind delete cluster --name ${name}\` if you no longer need it, or give this stack's cluster another name ` +
        "(KindCluster arg `name`; stack config `cluster.kind.name`), then run `pulumi up` again.";
}

/**
 * `text` without kubeconfig credentials: the values of certificate, key, token and password fields and any PEM block.
 * Every message built from kind's output or a kubeconfig goes through it.
 */
function redactCredentials(text: string): string {
    return text
        .replace(/-----BEGIN [A-Z ]+-----[\s\S]*?(-----END [A-Z ]+-----|$)/g, "<redacted PEM block>")
        .replace(/((?:certificate-authority-data|client-certificate-data|client-key-data|token|password)\s*:\s*)\S+/gi, "$1<redacted>");
}

function runCommand(command: string, args: string[]): Promise<KindRun> {
    return new Promise((resolve, reject) => {
        const child = childProcess.spawn(command, args, { stdio: ["ignore", "pipe", "pipe"] });
        let stdout = "";
        let stderr = "";
        // Decoded as a stream: a character split between two reads stays whole.
        child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
        child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
        child.on("error", (err: NodeJS.ErrnoException) => (err.code === "ENOENT"
            ? (command === "kind" ? reject(kindMissingError()) : resolve({ code: null, signal: null, stdout: "", stderr: `${command} not found` }))
            : reject(err)));
        child.on("close", (code, signal) => resolve({ code, signal, stdout, stderr }));
    });
}

function runKind(args: string[]): Promise<KindRun> {
    return runCommand("kind", args);
}

/** One error for a failed kind command: what to do first, then the command and kind's own stderr. */
function kindFailure(args: string[], run: KindRun, cluster: Pick<KindClusterInputs, "name" | "nodeImage">, note = ""): Error {
    const stderr = redactCredentials(run.stderr.trim());
    const lines = stderr.split("\n");
    const tail = lines.length > 40 ? ["...", ...lines.slice(-40)].join("\n") : stderr;
    const advice: [RegExp, string][] = [
        [/permission denied while trying to connect to the docker/i,
            "Docker refused the connection for this user: add the user to the docker group (`sudo usermod -aG docker $USER`, " +
            "then log in again) or use Docker Desktop, check that `docker ps` works, then run `pulumi up` again."],
        [/cannot connect to the docker daemon|is the docker daemon running|error during connect|failed to connect to the docker api/i,
            `Docker is not running, so kind cannot create or inspect cluster "${cluster.name}": start Docker (Docker Desktop, ` +
            "or `sudo systemctl start docker` on Linux), check that `docker ps` works, then run `pulumi up` again."],
        [/"(docker|podman|nerdctl)": executable file not found/i,
            "kind found no container engine: install Docker (https://docs.docker.com/get-docker/) or Podman, check that " +
            "`docker ps` works, then run `pulumi up` again."],
        [/node\(s\) already exist for a cluster with the name/i, nameTakenAdvice(cluster.name)],
        [/port is already allocated|address already in use|ports are not available/i,
            "A host port in extraPortMappings is already in use (by another kind cluster? see `kind get clusters`): stop " +
            "what listens there or change extraPortMappings[].hostPort, then run `pulumi up` again."],
        [/failed to pull image|pull access denied|manifest unknown|not found: manifest|invalid reference format/i,
            `kind could not pull the node image "${cluster.nodeImage}": set nodeImage to a kindest/node image listed in the ` +
            "release notes of your kind version (`kind version`), check registry access, then run `pulumi up` again."],
    ];
    const first = advice.find(([pattern]) => pattern.test(stderr));
    const how = run.signal ? `was killed by ${run.signal}` : `exited with code ${run.code}`;
    const summary = `\`kind ${args.join(" ")}\` ${how}.`;
    const said = stderr === "" ? "kind wrote nothing to stderr." : `kind's stderr:\n${tail}`;
    return new Error([first ? first[1] : summary, first ? summary : "", note, said].filter((s) => s !== "").join("\n"));
}

async function kindOk(args: string[], cluster: Pick<KindClusterInputs, "name" | "nodeImage">): Promise<string> {
    const run = await runKind(args);
    if (run.code !== 0) throw kindFailure(args, run, cluster);
    return run.stdout;
}

async function kindClusters(cluster: Pick<KindClusterInputs, "name" | "nodeImage">): Promise<string[]> {
    // With no clusters kind prints "No kind clusters found." on stderr and nothing on stdout.
    const stdout = await kindOk(["get", "clusters"], cluster);
    return stdout.split("\n").map((line) => line.trim()).filter((line) => line !== "");
}

// Written before `kind create cluster` and removed once it has succeeded or been cleaned up: a marker left behind means
// a create was interrupted (Ctrl-C, a killed process). It names the stack and a random id that the create also writes
// into the cluster (a label of the first control-plane node, which kind writes into the node's /kind/kubeadm.conf), so
// the next create deletes a same-named cluster only when it is this stack's and carries that id: a marker alone, keyed
// by a cluster name any other stack or person may use, proves nothing.
interface PendingCreate {
    owner: string;
    createId: string;
}

const CREATE_ID_LABEL = "kube-appstack.io/create-id";

function pendingCreateMarker(name: string): string {
    const stateHome = process.env.XDG_STATE_HOME || path.join(os.homedir(), ".local", "state");
    return path.join(stateHome, "kube-appstack", "kind-creating", name);
}

/** Host ports that something on this machine already listens on; docker would fail on them halfway through a create. */
async function busyHostPorts(mappings: KindClusterInputs["extraPortMappings"]): Promise<string[]> {
    const busy: string[] = [];
    for (const [index, m] of mappings.entries()) {
        if (m.protocol !== "TCP") continue;
        const failure = await new Promise<string | undefined>((resolve) => {
            const server = net.createServer();
            server.once("error", (err: NodeJS.ErrnoException) => resolve(err.code));
            server.listen(m.hostPort, m.listenAddress, () => server.close(() => resolve(undefined)));
        });
        // EACCES only says that this process may not bind a low port; the Docker daemon may.
        if (failure === "EADDRINUSE" || failure === "EADDRNOTAVAIL") {
            const why = failure === "EADDRINUSE" ? "is already in use" : "is not an address of this machine";
            busy.push(`extraPortMappings[${index}]: ${m.listenAddress}:${m.hostPort}/TCP ${why}`);
        }
    }
    return busy;
}

function readPendingCreate(marker: string): PendingCreate | undefined {
    try {
        const parsed = JSON.parse(fs.readFileSync(marker, "utf8")) as Partial<PendingCreate>;
        return typeof parsed.owner === "string" && typeof parsed.createId === "string" ? { owner: parsed.owner, createId: parsed.createId } : undefined;
    } catch {
        return undefined; // absent, or written by an older version: proves nothing
    }
}

/** The kind config with the create id as a label of the first control-plane node (which has no labels of its own). */
export function withCreateId(kindConfig: string, createId: string): string {
    return kindConfig.replace(/^(\s*)- role: control-plane$/m, (line: string, indent: string) =>
        `${line}\n${indent}  labels:\n${indent}    ${CREATE_ID_LABEL}: ${createId}`);
}

/** Whether the cluster's first control-plane node was made by the create that wrote `createId`. */
async function carriesCreateId(name: string, createId: string): Promise<boolean> {
    const run = await runCommand("docker", ["exec", `${name}-control-plane`, "cat", "/kind/kubeadm.conf"]);
    return run.code === 0 && run.stdout.includes(`${CREATE_ID_LABEL}=${createId}`);
}

async function clusterFacts(name: string, kubeconfig: string, cluster: Pick<KindClusterInputs, "name" | "nodeImage">) {
    const server = /^\s*server:\s*(\S+)\s*$/m.exec(kubeconfig);
    // Not the kubeconfig itself: it holds the cluster's admin credentials.
    if (!server) throw new Error(`kind returned a kubeconfig for cluster "${name}" without a \`server:\` line, so its API server cannot be reached (the kubeconfig is not shown: it holds the cluster's credentials). Run \`kind get kubeconfig --name ${name}\` to look at it.`);
    const nodes = await kindOk(["get", "nodes", "--name", name], cluster);
    return {
        kubeconfig,
        contextName: `kind-${name}`,
        apiServerEndpoint: server[1],
        nodeNames: nodes.split("\n").map((line) => line.trim()).filter((line) => line !== "").sort(),
    };
}

/** Runs `kind delete cluster`, pointing it at a throw-away kubeconfig so that the user's ~/.kube/config is never edited. */
async function deleteKindCluster(name: string): Promise<KindRun> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kube-appstack-kind-"));
    try {
        return await runKind(["delete", "cluster", "--name", name, "--kubeconfig", path.join(dir, "kubeconfig")]);
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
}

function inputsOf(props: KindClusterInputs): KindClusterInputs {
    const { name, nodeImage, controlPlaneNodes, workerNodes, extraPortMappings, extraMounts, nodeLabels, waitTimeout, kindConfig, owner } = props;
    return { name, nodeImage, controlPlaneNodes, workerNodes, extraPortMappings, extraMounts, nodeLabels, waitTimeout, kindConfig, owner };
}

/** JSON with object keys sorted, so that a reordered map in the stack config is not a change. */
function canonical(value: unknown): string {
    return JSON.stringify(value, (_key, v: unknown) => (typeof v === "object" && v !== null && !Array.isArray(v)
        ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
        : v));
}

/**
 * The provider behind KindCluster: the cluster's id is its kind name, and the `kind` CLI on PATH does the work.
 * Exported so tests can call it directly.
 */
export const kindClusterProvider = {
    async create(inputs: KindClusterInputs): Promise<{ id: string; outs: KindClusterOutputs }> {
        const { name } = inputs;
        const marker = pendingCreateMarker(name);
        if ((await kindClusters(inputs)).includes(name)) {
            const pending = readPendingCreate(marker);
            if (pending?.owner !== inputs.owner) throw new Error(nameTakenAdvice(name));
            if (!(await carriesCreateId(name, pending.createId))) {
                throw new Error(`${nameTakenAdvice(name)}\nAn interrupted create of this stack left a marker (${marker}), but the ` +
                    "cluster does not carry that create's id, so it may be someone else's and is left alone.");
            }
            const leftover = await deleteKindCluster(name);
            if (leftover.code !== 0) throw kindFailure(["delete", "cluster", "--name", name], leftover, inputs,
                `Could not delete the half-made cluster "${name}" that an interrupted create left behind.`);
        }
        const busy = await busyHostPorts(inputs.extraPortMappings);
        if (busy.length > 0) {
            throw new Error(`Cannot create kind cluster "${name}": ${busy.join("; ")}. Stop what listens there (another ` +
                "kind cluster? see `kind get clusters`; `lsof -i :<port>` shows the process) or choose another hostPort, " +
                "then run `pulumi up` again.");
        }
        const pending: PendingCreate = { owner: inputs.owner, createId: crypto.randomUUID() };
        fs.mkdirSync(path.dirname(marker), { recursive: true });
        fs.writeFileSync(marker, `${JSON.stringify({ ...pending, pid: process.pid, started: new Date().toISOString() })}\n`);
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kube-appstack-kind-"));
        try {
            const configFile = path.join(dir, "kind-config.yaml");
            const kubeconfigFile = path.join(dir, "kubeconfig");
            fs.writeFileSync(configFile, withCreateId(inputs.kindConfig, pending.createId));
            const args = ["create", "cluster", "--name", name, "--config", configFile, "--kubeconfig", kubeconfigFile,
                "--wait", inputs.waitTimeout];
            const created = await runKind(args);
            try {
                if (created.code !== 0) throw kindFailure(args, created, inputs);
                const facts = await clusterFacts(name, fs.readFileSync(kubeconfigFile, "utf8"), inputs);
                fs.rmSync(marker, { force: true });
                return { id: name, outs: { ...inputsOf(inputs), ...facts } };
            } catch (err) {
                // Pulumi records nothing for a failed create, so nothing may be left behind that blocks the next one.
                const cleanup = await deleteKindCluster(name);
                const note = cleanup.code === 0
                    ? `The partial cluster "${name}" was deleted.`
                    : `Deleting the partial cluster "${name}" failed too; run \`kind delete cluster --name ${name}\` before the next \`pulumi up\`.`;
                if (cleanup.code === 0) fs.rmSync(marker, { force: true });
                throw new Error(`${(err as Error).message}\n${note}`);
            }
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    },

    async read(id: string, props: KindClusterOutputs): Promise<{ id: string; props: Partial<KindClusterOutputs> }> {
        // A cluster deleted by hand (`kind delete cluster`) reads as gone, so the next `pulumi up` creates it again.
        if (!(await kindClusters(props)).includes(id)) return { id: "", props: {} };
        const kubeconfig = await kindOk(["get", "kubeconfig", "--name", id], props);
        return { id, props: { ...inputsOf(props), ...(await clusterFacts(id, kubeconfig, props)) } };
    },

    async diff(_id: string, olds: KindClusterOutputs, news: KindClusterInputs) {
        const replacing: (keyof KindClusterInputs)[] = [
            "name", "nodeImage", "controlPlaneNodes", "workerNodes", "extraPortMappings", "extraMounts", "nodeLabels", "kindConfig",
        ];
        const replaces = replacing.filter((key) => canonical(olds[key]) !== canonical(news[key]));
        if (replaces.length === 0) return { changes: olds.waitTimeout !== news.waitTimeout };
        // The engine shows a provider plugin's stderr in the preview: say why a whole cluster goes away.
        process.stderr.write(`kind cannot change a running cluster: kind cluster "${olds.name}" will be deleted and ` +
            `created again because ${replaces.join(", ")} changed. Workloads and data inside the nodes go with it; ` +
            "directories mounted from the laptop (extraMounts) stay.\n");
        // kind names are unique, so the old cluster has to go before its replacement can take the name.
        return { changes: true, replaces, deleteBeforeReplace: true };
    },

    // Only the wait timeout can change without a replacement, and it matters only while creating.
    async update(id: string, olds: KindClusterOutputs, news: KindClusterInputs): Promise<{ outs: KindClusterOutputs }> {
        return { outs: kindClusterProvider.previewUpdate(id, olds, news) };
    },

    // An update touches nothing, so its preview knows the outputs exactly: the kubeconfig stays known, and nothing on the
    // cluster reads as changing.
    previewUpdate(_id: string, olds: KindClusterOutputs, news: KindClusterInputs): KindClusterOutputs {
        return { ...olds, waitTimeout: news.waitTimeout };
    },

    async delete(id: string, props: KindClusterOutputs): Promise<void> {
        // kind succeeds when the cluster is already gone, so destroy works after a hand-made `kind delete cluster`.
        const run = await deleteKindCluster(id);
        if (run.code !== 0) throw kindFailure(["delete", "cluster", "--name", id], run, props);
        fs.rmSync(pendingCreateMarker(id), { force: true });
    },
};
