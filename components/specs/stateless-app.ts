import { z } from "zod";
import { code, dnsLabel, intIn, intOrPercent, intOrPercentUpTo100, show } from "../../kube/schemas";
import { autoscalingSchema, horizontalPodAutoscaler, mostReplicas, previousReplicasSchema, replicasHandover, replicasOrAutoscaling } from "./autoscaler";
import { compact, KubeObject } from "./kube-object";
import { appLabels, selectorLabels } from "./labels";
import { DEFAULT_MAX_UNAVAILABLE_PODS, disruptionSchema, minAvailableWithin, podDisruptionBudget } from "./pod-disruption-budget";
import { claimNames, componentSetShape, DEFAULT_TERMINATION_GRACE_PERIOD_SECONDS, podTemplate, workloadProblems, workloadShape } from "./pod-template";
import { declaredSidecarPorts, initContainerProblems, initContainers, initContainersShape, sidecarPorts } from "./init-containers";
import { appPortProblems, appPorts, primaryServicePort } from "./ports";
import { configFilesObject, fileContents } from "./config-files";
import { MonitoringObjects, monitoringObjects, monitoringProblems, scrapedServiceLabelsFor } from "./monitoring";
import { networkPolicyObject } from "./network-policy";
import { httpRouteConfigSchema, httpRouteObject, httpRouteSchema, ingressOrRoute } from "./http-route";
import { ingressObject, ingressSchema } from "./ingress";
import { identityObjects, type IdentityObjects } from "./service-account";
import { service, serviceSchema, DEFAULT_SERVICE_PORT, DEFAULT_SERVICE_TYPE } from "./service";

export const DEFAULT_REPLICAS = 2;
/**
 * Seconds a web app's pod keeps serving after it is marked for deletion, before SIGTERM: endpoints controllers, kube-proxy
 * and load balancers take a moment to stop sending it requests, which would otherwise fail during every rollout.
 */
export const DEFAULT_PRE_STOP_SECONDS = 5;

/** The rolling update: the defaults never take capacity below the desired replica count. */
export const DEFAULT_ROLLOUT = {
    maxSurge: "25%",
    maxUnavailable: 0,
    minReadySeconds: 5,
    progressDeadlineSeconds: 600,
    revisionHistoryLimit: 5,
} as const;

const rolloutSchema = z.strictObject({
    maxSurge: intOrPercent.optional().meta({ description: "Extra pods allowed above the desired count during a rollout.", default: code(DEFAULT_ROLLOUT.maxSurge) }),
    maxUnavailable: intOrPercentUpTo100.optional().meta({
        description: "Pods allowed below the desired count during a rollout; 0 means a rollout never takes the app down.",
        default: code(DEFAULT_ROLLOUT.maxUnavailable),
    }),
    minReadySeconds: intIn(0, 3600).optional().meta({
        description: "Seconds a new pod must be ready before it counts as available (catches pods that crash right after start).",
        default: code(DEFAULT_ROLLOUT.minReadySeconds),
    }),
    progressDeadlineSeconds: intIn(1, 86400).optional().meta({
        description: "Seconds without progress before the rollout is reported as failed (and `pulumi up` fails).",
        default: code(DEFAULT_ROLLOUT.progressDeadlineSeconds),
    }),
    revisionHistoryLimit: intIn(0, 100).optional().meta({ description: "Old ReplicaSets kept for `kubectl rollout undo`.", default: code(DEFAULT_ROLLOUT.revisionHistoryLimit) }),
});

