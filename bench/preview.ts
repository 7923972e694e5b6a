/**
 * The preview cases: `pulumi preview` of every stack with the real engine, beside the floor, when the Pulumi CLI and its
 * plugins are installed (scripts/install-tools.sh builds them into .tools/bin). The floor is bench/floor-program: one
 * ConfigMap in plain JavaScript, the least a Pulumi program with the Kubernetes provider costs on this engine.
 *
 * No preview reaches a cluster: the dev stack creates its kind cluster, so its kubeconfig is unknown at preview time;
 * local, staging and prod point at an API server where nothing listens (the provider then skips its server-side dry
 * runs); the floor has no kubeconfig at all. Two cases add the policy pack with the stack's policy config, as CI runs it.
 * Everything runs in throw-away project copies with a local file backend and a passphrase, as the engine tests do.
 */
import * as path from "node:path";
import { policyPackArgs, unreachableKubeconfig } from "../harness/app-stacks";
import { engineOrReason, EngineProject } from "../harness/pulumi-engine";

export interface PreviewCase {
    /** The case's name in the report: the stack, plus "+ policies" with the policy pack. */
    name: string;
    stack: string;
    /** The policy config (policies/config/<name>.json) the policy pack runs with, if it runs. */
    policyConfig?: string;
}

export const FLOOR = "floor";
export const PREVIEW_CASES: readonly PreviewCase[] = [
    { name: FLOOR, stack: FLOOR },
    { name: "dev", stack: "dev" },
    { name: "local", stack: "local" },
    { name: "staging", stack: "staging" },
    { name: "prod", stack: "prod" },
    { name: "dev + policies", stack: "dev", policyConfig: "dev" },
    { name: "prod + policies", stack: "prod", policyConfig: "prod" },
];

/** Wall time in seconds of each run, per case name. */
export type PreviewResult = { seconds: Record<string, number[]> } | { skipped: string };

/** The stack's kubeconfig context, from its Pulumi.<stack>.yaml (undefined for a stack that creates its cluster). */
function kubeconfigContext(project: EngineProject, stack: string): string | undefined {
    const config = project.readStackFile(stack).config as Record<string, { kubeconfig?: { context: string } }>;
    return config["kube-appstack:cluster"].kubeconfig?.context;
}

/** Wall time of `runs` previews of each case (after one untimed preview each that warms plugins and caches), or why not. */
export async function previewStacks(runs: number, progress: (line: string) => void): Promise<PreviewResult> {
    const engine = engineOrReason();
    if ("skipped" in engine) return engine;
    const app = EngineProject.create(engine);
    const floor = EngineProject.create(engine, { projectDir: path.join("bench", "floor-program") });
    try {
        await floor.initStack(FLOOR);
        for (const stack of new Set(PREVIEW_CASES.map((c) => c.stack).filter((s) => s !== FLOOR))) {
            // Without the file's encryption salt (Pulumi.local.yaml has one for an empty passphrase): the throw-away
            // stack is keyed to the harness's passphrase.
            app.writeStackFile(stack, { config: app.readStackFile(stack).config });
            await app.initStack(stack);
            const context = kubeconfigContext(app, stack);
            if (context !== undefined) {
                await app.pulumi(["config", "set", "--stack", stack, "--path", "cluster.kubeconfig.path", unreachableKubeconfig(app, context)]);
            }
        }
        const preview = (c: PreviewCase) => {
            const project = c.stack === FLOOR ? floor : app;
            const policies = c.policyConfig === undefined ? [] : policyPackArgs(project, c.policyConfig);
            return project.pulumi(["preview", "--stack", c.stack, "--non-interactive", ...policies]);
        };
        for (const c of PREVIEW_CASES) await preview(c);
        const seconds: Record<string, number[]> = Object.fromEntries(PREVIEW_CASES.map((c) => [c.name, []]));
        for (let run = 1; run <= runs; run++) {
            // Alternating the order spreads any drift in the machine's load evenly over the cases.
            const line: string[] = [];
            for (const c of run % 2 === 1 ? PREVIEW_CASES : [...PREVIEW_CASES].reverse()) {
                const start = performance.now();
                await preview(c);
                seconds[c.name].push((performance.now() - start) / 1000);
                line.push(`${c.name} ${seconds[c.name][run - 1].toFixed(1)} s`);
            }
            progress(`[preview run ${run}/${runs}] ${line.join(", ")}`);
        }
        return { seconds };
    } finally {
        await floor.cleanup();
        await app.cleanup();
    }
}

