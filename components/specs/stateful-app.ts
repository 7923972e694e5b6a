import { z } from "zod";
import { absolutePath, accessModes, code, dnsLabel, dnsSubdomain, intIn, positiveQuantity, serviceName, show } from "../../kube/schemas";
import { autoscalingSchema, horizontalPodAutoscaler, mostReplicas, previousReplicasSchema, replicasHandover, replicasOrAutoscaling } from "./autoscaler";
import { compact, KubeObject } from "./kube-object";
import { appLabels, selectorLabels } from "./labels";
import { DEFAULT_MAX_UNAVAILABLE_PODS, disruptionSchema, minAvailableWithin, podDisruptionBudget } from "./pod-disruption-budget";
import { claimNames, componentSetShape, podTemplate, workloadProblems, workloadShape } from "./pod-template";
import { declaredSidecarPorts, initContainerProblems, initContainers, initContainersShape, sidecarPorts } from "./init-containers";
import { appPortProblems, appPorts } from "./ports";
import { service, serviceSchema } from "./service";
import { configFilesObject, fileContents } from "./config-files";
import { MonitoringObjects, monitoringObjects, monitoringProblems, scrapedServiceLabelsFor } from "./monitoring";
import { networkPolicyObject } from "./network-policy";
import { identityObjects, type IdentityObjects } from "./service-account";
import { restoreFromSchema, snapshotDataSource } from "./snapshot-restore";
import { backupSchema, volumeBackupObjects, type VolumeBackupObjects } from "./volume-backup";

export const DEFAULT_STATEFUL_REPLICAS = 1;
/** Every pod takes part in a rollout. */
export const DEFAULT_UPDATE_PARTITION = 0;
export const DATA_VOLUME = "data";
export const DEFAULT_DATA_MOUNT_PATH = "/data";
export const DEFAULT_CLAIM_ACCESS_MODES = ["ReadWriteOnce"] as const;
export const DEFAULT_POD_MANAGEMENT_POLICY = "OrderedReady";
/** Data is never deleted with the app: the claims stay when the StatefulSet is deleted or scaled down. */
export const DEFAULT_CLAIM_RETENTION = { whenDeleted: "Retain", whenScaled: "Retain" } as const;
/** Not configurable: a stateful pod must stay ready this long before the next one is updated. */
const MIN_READY_SECONDS = 5;
const REVISION_HISTORY_LIMIT = 5;

const retention = z.enum(["Retain", "Delete"]);

/** The fields of a stateful app that a stack config entry also writes (config/stack-config.ts adds `name` and `type`). */
export const statefulAppShape = {
    ...workloadShape,
    ...initContainersShape,
    replicas: intIn(0, 1000).optional().meta({
        description: "Number of pods, each with its own volume and stable name (`<name>-0`, `<name>-1`, ...); not with `autoscaling`.",
        default: code(DEFAULT_STATEFUL_REPLICAS),
    }),
    autoscaling: autoscalingSchema.optional().meta({
        description: "Horizontal pod autoscaling of the StatefulSet (each new pod gets its own claim, kept when scaled down unless `claimRetention.whenScaled` says otherwise); the StatefulSet then leaves `spec.replicas` to the autoscaler.",
    }),
    storage: z.strictObject({
        size: positiveQuantity.meta({ description: 'Requested size, e.g. "500Mi".' }),
        mountPath: absolutePath.optional().meta({ description: "Where the volume is mounted in the container.", default: code(DEFAULT_DATA_MOUNT_PATH) }),
        storageClassName: dnsSubdomain.optional().meta({ description: "StorageClass of the claims.", default: "the cluster's default StorageClass" }),
        accessModes: accessModes.optional().meta({ description: "Access modes of the claims.", default: code(DEFAULT_CLAIM_ACCESS_MODES) }),
        restoreFrom: restoreFromSchema.optional().meta({
            description: "Claims created from now on start as a copy of this CSI VolumeSnapshot (`dataSource`), every replica's from the same one; claims that exist keep their data. Set it on a new app (or after deleting the claims), and keep it for the app's life: a StatefulSet's claim templates cannot change (see docs/configuration.md, Restoring a snapshot).",
            default: "empty volumes",
        }),
    }).meta({ description: "The volume each replica gets from the StatefulSet's volumeClaimTemplates." }),
    updatePartition: intIn(0, 1000).optional().meta({
        description: "Only pods with an ordinal >= partition are updated by a rollout: set it to stage (canary) an update.",
        default: `${code(DEFAULT_UPDATE_PARTITION)} (all pods)`,
    }),
    podManagementPolicy: z.enum(["OrderedReady", "Parallel"]).optional().meta({
        description: "Start pods one by one in order (OrderedReady) or all at once (Parallel).",
        default: code(DEFAULT_POD_MANAGEMENT_POLICY),
    }),
    claimRetention: z.strictObject({
        whenDeleted: retention.optional().meta({ description: "What happens to the claims when the StatefulSet is deleted.", default: code(DEFAULT_CLAIM_RETENTION.whenDeleted) }),
        whenScaled: retention.optional().meta({ description: "What happens to the claims of pods removed by scaling down.", default: code(DEFAULT_CLAIM_RETENTION.whenScaled) }),
    }).optional().meta({ description: "What happens to the replicas' PersistentVolumeClaims; by default data is never deleted with the app." }),
    clientService: serviceSchema.optional().meta({ description: "A regular ClusterIP (or NodePort/LoadBalancer) Service for clients, besides the headless one." }),
    disruption: disruptionSchema.optional().meta({
        description: "The PodDisruptionBudget, created when the app can run 2 or more pods.",
        default: `maxUnavailable ${DEFAULT_MAX_UNAVAILABLE_PODS}`,
    }),
    backup: backupSchema.optional().meta({
        description: "Scheduled CSI VolumeSnapshots of every replica's claim (up to `replicas`, or `autoscaling.maxReplicas`), taken and pruned by a CronJob `<name>-backup` with its own ServiceAccount and Role; the claims' StorageClass must be a CSI driver's with snapshot support.",
        default: "no backup",
    }),
};

