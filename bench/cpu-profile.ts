/**
 * Where a case spends its time. `BENCH_PROFILE=<file> node --import tsx bench/child.ts <case> <n>` writes a V8 CPU
 * profile of the timed work only (the same profiler as `node --cpu-prof`, started after module loading and input
 * preparation); `npx tsx bench/cpu-profile.ts <file> [top]` then prints self time by owner (our code, each package, the
 * runtime) and the functions with the most self time and the most total time.
 */
import * as fs from "node:fs";
import * as inspector from "node:inspector";
import * as path from "node:path";

interface ProfileNode {
    id: number;
    callFrame: { functionName: string; url: string; lineNumber: number };
    children?: number[];
}

interface Profile {
    nodes: ProfileNode[];
    samples: number[];
    timeDeltas: number[];
}

/** Runs `work` under the V8 CPU profiler and writes the profile to `file`. */
export async function profiled<T>(file: string, work: () => Promise<T> | T): Promise<T> {
    const session = new inspector.Session();
    session.connect();
    const post = (method: string, params?: object) => new Promise<unknown>((resolve, reject) =>
        session.post(method, params ?? {}, (error, result) => (error ? reject(error) : resolve(result))));
    await post("Profiler.enable");
    await post("Profiler.setSamplingInterval", { interval: 200 });
    await post("Profiler.start");
    try {
        return await work();
    } finally {
        const { profile } = await post("Profiler.stop") as { profile: Profile };
        fs.writeFileSync(file, JSON.stringify(profile));
        session.disconnect();
    }
}

const repo = path.resolve(__dirname, "..");

/** Who owns a frame: our source directory, an npm package, or the runtime. */
function owner(url: string, functionName: string): string {
    if (url === "") return functionName.startsWith("(") ? functionName : "(native)";
    const file = url.replace(/^file:\/\//, "");
    const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(file);
    if (pkg) return pkg[1];
    if (file.startsWith(repo)) return `ours: ${path.relative(repo, file).split(path.sep)[0]}/`;
    return file.startsWith("node:") ? "node" : file;
}

function frame(node: ProfileNode): string {
    const { functionName, url, lineNumber } = node.callFrame;
    const where = url === "" ? "" : ` ${url.replace(/^file:\/\//, "").replace(`${repo}/`, "")}:${lineNumber + 1}`;
    return `${functionName || "(anonymous)"}${where}`;
}

export function summarize(profile: Profile, top: number): string {
    const byId = new Map(profile.nodes.map((n) => [n.id, n]));
    const parent = new Map<number, number>();
    for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
    const selfMs = new Map<number, number>();
    profile.samples.forEach((id, i) => selfMs.set(id, (selfMs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000));
    const total = [...selfMs.values()].reduce((a, b) => a + b, 0);

    const add = (map: Map<string, number>, key: string, ms: number) => map.set(key, (map.get(key) ?? 0) + ms);
    const owners = new Map<string, number>();
    const selfByFrame = new Map<string, number>();
    const totalByFrame = new Map<string, number>();
    for (const [id, ms] of selfMs) {
        const node = byId.get(id) as ProfileNode;
        add(owners, owner(node.callFrame.url, node.callFrame.functionName), ms);
        add(selfByFrame, frame(node), ms);
        // Total time counts each function once per sample, however deep its recursion.
        const seen = new Set<string>();
        for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
            const name = frame(byId.get(at) as ProfileNode);
            if (!seen.has(name)) add(totalByFrame, name, ms);
            seen.add(name);
        }
    }
    const rows = (map: Map<string, number>) => [...map].sort((a, b) => b[1] - a[1]).slice(0, top)
        .map(([name, ms]) => `  ${ms.toFixed(0).padStart(7)} ms ${((100 * ms) / total).toFixed(1).padStart(5)}%  ${name}`);
    return [
        `profiled ${total.toFixed(0)} ms`,
        "self time by owner:", ...rows(owners),
        `top ${top} functions by self time:`, ...rows(selfByFrame),
        `top ${top} functions by total time:`, ...rows(totalByFrame),
    ].join("\n");
}

if (require.main === module) {
    const [file, top] = process.argv.slice(2);
    if (file === undefined) {
        process.stderr.write("usage: npx tsx bench/cpu-profile.ts <file.cpuprofile> [top]\n");
        process.exit(2);
    }
    process.stdout.write(`${summarize(JSON.parse(fs.readFileSync(file, "utf8")) as Profile, Number(top ?? 25))}\n`);
}
