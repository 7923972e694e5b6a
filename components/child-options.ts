import * as pulumi from "@pulumi/pulumi";
import { DEFAULT_READY_TIMEOUT_SECONDS } from "./specs/pod-template";

type DependsOn = pulumi.ComponentResourceOptions["dependsOn"];

function toList(dependsOn: DependsOn): pulumi.Input<pulumi.Input<pulumi.Resource>[]> {
    if (dependsOn === undefined) return [];
    if (Array.isArray(dependsOn)) return dependsOn;
    if (pulumi.Resource.isInstance(dependsOn)) return [dependsOn];
    // An Output or Promise of one resource or of a list.
    const pending = dependsOn as pulumi.Input<pulumi.Resource | pulumi.Input<pulumi.Resource>[]>;
    return pulumi.output(pending).apply((d) => (Array.isArray(d) ? d : [d]));
}

/**
 * Options for a component's children: parented to the component (so they inherit its provider and show under it in
 * previews) and waiting for what the component waits for. Children do not inherit a component's dependsOn by themselves,
 * and an app created before its namespace would fail.
 */
export function childOptions(
    parent: pulumi.ComponentResource,
    opts: pulumi.ComponentResourceOptions,
    extra: pulumi.Resource[] = [],
): pulumi.CustomResourceOptions {
    const inherited = toList(opts.dependsOn);
    // Plain lists are concatenated; only an Output or Promise of a list needs an Output (each costs the SDK promises).
    const dependsOn = extra.length === 0 ? inherited
        : Array.isArray(inherited) ? [...inherited, ...extra]
        : pulumi.output(inherited).apply((list) => [...list, ...extra]);
    return { parent, dependsOn };
}

/**
 * Options that bound how long the provider waits for a workload's pods to be ready. A rollout that cannot finish then
 * fails `pulumi up` with the provider's account of the pods, instead of hanging on.
 */
export function readyWaitOptions(readyTimeoutSeconds: number | undefined): pulumi.CustomResourceOptions {
    const timeout = `${readyTimeoutSeconds ?? DEFAULT_READY_TIMEOUT_SECONDS}s`;
    return { customTimeouts: { create: timeout, update: timeout } };
}
