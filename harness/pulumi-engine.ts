// Drives the real Pulumi CLI for the engine and integration tests and the benchmark: finds the binaries, gives every run its own
// throw-away project copy, local file backend, PULUMI_HOME and passphrase, and removes all of it.
import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import { createRequire } from "node:module";
import * as os from "node:os";
import * as path from "node:path";
import { parse, stringify } from "yaml";

export const repoRoot = path.resolve(__dirname, "..");

/** The binaries the engine needs besides `pulumi` itself: its language host and the plugins it starts. */
const companions = ["pulumi-language-nodejs", "pulumi-resource-kubernetes", "pulumi-resource-pulumi-nodejs"];

/** Passphrase of every throw-away stack; it protects nothing, it only selects the passphrase provider. */
const passphrase = "engine-tests-passphrase";

/** Any one CLI command is killed after this, unless it sets its own: a hung plugin must fail the test, not stall CI. */
const COMMAND_TIMEOUT_MS = 10 * 60_000;

/** How the file backend refuses a stack whose lock file is still there. */
export const STACK_LOCKED = "the stack is currently locked";

export interface Engine {
    /** Absolute path of the `pulumi` binary. */
    pulumi: string;
    /** PATH for the CLI: our tool folder, the directories of the binaries found, node's, then the system's. */
    path: string;
}

/**
 * Finds the Pulumi CLI and its plugins in .tools/bin (or $TOOLS_BIN), else on PATH. Throws, so the suite
 * fails rather than skips, when any is missing: these tests exist to prove the program under the real engine.
 */
export function findEngine(): Engine {
    const toolsBin = process.env.TOOLS_BIN ?? path.join(repoRoot, ".tools", "bin");
    const searchPath = [toolsBin, ...(process.env.PATH ?? "").split(path.delimiter)].filter((dir) => dir !== "");
    const locate = (name: string): string | undefined =>
        searchPath.map((dir) => path.join(dir, name)).find((file) => isExecutable(file));
    const found = new Map(["pulumi", ...companions].map((name) => [name, locate(name)]));
    const missing = [...found].filter(([, file]) => file === undefined).map(([name]) => name);
    if (missing.length > 0) {
        throw new Error(
            `The engine tests need ${missing.join(", ")}, found neither in ${toolsBin} nor on PATH. ` +
                "Run scripts/install-tools.sh (it builds them from Go modules; the first build takes long).",
        );
    }
    const dirs = [...new Set([...found.values()].map((file) => path.dirname(file as string)))];
    return {
        pulumi: found.get("pulumi") as string,
        path: [...dirs, path.dirname(process.execPath), "/usr/local/bin", "/usr/bin", "/bin"].join(path.delimiter),
    };
}

/** The engine, or why there is none: for the benchmark, which skips its engine cases with the reason instead of failing. */
export function engineOrReason(): Engine | { skipped: string } {
    try {
        return findEngine();
    } catch (error) {
        return { skipped: (error as Error).message };
    }
}

function isExecutable(file: string): boolean {
    try {
        fs.accessSync(file, fs.constants.X_OK);
        return fs.statSync(file).isFile();
    } catch {
        return false;
    }
}

export interface RunResult {
    code: number;
    stdout: string;
    stderr: string;
    /** stdout and stderr together, for asserting on what a user sees. */
    output: string;
}

export interface RunOptions {
    /** Extra environment variables for this command only. */
    env?: Record<string, string>;
    /** Resolve with a non-zero exit code instead of throwing (for the tests that expect a failure). */
    allowFailure?: boolean;
    /** Kill the command (SIGKILL) after this long. @default COMMAND_TIMEOUT_MS */
    timeoutMs?: number;
}

/** One throw-away Pulumi project: its own copy of the sources, backend, PULUMI_HOME and stacks. */
export class EngineProject {
    private readonly stacks = new Set<string>();

    private constructor(
        readonly engine: Engine,
        /** Temporary root holding everything below. */
        readonly tempDir: string,
        /** The project copy the commands run in. */
        readonly dir: string,
        private readonly env: NodeJS.ProcessEnv,
    ) {}

