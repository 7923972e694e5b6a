// The local cluster: a real Kubernetes control plane (etcd, kube-apiserver, kube-controller-manager, kube-scheduler),
// metrics-server and KWOK's fake kubelets, run by kwokctl's binary runtime as local processes, plus kind's storage
// provisioner run beside it. Everything lives in one folder of the repository (.local-cluster/), listens on loopback
// only, and `down` stops exactly the processes `up` started. See docs/local-cluster.md.
import { spawn, spawnSync, SpawnSyncOptions } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { stringify } from "yaml";
import { CRD_SOURCES, crdFiles } from "./crds";
import { localClusterStages } from "./emulation";
import { kindStorage } from "./kind-storage";
import { CLUSTER_COMPONENTS, kwokctlConfiguration } from "./kwokctl-config";
import { localNodes, nodeObject } from "./nodes";

export const repoRoot = path.resolve(__dirname, "..", "..");

/** The cluster's name, as kind would name the dev cluster's sibling; kwokctl names its kubeconfig context `kwok-<name>`. */
export const CLUSTER_NAME = "kube-appstack-local";
export const CONTEXT = `kwok-${CLUSTER_NAME}`;

/** Everything the cluster owns: kwokctl's work folder, certificates, etcd data, logs, kubeconfig and PID files. */
export const stateDir = path.join(repoRoot, ".local-cluster");
/** The kubeconfig of the cluster (admin credentials, context CONTEXT). Nothing else's kubeconfig is ever touched. */
export const kubeconfigPath = path.join(stateDir, "kubeconfig");
const kwokWorkdir = path.join(stateDir, "kwok");
const provisionerPidFile = path.join(stateDir, "local-path-provisioner.pid");
const provisionerLog = path.join(stateDir, "local-path-provisioner.log");

/** How long `up` waits for each step (nodes ready, metrics API available) before it gives up and says which. */
const STEP_TIMEOUT = "120s";

export function toolsBin(): string {
    return process.env.TOOLS_BIN ?? path.join(repoRoot, ".tools", "bin");
}

export function tool(name: string): string {
    return path.join(toolsBin(), name);
}

function log(message: string): void {
    console.log(`local-cluster: ${message}`);
}

class StepError extends Error {}

function run(command: string, args: string[], options: SpawnSyncOptions & { input?: string } = {}): string {
    const result = spawnSync(command, args, { encoding: "utf8", maxBuffer: 64 * 1024 * 1024, ...options });
    if (result.error) throw new StepError(`${path.basename(command)} could not start: ${result.error.message}`);
    if (result.status !== 0) {
        const output = `${result.stdout ?? ""}${result.stderr ?? ""}`.trim();
        throw new StepError(`${path.basename(command)} ${args.join(" ")} failed (exit ${result.status ?? result.signal}):\n${output}`);
    }
    return String(result.stdout ?? "");
}

/** kubectl against the local cluster only, whatever KUBECONFIG says. */
export function kubectl(args: string[], input?: string): string {
    return run(tool("kubectl"), ["--kubeconfig", kubeconfigPath, "--context", CONTEXT, ...args], { input });
}

function kwokctl(args: string[]): string {
    // KWOK_* variables override kwokctl's config file (runtime, versions, binaries): only the work folder is ours to set.
    const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith("KWOK_")));
    return run(tool("kwokctl"), [...args], { env: { ...env, KWOK_WORKDIR: kwokWorkdir }, stdio: ["ignore", "inherit", "pipe"] });
}

/** The directory of a Go module that one of our tool wrappers (scripts/tools/<wrapper>) requires, from Go's module cache. */
function moduleDir(wrapper: string, module: string): string {
    const cwd = path.join(repoRoot, "scripts", "tools", wrapper);
    run("go", ["mod", "download", module], { cwd });
    return run("go", ["list", "-m", "-f", "{{.Dir}}", module], { cwd }).trim();
}