/** The fields of a stateless app that a stack config entry also writes (config/stack-config.ts adds `name` and `type`). */
export const statelessAppShape = {
    ...workloadShape,
    ...initContainersShape,
    replicas: intIn(0, 1000).optional().meta({ description: "Fixed number of pods; not with `autoscaling` (the autoscaler then owns the count).", default: code(DEFAULT_REPLICAS) }),
    autoscaling: autoscalingSchema.optional().meta({ description: "Horizontal pod autoscaling; when set, the Deployment leaves `spec.replicas` to the autoscaler." }),
    rollout: rolloutSchema.optional().meta({ description: "Rolling update settings; the defaults never take capacity below the desired count." }),
    preStopSeconds: intIn(0, 600).optional().meta({
        description: `Seconds a pod keeps serving after it is marked for deletion and before SIGTERM (a preStop \`sleep\`, Kubernetes 1.30+), so the Service's endpoints and load balancers drop it first; 0 turns the pause off. Without \`terminationGracePeriodSeconds\`, the grace period is this plus ${DEFAULT_TERMINATION_GRACE_PERIOD_SECONDS}.`,
        default: code(DEFAULT_PRE_STOP_SECONDS),
    }),
    service: serviceSchema.optional().meta({ description: "The Service in front of the pods.", default: `${DEFAULT_SERVICE_TYPE} on port ${DEFAULT_SERVICE_PORT} to the container port` }),
    disruption: disruptionSchema.optional().meta({
        description: "The PodDisruptionBudget, created whenever the app can run 2 or more pods.",
        default: `maxUnavailable ${DEFAULT_MAX_UNAVAILABLE_PODS}`,
    }),
    ingress: ingressSchema.optional().meta({ description: "An Ingress (networking.k8s.io/v1) to the app's Service, with TLS from a Secret or cert-manager; not with `route`." }),
    route: httpRouteConfigSchema.optional().meta({ description: "A Gateway API HTTPRoute (gateway.networking.k8s.io/v1) from a Gateway to the app's Service, optionally split with other apps (canaries); not with `ingress`." }),
};

const isZero = (value: number | string): boolean => value === 0 || value === "0%";

/**
 * What the API server (or the app's own settings) refuses across a stateless app's fields, besides the workload's:
 * `replicas` beside `autoscaling` (one would be silently ignored), a rollout that can make no progress, and a
 * disruption budget no replica count can meet.
 */
export function statelessAppProblems(app: StatelessAppShape & { secretConfig?: Record<string, string> }, ctx: z.RefinementCtx): void {
    workloadProblems(app, ctx);
    appPortProblems(app, declaredSidecarPorts(app), [{ field: "service", args: app.service }], ctx);
    initContainerProblems(app, ctx);
    replicasOrAutoscaling(app, ctx);
    ingressOrRoute(app, ctx);
    monitoringProblems({ ...app, hasClaims: claimNames(app).length > 0, ports: [...appPorts(app), ...sidecarPorts(app)] }, ctx);
    const surge = app.rollout?.maxSurge ?? DEFAULT_ROLLOUT.maxSurge;
    const unavailable = app.rollout?.maxUnavailable ?? DEFAULT_ROLLOUT.maxUnavailable;
    if (isZero(surge) && isZero(unavailable)) {
        ctx.addIssue({
            code: "custom",
            path: ["rollout", app.rollout?.maxSurge !== undefined ? "maxSurge" : "maxUnavailable"],
            message: `maxSurge ${show(surge)} and maxUnavailable ${show(unavailable)} are both zero, so no rollout could replace a pod; allowed: at least one of them above zero`,
        });
    }
    const minReady = app.rollout?.minReadySeconds ?? DEFAULT_ROLLOUT.minReadySeconds;
    const deadline = app.rollout?.progressDeadlineSeconds ?? DEFAULT_ROLLOUT.progressDeadlineSeconds;
    if (deadline <= minReady) {
        ctx.addIssue({
            code: "custom",
            path: ["rollout", app.rollout?.progressDeadlineSeconds !== undefined ? "progressDeadlineSeconds" : "minReadySeconds"],
            message: `progressDeadlineSeconds ${deadline} is not above minReadySeconds ${minReady}; allowed: a deadline longer than the time a pod must stay ready`,
        });
    }
    minAvailableWithin(app.disruption, maxReplicas(app), ctx);
    const pause = app.preStopSeconds ?? DEFAULT_PRE_STOP_SECONDS;
    if (app.terminationGracePeriodSeconds !== undefined && pause > 0 && app.terminationGracePeriodSeconds <= pause) {
        ctx.addIssue({
            code: "custom",
            path: ["terminationGracePeriodSeconds"],
            message: `${app.terminationGracePeriodSeconds} leaves no time after the ${pause}s preStop pause (the grace period includes it); allowed: more than preStopSeconds (${pause}), or preStopSeconds: 0`,
        });
    }
}