    /**
     * Copies `source` (by default this repository) into a temporary directory, minus node_modules, git and
     * build output, and links this repository's node_modules into it, so that Pulumi writes its stack files
     * there and never into the repository. Commands run in `projectDir`, the directory of the Pulumi.yaml
     * relative to the copy: a fixture project inside the repository can import the repository's modules.
     * `env` is added to the clean environment of every command (e.g. a PATH with a fake tool first).
     */
    static create(
        engine: Engine,
        options: { source?: string; projectDir?: string; env?: Record<string, string> } = {},
    ): EngineProject {
        const source = options.source ?? repoRoot;
        const tempDir = fs.mkdtempSync(path.join(os.tmpdir(), "kube-appstack-engine-"));
        const copy = path.join(tempDir, "copy");
        // .local-cluster: a running cluster's etcd data, keys and logs, never part of a project.
        const skipped = new Set(["node_modules", ".git", ".tools", "bin-out", "rendered", ".pulumi", ".kind-data", ".local-cluster"]);
        // The prebuilt bundles in .build/ (scripts/build.js) stay fresh only while their sources keep their modification
        // times to the nanosecond: fs.cpSync's preserveTimestamps rounds them (Node 20), so every copy rebuilt its
        // bundles inside the first command, the program and the policy pack at once. GNU cp -a keeps them exact.
        fs.mkdirSync(copy);
        const entries = fs.readdirSync(source).filter((name) => !skipped.has(name)).map((name) => path.join(source, name));
        const copied = spawnSync("cp", ["-a", "--", ...entries, copy], { encoding: "utf8" });
        if (copied.status !== 0) throw new Error(`copying ${source} to ${copy} failed: ${copied.stderr || copied.error?.message}`);
        fs.symlinkSync(path.join(repoRoot, "node_modules"), path.join(copy, "node_modules"), "dir");
        // Where cp rounds the times (busybox, some BSDs), the copy's bundles read as stale: they are built here, once,
        // before any command could build them twice at once. Fresh, this costs a stat per source.
        const build = path.join(copy, "scripts", "build.js");
        if (fs.existsSync(build)) {
            const { ensureBuilt, SETS } = createRequire(__filename)(build) as { ensureBuilt(set: string, entry: string): string; SETS: Record<string, { entries: object }> };
            for (const entry of Object.keys(SETS.pulumi.entries)) ensureBuilt("pulumi", entry);
        }
        const dir = path.join(copy, options.projectDir ?? ".");
        const backend = path.join(tempDir, "backend");
        const home = path.join(tempDir, "home");
        // The CLI and its plugins leave files in TMPDIR (the Kubernetes provider a kubeconfig copy per run).
        const tmp = path.join(tempDir, "tmp");
        for (const d of [backend, home, tmp]) fs.mkdirSync(d);
        // A clean environment: nothing of the caller's Pulumi, cloud or Kubernetes settings leaks in (no
        // KUBECONFIG, and HOME has no ~/.kube/config), so providers see only the config the stack gives.
        const env: NodeJS.ProcessEnv = {
            PATH: engine.path,
            HOME: home,
            TMPDIR: tmp,
            PULUMI_HOME: path.join(home, ".pulumi"),
            PULUMI_BACKEND_URL: `file://${backend}`,
            PULUMI_CONFIG_PASSPHRASE: passphrase,
            PULUMI_SKIP_UPDATE_CHECK: "true",
            PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
            PULUMI_SKIP_CONFIRMATIONS: "true",
            PULUMI_AUTOMATION_API_SKIP_VERSION_CHECK: "true",
            NO_COLOR: "1",
            ...options.env,
        };
        return new EngineProject(engine, tempDir, dir, env);
    }

    /** Runs `pulumi <args>` in the project copy; throws with the CLI's output on failure unless allowed. */
    async pulumi(args: string[], options: RunOptions = {}): Promise<RunResult> {
        const result = await run(this.engine.pulumi, ["--color", "never", ...args], {
            cwd: this.dir,
            env: { ...this.env, ...options.env },
        }, options.timeoutMs ?? COMMAND_TIMEOUT_MS);
        if (result.code !== 0 && !options.allowFailure) {
            throw new Error(`pulumi ${args.join(" ")} exited with ${result.code}:\n${result.output}`);
        }
        return result;
    }

    /** The stack's Pulumi.<stack>.yaml in the project copy, parsed (`config:` and what else Pulumi wrote). */
    readStackFile(stack: string): Record<string, unknown> {
        return parse(fs.readFileSync(this.stackFile(stack), "utf8")) as Record<string, unknown>;
    }

    /** Writes Pulumi.<stack>.yaml in the project copy; call before initStack so the stack starts with it. */
    writeStackFile(stack: string, content: Record<string, unknown>): void {
        fs.writeFileSync(this.stackFile(stack), stringify(content));
    }

    /** Uses a prepared stack file (a test fixture) as Pulumi.<stack>.yaml; call before initStack. */
    copyStackFile(stack: string, from: string): void {
        fs.copyFileSync(from, this.stackFile(stack));
    }

    private stackFile(stack: string): string {
        return path.join(this.dir, `Pulumi.${stack}.yaml`);
    }

    /** Creates a stack (passphrase secrets) and sets its config; it is removed again by cleanup(). */
    async initStack(stack: string, config: Record<string, string> = {}): Promise<void> {
        await this.pulumi(["stack", "init", stack, "--secrets-provider", "passphrase"]);
        this.stacks.add(stack);
        for (const [key, value] of Object.entries(config)) {
            await this.pulumi(["config", "set", "--stack", stack, "--", key, value]);
        }
    }

    /** Removes a stack and its state without destroying its resources (for a caller that deletes them itself). */
    async removeStack(stack: string): Promise<void> {
        await this.pulumi(["stack", "rm", stack, "--yes", "--force"]);
        this.stacks.delete(stack);
    }

