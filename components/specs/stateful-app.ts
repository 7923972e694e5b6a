import { compact, KubeObject } from "./kube-object";
import { appLabels, selectorLabels } from "./labels";
import { DisruptionArgs, podDisruptionBudget } from "./pod-disruption-budget";
import { DEFAULT_PORT, podTemplate, WorkloadArgs } from "./pod-template";
import { service, ServiceArgs } from "./service";

/** The volume each replica gets from the StatefulSet's volumeClaimTemplates. */
export interface ClaimTemplateArgs {
    /** Requested size, e.g. "500Mi". Required. */
    size: string;
    /** Where the volume is mounted in the container. @default "/data" */
    mountPath?: string;
    /** StorageClass of the claims. @default unset: the cluster's default StorageClass */
    storageClassName?: string;
    /** Access modes of the claims. @default ["ReadWriteOnce"] */
    accessModes?: Array<"ReadWriteOnce" | "ReadWriteOncePod" | "ReadOnlyMany" | "ReadWriteMany">;
}

/** A stateful app: StatefulSet, headless Service, optional client Service and PodDisruptionBudget. */
export interface StatefulAppArgs extends WorkloadArgs {
    /** Namespace of every object. Required. */
    namespace: string;
    /** Number of pods, each with its own volume and stable name (`<name>-0`, `<name>-1`, ...). @default 1 */
    replicas?: number;
    /** Per-replica volume. Required. */
    storage: ClaimTemplateArgs;
    /**
     * Only pods with an ordinal >= partition are updated by a rollout: set it to stage (canary) an update.
     * @default 0 (all pods)
     */
    updatePartition?: number;
    /** Start pods one by one in order (OrderedReady) or all at once (Parallel). @default "OrderedReady" */
    podManagementPolicy?: "OrderedReady" | "Parallel";
    /**
     * What happens to the replicas' PersistentVolumeClaims when the StatefulSet is deleted or scaled down.
     * @default { whenDeleted: "Retain", whenScaled: "Retain" }: data is never deleted with the app
     */
    claimRetention?: { whenDeleted?: "Retain" | "Delete"; whenScaled?: "Retain" | "Delete" };
    /** A regular ClusterIP (or NodePort/LoadBalancer) Service for clients, besides the headless one. @default none */
    clientService?: ServiceArgs;
    /** The PodDisruptionBudget, created when replicas >= 2. @default maxUnavailable 1 */
    disruption?: DisruptionArgs;
}

export const DEFAULT_STATEFUL_REPLICAS = 1;
export const DATA_VOLUME = "data";

export interface StatefulAppObjects {
    statefulSet: KubeObject;
    headlessService: KubeObject;
    clientService?: KubeObject;
    disruptionBudget?: KubeObject;
}

export function headlessServiceName(name: string): string {
    return `${name}-headless`;
}

/** The Service clients use: the client Service when there is one, else the headless Service. */
export function statefulAppServiceName(name: string, args: Pick<StatefulAppArgs, "clientService">): string {
    return args.clientService ? name : headlessServiceName(name);
}

export function statefulAppObjects(name: string, args: StatefulAppArgs): StatefulAppObjects {
    const labels = appLabels(name, "database", args.labels);
    const replicas = args.replicas ?? DEFAULT_STATEFUL_REPLICAS;
    const port = args.port ?? DEFAULT_PORT;
    const storage = args.storage;
    const dataMount = { name: DATA_VOLUME, mountPath: storage.mountPath ?? "/data" };
    const statefulSet: KubeObject = {
        apiVersion: "apps/v1",
        kind: "StatefulSet",
        metadata: { name, namespace: args.namespace, labels },
        spec: {
            replicas,
            serviceName: headlessServiceName(name),
            selector: { matchLabels: selectorLabels(name) },
            podManagementPolicy: args.podManagementPolicy ?? "OrderedReady",
            updateStrategy: { type: "RollingUpdate", rollingUpdate: { partition: args.updatePartition ?? 0 } },
            minReadySeconds: 5,
            revisionHistoryLimit: 5,
            persistentVolumeClaimRetentionPolicy: {
                whenDeleted: args.claimRetention?.whenDeleted ?? "Retain",
                whenScaled: args.claimRetention?.whenScaled ?? "Retain",
            },
            template: podTemplate(name, labels, args, { multiReplica: replicas > 1, extraMounts: [dataMount] }),
            volumeClaimTemplates: [{
                metadata: { name: DATA_VOLUME, labels: selectorLabels(name) },
                spec: compact({
                    accessModes: storage.accessModes ?? ["ReadWriteOnce"],
                    storageClassName: storage.storageClassName,
                    resources: { requests: { storage: storage.size } },
                }),
            }],
        },
    };
    return {
        statefulSet,
        headlessService: service(headlessServiceName(name), name, args.namespace, labels, port, {}, { headless: true }),
        clientService: args.clientService && service(name, name, args.namespace, labels, port, args.clientService),
        disruptionBudget: replicas > 1 ? podDisruptionBudget(name, args.namespace, labels, args.disruption) : undefined,
    };
}
