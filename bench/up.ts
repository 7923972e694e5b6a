/**
 * The `up` cases: `pulumi up` of N stateless apps on the live local cluster, beside the floor of `kubectl apply
 * --server-side` of the same manifests (`kube-appstack render` of the same stack config) followed by `kubectl rollout
 * status` of every workload. Each trial deploys a fresh stack into a fresh namespace (the fresh case), then changes one
 * field of one app (its env var, so a rollout) and deploys again (the change case); its namespace is deleted and its
 * stack removed before the next trial starts, so trials are independent. `pulumi up` runs as CI and the Automation API
 * run it (`--yes --skip-preview`), without the policy pack (its start-up is in the preview cases).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { renderStack } from "../cli/render";
import { manifestYaml } from "../cli/manifest-yaml";
import { engineOrReason, EngineProject } from "../harness/pulumi-engine";
import { LiveCluster, liveCluster } from "./live-cluster";
import { upStackConfig } from "./up-stack";

export const UP_APPS = [1, 10, 50] as const;
/** The up cases run at most this many times (each trial deploys and deletes whole namespaces: minutes at N = 50). */
export const UP_MAX_RUNS = 3;

/**
 * How each `pulumi up` side runs: as CI runs it (pulumi/actions passes an unbounded `--parallel`), with the CLI's
 * default `--parallel` (4 x the machine's cores, what `pulumi up` on a laptop gets), and at the largest N with 32.
 */
export const UP_SIDES = {
    pulumi: { parallel: 2147483647, sizes: UP_APPS },
    "pulumi default --parallel": { parallel: undefined, sizes: UP_APPS },
    "pulumi --parallel 32": { parallel: 32, sizes: [UP_APPS[UP_APPS.length - 1]] },
} as const satisfies Record<string, { parallel: number | undefined; sizes: readonly number[] }>;
export type PulumiSide = keyof typeof UP_SIDES;
export const KUBECTL = "kubectl";

/** Wall time in seconds per side and step ("pulumi fresh", "kubectl change", ...) and N. */
export type UpSeconds = Record<string, Record<number, number[]>>;
export type UpResult = { seconds: UpSeconds } | { skipped: string };

/** How long any one deploy may take before the trial fails (a rollout that never completes must not hang the bench). */
const ROLLOUT_TIMEOUT = "600s";

const timed = async (work: () => Promise<unknown>): Promise<number> => {
    const start = performance.now();
    await work();
    return (performance.now() - start) / 1000;
};

interface Trial {
    fresh: number;
    change: number;
}

/** One pulumi trial: a fresh stack, then the change, then the namespace and the stack are removed. */
async function pulumiTrial(project: EngineProject, cluster: LiveCluster, n: number, name: string, parallel?: number): Promise<Trial> {
    const stack = name;
    const config = (revision: number) => upStackConfig(n, name, cluster, revision);
    project.writeStackFile(stack, { config: config(1) });
    await project.initStack(stack);
    const up = () => project.pulumi(["up", "--stack", stack, "--yes", "--skip-preview", ...(parallel === undefined ? [] : ["--parallel", String(parallel)])]);
    try {
        const fresh = await timed(up);
        project.writeStackFile(stack, { ...project.readStackFile(stack), config: config(2) });
        const change = await timed(up);
        return { fresh, change };
    } finally {
        await project.removeStack(stack);
        await cluster.kubectl(["delete", "namespace", name, "--ignore-not-found", "--wait=true", `--timeout=${ROLLOUT_TIMEOUT}`]);
    }
}

/** One kubectl trial on the rendered manifests of the same config, in the same steps. */
async function kubectlTrial(project: EngineProject, cluster: LiveCluster, n: number, name: string): Promise<Trial> {
    const render = (revision: number) => {
        project.writeStackFile(name, { config: upStackConfig(n, name, cluster, revision) });
        const objects = renderStack(project.dir, name);
        const all = path.join(project.tempDir, `${name}-${revision}.yaml`);
        const workloads = path.join(project.tempDir, `${name}-${revision}-workloads.yaml`);
        fs.writeFileSync(all, objects.map((o) => manifestYaml(o)).join("---\n"));
        fs.writeFileSync(workloads, objects.filter((o) => o.kind === "Deployment" || o.kind === "StatefulSet").map((o) => manifestYaml(o)).join("---\n"));
        return { all, workloads };
    };
    const deploy = (files: { all: string; workloads: string }) => timed(async () => {
        await cluster.kubectl(["apply", "--server-side", "-f", files.all]);
        await cluster.kubectl(["rollout", "status", "-f", files.workloads, `--timeout=${ROLLOUT_TIMEOUT}`]);
    });
    try {
        const fresh = await deploy(render(1));
        const change = await deploy(render(2));
        return { fresh, change };
    } finally {
        await cluster.kubectl(["delete", "namespace", name, "--ignore-not-found", "--wait=true", `--timeout=${ROLLOUT_TIMEOUT}`]);
    }
}

/** `runs` (at most UP_MAX_RUNS) trials of each side and size, alternating their order, or why they cannot run. */
export async function measureUp(runs: number, progress: (line: string) => void): Promise<UpResult> {
    const engine = engineOrReason();
    if ("skipped" in engine) return engine;
    const cluster = liveCluster();
    if ("skipped" in cluster) return cluster;
    const project = EngineProject.create(engine);
    const seconds: UpSeconds = {};
    const record = (side: string, n: number, trial: Trial) => {
        ((seconds[`${side} fresh`] ??= {})[n] ??= []).push(trial.fresh);
        ((seconds[`${side} change`] ??= {})[n] ??= []).push(trial.change);
        return `${side} ${trial.fresh.toFixed(1)} s + ${trial.change.toFixed(1)} s`;
    };
    try {
        for (const n of UP_APPS) {
            for (let run = 1; run <= Math.min(runs, UP_MAX_RUNS); run++) {
                const name = (side: number) => `bench-up-${n}-${run}-${side}`;
                const pulumiSides = (Object.keys(UP_SIDES) as PulumiSide[]).filter((side) => (UP_SIDES[side].sizes as readonly number[]).includes(n));
                const sides = [
                    ...pulumiSides.map((side, i) => async () => record(side, n, await pulumiTrial(project, cluster, n, name(i), UP_SIDES[side].parallel))),
                    async () => record(KUBECTL, n, await kubectlTrial(project, cluster, n, name(pulumiSides.length))),
                ];
                const line: string[] = [];
                for (const side of run % 2 === 1 ? sides : [...sides].reverse()) line.push(await side());
                progress(`[up ${n} apps run ${run}/${Math.min(runs, UP_MAX_RUNS)}] ${line.join(", ")}`);
            }
        }
        return { seconds };
    } finally {
        await project.cleanup();
    }
}
