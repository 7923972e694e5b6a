/**
 * Case (d): `pulumi preview` of the dev stack with the real engine, when the Pulumi CLI and its plugins are installed
 * (scripts/install-tools.sh builds them into .tools/bin). The dev stack creates its kind cluster, so its kubeconfig is
 * unknown at preview time and the preview needs neither Docker nor a cluster. Runs in a throw-away project copy with a
 * local file backend and a passphrase, as the engine tests do.
 */
import { EngineProject, findEngine } from "../harness/pulumi-engine";

export type PreviewResult = { seconds: number[] } | { skipped: string };

/** Wall time of `runs` previews of the dev stack (after one untimed preview that warms the plugins), or why not. */
export async function previewDevStack(runs: number, progress: (line: string) => void): Promise<PreviewResult> {
    let engine;
    try {
        engine = findEngine();
    } catch (error) {
        return { skipped: (error as Error).message };
    }
    const project = EngineProject.create(engine);
    try {
        await project.initStack("dev");
        const preview = () => project.pulumi(["preview", "--stack", "dev", "--non-interactive"]);
        await preview();
        const seconds: number[] = [];
        for (let run = 1; run <= runs; run++) {
            const start = performance.now();
            await preview();
            seconds.push((performance.now() - start) / 1000);
            progress(`pulumi preview (dev) run ${run}/${runs}: ${seconds[seconds.length - 1].toFixed(1)} s`);
        }
        return { seconds };
    } finally {
        await project.cleanup();
    }
}
