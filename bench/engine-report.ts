/**
 * The summary of the cases that drive the real engine (issue 15, points 2 and 3): `pulumi preview` of every stack
 * beside the floor program, and `pulumi up` on the live cluster beside kubectl. Figures are medians of the run's
 * repetitions; a ratio is ours / floor, so below 1 means ours is faster.
 */
import type { GroupReport } from "./group-report";
import { FLOOR, PREVIEW_CASES, PreviewResult } from "./preview";
import { median, round } from "./stats";
import { judged, Target } from "./target";
import { table } from "./text-table";
import { KUBECTL, PulumiSide, UP_APPS, UP_MAX_RUNS, UP_SIDES, UpResult } from "./up";

export interface EngineResults {
    preview?: PreviewResult;
    up?: UpResult;
}

const STEPS = ["fresh", "change"] as const;
type Step = (typeof STEPS)[number];

const medianOf = (values: number[] | undefined) => (values === undefined || values.length === 0 ? undefined : median(values));

function previewSeconds(preview: PreviewResult | undefined, name: string): number | undefined {
    return preview === undefined || "skipped" in preview ? undefined : medianOf(preview.seconds[name]);
}

function previewRatio(preview: PreviewResult | undefined, name: string): number | undefined {
    const [ours, floor] = [previewSeconds(preview, name), previewSeconds(preview, FLOOR)];
    return ours === undefined || floor === undefined ? undefined : ours / floor;
}

function upSeconds(up: UpResult | undefined, side: string, step: Step, n: number): number | undefined {
    return up === undefined || "skipped" in up ? undefined : medianOf(up.seconds[`${side} ${step}`]?.[n]);
}

function upRatio(up: UpResult | undefined, side: PulumiSide, step: Step, n: number): number | undefined {
    const [ours, floor] = [upSeconds(up, side, step, n), upSeconds(up, KUBECTL, step, n)];
    return ours === undefined || floor === undefined ? undefined : ours / floor;
}

const sides = Object.keys(UP_SIDES) as PulumiSide[];
const largest = UP_APPS[UP_APPS.length - 1];

/** Name -> value, without the names whose value was not measured; undefined when none was. */
function defined(entries: Array<[string, number | undefined]>, digits: number): Record<string, number> | undefined {
    const kept = entries.filter((e): e is [string, number] => e[1] !== undefined).map(([k, v]) => [k, round(v, digits)] as const);
    return kept.length === 0 ? undefined : Object.fromEntries(kept);
}

/** The JSON keys of the engine cases (a case that was skipped says why). */
export function engineSummary({ preview, up }: EngineResults): Record<string, unknown> {
    const summary: Record<string, unknown> = {};
    if (preview !== undefined) {
        if ("skipped" in preview) Object.assign(summary, { pulumi_preview_s: null, pulumi_preview_skipped: preview.skipped });
        else {
            summary.pulumi_preview_s = defined(PREVIEW_CASES.map((c) => [c.name, previewSeconds(preview, c.name)]), 2);
            summary.pulumi_preview_vs_floor_ratio = defined(PREVIEW_CASES.filter((c) => c.name !== FLOOR).map((c) => [c.name, previewRatio(preview, c.name)]), 3);
        }
    }
    if (up !== undefined) {
        if ("skipped" in up) Object.assign(summary, { pulumi_up_s: null, pulumi_up_skipped: up.skipped });
        else {
            const perSize = (value: (n: number) => number | undefined, digits: number) => defined(UP_APPS.map((n) => [String(n), value(n)]), digits);
            summary.pulumi_up_s = Object.fromEntries([...sides, KUBECTL].flatMap((side) => STEPS.map((step) => [`${side} ${step}`, perSize((n) => upSeconds(up, side, step, n), 2)])));
            summary.pulumi_up_vs_kubectl_ratio = Object.fromEntries(sides.flatMap((side) => STEPS.map((step) => [`${side} ${step}`, perSize((n) => upRatio(up, side, step, n), 3)])));
        }
    }
    return summary;
}

/** The targets of issue 15, points 2 and 3, for the engine cases that ran. */
export function engineTargets({ preview, up }: EngineResults): Target[] {
    const growth = (step: Step) => {
        const [small, large] = [upSeconds(up, "pulumi", step, 10), upSeconds(up, "pulumi", step, largest)];
        return small === undefined || large === undefined ? undefined : large / small;
    };
    return [
        ...judged("pulumi preview dev / floor, wall time", previewRatio(preview, "dev"), 1.5),
        ...judged(`pulumi up fresh, N=${largest} / kubectl floor, wall time`, upRatio(up, "pulumi", "fresh", largest), 1.5),
        ...STEPS.flatMap((step) => judged(`pulumi up ${step}: wall time at N=${largest} / N=10`, growth(step), (largest / 10) * 1.1)),
    ];
}

const fixed = (digits: number) => (v: number | undefined) => (v === undefined ? undefined : v.toFixed(digits));
const x2 = (v: number | undefined) => (v === undefined ? undefined : `${v.toFixed(2)}x`);

/** The readable report of the engine cases. */
export function formatEngineReport({ preview, up }: EngineResults): string[] {
    const out: string[] = [];
    if (preview !== undefined) {
        out.push("(d) pulumi preview of every stack beside the floor (one ConfigMap in plain JavaScript); no cluster is reached");
        if ("skipped" in preview) out.push(`skipped: ${preview.skipped}`, "");
        else {
            out.push(table(["case", "median s", "vs floor", "runs (s)"], PREVIEW_CASES.map((c) => [
                c.name, fixed(2)(previewSeconds(preview, c.name)), c.name === FLOOR ? undefined : x2(previewRatio(preview, c.name)),
                preview.seconds[c.name].map((s) => s.toFixed(1)).join(" "),
            ])), "");
        }
    }
    if (up !== undefined) {
        out.push("(e) pulumi up --skip-preview of N stateless apps on the live local cluster vs kubectl apply --server-side + rollout status",
            `    (floor), median of at most ${UP_MAX_RUNS} runs; "pulumi" runs as CI does (unbounded --parallel), "default" with the CLI's default (4 x cores)`);
        if ("skipped" in up) out.push(`skipped: ${up.skipped}`, "");
        else {
            const rows = UP_APPS.flatMap((n) => STEPS.map((step) => [
                n, step, fixed(1)(upSeconds(up, KUBECTL, step, n)),
                ...sides.flatMap((side) => [fixed(1)(upSeconds(up, side, step, n)), x2(upRatio(up, side, step, n))]),
            ]));
            out.push(table(["N", "step", "kubectl s", ...sides.flatMap((side) => [`${side} s`, "ratio"])], rows), "");
        }
    }
    return out;
}

/** The engine cases as one group of the run's report. */
export function engineReport(engine: EngineResults): GroupReport {
    return { keys: engineSummary(engine), targets: engineTargets(engine), text: formatEngineReport(engine).join("\n") };
}
