/**
 * The live local cluster of `npm run cluster:up` (docs/local-cluster.md), reached the way the `local` stack reaches it:
 * the kubeconfig path and context of Pulumi.local.yaml. The `up` cases deploy there; kubectl is the one built into
 * .tools/bin beside the cluster (the server's version).
 */
import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { repoRoot } from "../harness/pulumi-engine";

export interface LiveCluster {
    /** Absolute path of the cluster's kubeconfig. */
    kubeconfig: string;
    context: string;
    /** kubectl against this cluster only; resolves with stdout, rejects with the output on failure. */
    kubectl(args: string[]): Promise<string>;
}

/** The cluster, or why the `up` cases cannot run (no kubectl, or the cluster is not running). */
export function liveCluster(): LiveCluster | { skipped: string } {
    const stackFile = parse(fs.readFileSync(path.join(repoRoot, "Pulumi.local.yaml"), "utf8")) as {
        config: { "kube-appstack:cluster": { kubeconfig: { context: string; path: string } } };
    };
    const { context, path: relative } = stackFile.config["kube-appstack:cluster"].kubeconfig;
    const kubeconfig = path.resolve(repoRoot, relative);
    const kubectlBin = path.join(process.env.TOOLS_BIN ?? path.join(repoRoot, ".tools", "bin"), "kubectl");
    if (!fs.existsSync(kubectlBin)) return { skipped: `no kubectl at ${kubectlBin} (scripts/install-tools.sh cluster builds it)` };
    const base = ["--kubeconfig", kubeconfig, "--context", context];
    const ready = spawnSync(kubectlBin, [...base, "--request-timeout=10s", "get", "--raw", "/readyz"], { encoding: "utf8" });
    if (!fs.existsSync(kubeconfig) || ready.stdout?.trim() !== "ok") {
        return { skipped: "the local cluster is not running (npm run cluster:up starts it)" };
    }
    const kubectl = (args: string[]) => new Promise<string>((resolve, reject) => {
        const child = spawn(kubectlBin, [...base, ...args], { stdio: ["ignore", "pipe", "pipe"] });
        let stdout = "";
        let output = "";
        child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
            stdout += chunk;
            output += chunk;
        });
        child.stderr.setEncoding("utf8").on("data", (chunk: string) => (output += chunk));
        child.on("error", reject);
        child.on("close", (code) => (code === 0 ? resolve(stdout) : reject(new Error(`kubectl ${args.join(" ")} exited with ${code}:\n${output}`))));
    });
    return { kubeconfig, context, kubectl };
}
