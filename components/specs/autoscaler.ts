import { z } from "zod";
import { code, dnsSubdomain, intIn, labelMap, positiveQuantity, show } from "../../kube/schemas";
import { compact, KubeObject } from "./kube-object";

/** Fewer than two pods is no availability. */
export const DEFAULT_MIN_REPLICAS = 2;
export const DEFAULT_CPU_UTILIZATION = 70;

/** How fast the autoscaler scales in one direction. */
const scalingRules = z.strictObject({
    stabilizationWindowSeconds: intIn(0, 3600).optional().meta({
        description: "Seconds of past recommendations considered before scaling, to avoid flapping.",
        default: "Kubernetes' (300 down, 0 up)",
    }),
    policies: z.array(z.strictObject({
        type: z.enum(["Pods", "Percent"]).meta({ description: "Change by a number of pods, or by a percentage of the current pods." }),
        value: intIn(1, 10000).meta({ description: "The most pods (or percent) per step." }),
        periodSeconds: intIn(1, 1800).meta({ description: "Length of one step." }),
    })).min(1, { error: (iss) => `${show(iss.input)} is empty; allowed: at least one policy, or no policies key` }).optional().meta({ description: "Limits on each scaling step (at least one when given).", default: "Kubernetes'" }),
    selectPolicy: z.enum(["Max", "Min", "Disabled"]).optional().meta({ description: "Which policy wins when several apply.", default: code("Max") }),
}).meta({ title: "Scaling rules" });

// Metric names as metrics adapters expose them (Prometheus Adapter, KEDA), within what the API server takes: a path
// segment of the custom metrics API, so no "/" or "%".
const metricName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_.:-]*$/, { error: (iss) => `${show(iss.input)} is not a metric name; allowed: letters, digits and _ . : - (e.g. "http_requests_per_second")` });
const target = {
    value: positiveQuantity.optional().meta({ description: "Target value of the metric as a whole." }),
    averageValue: positiveQuantity.optional().meta({ description: "Target value per pod (the metric divided by the number of pods)." }),
};

/** A metric besides CPU and memory, served by a custom or external metrics adapter. */
const metricSchema = z.discriminatedUnion("type", [
    z.strictObject({
        type: z.literal("Pods").meta({ description: "A metric of each pod, averaged (e.g. requests per second per pod)." }),
        name: metricName.meta({ description: "Metric name." }),
        averageValue: positiveQuantity.meta({ description: 'Target per pod, e.g. "100" requests per second.' }),
    }),
    z.strictObject({
        type: z.literal("Object").meta({ description: "A metric of one object in the namespace (e.g. an Ingress's request rate)." }),
        name: metricName.meta({ description: "Metric name." }),
        object: z.strictObject({
            apiVersion: z.string().regex(/^(?:[a-z0-9]([a-z0-9.-]*[a-z0-9])?\/)?v[0-9]+(?:(?:alpha|beta)[0-9]+)?$/, {
                error: (iss) => `${show(iss.input)} is not an API version; allowed: [group/]version, e.g. "networking.k8s.io/v1" or "v1"`,
            }).meta({ type: "API version" }).meta({ description: 'e.g. "networking.k8s.io/v1".' }),
            kind: z.string().regex(/^[A-Za-z][A-Za-z0-9]*$/, { error: (iss) => `${show(iss.input)} is not a kind; allowed: a kind's name, e.g. "Ingress"` })
                .meta({ type: "kind" }).meta({ description: 'e.g. "Ingress".' }),
            name: dnsSubdomain.meta({ description: "The object's name." }),
        }).meta({ description: "The object the metric describes." }),
        ...target,
    }),
    z.strictObject({
        type: z.literal("External").meta({ description: "A metric from outside the cluster (e.g. a queue's length)." }),
        name: metricName.meta({ description: "Metric name." }),
        selector: labelMap.optional().meta({ description: "Labels that pick the metric's series." }),
        ...target,
    }),
], { error: (iss) => (iss.code === "invalid_union" ? `type ${show((iss.input as { type?: unknown } | undefined)?.type)} is not known; allowed: "Pods", "Object" or "External"` : undefined) })
    .superRefine((m, ctx) => {
        if (m.type !== "Pods" && (m.value === undefined) === (m.averageValue === undefined)) {
            ctx.addIssue({ code: "custom", path: ["value"], message: "exactly one of value and averageValue is required" });
        }
    }).meta({ title: "Metric" });

export type MetricArgs = z.infer<typeof metricSchema>;

