import * as fs from "fs";
import * as os from "os";
import * as path from "path";

/** A scripted failure: the next kind command that starts with `command` fails (once) instead of doing its work. */
export interface FakeKindFailure {
    /** The kind subcommand to fail, e.g. "create cluster", "get clusters", "delete cluster". */
    command: string;
    /** What the fake writes to stderr, e.g. a real kind error message. @default "" */
    stderr?: string;
    /** @default 1 */
    exitCode?: number;
    /** Register the cluster before failing, like a create that got halfway (node containers exist). @default false */
    partial?: boolean;
    /**
     * Register the cluster, write the fake's pid to `<dir>/hung.pid` and never exit: a create that is interrupted from
     * outside (the test kills it). @default false
     */
    hang?: boolean;
}

/** A stand-in `kind` executable in its own directory; its state (clusters, calls, scripted failures) lives in files there. */
export interface FakeKind {
    /** The directory holding the `kind` script: put it first on PATH. */
    dir: string;
    /** PATH with `dir` first, for `process.env.PATH` or a child process's environment. */
    path: string;
    /** argv of every kind invocation so far, oldest first. */
    calls(): string[][];
    /** Names of the clusters that exist now. */
    clusters(): string[];
    /** The config file a cluster was created with, as kind received it. */
    configOf(name: string): string | undefined;
    /** A cluster made outside Pulumi (one control plane). */
    addCluster(name: string): void;
    /** Replaces what `kind get kubeconfig` prints for a cluster. */
    setKubeconfig(name: string, kubeconfig: string): void;
    /** A cluster deleted by hand (`kind delete cluster` outside Pulumi). */
    removeCluster(name: string): void;
    failNext(failure: FakeKindFailure): void;
}

interface FakeState {
    clusters: Record<string, { nodes: string[]; kubeconfig: string; config?: string }>;
    failures: FakeKindFailure[];
    nextPort: number;
}

// The fake is plain CommonJS for node, so it runs wherever the provider runs: in the test process, in the kind plugin's
// process and under the real Pulumi engine (issue 5). It mirrors kind v0.29's output and messages.
const SCRIPT = String.raw`#!/usr/bin/env node
"use strict";
const fs = require("fs");
const path = require("path");
const dir = __dirname;
const statePath = path.join(dir, "state.json");
const argv = process.argv.slice(2);
fs.appendFileSync(path.join(dir, "calls.jsonl"), JSON.stringify(argv) + "\n");
const state = JSON.parse(fs.readFileSync(statePath, "utf8"));
const save = () => fs.writeFileSync(statePath, JSON.stringify(state, null, 2));
const flag = (f) => { const i = argv.indexOf("--" + f); return i === -1 ? undefined : argv[i + 1]; };
const command = argv.slice(0, 2).join(" ");
const name = flag("name") || "kind";

function kubeconfigFor(port) {
    const ctx = "kind-" + name;
    return [
        "apiVersion: v1",
        "clusters:",
        "- cluster:",
        "    certificate-authority-data: RkFLRS1DQQ==",
        "    server: https://127.0.0.1:" + port,
        "  name: " + ctx,
        "contexts:",
        "- context:",
        "    cluster: " + ctx,
        "    user: " + ctx,
        "  name: " + ctx,
        "current-context: " + ctx,
        "kind: Config",
        "preferences: {}",
        "users:",
        "- name: " + ctx,
        "  user:",
        "    client-certificate-data: RkFLRS1DRVJU",
        "    client-key-data: RkFLRS1LRVk=",
        "",
    ].join("\n");
}

function register() {
    const configPath = flag("config");
    const config = configPath ? fs.readFileSync(configPath, "utf8") : undefined;
    const count = (role) => config ? (config.match(new RegExp("role: " + role + "\\s*$", "gm")) || []).length : 0;
    const numbered = (base, n) => Array.from({ length: n }, (_, i) => name + "-" + base + (i === 0 ? "" : String(i + 1)));
    const nodes = [...numbered("control-plane", Math.max(1, count("control-plane"))), ...numbered("worker", count("worker"))];
    state.clusters[name] = { nodes, kubeconfig: kubeconfigFor(40000 + state.nextPort++), config };
}

const failureAt = state.failures.findIndex((f) => command === f.command);
if (failureAt !== -1) {
    const failure = state.failures.splice(failureAt, 1)[0];
    if (failure.partial || failure.hang) register();
    save();
    if (failure.hang) {
        fs.writeFileSync(path.join(dir, "hung.pid"), String(process.pid));
        setInterval(() => undefined, 60000);
        return;
    }
    process.stderr.write(failure.stderr || "");
    process.exit(failure.exitCode === undefined ? 1 : failure.exitCode);
}

switch (command) {
    case "create cluster": {
        if (state.clusters[name]) {
            process.stderr.write("ERROR: failed to create cluster: node(s) already exist for a cluster with the name \"" + name + "\"\n");
            process.exit(1);
        }
        process.stderr.write("Creating cluster \"" + name + "\" ...\n");
        register();
        const kubeconfig = flag("kubeconfig");
        if (kubeconfig) fs.writeFileSync(kubeconfig, state.clusters[name].kubeconfig);
        save();
        break;
    }
    case "delete cluster":
        process.stderr.write("Deleting cluster \"" + name + "\" ...\n");
        delete state.clusters[name];
        save();
        break;
    case "get clusters": {
        const names = Object.keys(state.clusters).sort();
        if (names.length === 0) process.stderr.write("No kind clusters found.\n");
        else process.stdout.write(names.join("\n") + "\n");
        break;
    }
    case "get nodes": {
        const cluster = state.clusters[name];
        if (!cluster) process.stderr.write("No kind nodes found for cluster \"" + name + "\".\n");
        else process.stdout.write(cluster.nodes.join("\n") + "\n");
        break;
    }
    case "get kubeconfig": {
        const cluster = state.clusters[name];
        if (!cluster) {
            process.stderr.write("ERROR: could not locate any control plane nodes for cluster named '" + name + "'. Use the --name option to select a different cluster\n");
            process.exit(1);
        }
        process.stdout.write(cluster.kubeconfig);
        break;
    }
    case "version":
        process.stdout.write("kind v0.29.0 go1.24.2 linux/amd64\n");
        break;
    default:
        process.stderr.write("ERROR: unknown command \"" + argv.join(" ") + "\" for \"kind\"\n");
        process.exit(1);
}
`;

