/**
 * Runs one case once, in this fresh process, and prints one JSON line: wall time of the work, items handled, and the
 * process's peak resident memory (so each measurement's peak is its own). Usable alone; with BENCH_PROFILE=<file> it
 * also writes a CPU profile of the timed work (see cpu-profile.ts):
 *
 *     BENCH_PROFILE=components-500.cpuprofile node --import tsx bench/child.ts components 500
 */
import { CASES, CaseId } from "./cases";
import { profiled } from "./cpu-profile";

/** One measurement, as the child prints it. */
export interface Sample {
    /** Wall time of the work. */
    ms: number;
    /** CPU time (user + system, all threads) of the work: less disturbed than wall time by other load on the machine. */
    cpuMs: number;
    items: number;
    peakMiB: number;
}

async function main(id: string, n: number): Promise<void> {
    if (!(id in CASES) || !Number.isInteger(n) || n < 1) {
        process.stderr.write(`usage: bench/child.ts <${Object.keys(CASES).join("|")}> <n>; got ${JSON.stringify(process.argv.slice(2))}\n`);
        process.exit(2);
    }
    const work = await CASES[id as CaseId].prepare(n);
    const start = performance.now();
    const cpuStart = process.cpuUsage();
    const profile = process.env.BENCH_PROFILE;
    const items = profile ? await profiled(profile, work) : await work();
    const ms = performance.now() - start;
    const cpu = process.cpuUsage(cpuStart);
    const sample: Sample = { ms, cpuMs: (cpu.user + cpu.system) / 1000, items, peakMiB: process.resourceUsage().maxRSS / 1024 };
    process.stdout.write(`${JSON.stringify(sample)}\n`);
}

main(process.argv[2], Number(process.argv[3])).then(
    // Pulumi's runtime may keep handles open after the mocks are done; the measurement is complete.
    () => process.exit(0),
    (error: Error) => {
        process.stderr.write(`${error.stack ?? error.message}\n`);
        process.exit(1);
    },
);