/** A stateless app: Deployment, Service, HorizontalPodAutoscaler (when autoscaling) and PodDisruptionBudget. */
type StatelessAppShape = z.infer<z.ZodObject<typeof statelessAppShape>>;

export const statelessAppArgsSchema = z.strictObject({
    ...statelessAppShape,
    ...componentSetShape,
    namespace: dnsLabel.meta({ description: "Namespace of every object." }),
    previousReplicas: previousReplicasSchema,
    route: httpRouteSchema.optional().meta(statelessAppShape.route.meta()!),
}).superRefine(statelessAppProblems);

export type StatelessAppArgs = z.infer<typeof statelessAppArgsSchema>;

export interface StatelessAppObjects extends IdentityObjects, MonitoringObjects {
    /** The ConfigMap of `configFiles`. */
    configFiles?: KubeObject;
    networkPolicy?: KubeObject;
    deployment: KubeObject;
    service: KubeObject;
    autoscaler?: KubeObject;
    disruptionBudget?: KubeObject;
    ingress?: KubeObject;
    httpRoute?: KubeObject;
    /** Partial Deployment applied by its own field manager before the Deployment drops `spec.replicas`. */
    replicasHandover?: KubeObject;
}

/** The most pods the app can run, which decides whether a PDB and node spreading make sense. */
export function maxReplicas(args: Pick<StatelessAppArgs, "replicas" | "autoscaling">): number {
    return mostReplicas(args, DEFAULT_REPLICAS);
}

export function statelessAppObjects(name: string, args: StatelessAppArgs): StatelessAppObjects {
    const labels = appLabels(name, "web", args.labels);
    const multiReplica = maxReplicas(args) > 1;
    const rollout = args.rollout ?? {};
    const ports = [...appPorts(args), ...sidecarPorts(args)];
    const servicePort = primaryServicePort(args, { args: args.service });
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
                rollingUpdate: {
                    maxSurge: rollout.maxSurge ?? DEFAULT_ROLLOUT.maxSurge,
                    maxUnavailable: rollout.maxUnavailable ?? DEFAULT_ROLLOUT.maxUnavailable,
                },
            },
            minReadySeconds: rollout.minReadySeconds ?? DEFAULT_ROLLOUT.minReadySeconds,
            progressDeadlineSeconds: rollout.progressDeadlineSeconds ?? DEFAULT_ROLLOUT.progressDeadlineSeconds,
            revisionHistoryLimit: rollout.revisionHistoryLimit ?? DEFAULT_ROLLOUT.revisionHistoryLimit,
            template: podTemplate(name, labels, args, { multiReplica, preStopSeconds: args.preStopSeconds ?? DEFAULT_PRE_STOP_SECONDS, initContainers: initContainers(name, args) }),
        }),
    };
    return {
        ...identityObjects(name, args.namespace, labels, args.serviceAccount),
        configFiles: args.configFiles && configFilesObject(name, args.namespace, labels, fileContents(args.configFiles)),
        networkPolicy: args.networkPolicy && networkPolicyObject(name, args.namespace, labels, ports, args.networkPolicy),
        deployment,
        service: service(name, name, args.namespace, labels, ports, args.service, { scrapedLabels: scrapedServiceLabelsFor(args.monitoring) }),
        autoscaler: args.autoscaling
            && horizontalPodAutoscaler(name, args.namespace, labels, { apiVersion: "apps/v1", kind: "Deployment" }, args.autoscaling),
        disruptionBudget: multiReplica ? podDisruptionBudget(name, args.namespace, labels, args.disruption) : undefined,
        ingress: args.ingress && ingressObject(name, args.namespace, labels, servicePort, args.ingress),
        httpRoute: args.route && httpRouteObject(name, args.namespace, labels, servicePort, args.route),
        replicasHandover: replicasHandover("Deployment", name, args.namespace, args.autoscaling, args.previousReplicas),
        ...monitoringObjects({
            name, namespace: args.namespace, labels, ports, workload: "Deployment", claims: claimNames(args), claimTemplates: [], autoscaled: args.autoscaling !== undefined,
        }, args.monitoring),
    };
}