    /** The stack's checkpoint as stored in the file backend (what an attacker with the state would read). */
    stateText(stack: string): string {
        const stacksDir = path.join(this.tempDir, "backend", ".pulumi", "stacks");
        const files = fs
            .readdirSync(stacksDir, { recursive: true, encoding: "utf8" })
            .filter((file) => path.basename(file) === `${stack}.json`);
        if (files.length !== 1) {
            throw new Error(`expected one state file for stack ${stack} in ${stacksDir}, found ${files.length}`);
        }
        return fs.readFileSync(path.join(stacksDir, files[0]), "utf8");
    }

    /** Stack outputs, with secrets shown. */
    async outputs(stack: string): Promise<Record<string, unknown>> {
        const result = await this.pulumi(["stack", "output", "--stack", stack, "--json", "--show-secrets"]);
        return JSON.parse(result.stdout) as Record<string, unknown>;
    }

    /** Destroys and removes every stack this project created, then deletes the temporary directory. */
    async cleanup(): Promise<void> {
        try {
            for (const stack of this.stacks) {
                const destroy = ["destroy", "--stack", stack, "--yes", "--skip-preview"];
                const destroyed = await this.pulumi(destroy, { allowFailure: true });
                // A command killed on its timeout leaves its lock behind, and every later one refuses the stack.
                // Commands here run one at a time, so a lock seen now belongs to no running process.
                if (destroyed.code !== 0 && destroyed.output.includes(STACK_LOCKED)) {
                    await this.pulumi(["cancel", "--stack", stack, "--yes"]);
                    await this.pulumi(destroy, { allowFailure: true });
                }
                await this.pulumi(["stack", "rm", stack, "--yes", "--force"]);
            }
        } finally {
            fs.rmSync(this.tempDir, { recursive: true, force: true });
        }
    }
}

function run(
    command: string,
    args: string[],
    options: { cwd: string; env: NodeJS.ProcessEnv },
    timeoutMs: number,
): Promise<RunResult> {
    return new Promise((resolve, reject) => {
        const child = spawn(command, args, { ...options, stdio: ["ignore", "pipe", "pipe"] });
        let stdout = "";
        let stderr = "";
        let output = "";
        // Decoded as streams: a character split between two reads stays whole.
        child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
            stdout += chunk;
            output += chunk;
        });
        child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
            stderr += chunk;
            output += chunk;
        });
        let killed: number[] = [];
        const timer = setTimeout(() => {
            output += `\n[killed after ${timeoutMs / 1000} s: ${command} ${args.join(" ")}]\n`;
            // The CLI starts its plugins (language host, program, providers) in process groups of their own: killing
            // only the CLI would leave them running, a hung program among them.
            killed = [child.pid, ...descendants(child.pid)].filter((pid) => pid !== undefined);
            for (const pid of killed) killQuietly(pid);
        }, timeoutMs);
        child.on("error", (error) => {
            clearTimeout(timer);
            reject(error);
        });
        child.on("close", (code, signal) => {
            clearTimeout(timer);
            void untilExited(killed).then((left) => {
                if (left.length > 0) output += `[still exiting ${EXIT_WAIT_MS / 1000} s after the kill: ${left.join(", ")}]\n`;
                resolve({ code: code ?? (signal ? 128 : 1), stdout, stderr, output });
            });
        });
    });
}

/** Every process below `pid`, read from /proc (none where there is no /proc: macOS). */
function descendants(pid: number | undefined): number[] {
    if (pid === undefined || !fs.existsSync("/proc")) return [];
    const children = new Map<number, number[]>();
    for (const entry of fs.readdirSync("/proc")) {
        if (!/^\d+$/.test(entry)) continue;
        try {
            const stat = fs.readFileSync(`/proc/${entry}/stat`, "utf8");
            const parent = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
            children.set(parent, [...(children.get(parent) ?? []), Number(entry)]);
        } catch {
            // The process ended while we read.
        }
    }
    const found: number[] = [];
    for (let queue = [pid]; queue.length > 0;) {
        const next = children.get(queue.pop() as number) ?? [];
        found.push(...next);
        queue.push(...next);
    }
    return found;
}

/** How long a killed command's result waits for its processes to finish exiting. */
const EXIT_WAIT_MS = 10_000;

/**
 * Waits until every process of `pids` has exited; returns those still running after EXIT_WAIT_MS. A process SIGKILLed
 * goes on exiting for a moment, releasing its memory and then its working directory (a plugin's is the project copy
 * that cleanup removes), so the result of a killed command waits for that: nothing of the command outlives it. A zombie
 * counts as exited, since only its exit status is left for a parent to collect.
 */
async function untilExited(pids: readonly number[]): Promise<number[]> {
    const running = () => pids.filter((pid) => {
        try {
            const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
            return stat[stat.lastIndexOf(")") + 2] !== "Z";
        } catch {
            return false;
        }
    });
    const deadline = Date.now() + EXIT_WAIT_MS;
    for (let left = running(); ; left = running()) {
        if (left.length === 0 || Date.now() > deadline) return left;
        await new Promise((resolve) => setTimeout(resolve, 20));
    }
}

function killQuietly(pid: number): void {
    try {
        process.kill(pid, "SIGKILL");
    } catch {
        // Already gone.
    }
}
