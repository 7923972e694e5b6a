import * as pulumi from "@pulumi/pulumi";
import { InvalidArgsError } from "./component-args";
import { KIND_CLUSTER_TYPE, KindClusterInputs } from "./kind-cluster-provider";
import { hostPathProblems, KindClusterArgs, kindClusterArgsProblems, renderKindConfig, resolveKindClusterArgs } from "./kind-config";
import { kindPluginProblem } from "./kind-plugin-declaration";

/**
 * The type stacks made before the provider plugin recorded their cluster under (a Pulumi dynamic provider's). An alias,
 * so their next `pulumi up` hands the same cluster over to the plugin instead of replacing it.
 */
const DYNAMIC_PROVIDER_TYPE = "pulumi-nodejs:dynamic:KindCluster";

/**
 * One kind cluster, served by the kube-appstack-kind provider plugin (plugin/kind-plugin.ts). The project's Pulumi.yaml
 * must name the plugin's directory (`plugins.providers`): see docs/kind.md.
 */
class KindClusterResource extends pulumi.CustomResource {
    // `declare`: with ES2022 class fields a plain field declaration would reset the outputs set by the super call.
    declare public readonly kubeconfig: pulumi.Output<string>;
    declare public readonly contextName: pulumi.Output<string>;
    declare public readonly apiServerEndpoint: pulumi.Output<string>;
    declare public readonly nodeNames: pulumi.Output<string[]>;

    constructor(name: string, inputs: KindClusterInputs, opts: pulumi.CustomResourceOptions) {
        const outputs = { kubeconfig: undefined, contextName: undefined, apiServerEndpoint: undefined, nodeNames: undefined };
        super(KIND_CLUSTER_TYPE, name, { ...inputs, ...outputs }, { ...opts, aliases: [...(opts.aliases ?? []), { type: DYNAMIC_PROVIDER_TYPE }] });
    }
}

/**
 * A local Kubernetes cluster made by kind (Kubernetes in Docker). Create, refresh and destroy drive the `kind` CLI; any
 * change to the cluster's shape replaces it, because kind cannot change a running cluster.
 */
export class KindCluster extends pulumi.ComponentResource {
    /** The kind cluster name (known at preview time). */
    public readonly clusterName: string;
    /** The kubeconfig context kind names after the cluster, `kind-<name>` (known at preview time). */
    public readonly contextName: string;
    /** Admin kubeconfig of the cluster, a Pulumi secret. Unknown until the cluster exists. */
    public readonly kubeconfig: pulumi.Output<string>;
    /** API server URL as the laptop reaches it, e.g. https://127.0.0.1:40123. */
    public readonly apiServerEndpoint: pulumi.Output<string>;
    /** Names of the node containers, sorted, e.g. dev-control-plane, dev-worker, dev-worker2. */
    public readonly nodeNames: pulumi.Output<string[]>;

    constructor(name: string, args: KindClusterArgs = {}, opts: pulumi.ComponentResourceOptions = {}) {
        // Checked before super() registers anything. The resource name stands in for an unset cluster name, so it goes
        // through the same check.
        const problems = kindClusterArgsProblems({ ...args, name: args.name ?? name }, "args");
        if (problems.length === 0) problems.push(...hostPathProblems(args, process.cwd(), "args"));
        if (problems.length > 0) {
            const defaulted = args.name === undefined && problems.some((p) => p.startsWith("args.name:"))
                ? " (args.name defaults to the resource name)" : "";
            throw new InvalidArgsError(`KindCluster "${name}" has invalid args${defaulted}:\n  - ${problems.join("\n  - ")}`);
        }
        const plugin = kindPluginProblem(process.cwd());
        if (plugin !== undefined) throw new InvalidArgsError(`KindCluster "${name}" cannot run: ${plugin}`);
        super("kube-appstack:index:KindCluster", name, {}, opts);
        const resolved = resolveKindClusterArgs(args, { defaultName: name, projectDir: process.cwd() });
        const owner = `${pulumi.getProject()}/${pulumi.getStack()}`;
        const cluster = new KindClusterResource(name, { ...resolved, kindConfig: renderKindConfig(resolved), owner }, {
            parent: this,
            additionalSecretOutputs: ["kubeconfig"],
        });
        this.clusterName = resolved.name;
        this.contextName = `kind-${resolved.name}`;
        this.kubeconfig = pulumi.secret(cluster.kubeconfig);
        this.apiServerEndpoint = cluster.apiServerEndpoint;
        this.nodeNames = cluster.nodeNames;
        this.registerOutputs({
            clusterName: this.clusterName,
            contextName: this.contextName,
            kubeconfig: this.kubeconfig,
            apiServerEndpoint: this.apiServerEndpoint,
            nodeNames: this.nodeNames,
        });
    }
}
