import * as pulumi from "@pulumi/pulumi";
import { assertValidArgs } from "./component-args";
import { childOptions } from "./child-options";
import { declareObjects } from "./kube-resource";
import { METRICS_SERVER_IMAGE, METRICS_SERVER_VERSION, MetricsServerArgs, metricsServerArgsSchema, metricsServerObjects } from "./specs/metrics-server";

/**
 * metrics-server, the source of the resource metrics that HorizontalPodAutoscalers read. A bare kind cluster lacks it.
 * Install it before the apps (`dependsOn`), on the cluster's explicit provider (`opts.provider`).
 */
export class MetricsServer extends pulumi.ComponentResource {
    /** The Kubernetes resources, by role (serviceAccount, clusterRole, ..., deployment, apiService). */
    public readonly resources: Record<string, pulumi.CustomResource>;
    /** Name of the APIService that serves `metrics.k8s.io` (what `kubectl top` and HPAs query). */
    public readonly apiServiceName: string;

    constructor(name: string, args: MetricsServerArgs = {}, opts: pulumi.ComponentResourceOptions = {}) {
        assertValidArgs("MetricsServer", name, metricsServerArgsSchema, args);
        super("kube-appstack:index:MetricsServer", name, {}, opts);
        const objects = metricsServerObjects(args);
        this.resources = declareObjects(objects, { ...childOptions(this, opts), provider: opts.provider });
        this.apiServiceName = objects.apiService.metadata.name;
        this.registerOutputs({ version: METRICS_SERVER_VERSION, image: METRICS_SERVER_IMAGE, apiServiceName: this.apiServiceName });
    }
}
