/**
 * Turns the samples of a benchmark run into the summary the issue asks for (one JSON object) and a readable table.
 * Every figure is a median over the run's repetitions; a ratio is ours / other, so below 1 means ours is faster.
 */
import type { CaseId } from "./cases";
import type { Sample } from "./child";
import type { GroupReport } from "./group-report";
import { median, round } from "./stats";
import { judged, Target } from "./target";
import { table } from "./text-table";

export { median };

export const APP_STACKS = [10, 100, 500] as const;
export const CHECK_OBJECTS = [1000, 10000, 50000] as const;

/** Samples per case and size (app stacks, or objects for `check`). */
export type Samples = Partial<Record<CaseId, Record<number, Sample[]>>>;

export interface RunInfo {
    date: string;
    node: string;
    platform: string;
    cpus: number;
    cpuModel: string;
    runs: number;
}

/** Median of one measure of a case at a size, or undefined when that case was not run. */
function med(samples: Samples, id: CaseId, size: number, measure: keyof Sample): number | undefined {
    const list = samples[id]?.[size];
    return list === undefined || list.length === 0 ? undefined : median(list.map((s) => s[measure]));
}

function perSize(sizes: readonly number[], value: (size: number) => number | undefined, digits: number): Record<string, number> | undefined {
    const entries = sizes.flatMap((size) => {
        const v = value(size);
        return v === undefined ? [] : [[String(size), round(v, digits)] as const];
    });
    return entries.length === 0 ? undefined : Object.fromEntries(entries);
}

function ratio(samples: Samples, ours: CaseId, other: CaseId, measure: keyof Sample) {
    return (size: number) => {
        const a = med(samples, ours, size, measure);
        const b = med(samples, other, size, measure);
        return a === undefined || b === undefined ? undefined : a / b;
    };
}

const sizesOf = (id: CaseId) => (id === "check" ? CHECK_OBJECTS : APP_STACKS);

/** The targets of issue 7, point 4, and of issue 15, point 4 (our component layer over the empty-component floor), for the cases that ran. */
export function targets(samples: Samples): Target[] {
    const list: Target[] = [];
    const add = (name: string, value: number | undefined, limit: number, kind: Target["kind"] = "max") => list.push(...judged(name, value, limit, kind));
    for (const n of [100, 500]) {
        add(`components / raw SDK, wall time, N=${n}`, ratio(samples, "components", "raw", "ms")(n), 1.1);
        add(`components / raw SDK, peak memory, N=${n}`, ratio(samples, "components", "raw", "peakMiB")(n), 1.1);
    }
    for (const n of [100, 500]) add(`components / empty-component floor, wall time, N=${n}`, ratio(samples, "components", "grouped", "ms")(n), 1.05);
    add("render / cdk8s-plus, wall time, N=500", ratio(samples, "render", "cdk8s", "ms")(500), 0.5);
    add("render / yaml floor, wall time, N=500", ratio(samples, "render", "yaml", "ms")(500), 3);
    const objects = med(samples, "check", 50000, "items");
    const ms = med(samples, "check", 50000, "ms");
    add("check objects/s at 50k objects", objects !== undefined && ms !== undefined ? objects / (ms / 1000) : undefined, 20000, "min");
    for (const id of ["components", "render"] as const) {
        const at = (n: number) => med(samples, id, n, "ms");
        const [a, b] = [at(100), at(500)];
        add(`${id}: wall time at N=500 / N=100`, a !== undefined && b !== undefined ? b / a : undefined, 5.5);
    }
    const [c10k, c50k] = [med(samples, "check", 10000, "ms"), med(samples, "check", 50000, "ms")];
    add("check: wall time at 50k / 10k objects", c10k !== undefined && c50k !== undefined ? c50k / c10k : undefined, 5.5);
    return list;
}

/** The one JSON object of `npm run bench -- --json`. Keys of cases that did not run are left out. */
export function jsonSummary(samples: Samples, info: RunInfo, groups: readonly GroupReport[] = []): Record<string, unknown> {
    const ids = Object.keys(samples) as CaseId[];
    const each = (measure: keyof Sample, digits: number) => Object.fromEntries(ids.map((id) => [id, perSize(sizesOf(id), (n) => med(samples, id, n, measure), digits)]));
    const growth = Object.fromEntries(ids.map((id) => {
        const [small, large] = id === "check" ? [10000, 50000] : [100, 500];
        const a = med(samples, id, small, "ms");
        const b = med(samples, id, large, "ms");
        return [id, a === undefined || b === undefined ? undefined : round(b / a, 2)];
    }));
    const checkRate = (n: number) => {
        const items = med(samples, "check", n, "items");
        const ms = med(samples, "check", n, "ms");
        return items === undefined || ms === undefined ? undefined : items / (ms / 1000);
    };
    return {
        components_vs_raw_ratio: perSize(APP_STACKS, ratio(samples, "components", "raw", "ms"), 3),
        render_vs_cdk8s_ratio: perSize(APP_STACKS, ratio(samples, "render", "cdk8s", "ms"), 3),
        render_vs_yaml_floor_ratio: perSize(APP_STACKS, ratio(samples, "render", "yaml", "ms"), 3),
        check_objects_per_s: perSize(CHECK_OBJECTS, checkRate, 0),
        peak_mib: each("peakMiB", 1),
        components_vs_raw_peak_ratio: perSize(APP_STACKS, ratio(samples, "components", "raw", "peakMiB"), 3),
        components_vs_raw_cpu_ratio: perSize(APP_STACKS, ratio(samples, "components", "raw", "cpuMs"), 3),
        // The split of components_vs_raw_ratio: our layer over empty components, and the SDK's cost of components.
        components_vs_component_floor_ratio: perSize(APP_STACKS, ratio(samples, "components", "grouped", "ms"), 3),
        component_floor_vs_raw_ratio: perSize(APP_STACKS, ratio(samples, "grouped", "raw", "ms"), 3),
        median_ms: each("ms", 1),
        median_cpu_ms: each("cpuMs", 1),
        growth_large_over_small: growth,
        ...Object.assign({}, ...groups.map((group) => group.keys)),
        targets: [...targets(samples), ...groups.flatMap((group) => group.targets)],
        run: info,
    };
}

