/**
 * Group `cli`: the `kube-appstack` command as users start it, each run a fresh process timed from spawn to exit, beside
 * a bare `node -e ''` in the same run (issue 15). Startup is judged as a ratio to bare Node, which the machine's load
 * moves in step; `check` of 50k objects as objects per second end to end (start, read, parse, check, report).
 */
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { manifestYaml } from "../cli/manifest-yaml";
import { benchObjects, OBJECTS_PER_APP_STACK } from "./bench-stack";
import type { GroupReport } from "./group-report";
import { median, round } from "./stats";
import { judged, type Target } from "./target";
import { table } from "./text-table";

const REPO = path.resolve(__dirname, "..");
const BIN = path.join(REPO, "bin", "kube-appstack.js");
/** App stacks of the corpus: 50,000 objects, plus the namespace's two. */
const CORPUS_APP_STACKS = 50_000 / OBJECTS_PER_APP_STACK;

interface Inputs {
    /** One manifest file: the prod stack as `render` prints it. */
    readonly oneFile: string;
    /** A directory of manifest files, one per app stack (OBJECTS_PER_APP_STACK objects each). */
    readonly corpus: string;
    readonly corpusObjects: number;
}

interface CliCase {
    readonly label: string;
    /** Commands under 0.3 s are started this many times per run, so that their median is not one noisy start. */
    readonly perRun: number;
    readonly command: (inputs: Inputs) => string[];
}

export const CLI_CASES = {
    node: { label: "node -e ''", perRun: 4, command: () => [process.execPath, "-e", ""] },
    version: { label: "node bin/kube-appstack.js --version", perRun: 4, command: () => [process.execPath, BIN, "--version"] },
    check: { label: "node bin/kube-appstack.js check <one file>", perRun: 4, command: (i) => [process.execPath, BIN, "check", i.oneFile] },
    shebang: { label: "bin/kube-appstack.js check <one file> (as node_modules/.bin runs it)", perRun: 4, command: (i) => [BIN, "check", i.oneFile] },
    npmExec: { label: "npm exec --no -- kube-appstack check <one file>", perRun: 1, command: (i) => ["npm", "exec", "--no", "--", "kube-appstack", "check", i.oneFile] },
    npx: { label: "npx --no -- kube-appstack check <one file>", perRun: 1, command: (i) => ["npx", "--no", "--", "kube-appstack", "check", i.oneFile] },
    render: { label: "node bin/kube-appstack.js render --stack prod", perRun: 4, command: () => [process.execPath, BIN, "render", "--stack", "prod"] },
    check50k: { label: "node bin/kube-appstack.js check <50k objects>", perRun: 1, command: (i) => [process.execPath, BIN, "check", i.corpus] },
    // The same on one thread: what the worker threads gain on this machine.
    check50kOneThread: { label: "node bin/kube-appstack.js check --jobs 1 <50k objects>", perRun: 1, command: (i) => [process.execPath, BIN, "check", "--jobs", "1", i.corpus] },
} satisfies Record<string, CliCase>;

export type CliCaseId = keyof typeof CLI_CASES;

/** Wall times (ms) per case, and the corpus's object count for the throughput. */
export interface CliResult {
    readonly ms: Partial<Record<CliCaseId, number[]>>;
    readonly corpusObjects: number;
    /** The machine's 1-minute load average before and after the timed runs: other work slows every start alike. */
    readonly loadAverage?: readonly [number, number];
}

/** Writes the inputs: the prod stack rendered into one file, and the 50k-object corpus. */
function writeInputs(dir: string): Inputs {
    const objects = benchObjects(CORPUS_APP_STACKS);
    const corpus = path.join(dir, "corpus");
    fs.mkdirSync(corpus);
    for (let i = 0; i < objects.length; i += OBJECTS_PER_APP_STACK) {
        const file = path.join(corpus, `stack-${String(i / OBJECTS_PER_APP_STACK).padStart(5, "0")}.yaml`);
        fs.writeFileSync(file, objects.slice(i, i + OBJECTS_PER_APP_STACK).map((o) => manifestYaml(o)).join("---\n"));
    }
    return { oneFile: path.join(dir, "prod.yaml"), corpus, corpusObjects: objects.length };
}

/** Runs `argv` to its end with the output discarded, as a user's shell would with a redirect; returns the wall time. */
function timed(argv: string[]): Promise<number> {
    return new Promise((resolve, reject) => {
        const start = performance.now();
        const child = spawn(argv[0], argv.slice(1), { cwd: REPO, stdio: ["ignore", "ignore", "pipe"] });
        let stderr = "";
        child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
        child.on("error", reject);
        child.on("close", (code) => {
            const ms = performance.now() - start;
            // 0 or 1 (violations found) is a finished check; 2 is an input or usage error.
            if (code === 0 || code === 1) resolve(ms);
            else reject(new Error(`${argv.join(" ")} exited with ${code}:\n${stderr}`));
        });
    });
}