/**
 * The longest stateful app name: each pod carries the label `controller-revision-hash: <name>-<10-character hash>`,
 * and a label value has at most 63 characters (the `<name>-headless` Service, 54, fits then too).
 */
export const MAX_STATEFUL_NAME = 52;
export const statefulAppName = serviceName.refine((name) => name.length <= MAX_STATEFUL_NAME, {
    error: (iss) => `${show(iss.input)} has ${String(iss.input).length} characters; allowed: at most ${MAX_STATEFUL_NAME} for a stateful app (its pods' controller-revision-hash label is the name plus 11 characters, at most 63)`,
});

type StatefulAppShape = z.infer<z.ZodObject<typeof statefulAppShape>>;

/** What the API server refuses across a stateful app's fields: the workload's checks, with the data volume built in. */
export function statefulAppProblems(app: StatefulAppShape & { secretConfig?: Record<string, string> }, ctx: z.RefinementCtx): void {
    const data = { name: DATA_VOLUME, mountPath: app.storage.mountPath ?? DEFAULT_DATA_MOUNT_PATH };
    workloadProblems(app, ctx, [{ ...data, owner: "storage", at: ["storage", "mountPath"] }]);
    appPortProblems(app, declaredSidecarPorts(app), [{ headless: true }, ...(app.clientService ? [{ field: "clientService", args: app.clientService }] : [])], ctx);
    initContainerProblems(app, ctx, [data]);
    replicasOrAutoscaling(app, ctx);
    minAvailableWithin(app.disruption, mostReplicas(app, DEFAULT_STATEFUL_REPLICAS), ctx);
    // Every replica has its own claim.
    monitoringProblems({ ...app, hasClaims: true, ports: [...appPorts(app), ...sidecarPorts(app)] }, ctx);
}

/** A stateful app: StatefulSet, headless Service, optional client Service and PodDisruptionBudget. */
export const statefulAppArgsSchema = z.strictObject({
    ...statefulAppShape,
    ...componentSetShape,
    namespace: dnsLabel.meta({ description: "Namespace of every object." }),
    previousReplicas: previousReplicasSchema,
}).superRefine(statefulAppProblems);

export type StatefulAppArgs = z.infer<typeof statefulAppArgsSchema>;

export interface StatefulAppObjects extends IdentityObjects, Partial<VolumeBackupObjects>, MonitoringObjects {
    /** The ConfigMap of `configFiles`. */
    configFiles?: KubeObject;
    networkPolicy?: KubeObject;
    statefulSet: KubeObject;
    headlessService: KubeObject;
    clientService?: KubeObject;
    autoscaler?: KubeObject;
    disruptionBudget?: KubeObject;
    /** Partial StatefulSet applied by its own field manager before the StatefulSet drops `spec.replicas`. */
    replicasHandover?: KubeObject;
}

export function headlessServiceName(name: string): string {
    return `${name}-headless`;
}