const fixed = (digits: number) => (v: number | undefined) => (v === undefined ? undefined : v.toFixed(digits));
const ms0 = fixed(0);
const x2 = (v: number | undefined) => (v === undefined ? undefined : `${v.toFixed(2)}x`);

/** The readable report of a run. */
export function formatReport(samples: Samples, info: RunInfo, groups: readonly GroupReport[] = []): string {
    const m = (id: CaseId, n: number, measure: keyof Sample) => med(samples, id, n, measure);
    const growth = (ids: CaseId[]) => {
        const parts = ids.flatMap((id) => {
            const [a, b] = [m(id, 100, "ms"), m(id, 500, "ms")];
            return a === undefined || b === undefined ? [] : [`${id} ${(b / a).toFixed(2)}x`];
        });
        return parts.length === 0 ? [] : [`wall time N=500 / N=100 (5x the work): ${parts.join(", ")}`];
    };
    const out: string[] = [
        `kube-appstack benchmark, ${info.date}: Node ${info.node}, ${info.platform}, ${info.cpus} CPUs (${info.cpuModel});`,
        `median of ${info.runs} runs, each in a fresh process; N = app stacks (Deployment, HPA, Service, PDB, StatefulSet,`,
        "headless Service, PV, PVC); ratio = ours / other (below 1: ours is faster or smaller).",
        "",
    ];
    if (samples.components || samples.raw) {
        out.push("(a) components vs raw @pulumi/kubernetes, both under Pulumi mocks; \"floor\" = the raw objects in empty components", table(
            ["N", "resources", "components ms", "floor ms", "raw ms", "ratio", "cpu ratio", "ours/floor", "floor/raw", "components MiB", "floor MiB", "raw MiB", "MiB ratio"],
            APP_STACKS.map((n) => [n, m("raw", n, "items") ?? m("components", n, "items"), ms0(m("components", n, "ms")), ms0(m("grouped", n, "ms")),
                ms0(m("raw", n, "ms")), x2(ratio(samples, "components", "raw", "ms")(n)), x2(ratio(samples, "components", "raw", "cpuMs")(n)),
                x2(ratio(samples, "components", "grouped", "ms")(n)), x2(ratio(samples, "grouped", "raw", "ms")(n)),
                fixed(0)(m("components", n, "peakMiB")), fixed(0)(m("grouped", n, "peakMiB")), fixed(0)(m("raw", n, "peakMiB")),
                x2(ratio(samples, "components", "raw", "peakMiB")(n))]),
        ), ...growth(["components", "grouped", "raw"]), "");
    }
    if (samples.program) {
        out.push("the whole program (config validation, namespace, storage, apps, outputs) under Pulumi mocks", table(
            ["N", "resources", "ms", "cpu ms", "peak MiB"],
            APP_STACKS.map((n) => [n, m("program", n, "items"), ms0(m("program", n, "ms")), ms0(m("program", n, "cpuMs")), fixed(0)(m("program", n, "peakMiB"))]),
        ), ...growth(["program"]), "");
    }
    if (samples.render || samples.cdk8s || samples.yaml) {
        out.push("(b) kube-appstack render vs cdk8s-plus synth vs yaml.stringify of the same objects (floor)", table(
            ["N", "objects", "render ms", "cdk8s-plus ms", "yaml ms", "vs cdk8s", "vs floor", "render MiB", "cdk8s MiB", "yaml MiB"],
            APP_STACKS.map((n) => [n, m("render", n, "items"), ms0(m("render", n, "ms")), ms0(m("cdk8s", n, "ms")), ms0(m("yaml", n, "ms")),
                x2(ratio(samples, "render", "cdk8s", "ms")(n)), x2(ratio(samples, "render", "yaml", "ms")(n)),
                fixed(0)(m("render", n, "peakMiB")), fixed(0)(m("cdk8s", n, "peakMiB")), fixed(0)(m("yaml", n, "peakMiB"))]),
        ), ...growth(["render", "cdk8s", "yaml"]), "");
    }
    if (samples.check) {
        out.push("(c) checkObjects, every rule including cross-resource ones", table(
            ["objects", "ms", "objects/s", "peak MiB"],
            CHECK_OBJECTS.map((n) => {
                const items = m("check", n, "items");
                const ms = m("check", n, "ms");
                return [items ?? n, ms0(ms), items !== undefined && ms !== undefined ? Math.round(items / (ms / 1000)) : undefined, fixed(0)(m("check", n, "peakMiB"))];
            }),
        ), "");
    }
    out.push(...groups.map((group) => group.text));
    const list = [...targets(samples), ...groups.flatMap((group) => group.targets)];
    if (list.length > 0) {
        out.push("targets (issues 7 and 15)", table(["target", "value", "limit", ""],
            list.map((t) => [t.name, t.value, `${t.kind === "max" ? "<=" : ">="} ${t.limit}`, t.met ? "met" : "MISSED"])));
    }
    return `${out.join("\n")}\n`;
}