/** `runs` rounds of every case, alternating the order each round; one untimed start of each first (it writes the code cache). */
export async function runCliGroup(runs: number, log: (line: string) => void): Promise<CliResult> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kube-appstack-bench-cli-"));
    try {
        log("[cli] writing the one-file input and the 50k-object corpus");
        const inputs = writeInputs(dir);
        const prod = await new Promise<string>((resolve, reject) => {
            const child = spawn(process.execPath, [BIN, "render", "--stack", "prod"], { cwd: REPO, stdio: ["ignore", "pipe", "inherit"] });
            let out = "";
            child.stdout.setEncoding("utf8").on("data", (chunk: string) => (out += chunk));
            child.on("close", (code) => (code === 0 ? resolve(out) : reject(new Error(`render --stack prod exited with ${code}`))));
        });
        fs.writeFileSync(inputs.oneFile, prod);
        const ids = Object.keys(CLI_CASES) as CliCaseId[];
        for (const id of ids) await timed(CLI_CASES[id].command(inputs));
        const ms: Partial<Record<CliCaseId, number[]>> = {};
        const loadBefore = os.loadavg()[0];
        for (let run = 1; run <= runs; run++) {
            const order = run % 2 === 1 ? ids : [...ids].reverse();
            for (const id of order) {
                for (let i = 0; i < CLI_CASES[id].perRun; i++) (ms[id] ??= []).push(await timed(CLI_CASES[id].command(inputs)));
            }
            log(`[cli run ${run}/${runs}] ${ids.map((id) => `${id} ${median(ms[id] ?? [0]).toFixed(0)} ms`).join(", ")}`);
        }
        return { ms, corpusObjects: inputs.corpusObjects, loadAverage: [loadBefore, os.loadavg()[0]] };
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
}

function medians(result: CliResult): Partial<Record<CliCaseId, number>> {
    return Object.fromEntries(Object.entries(result.ms).map(([id, list]) => [id, median(list)]));
}

/** Each case's median over bare Node's median of the same run. */
function overNode(result: CliResult): Partial<Record<CliCaseId, number>> {
    const m = medians(result);
    const node = m.node;
    return node === undefined ? {} : Object.fromEntries(Object.entries(m).map(([id, ms]) => [id, ms / node]));
}

const objectsPerSecond = (result: CliResult, id: "check50k" | "check50kOneThread" = "check50k"): number | undefined => {
    const ms = medians(result)[id];
    return ms === undefined ? undefined : result.corpusObjects / (ms / 1000);
};

/** The targets of issue 15. */
export function cliTargets(result: CliResult): Target[] {
    const ratios = overNode(result);
    return [
        ...judged("check of one file / bare node startup", ratios.check, 2),
        ...judged("check objects/s end to end at 50k objects", objectsPerSecond(result), 40_000, "min"),
        ...judged("render --stack prod / bare node startup", ratios.render, 3),
    ];
}

/** The group's JSON keys, targets and table. */
export function cliReport(result: CliResult): GroupReport {
    const m = medians(result);
    const ratios = overNode(result);
    const rate = objectsPerSecond(result);
    const oneThread = objectsPerSecond(result, "check50kOneThread");
    const ids = (Object.keys(CLI_CASES) as CliCaseId[]).filter((id) => m[id] !== undefined);
    return {
        keys: {
            cli_median_ms: Object.fromEntries(ids.map((id) => [id, round(m[id] as number, 1)])),
            cli_vs_bare_node_ratio: Object.fromEntries(ids.map((id) => [id, round(ratios[id] as number, 2)])),
            cli_check_end_to_end_objects_per_s: rate === undefined ? undefined : round(rate, 0),
            cli_check_one_thread_objects_per_s: oneThread === undefined ? undefined : round(oneThread, 0),
            cli_load_average: result.loadAverage?.map((load) => round(load, 2)),
        },
        targets: cliTargets(result),
        text: [
            "(f) the kube-appstack command: a fresh process per start, timed from spawn to exit, beside bare Node in the same run",
            table(["command", "ms", "vs node"], ids.map((id) => [CLI_CASES[id].label, m[id]?.toFixed(0), `${ratios[id]?.toFixed(2)}x`])),
            ...(rate === undefined ? [] : [`check end to end: ${result.corpusObjects} objects in ${m.check50k?.toFixed(0)} ms, ${rate.toFixed(0)} objects/s`]),
            ...(oneThread === undefined ? [] : [`check end to end on one thread (--jobs 1): ${m.check50kOneThread?.toFixed(0)} ms, ${oneThread.toFixed(0)} objects/s`]),
            ...(result.loadAverage === undefined ? [] : [`load average (1 min) ${result.loadAverage.map((load) => load.toFixed(1)).join(" before, ")} after, on ${os.cpus().length} CPUs`]),
            "",
        ].join("\n"),
    };
}
