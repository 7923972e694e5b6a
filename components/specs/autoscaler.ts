import { z } from "zod";
import { code, intIn, show } from "../../kube/schemas";
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

/** Horizontal pod autoscaling (autoscaling/v2). */
export const autoscalingSchema = z.strictObject({
    minReplicas: intIn(1, 1000).optional().meta({ description: "Fewest replicas.", default: code(DEFAULT_MIN_REPLICAS) }),
    maxReplicas: intIn(1, 1000).meta({ description: "Most replicas." }),
    cpuUtilization: intIn(1, 1000).optional().meta({
        description: "Target average CPU use, in percent of the CPU request.",
        default: `${code(DEFAULT_CPU_UTILIZATION)} when no memory target is given, else unset`,
    }),
    memoryUtilization: intIn(1, 1000).optional().meta({ description: "Target average memory use, in percent of the memory request." }),
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

export function horizontalPodAutoscaler(
    name: string,
    namespace: string,
    labels: Record<string, string>,
    target: { apiVersion: string; kind: string },
    args: AutoscalingArgs,
): KubeObject {
    const cpu = args.cpuUtilization ?? (args.memoryUtilization === undefined ? DEFAULT_CPU_UTILIZATION : undefined);
    const metrics = [
        ...(cpu !== undefined ? [resourceMetric("cpu", cpu)] : []),
        ...(args.memoryUtilization !== undefined ? [resourceMetric("memory", args.memoryUtilization)] : []),
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
