import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { parseAllDocuments, stringify } from "yaml";
import { benchObjects, benchStackPlan, OBJECTS_PER_APP_STACK, writeBenchStackFile } from "../../bench/bench-stack";
import { cliReport } from "../../bench/cli";
import { cdk8sPlusYaml } from "../../bench/cdk8s-plus-stack";
import type { Sample } from "../../bench/child";
import { declareComponents, declareRaw, rawObjects, settled, useMocks } from "../../bench/mocks-cases";
import { engineReport, engineSummary, engineTargets, formatEngineReport } from "../../bench/engine-report";
import { jsonSummary, median, RunInfo, Samples, targets } from "../../bench/report";
import { appName, OBJECTS_PER_APP, upStackConfig } from "../../bench/up-stack";
import { renderStack } from "../../cli/render";

const REPO = path.resolve(__dirname, "../..");

async function declared(declare: () => void) {
    const seen = await useMocks(true);
    declare();
    await settled();
    return seen.kubernetes.map((r) => ({ ...r, inputs: JSON.parse(JSON.stringify(r.inputs)) }));
}

describe("benchmark workload", () => {
    it("declares the same Kubernetes resources, with the same inputs, through components, raw classes and empty groups", async () => {
        const plan = benchStackPlan(2);
        const components = await declared(() => declareComponents(plan));
        const raw = await declared(() => declareRaw(rawObjects(plan), plan.protect));
        const grouped = await declared(() => declareRaw(rawObjects(plan), plan.protect, true));
        const byKey = (list: typeof raw) => new Map(list.map((r) => [`${r.type}/${r.name}`, r.inputs]));
        expect([...byKey(components).keys()].sort()).toEqual([
            "kubernetes:apps/v1:Deployment/web-0", "kubernetes:apps/v1:Deployment/web-1",
            "kubernetes:apps/v1:StatefulSet/db-0", "kubernetes:apps/v1:StatefulSet/db-1",
            "kubernetes:autoscaling/v2:HorizontalPodAutoscaler/web-0", "kubernetes:autoscaling/v2:HorizontalPodAutoscaler/web-1",
            "kubernetes:core/v1:PersistentVolume/bench-data-0", "kubernetes:core/v1:PersistentVolume/bench-data-1",
            "kubernetes:core/v1:PersistentVolumeClaim/data-0", "kubernetes:core/v1:PersistentVolumeClaim/data-1",
            "kubernetes:core/v1:Service/db-0-headless", "kubernetes:core/v1:Service/db-1-headless",
            "kubernetes:core/v1:Service/web-0", "kubernetes:core/v1:Service/web-1",
            "kubernetes:core/v1:ServiceAccount/db-0", "kubernetes:core/v1:ServiceAccount/db-1",
            "kubernetes:core/v1:ServiceAccount/web-0", "kubernetes:core/v1:ServiceAccount/web-1",
            "kubernetes:policy/v1:PodDisruptionBudget/web-0", "kubernetes:policy/v1:PodDisruptionBudget/web-1",
        ]);
        expect(byKey(raw)).toEqual(byKey(components));
        expect(byKey(grouped)).toEqual(byKey(components));
    });

    it("has cdk8s-plus synthesize an object of the same kind and name for each object render writes", () => {
        const dir = writeBenchStackFile(fs.mkdtempSync(path.join(os.tmpdir(), "kube-appstack-bench-test-")), 2);
        try {
            const ours = renderStack(dir, "bench").filter((o) => o.kind !== "Namespace" && o.kind !== "LimitRange");
            const theirs = parseAllDocuments(cdk8sPlusYaml(2)).map((d) => d.toJS() as { kind: string; metadata: { name: string } });
            const names = (list: Array<{ kind: string; metadata: { name: string } }>) => list.map((o) => `${o.kind}/${o.metadata.name}`).sort();
            expect(names(theirs)).toEqual(names(ours));
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });

    it("builds exactly the objects render writes for the bench stack, without the stack file render caps at 1 MiB", () => {
        const dir = writeBenchStackFile(fs.mkdtempSync(path.join(os.tmpdir(), "kube-appstack-bench-test-")), 2);
        try {
            expect(benchObjects(2)).toEqual(renderStack(dir, "bench"));
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });

    it("deploys N stateless apps in the up cases, and the change edits one Deployment's pod template only", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kube-appstack-bench-up-"));
        try {
            fs.copyFileSync(path.join(REPO, "Pulumi.yaml"), path.join(dir, "Pulumi.yaml"));
            const render = (revision: number) => {
                const cluster = { kubeconfig: path.join(dir, "kubeconfig"), context: "bench" };
                fs.writeFileSync(path.join(dir, "Pulumi.up.yaml"), stringify({ config: upStackConfig(3, "bench-up", cluster, revision) }));
                return renderStack(dir, "up");
            };
            const [before, after] = [render(1), render(2)];
            const apps = before.filter((o) => o.metadata.namespace === "bench-up" && o.metadata.name.startsWith("app-"));
            expect(apps.map((o) => `${o.kind}/${o.metadata.name}`).sort()).toEqual(["Deployment", "PodDisruptionBudget", "Service", "ServiceAccount"]
                .flatMap((kind) => [0, 1, 2].map((i) => `${kind}/${appName(i)}`)).sort());
            expect(apps).toHaveLength(3 * OBJECTS_PER_APP);
            const changed = after.filter((o, i) => JSON.stringify(o) !== JSON.stringify(before[i]));
            expect(changed.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([`Deployment/${appName(0)}`]);
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });

    it("measures a case in a fresh process and prints one sample line", () => {
        const child = spawnSync(process.execPath, ["--import", "tsx", path.join(REPO, "bench", "child.ts"), "check", "16"], { cwd: REPO, encoding: "utf8" });
        expect(child.stderr).toBe("");
        const sample = JSON.parse(child.stdout) as Sample;
        expect(sample.items).toBe(2 * OBJECTS_PER_APP_STACK + 2);
        expect(sample.ms).toBeGreaterThan(0);
        expect(sample.cpuMs).toBeGreaterThan(0);
        expect(sample.peakMiB).toBeGreaterThan(10);
    });

    it("refuses an unknown case with the list of cases", () => {
        const child = spawnSync(process.execPath, ["--import", "tsx", path.join(REPO, "bench", "child.ts"), "nope", "1"], { cwd: REPO, encoding: "utf8" });
        expect(child.status).toBe(2);
        expect(child.stderr).toBe('usage: bench/child.ts <components|grouped|raw|program|render|cdk8s|yaml|check> <n>; got ["nope","1"]\n');
    });
});

describe("benchmark report", () => {
    const sample = (ms: number, peakMiB = 100, items = 8): Sample => ({ ms, cpuMs: ms, items, peakMiB });
    const info: RunInfo = { date: "2026-01-01", node: "v20.0.0", platform: "linux x64", cpus: 2, cpuModel: "test", runs: 3 };

    it("takes the median of odd and even counts", () => {
        expect(median([3, 1, 2])).toBe(2);
        expect(median([4, 1, 3, 2])).toBe(2.5);
        expect(() => median([])).toThrow("median of no values");
    });

    it("prints the issue's keys, ratios of medians (ours / other), and judges each target", () => {
        const samples: Samples = {
            components: { 10: [sample(12)], 100: [sample(110, 120), sample(130, 130), sample(500, 125)], 500: [sample(600, 300)] },
            grouped: { 100: [sample(125)], 500: [sample(580)] },
            raw: { 10: [sample(10)], 100: [sample(100, 100)], 500: [sample(500, 250)] },
            render: { 10: [sample(5)], 100: [sample(40)], 500: [sample(200)] },
            cdk8s: { 10: [sample(10)], 100: [sample(100)], 500: [sample(500)] },
            yaml: { 10: [sample(2)], 100: [sample(20)], 500: [sample(100)] },
            check: { 1000: [sample(10, 100, 1002)], 10000: [sample(100, 100, 10002)], 50000: [sample(1000, 100, 50002)] },
        };
        const json = jsonSummary(samples, info, [engineReport({ preview: { skipped: "no pulumi" }, up: { skipped: "no cluster" } })]);
        expect(json).toMatchObject({
            components_vs_raw_ratio: { 10: 1.2, 100: 1.3, 500: 1.2 },
            render_vs_cdk8s_ratio: { 10: 0.5, 100: 0.4, 500: 0.4 },
            render_vs_yaml_floor_ratio: { 10: 2.5, 100: 2, 500: 2 },
            check_objects_per_s: { 1000: 100200, 10000: 100020, 50000: 50002 },
            peak_mib: { components: { 100: 125 }, raw: { 500: 250 } },
            components_vs_raw_peak_ratio: { 100: 1.25, 500: 1.2 },
            pulumi_preview_s: null,
            pulumi_preview_skipped: "no pulumi",
            pulumi_up_s: null,
            pulumi_up_skipped: "no cluster",
        });
        const verdicts = Object.fromEntries(targets(samples).map((t) => [t.name, t.met]));
        expect(verdicts).toEqual({
            "components / raw SDK, wall time, N=100": false,
            "components / raw SDK, peak memory, N=100": false,
            "components / raw SDK, wall time, N=500": false,
            "components / raw SDK, peak memory, N=500": false,
            "components / empty-component floor, wall time, N=100": true,
            "components / empty-component floor, wall time, N=500": true,
            "render / cdk8s-plus, wall time, N=500": true,
            "render / yaml floor, wall time, N=500": true,
            "check objects/s at 50k objects": true,
            "components: wall time at N=500 / N=100": true,
            "render: wall time at N=500 / N=100": true,
            "check: wall time at 50k / 10k objects": false,
        });
    });

    it("judges the command's starts against bare Node of the same run, and check's end-to-end rate", () => {
        const report = cliReport({
            ms: { node: [40, 50, 60], check: [90, 100, 500], render: [160, 200], check50k: [1000, 1250, 2000], check50kOneThread: [2500] },
            corpusObjects: 50_002,
        });
        expect(report.keys).toEqual({
            cli_median_ms: { node: 50, check: 100, render: 180, check50k: 1250, check50kOneThread: 2500 },
            cli_vs_bare_node_ratio: { node: 1, check: 2, render: 3.6, check50k: 25, check50kOneThread: 50 },
            cli_check_end_to_end_objects_per_s: 40_002,
            cli_check_one_thread_objects_per_s: 20_001,
        });
        expect(report.text).toContain("check end to end on one thread (--jobs 1): 2500 ms, 20001 objects/s");
        expect(report.targets.map((t) => [t.name, t.value, t.met])).toEqual([
            ["check of one file / bare node startup", 2, true],
            ["check objects/s end to end at 50k objects", 40_001.6, true],
            ["render --stack prod / bare node startup", 3.6, false],
        ]);
        expect(report.text).toContain("node bin/kube-appstack.js render --stack prod");
        const json = jsonSummary({}, info, [report]);
        expect(json).toMatchObject({ cli_check_end_to_end_objects_per_s: 40_002 });
        expect((json.targets as Array<{ name: string }>).map((t) => t.name)).toEqual(report.targets.map((t) => t.name));
    });

    it("compares each preview with the floor and each pulumi up with kubectl, medians over runs, and judges their targets", () => {
        const preview = { seconds: { floor: [2, 1, 3], dev: [3, 3.5, 2.5], local: [2, 2, 2], staging: [2], prod: [2], "dev + policies": [4], "prod + policies": [3] } };
        const up = {
            seconds: {
                "pulumi fresh": { 1: [10], 10: [12, 14, 13], 50: [30] },
                "pulumi change": { 1: [8], 10: [9], 50: [12] },
                "pulumi default --parallel fresh": { 50: [100] },
                "kubectl fresh": { 1: [5], 10: [6], 50: [25] },
                "kubectl change": { 1: [4], 10: [6], 50: [15] },
            },
        };
        const summary = engineSummary({ preview, up });
        expect(summary.pulumi_preview_s).toEqual({ floor: 2, dev: 3, local: 2, staging: 2, prod: 2, "dev + policies": 4, "prod + policies": 3 });
        expect(summary.pulumi_preview_vs_floor_ratio).toEqual({ dev: 1.5, local: 1, staging: 1, prod: 1, "dev + policies": 2, "prod + policies": 1.5 });
        expect(summary.pulumi_up_s).toMatchObject({ "pulumi fresh": { 1: 10, 10: 13, 50: 30 }, "kubectl change": { 50: 15 } });
        expect(summary.pulumi_up_vs_kubectl_ratio).toMatchObject({
            "pulumi fresh": { 1: 2, 10: 2.167, 50: 1.2 },
            "pulumi change": { 1: 2, 10: 1.5, 50: 0.8 },
            "pulumi default --parallel fresh": { 50: 4 },
        });
        expect(engineTargets({ preview, up })).toEqual([
            { name: "pulumi preview dev / floor, wall time", value: 1.5, limit: 1.5, kind: "max", met: true },
            { name: "pulumi up fresh, N=50 / kubectl floor, wall time", value: 1.2, limit: 1.5, kind: "max", met: true },
            { name: "pulumi up fresh: wall time at N=50 / N=10", value: 2.308, limit: 5.5, kind: "max", met: true },
            { name: "pulumi up change: wall time at N=50 / N=10", value: 1.333, limit: 5.5, kind: "max", met: true },
        ]);
        const text = formatEngineReport({ preview, up }).join("\n");
        expect(text).toMatch(/^dev\s+3\.00\s+1\.50x\s+3\.0 3\.5 2\.5$/m);
        expect(text).toMatch(/^50\s+fresh\s+25\.0\s+30\.0\s+1\.20x\s+100\.0\s+4\.00x/m);
        expect(engineTargets({})).toEqual([]);
    });
});