/** The Service clients use: the client Service when there is one, else the headless Service. */
export function statefulAppServiceName(name: string, args: Pick<StatefulAppArgs, "clientService">): string {
    return args.clientService ? name : headlessServiceName(name);
}

/** The claims the StatefulSet controller makes, `<template>-<name>-<ordinal>`, for every pod the app can run. */
export function statefulAppClaims(name: string, args: Pick<StatefulAppArgs, "replicas" | "autoscaling">): string[] {
    return Array.from({ length: mostReplicas(args, DEFAULT_STATEFUL_REPLICAS) }, (_, i) => `${DATA_VOLUME}-${name}-${i}`);
}

export function statefulAppObjects(name: string, args: StatefulAppArgs): StatefulAppObjects {
    const labels = appLabels(name, "database", args.labels);
    const replicas = mostReplicas(args, DEFAULT_STATEFUL_REPLICAS);
    const ports = [...appPorts(args), ...sidecarPorts(args)];
    const storage = args.storage;
    const dataMount = { name: DATA_VOLUME, mountPath: storage.mountPath ?? DEFAULT_DATA_MOUNT_PATH };
    const statefulSet: KubeObject = {
        apiVersion: "apps/v1",
        kind: "StatefulSet",
        metadata: { name, namespace: args.namespace, labels },
        spec: {
            // With server-side apply the autoscaler owns spec.replicas (see the Deployment's).
            ...(args.autoscaling ? {} : { replicas }),
            serviceName: headlessServiceName(name),
            selector: { matchLabels: selectorLabels(name) },
            podManagementPolicy: args.podManagementPolicy ?? DEFAULT_POD_MANAGEMENT_POLICY,
            updateStrategy: { type: "RollingUpdate", rollingUpdate: { partition: args.updatePartition ?? DEFAULT_UPDATE_PARTITION } },
            minReadySeconds: MIN_READY_SECONDS,
            revisionHistoryLimit: REVISION_HISTORY_LIMIT,
            persistentVolumeClaimRetentionPolicy: {
                whenDeleted: args.claimRetention?.whenDeleted ?? DEFAULT_CLAIM_RETENTION.whenDeleted,
                whenScaled: args.claimRetention?.whenScaled ?? DEFAULT_CLAIM_RETENTION.whenScaled,
            },
            template: podTemplate(name, labels, args, { multiReplica: replicas > 1, extraMounts: [dataMount], initContainers: initContainers(name, args, [dataMount]) }),
            volumeClaimTemplates: [{
                metadata: { name: DATA_VOLUME, labels: selectorLabels(name) },
                spec: compact({
                    accessModes: storage.accessModes ?? [...DEFAULT_CLAIM_ACCESS_MODES],
                    storageClassName: storage.storageClassName,
                    resources: { requests: { storage: storage.size } },
                    dataSource: storage.restoreFrom && snapshotDataSource(storage.restoreFrom),
                }),
            }],
        },
    };
    return {
        ...identityObjects(name, args.namespace, labels, args.serviceAccount),
        configFiles: args.configFiles && configFilesObject(name, args.namespace, labels, fileContents(args.configFiles)),
        networkPolicy: args.networkPolicy && networkPolicyObject(name, args.namespace, labels, ports, args.networkPolicy),
        statefulSet,
        // The headless Service is scraped: it always exists and lists every pod.
        headlessService: service(headlessServiceName(name), name, args.namespace, labels, ports, {}, { headless: true, scrapedLabels: scrapedServiceLabelsFor(args.monitoring) }),
        clientService: args.clientService && service(name, name, args.namespace, labels, ports, args.clientService),
        autoscaler: args.autoscaling
            && horizontalPodAutoscaler(name, args.namespace, labels, { apiVersion: "apps/v1", kind: "StatefulSet" }, args.autoscaling),
        disruptionBudget: replicas > 1 ? podDisruptionBudget(name, args.namespace, labels, args.disruption) : undefined,
        replicasHandover: replicasHandover("StatefulSet", name, args.namespace, args.autoscaling, args.previousReplicas),
        ...(args.backup && volumeBackupObjects(name, args.namespace, args.labels, statefulAppClaims(name, args), args.backup)),
        ...monitoringObjects({
            name,
            namespace: args.namespace,
            labels,
            ports,
            workload: "StatefulSet",
            claims: claimNames(args),
            claimTemplates: [DATA_VOLUME],
            autoscaled: args.autoscaling !== undefined,
        }, args.monitoring),
    };
}