function yamlDocuments(objects: Array<Record<string, unknown>>): string {
    return objects.map((o) => stringify(o)).join("---\n");
}

/** The API server answers /readyz with our credentials (three tries: a busy machine may miss one). */
export function isRunning(): boolean {
    if (!fs.existsSync(kubeconfigPath)) return false;
    for (let attempt = 1; attempt <= 3; attempt++) {
        try {
            // A stopped API server would leave kubectl waiting on its connection: give up on each try after 10 s.
            if (kubectl(["--request-timeout=10s", "get", "--raw", "/readyz"]).trim() === "ok") return true;
        } catch {
            // tried again below
        }
        if (attempt < 3) spawnSync("sleep", ["1"]);
    }
    return false;
}

/** Start time of a process in clock ticks since boot (field 22 of /proc/<pid>/stat): with the PID, it names one process. */
/** When the process started (clock ticks since boot); undefined once it has ended, a zombie included. */
function processStartTime(pid: number): string | undefined {
    try {
        const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
        const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
        return fields[0] === "Z" ? undefined : fields[19];
    } catch {
        return undefined;
    }
}

function startProvisioner(helperImage: string): void {
    const out = fs.openSync(provisionerLog, "a");
    const child = spawn(tool("local-path-provisioner"), [
        "--debug", "start", "--kubeconfig", kubeconfigPath, "--helper-image", helperImage,
    ], { detached: true, stdio: ["ignore", out, out], cwd: stateDir });
    fs.closeSync(out);
    if (child.pid === undefined) throw new StepError("local-path-provisioner did not start");
    child.unref();
    fs.writeFileSync(provisionerPidFile, JSON.stringify({ pid: child.pid, start: processStartTime(child.pid) }));
}

/** Sends `signal` to `pid` unless it has exited already. */
function signal(pid: number, name: NodeJS.Signals): void {
    try {
        process.kill(pid, name);
    } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "ESRCH") throw error;
    }
}

/** Polls `done` until it holds or `ms` have passed, blocking (down and up run synchronously); its last answer. */
function waitSync(ms: number, done: () => boolean): boolean {
    const deadline = Date.now() + ms;
    for (;;) {
        if (done()) return true;
        if (Date.now() >= deadline) return false;
        spawnSync("sleep", ["0.1"]);
    }
}

/** The provisioner's PID and start time as `up` recorded them; undefined without a PID file or with a damaged one. */
function readProvisionerPid(): { pid: number; start: string } | undefined {
    if (!fs.existsSync(provisionerPidFile)) return undefined;
    try {
        const { pid, start } = JSON.parse(fs.readFileSync(provisionerPidFile, "utf8")) as { pid?: unknown; start?: unknown };
        return typeof pid === "number" && typeof start === "string" ? { pid, start } : undefined;
    } catch {
        return undefined;
    }
}

function stopProvisioner(): void {
    if (!fs.existsSync(provisionerPidFile)) return;
    // A damaged PID file names no process we can be sure of: nothing is stopped on its word.
    const recorded = readProvisionerPid();
    // Only the process we started: a PID reused by another process since then has another start time.
    if (recorded !== undefined && processStartTime(recorded.pid) === recorded.start) {
        const { pid, start } = recorded;
        signal(pid, "SIGTERM");
        if (!waitSync(10_000, () => processStartTime(pid) !== start)) signal(pid, "SIGKILL");
    }
    fs.rmSync(provisionerPidFile);
}

/** Whether a command line names our state folder or something in it (not a sibling such as `.local-cluster-old`). */
const namesStateDir = (cmdline: readonly string[]): boolean => cmdline.some((arg) => arg === stateDir || arg.includes(`${stateDir}${path.sep}`));