/** Horizontal pod autoscaling (autoscaling/v2). */
export const autoscalingSchema = z.strictObject({
    minReplicas: intIn(1, 1000).optional().meta({ description: "Fewest replicas.", default: code(DEFAULT_MIN_REPLICAS) }),
    maxReplicas: intIn(1, 1000).meta({ description: "Most replicas." }),
    cpuUtilization: intIn(1, 1000).optional().meta({
        description: "Target average CPU use, in percent of the CPU request.",
        default: `${code(DEFAULT_CPU_UTILIZATION)} when no memory target and no metrics are given, else unset`,
    }),
    memoryUtilization: intIn(1, 1000).optional().meta({ description: "Target average memory use, in percent of the memory request." }),
    metrics: z.array(metricSchema).min(1).optional().meta({
        description: "Further metrics (Pods, Object, External) from a custom or external metrics adapter; the autoscaler follows whichever asks for the most pods. With only these, there is no CPU target.",
    }),
    behavior: z.strictObject({
        scaleUp: scalingRules.optional().meta({ description: "How fast to add pods." }),
        scaleDown: scalingRules.optional().meta({ description: "How fast to remove pods." }),
    }).optional().meta({ description: "Scale-up and scale-down behaviour.", default: "Kubernetes' defaults" }),
}).superRefine((a, ctx) => {
    const min = a.minReplicas ?? DEFAULT_MIN_REPLICAS;
    if (min > a.maxReplicas) {
        ctx.addIssue({
            code: "custom",
            path: [a.minReplicas === undefined ? "maxReplicas" : "minReplicas"],
            message: a.minReplicas === undefined
                ? `${a.maxReplicas} is below the default minReplicas (${DEFAULT_MIN_REPLICAS}); allowed: maxReplicas >= minReplicas`
                : `${a.minReplicas} is greater than maxReplicas (${a.maxReplicas}); allowed: 1 <= minReplicas <= maxReplicas`,
        });
    }
}).meta({ title: "Autoscaling" });

export type AutoscalingArgs = z.infer<typeof autoscalingSchema>;

function resourceMetric(name: "cpu" | "memory", averageUtilization: number): Record<string, unknown> {
    return { type: "Resource", resource: { name, target: { type: "Utilization", averageUtilization } } };
}

/** `replicas` beside `autoscaling` would be silently ignored by one of them: refused. */
export function replicasOrAutoscaling(app: { replicas?: number; autoscaling?: unknown }, ctx: z.RefinementCtx): void {
    if (app.replicas !== undefined && app.autoscaling !== undefined) {
        ctx.addIssue({
            code: "custom",
            path: ["replicas"],
            message: `${app.replicas} is set together with autoscaling; allowed: one of them (with autoscaling, the autoscaler owns the replica count: set autoscaling.minReplicas instead)`,
        });
    }
}

/** The workload's most pods: what sizes its PDB and, for a StatefulSet, how many claims it may make. */
export function mostReplicas(app: { replicas?: number; autoscaling?: AutoscalingArgs }, fixedDefault: number): number {
    return app.autoscaling ? app.autoscaling.maxReplicas : app.replicas ?? fixedDefault;
}

/** Field manager of the replicas hand-over patch (a server-side apply manager distinct from Pulumi's own). */
export const REPLICAS_HANDOVER_MANAGER = "kube-appstack-replicas-handover";

export const previousReplicasSchema = intIn(0, 100000).optional().meta({
    description: "The fixed replica count the live workload had before `autoscaling` was switched on. When set (and autoscaling is on), a replicas hand-over patch keeps that count while the workload stops declaring `spec.replicas`, instead of the API server falling back to 1 pod. The program sets it from the stack's previous outputs.",
});

/**
 * The partial workload applied by its own field manager before the workload stops declaring `spec.replicas`: with
 * server-side apply, a field no manager declares any more falls back to its default (1 pod) unless another co-owns it.
 */
export function replicasHandover(kind: "Deployment" | "StatefulSet", name: string, namespace: string, autoscaling: AutoscalingArgs | undefined, previousReplicas: number | undefined): KubeObject | undefined {
    if (!autoscaling || previousReplicas === undefined) return undefined;
    return {
        apiVersion: "apps/v1",
        kind,
        metadata: { name, namespace, annotations: { "pulumi.com/patchFieldManager": REPLICAS_HANDOVER_MANAGER } },
        spec: { replicas: Math.max(previousReplicas, autoscaling.minReplicas ?? DEFAULT_MIN_REPLICAS) },
    };
}

function customMetric(m: MetricArgs): Record<string, unknown> {
    if (m.type === "Pods") return { type: "Pods", pods: { metric: { name: m.name }, target: { type: "AverageValue", averageValue: m.averageValue } } };
    const goal = m.value !== undefined ? { type: "Value", value: m.value } : { type: "AverageValue", averageValue: m.averageValue };
    if (m.type === "Object") return { type: "Object", object: { describedObject: m.object, metric: { name: m.name }, target: goal } };
    return { type: "External", external: { metric: m.selector ? { name: m.name, selector: { matchLabels: m.selector } } : { name: m.name }, target: goal } };
}

export function horizontalPodAutoscaler(
    name: string,
    namespace: string,
    labels: Record<string, string>,
    target: { apiVersion: string; kind: string },
    args: AutoscalingArgs,
): KubeObject {
    const cpu = args.cpuUtilization ?? (args.memoryUtilization === undefined && args.metrics === undefined ? DEFAULT_CPU_UTILIZATION : undefined);
    const metrics = [
        ...(cpu !== undefined ? [resourceMetric("cpu", cpu)] : []),
        ...(args.memoryUtilization !== undefined ? [resourceMetric("memory", args.memoryUtilization)] : []),
        ...(args.metrics ?? []).map(customMetric),
    ];
    return {
        apiVersion: "autoscaling/v2",
        kind: "HorizontalPodAutoscaler",
        metadata: { name, namespace, labels },
        spec: compact({
            scaleTargetRef: { apiVersion: target.apiVersion, kind: target.kind, name },
            minReplicas: args.minReplicas ?? DEFAULT_MIN_REPLICAS,
            maxReplicas: args.maxReplicas,
            metrics,
            behavior: args.behavior,
        }),
    };
}
