import { compact } from "./kube-object";
import { selectorLabels } from "./labels";
import { containerSecurityContext, podSecurityContext, SecurityArgs, wantsTmpVolume } from "./pod-security";
import { probe, ProbeArgs } from "./probe";

/** CPU and memory for the app container. Both requests and limits are required: no pod runs unbounded. */
export interface ResourceArgs {
    /** What the scheduler reserves, e.g. `{ cpu: "250m", memory: "128Mi" }`. Required. */
    requests: { cpu: string; memory: string };
    /** The most the container may use, e.g. `{ cpu: "500m", memory: "256Mi" }`; never below the request. Required. */
    limits: { cpu: string; memory: string };
}

/** Where pods may run and how they spread. */
export interface SchedulingArgs {
    /**
     * Spread replicas across nodes (topology key `kubernetes.io/hostname`, `ScheduleAnyway`, so a single-node dev
     * cluster still schedules them). Applied only when the app can run more than one replica.
     * @default true
     */
    spreadAcrossNodes?: boolean;
    /** Node labels a node must carry to run the pods. @default none */
    nodeSelector?: Record<string, string>;
    /** Taints the pods tolerate (Kubernetes Toleration objects). @default none */
    tolerations?: Array<Record<string, unknown>>;
    /** Kubernetes Affinity object (node, pod and anti-affinity rules). @default none */
    affinity?: Record<string, unknown>;
    /** PriorityClass of the pods. @default none (the cluster's default priority) */
    priorityClassName?: string;
}

/** A reference to a key of an existing Kubernetes Secret. */
export interface SecretKeyRef {
    /** Name of the Secret, in the app's namespace. */
    secretName: string;
    /** Key inside the Secret. */
    key: string;
}

/** A volume mounted into the app container: a PersistentVolumeClaim, or a scratch emptyDir when no claim is named. */
export interface VolumeArgs {
    /** Volume name (DNS-1123 label, unique within the app). */
    name: string;
    /** Where the volume appears inside the container. */
    mountPath: string;
    /** PersistentVolumeClaim to mount (e.g. the claim of a PersistentStorage). @default none: an emptyDir */
    claimName?: string;
    /** Mount read-only. @default false */
    readOnly?: boolean;
}

/** Everything about the pods that a stateless and a stateful app share. */
export interface WorkloadArgs {
    /** Container image, pinned by a tag other than `latest` or by a `@sha256:` digest. Required. */
    image: string;
    /** Port the container listens on. @default 8080 */
    port?: number;
    /** Entrypoint override. @default the image's ENTRYPOINT */
    command?: string[];
    /** Arguments override. @default the image's CMD */
    args?: string[];
    /** CPU and memory requests and limits. Required. */
    resources: ResourceArgs;
    /** When the pod may receive traffic. @default a TCP check on `port`, every 10s */
    readinessProbe?: ProbeArgs;
    /** When the container is restarted. @default a TCP check on `port`, after 10s, every 10s, 3 failures */
    livenessProbe?: ProbeArgs;
    /** Holds off the other probes until a slow-starting app is up. @default none */
    startupProbe?: ProbeArgs;
    /** Plain environment variables. @default none */
    env?: Record<string, string>;
    /** Environment variables read from keys of existing Secrets. @default none */
    secretEnv?: Record<string, SecretKeyRef>;
    /** Whole ConfigMaps or Secrets loaded as environment variables. @default none */
    envFrom?: Array<{ configMap?: string; secret?: string }>;
    /** Volumes to mount. @default none (besides /tmp, see `security.tmpVolume`) */
    volumes?: VolumeArgs[];
    /** Pod and container security settings. @default the "restricted" profile, see SecurityArgs */
    security?: SecurityArgs;
    /** Scheduling constraints. @default spread across nodes, nothing else */
    scheduling?: SchedulingArgs;
    /**
     * Prometheus scrape annotations (`prometheus.io/scrape`, `/path`, `/port`) on the pods.
     * @default none (not scraped)
     */
    prometheus?: { path?: string; port?: number };
    /** Seconds a pod gets to shut down after SIGTERM. @default 30 */
    terminationGracePeriodSeconds?: number;
    /** Extra labels on every object of the app (never used in selectors). @default none */
    labels?: Record<string, string>;
    /**
     * How long `pulumi up` waits for the app to be ready (a Deployment rolled out, every StatefulSet pod ready, no unready
     * endpoint behind its Services) before it fails with the provider's account of the pods (a failing readiness probe
     * is usually named; an unschedulable pod or an unbound claim is not, see docs/local-cluster.md, Known gaps).
     * For a Deployment, keep it above `rollout.progressDeadlineSeconds`, so the failure names the stalled rollout.
     * @default 600 (DEFAULT_READY_TIMEOUT_SECONDS, Pulumi's own default)
     */
    readyTimeoutSeconds?: number;
}