/** Whether the process with this PID runs a program from our state folder (kwokctl copies each component's binary there). */
function isOurs(pid: number): boolean {
    try {
        return namesStateDir(fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0"));
    } catch {
        return false;
    }
}

const componentPidsDir = path.join(kwokWorkdir, "clusters", CLUSTER_NAME, "pids");

/** The PID a PID file holds; undefined when it is gone or holds no PID. */
function readPidFile(file: string): number | undefined {
    try {
        const pid = Number(fs.readFileSync(file, "utf8").trim());
        return Number.isInteger(pid) && pid > 0 ? pid : undefined;
    } catch {
        return undefined;
    }
}

/**
 * kwokctl stops its components by the PIDs in its PID files, whoever has them now. After a reboot or a crash those PIDs
 * may belong to other processes: drop every PID file whose process is not one of ours, so kwokctl never signals it.
 */
function dropStalePidFiles(): void {
    if (!fs.existsSync(componentPidsDir)) return;
    for (const file of fs.readdirSync(componentPidsDir)) {
        const pid = readPidFile(path.join(componentPidsDir, file));
        if (pid === undefined || !isOurs(pid)) fs.rmSync(path.join(componentPidsDir, file), { force: true });
    }
}

/** The PID of each component kwokctl runs, by name: undefined for one without a readable PID file. */
export function componentPids(): Map<string, number | undefined> {
    return new Map(CLUSTER_COMPONENTS.map((name) => [name, readPidFile(path.join(componentPidsDir, `${name}.pid`))]));
}

/** How many lines of a stopped component's log `stoppedComponents` quotes: enough for the reason it gave. */
const LOG_TAIL_LINES = 15;

/** Bytes read from the end of a log for its tail: an API server's log grows to many megabytes. */
const LOG_TAIL_BYTES = 64 * 1024;

function logTail(file: string): string {
    let fd: number;
    try {
        fd = fs.openSync(file, "r");
    } catch {
        return "    (no log)";
    }
    try {
        const size = fs.fstatSync(fd).size;
        const buffer = Buffer.alloc(Math.min(size, LOG_TAIL_BYTES));
        fs.readSync(fd, buffer, 0, buffer.length, size - buffer.length);
        const lines = buffer.toString("utf8").trimEnd().split("\n");
        return lines.slice(-LOG_TAIL_LINES).map((line) => `    ${line.slice(0, 300)}`).join("\n");
    } finally {
        fs.closeSync(fd);
    }
}

/**
 * The cluster's processes that are no longer running, each with the end of its log. Nothing restarts a component that
 * exits, so the cluster is broken from then on, even though its API server may still answer.
 */
export function stoppedComponents(): string[] {
    const logs = path.join(kwokWorkdir, "clusters", CLUSTER_NAME, "logs");
    const stopped = (name: string, log: string) => `${name} has stopped; the end of its log:\n${logTail(log)}`;
    const components = [...componentPids()].flatMap(([name, pid]) => {
        if (pid === undefined) return [`${name} has no readable PID file in ${path.relative(repoRoot, componentPidsDir)}: it never started, or its file was removed or changed`];
        return isOurs(pid) ? [] : [stopped(name, path.join(logs, `${name}.log`))];
    });
    const provisioner = readProvisionerPid();
    if (provisioner === undefined) {
        return [...components, `local-path-provisioner has no readable PID file (${path.relative(repoRoot, provisionerPidFile)}): it never started, or the file was changed`];
    }
    return processStartTime(provisioner.pid) === provisioner.start ? components : [...components, stopped("local-path-provisioner", provisionerLog)];
}

/** Processes whose command line names the state folder: after `down`, there must be none. */
function leftoverProcesses(): Array<{ pid: number; cmdline: string[] }> {
    return fs.readdirSync("/proc").filter((entry) => /^\d+$/.test(entry) && Number(entry) !== process.pid).flatMap((pid) => {
        try {
            const cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0");
            return namesStateDir(cmdline) ? [{ pid: Number(pid), cmdline }] : [];
        } catch {
            return [];
        }
    });
}

/** What leftoverProcesses finds once it has had up to `ms` to find nothing. */
function leftoverAfter(ms: number): Array<{ pid: number; cmdline: string[] }> {
    let left = leftoverProcesses();
    waitSync(ms, () => (left = leftoverProcesses()).length === 0);
    return left;
}

/**
 * How long `down` gives the components to exit after kwokctl signalled them: kwokctl returns before they have, and on
 * a busy machine the controller manager took more than a moment (seen in CI).
 */
const EXIT_GRACE_MS = 30_000;

/** Builds one group of tools (`engine` or `cluster`) with scripts/install-tools.sh, which skips what is current. */
export function installTools(group: "engine" | "cluster"): void {
    const result = spawnSync(path.join(repoRoot, "scripts", "install-tools.sh"), [group], { stdio: "inherit" });
    if (result.status !== 0) throw new StepError(`scripts/install-tools.sh ${group} failed (its output is above)`);
}

export async function up(): Promise<void> {
    installTools("cluster");
    if (isRunning()) {
        const stopped = stoppedComponents();
        if (stopped.length > 0) {
            throw new StepError(`the local cluster runs, but not all of it:\n${stopped.join("\n")}\n` +
                "run `npm run cluster:down`, then up again");
        }
        log(`already running; kubeconfig ${path.relative(repoRoot, kubeconfigPath)}, context ${CONTEXT}`);
        return;
    }
    if (fs.existsSync(stateDir)) {
        // Data is only removed when nothing of the cluster runs any more: a live but slow cluster is left alone.
        if (leftoverProcesses().length > 0) {
            throw new StepError("the local cluster's processes are running, but its API server does not answer; " +
                "look at .local-cluster/kwok/clusters/kube-appstack-local/logs/, or run `npm run cluster:down` and then up again");
        }
        log("a stopped cluster is left over: removing it first");
        down();
    }
    const started = Date.now();
    fs.mkdirSync(stateDir, { recursive: true, mode: 0o700 });
    try {
        start(started);
    } catch (error) {
        // Left as it is, logs included, for a look; down stops and removes it.
        const hint = "the half-started cluster is left for inspection (logs in .local-cluster/kwok/clusters/kube-appstack-local/logs/ " +
            "and .local-cluster/local-path-provisioner.log); `npm run cluster:down` stops and removes it";
        throw new StepError(`${(error as Error).message}\n${hint}`);
    }
}

function start(started: number): void {
    const kwokModule = moduleDir("kwok", "sigs.k8s.io/kwok");
    const configFile = path.join(stateDir, "kwokctl.yaml");
    fs.writeFileSync(configFile, yamlDocuments([
        kwokctlConfiguration({
            kubeApiserver: tool("kube-apiserver"),
            kubeControllerManager: tool("kube-controller-manager"),
            kubeScheduler: tool("kube-scheduler"),
            kubectl: tool("kubectl"),
            etcd: tool("etcd"),
            kwok: tool("kwok"),
            metricsServer: tool("metrics-server"),
        }, path.join(moduleDir("metrics-server", "sigs.k8s.io/metrics-server"), "manifests", "base"), path.join(stateDir, "cache")),
        ...localClusterStages(kwokModule),
    ]));

    log("starting etcd, kube-apiserver, kube-controller-manager, kube-scheduler, kwok and metrics-server ...");
    kwokctl(["create", "cluster", "--name", CLUSTER_NAME, "--config", configFile, "--kubeconfig", kubeconfigPath, "--wait", STEP_TIMEOUT]);

    const version = (JSON.parse(kubectl(["version", "-o", "json"])) as { serverVersion: { gitVersion: string } }).serverVersion.gitVersion;
    kubectl(["apply", "-f", "-"], yamlDocuments(localNodes(CLUSTER_NAME).map((n) => nodeObject(n, version.replace(/^v/, "")))));
    kubectl(["wait", "--for=condition=Ready", "node", "--all", `--timeout=${STEP_TIMEOUT}`]);

    log("installing kind's StorageClass `standard` and starting local-path-provisioner ...");
    const storage = kindStorage(moduleDir("kind", "sigs.k8s.io/kind"));
    kubectl(["apply", "-f", "-"], yamlDocuments(storage.objects));
    startProvisioner(storage.helperImage);

    installCrds();

    log("waiting for the metrics API ...");
    kubectl(["wait", "--for=condition=Available", "apiservice/v1beta1.metrics.k8s.io", `--timeout=${STEP_TIMEOUT}`]);

    log(`ready in ${((Date.now() - started) / 1000).toFixed(1)}s: Kubernetes ${version}, 3 nodes (KWOK), metrics-server, StorageClass standard, ` +
        `CRDs of ${CRD_SOURCES.map((s) => s.provides).join("; ")}`);
    log(`kubectl --kubeconfig ${path.relative(process.cwd(), kubeconfigPath)} get nodes -o wide`);
}

/**
 * Applies the upstream CRDs (./crds) server-side: several are too large for the last-applied annotation of a client-side
 * apply. Waits until each is Established, so a test's first object of a new kind is never refused for a missing kind.
 */
function installCrds(): void {
    log(`installing CRDs: ${CRD_SOURCES.map((s) => s.provides).join("; ")} ...`);
    const files = CRD_SOURCES.flatMap((source) => crdFiles(source, moduleDir("crds", source.module)));
    const applied = kubectl(["apply", "--server-side", "--field-manager=kube-appstack-local-cluster", "-o", "name", ...files.flatMap((f) => ["-f", f])]);
    const crds = applied.split("\n").filter((line) => line.startsWith("customresourcedefinition."));
    kubectl(["wait", "--for=condition=Established", ...crds, `--timeout=${STEP_TIMEOUT}`]);
}

/** Stops every process `up` started (the provisioner by its PID, the rest through kwokctl's PID files) and removes the state folder. */
export function down(): void {
    stopProvisioner();
    // The components kwokctl started, by its PID files (read before it deletes them), and still ours.
    let components: number[] = [];
    if (fs.existsSync(path.join(kwokWorkdir, "clusters", CLUSTER_NAME))) {
        dropStalePidFiles();
        components = [...componentPids().values()].filter((pid): pid is number => pid !== undefined);
        kwokctl(["delete", "cluster", "--name", CLUSTER_NAME, "--kubeconfig", kubeconfigPath]);
    }
    let left = leftoverAfter(EXIT_GRACE_MS);
    // A component that ignored its signal is killed. Anything else that names the folder (a user's kubectl with our
    // kubeconfig, or one kwokctl runs for them) is only reported.
    const stubborn = left.filter(({ pid }) => components.includes(pid));
    if (stubborn.length > 0) {
        for (const { pid } of stubborn) signal(pid, "SIGKILL");
        left = leftoverAfter(5_000);
    }
    if (left.length > 0) {
        const listed = left.map(({ pid, cmdline }) => `${pid} ${cmdline.join(" ").slice(0, 200)}`);
        throw new StepError(`these processes of the local cluster are still running; stop them, then run down again:\n${listed.join("\n")}`);
    }
    fs.rmSync(stateDir, { recursive: true, force: true });
    log("stopped; .local-cluster/ removed");
}

export function status(): boolean {
    if (!isRunning()) {
        log("not running (npm run cluster:up starts it)");
        return false;
    }
    const stopped = stoppedComponents();
    if (stopped.length > 0) {
        log(`runs, but not all of it (npm run cluster:down, then up again):\n${stopped.join("\n")}`);
        return false;
    }
    log(`running; kubeconfig ${path.relative(repoRoot, kubeconfigPath)}, context ${CONTEXT}`);
    console.log(kubectl(["get", "nodes", "-o", "wide"]));
    return true;
}

export { StepError };