// A stand-in `docker` for the one command the provider runs itself: reading a node's /kind/kubeadm.conf, where kind
// writes the node's labels as the kubelet's node-labels.
const DOCKER_SCRIPT = String.raw`#!/usr/bin/env node
"use strict";
const fs = require("fs");
const path = require("path");
const argv = process.argv.slice(2);
const state = JSON.parse(fs.readFileSync(path.join(__dirname, "state.json"), "utf8"));
const node = argv[1] || "";
const cluster = Object.values(state.clusters).find((c) => c.nodes.includes(node));
if (argv[0] !== "exec" || argv.slice(2).join(" ") !== "cat /kind/kubeadm.conf" || !cluster) {
    process.stderr.write("Error response from daemon: No such container: " + node + "\n");
    process.exit(1);
}
const labels = [...(cluster.config || "").matchAll(/^\s+(kube-appstack\.io\/[a-z-]+): (\S+)$/gm)].map((m) => m[1] + "=" + m[2]);
process.stdout.write("kind: InitConfiguration\nnodeRegistration:\n  kubeletExtraArgs:\n    node-labels: \"" + labels.join(",") + "\"\n");
`;

/** Writes a fake `kind` into `dir` (a new temporary directory by default) with no clusters. */
export function writeFakeKind(dir: string = fs.mkdtempSync(path.join(os.tmpdir(), "fake-kind-"))): FakeKind {
    const statePath = path.join(dir, "state.json");
    const callsPath = path.join(dir, "calls.jsonl");
    const initial: FakeState = { clusters: {}, failures: [], nextPort: 0 };
    fs.writeFileSync(statePath, JSON.stringify(initial));
    fs.writeFileSync(callsPath, "");
    fs.writeFileSync(path.join(dir, "kind"), SCRIPT, { mode: 0o755 });
    fs.writeFileSync(path.join(dir, "docker"), DOCKER_SCRIPT, { mode: 0o755 });
    const read = (): FakeState => JSON.parse(fs.readFileSync(statePath, "utf8")) as FakeState;
    const write = (state: FakeState): void => fs.writeFileSync(statePath, JSON.stringify(state, null, 2));
    return {
        dir,
        path: [dir, process.env.PATH ?? ""].join(path.delimiter),
        calls: () => fs.readFileSync(callsPath, "utf8").split("\n").filter((l) => l !== "").map((l) => JSON.parse(l) as string[]),
        clusters: () => Object.keys(read().clusters).sort(),
        configOf: (name) => read().clusters[name]?.config,
        addCluster: (name) => {
            const state = read();
            state.clusters[name] = { nodes: [`${name}-control-plane`], kubeconfig: `server: https://127.0.0.1:${39000 + state.nextPort++}\n` };
            write(state);
        },
        setKubeconfig: (name, kubeconfig) => {
            const state = read();
            state.clusters[name].kubeconfig = kubeconfig;
            write(state);
        },
        removeCluster: (name) => {
            const state = read();
            delete state.clusters[name];
            write(state);
        },
        failNext: (failure) => {
            const state = read();
            state.failures.push(failure);
            write(state);
        },
    };
}