/** How long `pulumi up` waits for an app's pods when `readyTimeoutSeconds` is not set: the Kubernetes provider's default. */
export const DEFAULT_READY_TIMEOUT_SECONDS = 600;

export const DEFAULT_PORT = 8080;
export const CONTAINER_PORT_NAME = "http";

function env(args: WorkloadArgs): Array<Record<string, unknown>> | undefined {
    const plain = Object.entries(args.env ?? {}).map(([name, value]) => ({ name, value }));
    const secret = Object.entries(args.secretEnv ?? {}).map(([name, ref]) => ({
        name,
        valueFrom: { secretKeyRef: { name: ref.secretName, key: ref.key } },
    }));
    const all = [...plain, ...secret];
    return all.length > 0 ? all : undefined;
}

function envFrom(args: WorkloadArgs): Array<Record<string, unknown>> | undefined {
    const sources = (args.envFrom ?? []).map((s) =>
        s.configMap !== undefined ? { configMapRef: { name: s.configMap } } : { secretRef: { name: s.secret } },
    );
    return sources.length > 0 ? sources : undefined;
}

function volumes(args: WorkloadArgs): { volumes: Array<Record<string, unknown>>; mounts: Array<Record<string, unknown>> } {
    const declared: Array<{ volume: Record<string, unknown>; mount: Record<string, unknown> }> = (args.volumes ?? []).map((v) => ({
        volume: v.claimName !== undefined
            ? { name: v.name, persistentVolumeClaim: compact({ claimName: v.claimName, readOnly: v.readOnly }) }
            : { name: v.name, emptyDir: {} },
        mount: compact({ name: v.name, mountPath: v.mountPath, readOnly: v.readOnly }),
    }));
    if (wantsTmpVolume(args.security)) {
        declared.push({ volume: { name: "tmp", emptyDir: {} }, mount: { name: "tmp", mountPath: "/tmp" } });
    }
    return { volumes: declared.map((d) => d.volume), mounts: declared.map((d) => d.mount) };
}

function prometheusAnnotations(args: WorkloadArgs, port: number): Record<string, string> | undefined {
    if (!args.prometheus) return undefined;
    return {
        "prometheus.io/scrape": "true",
        "prometheus.io/path": args.prometheus.path ?? "/metrics",
        "prometheus.io/port": String(args.prometheus.port ?? port),
    };
}

/**
 * The pod template of an app: one container with the app's resources, probes and security settings.
 * `multiReplica` says whether the app can run more than one pod, which is when spreading across nodes matters.
 */
export function podTemplate(
    name: string,
    labels: Record<string, string>,
    args: WorkloadArgs,
    options: { multiReplica: boolean; extraMounts?: Array<Record<string, unknown>> },
): Record<string, unknown> {
    const port = args.port ?? DEFAULT_PORT;
    const scheduling = args.scheduling ?? {};
    const { volumes: podVolumes, mounts } = volumes(args);
    const allMounts = [...mounts, ...(options.extraMounts ?? [])];
    const spread = options.multiReplica && (scheduling.spreadAcrossNodes ?? true);
    const container = compact({
        name,
        image: args.image,
        command: args.command,
        args: args.args,
        ports: [{ name: CONTAINER_PORT_NAME, containerPort: port, protocol: "TCP" }],
        env: env(args),
        envFrom: envFrom(args),
        resources: {
            requests: { cpu: args.resources.requests.cpu, memory: args.resources.requests.memory },
            limits: { cpu: args.resources.limits.cpu, memory: args.resources.limits.memory },
        },
        readinessProbe: probe(args.readinessProbe ?? {}, { port, initialDelaySeconds: 0, failureThreshold: 3 }),
        livenessProbe: probe(args.livenessProbe ?? {}, { port, initialDelaySeconds: 10, failureThreshold: 3 }),
        startupProbe: args.startupProbe && probe(args.startupProbe, { port, initialDelaySeconds: 0, failureThreshold: 30 }),
        securityContext: containerSecurityContext(args.security),
        volumeMounts: allMounts.length > 0 ? allMounts : undefined,
    });
    return {
        metadata: compact({ labels, annotations: prometheusAnnotations(args, port) }),
        spec: compact({
            // Apps talk to the API server only when they say so; a token mounted by default is an attack surface.
            automountServiceAccountToken: false,
            securityContext: podSecurityContext(args.security),
            terminationGracePeriodSeconds: args.terminationGracePeriodSeconds ?? 30,
            containers: [container],
            volumes: podVolumes.length > 0 ? podVolumes : undefined,
            nodeSelector: scheduling.nodeSelector,
            tolerations: scheduling.tolerations,
            affinity: scheduling.affinity,
            priorityClassName: scheduling.priorityClassName,
            topologySpreadConstraints: spread
                ? [{
                    maxSkew: 1,
                    topologyKey: "kubernetes.io/hostname",
                    whenUnsatisfiable: "ScheduleAnyway",
                    labelSelector: { matchLabels: selectorLabels(name) },
                }]
                : undefined,
        }),
    };
}
