import { AutoscalingArgs, DEFAULT_MIN_REPLICAS, horizontalPodAutoscaler } from "./autoscaler";
import { compact, KubeObject } from "./kube-object";
import { appLabels, selectorLabels } from "./labels";
import { DisruptionArgs, podDisruptionBudget } from "./pod-disruption-budget";
import { DEFAULT_PORT, podTemplate, WorkloadArgs } from "./pod-template";
import { service, ServiceArgs } from "./service";

/** How a new version replaces the old one. The defaults never take capacity below the desired replica count. */
export interface RolloutArgs {
    /** Extra pods allowed above the desired count during a rollout. @default "25%" */
    maxSurge?: number | string;
    /** Pods allowed below the desired count during a rollout; 0 means a rollout never takes the app down. @default 0 */
    maxUnavailable?: number | string;
    /** Seconds a new pod must be ready before it counts as available (catches pods that crash right after start). @default 5 */
    minReadySeconds?: number;
    /** Seconds without progress before the rollout is reported as failed (and `pulumi up` fails). @default 600 */
    progressDeadlineSeconds?: number;
    /** Old ReplicaSets kept for `kubectl rollout undo`. @default 5 */
    revisionHistoryLimit?: number;
}

/** A stateless app: Deployment, Service, HorizontalPodAutoscaler (when autoscaling) and PodDisruptionBudget. */
export interface StatelessAppArgs extends WorkloadArgs {
    /** Namespace of every object. Required. */
    namespace: string;
    /** Fixed number of pods; ignored when `autoscaling` is set (the autoscaler then owns the count). @default 2 */
    replicas?: number;
    /** Horizontal pod autoscaling; when set, the Deployment leaves `spec.replicas` to the autoscaler. @default none */
    autoscaling?: AutoscalingArgs;
    /** Rolling update settings. @default maxSurge 25%, maxUnavailable 0, see RolloutArgs */
    rollout?: RolloutArgs;
    /** The Service in front of the pods. @default ClusterIP on port 80 to the container port */
    service?: ServiceArgs;
    /** The PodDisruptionBudget, created whenever the app can run 2 or more pods. @default maxUnavailable 1 */
    disruption?: DisruptionArgs;
    /**
     * The fixed replica count the live Deployment had before `autoscaling` was switched on. When set (and autoscaling is
     * on), a replicas hand-over patch keeps that count while the Deployment stops declaring `spec.replicas`, instead of
     * the API server falling back to 1 pod. The program sets it from the stack's previous outputs; see README.
     * @default none
     */
    previousReplicas?: number;
}

export const DEFAULT_REPLICAS = 2;
/** Field manager of the replicas hand-over patch (a server-side apply manager distinct from Pulumi's own). */
export const REPLICAS_HANDOVER_MANAGER = "kube-appstack-replicas-handover";

export interface StatelessAppObjects {
    deployment: KubeObject;
    service: KubeObject;
    autoscaler?: KubeObject;
    disruptionBudget?: KubeObject;
    /** Partial Deployment applied by its own field manager before the Deployment drops `spec.replicas`. */
    replicasHandover?: KubeObject;
}

/** The most pods the app can run, which decides whether a PDB and node spreading make sense. */
export function maxReplicas(args: Pick<StatelessAppArgs, "replicas" | "autoscaling">): number {
    return args.autoscaling ? args.autoscaling.maxReplicas : args.replicas ?? DEFAULT_REPLICAS;
}

export function statelessAppObjects(name: string, args: StatelessAppArgs): StatelessAppObjects {
    const labels = appLabels(name, "web", args.labels);
    const multiReplica = maxReplicas(args) > 1;
    const rollout = args.rollout ?? {};
    const deployment: KubeObject = {
        apiVersion: "apps/v1",
        kind: "Deployment",
        metadata: { name, namespace: args.namespace, labels },
        spec: compact({
            // With server-side apply the autoscaler owns spec.replicas; declaring it here would reset the scaled count on
            // every `pulumi up` or fail with a field conflict.
            replicas: args.autoscaling ? undefined : args.replicas ?? DEFAULT_REPLICAS,
            selector: { matchLabels: selectorLabels(name) },
            strategy: {
                type: "RollingUpdate",
                rollingUpdate: { maxSurge: rollout.maxSurge ?? "25%", maxUnavailable: rollout.maxUnavailable ?? 0 },
            },
            minReadySeconds: rollout.minReadySeconds ?? 5,
            progressDeadlineSeconds: rollout.progressDeadlineSeconds ?? 600,
            revisionHistoryLimit: rollout.revisionHistoryLimit ?? 5,
            template: podTemplate(name, labels, args, { multiReplica }),
        }),
    };
    const handoverReplicas = args.autoscaling && args.previousReplicas !== undefined
        ? Math.max(args.previousReplicas, args.autoscaling.minReplicas ?? DEFAULT_MIN_REPLICAS)
        : undefined;
    return {
        deployment,
        service: service(name, name, args.namespace, labels, args.port ?? DEFAULT_PORT, args.service),
        autoscaler: args.autoscaling
            && horizontalPodAutoscaler(name, args.namespace, labels, { apiVersion: "apps/v1", kind: "Deployment" }, args.autoscaling),
        disruptionBudget: multiReplica ? podDisruptionBudget(name, args.namespace, labels, args.disruption) : undefined,
        replicasHandover: handoverReplicas === undefined ? undefined : {
            apiVersion: "apps/v1",
            kind: "Deployment",
            metadata: {
                name,
                namespace: args.namespace,
                annotations: { "pulumi.com/patchFieldManager": REPLICAS_HANDOVER_MANAGER },
            },
            spec: { replicas: handoverReplicas },
        },
    };
}
