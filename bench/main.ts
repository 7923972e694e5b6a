/**
 * `npm run bench [-- --json] [--runs <k>] [--only <groups>]`: measures kube-appstack against its floors and its peer
 * (issue 7) and prints a table, or with --json exactly one JSON object on stdout. Progress goes to stderr.
 *
 * Groups: mocks (components vs empty components vs raw SDK), render (render vs cdk8s-plus vs yaml), check
 * (checkObjects), preview (`pulumi preview` of every stack beside the floor program), up (`pulumi up` on the live local
 * cluster beside kubectl; the engine groups are skipped with the reason when the Pulumi CLI, a plugin or the cluster is
 * missing), cli (the `kube-appstack` command's starts and end-to-end check beside bare Node), and, only when asked for,
 * program (the whole program on the bench config under mocks).
 */
import { spawn } from "node:child_process";
import * as os from "node:os";
import * as path from "node:path";
import { parseArgs } from "node:util";
import type { CaseId } from "./cases";
import type { Sample } from "./child";
import { cliReport, runCliGroup } from "./cli";
import { engineReport, EngineResults } from "./engine-report";
import type { GroupReport } from "./group-report";
import { previewStacks } from "./preview";
import { APP_STACKS, CHECK_OBJECTS, formatReport, jsonSummary, RunInfo, Samples } from "./report";
import { measureUp } from "./up";

const GROUPS: Record<string, { cases: CaseId[]; sizes: readonly number[] }> = {
    mocks: { cases: ["components", "grouped", "raw"], sizes: APP_STACKS },
    render: { cases: ["render", "cdk8s", "yaml"], sizes: APP_STACKS },
    check: { cases: ["check"], sizes: CHECK_OBJECTS },
    program: { cases: ["program"], sizes: APP_STACKS },
};
const ALL_GROUPS = [...Object.keys(GROUPS), "preview", "up", "cli"];
// The whole program costs what its components cost plus wiring; it runs on request only.
const DEFAULT_GROUPS = ALL_GROUPS.filter((group) => group !== "program");

const USAGE = `usage: npm run bench -- [--json] [--runs <k>] [--only <group>[,<group>...]]
  --json     print one JSON object instead of the table
  --runs     repetitions of every case, the median is reported (default 5, at least 1)
  --only     run only these groups: ${ALL_GROUPS.join(", ")} (default: all but program)
`;

/** Runs one case once in a fresh node process (tsx compiles the TypeScript, also of dynamic imports) and returns its measurement. */
function measure(id: CaseId, size: number): Promise<Sample> {
    return new Promise((resolve, reject) => {
        const child = spawn(process.execPath, ["--import", "tsx", path.join(__dirname, "child.ts"), id, String(size)], {
            cwd: path.resolve(__dirname, ".."),
            stdio: ["ignore", "pipe", "pipe"],
        });
        let stdout = "";
        let stderr = "";
        child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
        child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
        child.on("error", reject);
        child.on("close", (code) => {
            const last = stdout.trim().split("\n").pop() ?? "";
            if (code === 0 && last.startsWith("{")) resolve(JSON.parse(last) as Sample);
            else reject(new Error(`bench case ${id} ${size} exited with ${code}:\n${stderr}${stdout}`));
        });
    });
}

async function main(argv: string[]): Promise<number> {
    let values: { json?: boolean; runs?: string; only?: string; help?: boolean };
    try {
        ({ values } = parseArgs({ args: argv, options: { json: { type: "boolean" }, runs: { type: "string" }, only: { type: "string" }, help: { type: "boolean", short: "h" } } }));
    } catch (error) {
        process.stderr.write(`error: ${(error as Error).message}\n\n${USAGE}`);
        return 2;
    }
    if (values.help) {
        process.stdout.write(USAGE);
        return 0;
    }
    const runs = Number(values.runs ?? 5);
    const only = values.only?.split(",") ?? DEFAULT_GROUPS;
    const unknown = only.filter((g) => !ALL_GROUPS.includes(g));
    if (!Number.isInteger(runs) || runs < 1 || unknown.length > 0) {
        process.stderr.write(`error: ${unknown.length > 0 ? `unknown group(s) ${unknown.join(", ")}` : `--runs ${values.runs} is not a whole number >= 1`}\n\n${USAGE}`);
        return 2;
    }
    const log = (line: string) => process.stderr.write(`${line}\n`);
    const started = performance.now();

    const samples: Samples = {};
    for (const [group, { cases, sizes }] of Object.entries(GROUPS)) {
        if (!only.includes(group)) continue;
        for (const size of sizes) {
            for (let run = 1; run <= runs; run++) {
                // Alternating the order spreads any drift in the machine's load evenly over the compared cases.
                const order = run % 2 === 1 ? cases : [...cases].reverse();
                const line: string[] = [];
                for (const id of order) {
                    const sample = await measure(id, size);
                    ((samples[id] ??= {})[size] ??= []).push(sample);
                    line.push(`${id} ${sample.ms.toFixed(0)} ms ${sample.peakMiB.toFixed(0)} MiB`);
                }
                log(`[${group} ${size} run ${run}/${runs}] ${line.join(", ")}`);
            }
        }
    }
    const engine: EngineResults = {};
    const told = <T extends object>(group: string, result: T): T => {
        if ("skipped" in result) log(`${group} skipped: ${String(result.skipped)}`);
        return result;
    };
    if (only.includes("preview")) engine.preview = told("preview", await previewStacks(runs, log));
    if (only.includes("up")) engine.up = told("up", await measureUp(runs, log));
    const groups: GroupReport[] = [];
    if (engine.preview !== undefined || engine.up !== undefined) groups.push(engineReport(engine));
    if (only.includes("cli")) groups.push(cliReport(await runCliGroup(runs, log)));
    log(`benchmark done in ${((performance.now() - started) / 1000).toFixed(0)} s`);

    const info: RunInfo = {
        date: new Date().toISOString().slice(0, 10),
        node: process.version,
        platform: `${os.platform()} ${os.arch()}`,
        cpus: os.cpus().length,
        cpuModel: os.cpus()[0]?.model.trim() ?? "unknown",
        runs,
    };
    process.stdout.write(values.json ? `${JSON.stringify(jsonSummary(samples, info, groups))}\n` : formatReport(samples, info, groups));
    return 0;
}

main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: Error) => {
        process.stderr.write(`${error.stack ?? error.message}\n`);
        process.exit(1);
    },
);
