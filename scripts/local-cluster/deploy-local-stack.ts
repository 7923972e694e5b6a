// npm run local: the whole main job on a machine without Docker, in one command. Builds the engine and cluster tools
// when needed, starts the local cluster, then runs `pulumi up --stack local` with the policy pack, as a user would.
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { installTools, repoRoot, stateDir, StepError, toolsBin, up } from "./cluster";

const STACK = "local";
/** Under policies/config/: the local stack runs the dev stack's apps, under the dev stack's policy levels. */
export const LOCAL_POLICY_CONFIG = "dev";

/**
 * Where the local stack's state lives unless PULUMI_BACKEND_URL says otherwise: beside the cluster, so that
 * `npm run cluster:down` forgets the stack together with the cluster it described.
 */
const localBackend = path.join(stateDir, "pulumi");

function pulumiCommand(): string {
    const built = path.join(toolsBin(), "pulumi");
    return fs.existsSync(built) ? built : "pulumi";
}

function pulumi(args: string[], env: NodeJS.ProcessEnv): void {
    const result = spawnSync(pulumiCommand(), args, { cwd: repoRoot, env, stdio: "inherit" });
    if (result.status !== 0) throw new StepError(`pulumi ${args.join(" ")} failed (its output is above)`);
}

export async function deployLocalStack(): Promise<void> {
    installTools("engine");
    await up();
    fs.mkdirSync(localBackend, { recursive: true });
    const env: NodeJS.ProcessEnv = {
        ...process.env,
        // Our tools first: the CLI finds its language host and plugins on PATH, and fails at once rather than trying to
        // download a plugin it lacks.
        PATH: `${toolsBin()}${path.delimiter}${process.env.PATH ?? ""}`,
        PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
        PULUMI_BACKEND_URL: process.env.PULUMI_BACKEND_URL ?? `file://${localBackend}`,
        // Pulumi.local.yaml carries the salt of an empty passphrase: the stack holds no secret (its cluster's
        // kubeconfig is a file path), so nobody has to invent a passphrase for a throw-away stack.
        PULUMI_CONFIG_PASSPHRASE: "",
        PULUMI_SKIP_UPDATE_CHECK: "true",
    };
    delete env.PULUMI_CONFIG_PASSPHRASE_FILE;
    pulumi(["stack", "select", STACK, "--create", "--secrets-provider", "passphrase"], env);
    pulumi(["up", "--stack", STACK, "--yes", "--policy-pack", "policies", "--policy-pack-config", `policies/config/${LOCAL_POLICY_CONFIG}.json`], env);
    console.log(`local-cluster: the local stack is up. kubectl --kubeconfig .local-cluster/kubeconfig get all -n apps; npm run cluster:down removes it all.`);
}
