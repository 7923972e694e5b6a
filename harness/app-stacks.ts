// What the engine and integration tests and the benchmark share about the app program under the real engine: its
// policy pack arguments and cluster stand-ins.
import * as fs from "node:fs";
import * as path from "node:path";
import { stringify } from "yaml";
import type { EngineProject } from "./pulumi-engine";

/** `--policy-pack policies --policy-pack-config policies/config/<stack>.json`, in the project copy. */
export function policyPackArgs(project: EngineProject, policyConfig: string): string[] {
    const policies = path.join(project.dir, "policies");
    return ["--policy-pack", policies, "--policy-pack-config", path.join(policies, "config", `${policyConfig}.json`)];
}

/**
 * A kubeconfig whose `context` points at an API server on a loopback port where nothing listens: the
 * provider cannot reach it, so a preview runs as it would without cluster access. Returns its path.
 */
export function unreachableKubeconfig(project: EngineProject, context: string): string {
    const file = path.join(project.tempDir, `kubeconfig-${context}`);
    const kubeconfig = {
        apiVersion: "v1",
        kind: "Config",
        clusters: [{ name: context, cluster: { server: "https://127.0.0.1:1" } }],
        users: [{ name: context, user: { token: "not-a-real-token" } }],
        contexts: [{ name: context, context: { cluster: context, user: context } }],
        "current-context": context,
    };
    fs.writeFileSync(file, stringify(kubeconfig));
    return file;
}
