import { compact, KubeObject } from "./kube-object";

/** One scaling policy: change by at most `value` pods (or percent of pods) per `periodSeconds`. */
export interface ScalingPolicy {
    type: "Pods" | "Percent";
    value: number;
    periodSeconds: number;
}

/** How fast the autoscaler scales in one direction. */
export interface ScalingRules {
    /** Seconds of past recommendations considered before scaling, to avoid flapping. @default Kubernetes' (300 down, 0 up) */
    stabilizationWindowSeconds?: number;
    /** Limits on each scaling step. @default Kubernetes' */
    policies?: ScalingPolicy[];
    /** Which policy wins when several apply. @default "Max" */
    selectPolicy?: "Max" | "Min" | "Disabled";
}

/** Horizontal pod autoscaling (autoscaling/v2). */
export interface AutoscalingArgs {
    /** Fewest replicas. @default 2 (one pod is no availability) */
    minReplicas?: number;
    /** Most replicas. Required. */
    maxReplicas: number;
    /** Target average CPU use, in percent of the CPU request. @default 70 when no memory target is given, else unset */
    cpuUtilization?: number;
    /** Target average memory use, in percent of the memory request. @default unset */
    memoryUtilization?: number;
    /** Scale-up and scale-down behaviour. @default Kubernetes' defaults */
    behavior?: { scaleUp?: ScalingRules; scaleDown?: ScalingRules };
}

export const DEFAULT_MIN_REPLICAS = 2;
export const DEFAULT_CPU_UTILIZATION = 70;

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
