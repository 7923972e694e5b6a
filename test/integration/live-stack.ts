// What the integration tests share: a Pulumi stack of this program on the local cluster (npm run cluster:up), deployed
// by the real engine with the policy pack, and kubectl to look at what Kubernetes made of it.
import { CONTEXT, isRunning, kubeconfigPath, kubectl, stoppedComponents } from "../../scripts/local-cluster/cluster";
import { LOCAL_POLICY_CONFIG } from "../../scripts/local-cluster/deploy-local-stack";
import { policyPackArgs } from "../../harness/app-stacks";
import { EngineProject, findEngine, RunOptions, RunResult } from "../../harness/pulumi-engine";
import { stackConfigFile } from "../support/run-program";

export { kubectl, LOCAL_POLICY_CONFIG };

/** Throws, so the suite fails rather than skips, when the local cluster or one of its components is not running. */
export function requireLocalCluster(): void {
    if (!isRunning()) {
        throw new Error("The integration tests need the local cluster: run `npm run cluster:up` first (docs/local-cluster.md).");
    }
    // A component that exited leaves a cluster whose API server answers but whose rollouts never finish: say which.
    const stopped = stoppedComponents();
    if (stopped.length > 0) throw new Error(`The local cluster is broken:\n${stopped.join("\n")}`);
}

type Config = Record<string, unknown>;

/**
 * The `local` stack's config in a namespace of the test's own, with the keys the test replaces (`apps`, `storage`,
 * `protectData`... without the `kube-appstack:` prefix). The kubeconfig path is absolute: the test runs in a copy of the
 * project elsewhere.
 */
export function localStackConfig(namespace: string, overrides: Config = {}): Config {
    const config: Config = {
        ...stackConfigFile("local"),
        "kube-appstack:cluster": { kubeconfig: { context: CONTEXT, path: kubeconfigPath } },
        "kube-appstack:namespace": { name: namespace },
    };
    for (const [key, value] of Object.entries(overrides)) config[`kube-appstack:${key}`] = value;
    return config;
}

/** The dev stack's web app with the fields a test changes; a ClusterIP Service, so stacks never compete for a nodePort. */
export function webApp(overrides: Config = {}): Config {
    const apps = stackConfigFile("local")["kube-appstack:apps"] as Config[];
    const web = apps.find((a) => a.name === "web") as Config;
    // Without web's Ingress: two copies of web in one stack would claim the same class, host and path, which is refused.
    return { ...web, service: { port: 80 }, volumes: undefined, ingress: undefined, ...overrides };
}

/** The dev stack's cache (a StatefulSet with one claim per replica) with the fields a test changes. */
export function cacheApp(overrides: Config = {}): Config {
    const apps = stackConfigFile("local")["kube-appstack:apps"] as Config[];
    return { ...(apps.find((a) => a.name === "cache") as Config), ...overrides };
}

/** One stack of the program on the local cluster, in its own throw-away project copy and backend. */
export class LiveStack {
    private constructor(
        readonly project: EngineProject,
        readonly name: string,
        readonly namespace: string,
        private readonly policyConfig: string,
    ) {}

    /** `policyConfig` names the policy config under policies/config/ (by default the local stack's). */
    static async create(name: string, config: Config, policyConfig = LOCAL_POLICY_CONFIG): Promise<LiveStack> {
        const project = EngineProject.create(findEngine());
        const namespace = (config["kube-appstack:namespace"] as { name: string }).name;
        project.writeStackFile(name, { config });
        await project.initStack(name);
        return new LiveStack(project, name, namespace, policyConfig);
    }

    /** Replaces the stack's config (Pulumi's own keys in the file, such as the encryption salt, stay). */
    setConfig(config: Config): void {
        this.project.writeStackFile(this.name, { ...this.project.readStackFile(this.name), config });
    }

    /** `pulumi up` with its preview, the policy pack and the stack's policy config, as a user runs it. */
    up(args: string[] = [], options: RunOptions = {}): Promise<RunResult> {
        return this.pulumi(["up", "--yes", ...args, ...policyPackArgs(this.project, this.policyConfig)], options);
    }

    preview(args: string[] = [], options: RunOptions = {}): Promise<RunResult> {
        return this.pulumi(["preview", ...args, ...policyPackArgs(this.project, this.policyConfig)], options);
    }

    destroy(options: RunOptions = {}): Promise<RunResult> {
        return this.pulumi(["destroy", "--yes"], options);
    }

    pulumi(args: string[], options: RunOptions = {}): Promise<RunResult> {
        return this.project.pulumi([...args, "--stack", this.name], options);
    }

    /** kubectl in the stack's namespace. */
    kubectl(args: string[]): string {
        return kubectl(["-n", this.namespace, ...args]);
    }

    /** kubectl get in the stack's namespace, parsed from JSON. */
    get<T = KubeJson>(what: string, name?: string): T {
        return JSON.parse(kubectl(["get", "-n", this.namespace, ...what.split(" "), ...(name ? [name] : []), "-o", "json"])) as T;
    }

    /** The objects of a kind in the stack's namespace, optionally by label selector. */
    list(what: string, selector?: string): KubeJson[] {
        return this.get<{ items: KubeJson[] }>(selector ? `${what} -l ${selector}` : what).items;
    }

    /** Destroys the stack (protection lifted first, for tests that turn it on), removes it and its project copy, and the namespace's leftovers. */
    async cleanup(): Promise<void> {
        await this.pulumi(["state", "unprotect", "--all", "--yes"], { allowFailure: true });
        await this.project.cleanup();
        kubectl(["delete", "namespace", this.namespace, "--ignore-not-found", "--wait=false"]);
    }
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type KubeJson = Record<string, any>;

/**
 * Emulated CPU load: every pod that matches `selector` reports `cpu` of usage (KWOK's usage-from-annotation, which
 * metrics-server scrapes), applied again every 2 seconds so that pods the autoscaler adds are loaded too.
 */
export function emulateCpuLoad(namespace: string, selector: string, cpu: string): { stop(): void } {
    const apply = (): void => {
        try {
            kubectl(["annotate", "--overwrite", "-n", namespace, "pods", "-l", selector, `kwok.x-k8s.io/usage-cpu=${cpu}`]);
        } catch {
            // A pod deleted between list and annotate: the next round catches up.
        }
    };
    apply();
    const timer = setInterval(apply, 2000);
    return { stop: () => clearInterval(timer) };
}

/** The Resources summary of a `pulumi up` or preview: e.g. { unchanged: 16 } or { created: 3, unchanged: 13 }. */
export function resourceSummary(output: string): Record<string, number> {
    const block = output.slice(output.lastIndexOf("Resources:"));
    return Object.fromEntries([...block.matchAll(/^\s+(?:[+~-]|\+-)?\s*(\d+) (\w+)/gm)].map((m) => [m[2], Number(m[1])]));
}

/**
 * Runs `action` and, until it ends, records `sample()` every `everyMs`: what the cluster looked like throughout a
 * `pulumi up`. A sample that throws (an object between two states) is skipped.
 */
export async function sampleWhile<T, S>(action: () => Promise<T>, sample: () => S, everyMs = 250): Promise<{ result: T; samples: S[] }> {
    const samples: S[] = [];
    let done = false;
    const sampling = (async () => {
        while (!done) {
            try {
                samples.push(sample());
            } catch {
                // skipped
            }
            await new Promise((resolve) => setTimeout(resolve, everyMs));
        }
    })();
    try {
        return { result: await action(), samples };
    } finally {
        done = true;
        await sampling;
    }
}
