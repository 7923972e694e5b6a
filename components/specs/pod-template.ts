import { z } from "zod";
import { absolutePath, code, configKey, cpuAndMemory, dnsLabel, dnsSubdomain, intIn, labelMap, limitsNotBelowRequests, pinnedImage, port, show } from "../../kube/schemas";
import { affinitySchema, tolerationSchema } from "./affinity";
import { compact } from "./kube-object";
import { extraLabelMap, selectorLabels } from "./labels";
import { containerSecurityContext, podSecurityContext, RESTRICTED_SECURITY, securitySchema, wantsTmpVolume } from "./pod-security";
import { CONFIG_FILES_VOLUME, configFileMounts, configFilesSchema, fileContents } from "./config-files";
import { registrySecretName } from "./registry-credentials";
import { DEFAULT_SECRET_FILES_FS_GROUP, SECRET_FILES_VOLUME, secretFileMounts } from "./secret-files";
import { monitoringSchema, scrapeAnnotations } from "./monitoring";
import { networkPolicySchema } from "./network-policy";
import { automountToken, serviceAccountSchema } from "./service-account";
import { LIVENESS_PROBE_DEFAULTS, probe, PROBE_DEFAULTS, probeSchema, READINESS_PROBE_DEFAULTS, STARTUP_PROBE_DEFAULTS } from "./probe";
import { appPorts, containerPorts, DEFAULT_PORT, portsSchema, primaryPort, probePortArgs } from "./ports";

export { CONTAINER_PORT_NAME, DEFAULT_PORT } from "./ports";

/** How long `pulumi up` waits for an app's pods when `readyTimeoutSeconds` is not set: the Kubernetes provider's default. */
export const DEFAULT_READY_TIMEOUT_SECONDS = 600;
export const DEFAULT_TERMINATION_GRACE_PERIOD_SECONDS = 30;
export const DEFAULT_SPREAD_ACROSS_NODES = true;
const EXAMPLE_IMAGE = "nginxinc/nginx-unprivileged:1.27.3-alpine";

/** CPU and memory for the app container. Both requests and limits are required: no pod runs unbounded. */
export const resourcesSchema = z.strictObject({
    requests: cpuAndMemory.meta({ description: 'What the scheduler reserves, e.g. `{ cpu: "250m", memory: "128Mi" }`.' }),
    limits: cpuAndMemory.meta({ description: 'The most the container may use, e.g. `{ cpu: "500m", memory: "256Mi" }`; never below the request.' }),
}).superRefine(limitsNotBelowRequests("requests", "limits")).meta({ title: "Resources" });

/** Where pods may run and how they spread. */
const schedulingSchema = z.strictObject({
    spreadAcrossNodes: z.boolean().optional().meta({
        description: "Spread replicas across nodes (topology key `kubernetes.io/hostname`, `ScheduleAnyway`, so a single-node dev cluster still schedules them). Applied only when the app can run more than one replica.",
        default: code(DEFAULT_SPREAD_ACROSS_NODES),
    }),
    nodeSelector: labelMap.optional().meta({ description: "Node labels a node must carry to run the pods." }),
    tolerations: z.array(tolerationSchema).optional().meta({ description: "Taints the pods tolerate (Kubernetes Toleration objects: key, operator, value, effect, tolerationSeconds)." }),
    affinity: affinitySchema.optional().meta({ description: "Kubernetes Affinity object (nodeAffinity, podAffinity, podAntiAffinity), field for field as core/v1 declares it." }),
    priorityClassName: dnsSubdomain.optional().meta({ description: "PriorityClass of the pods.", default: "the cluster's default priority" }),
});

/** A volume mounted into the app container: a PersistentVolumeClaim, or a scratch emptyDir when no claim is named. */
const volumeSchema = z.strictObject({
    name: dnsLabel.meta({ description: "Volume name, unique within the app." }),
    mountPath: absolutePath.meta({ description: "Where the volume appears inside the container." }),
    claimName: dnsLabel.optional().meta({ description: "PersistentVolumeClaim to mount (e.g. the claim of a PersistentStorage).", default: "none: an emptyDir" }),
    readOnly: z.boolean().optional().meta({ description: "Mount read-only.", default: code(false) }),
});

// Kubernetes 1.32+ (RelaxedEnvironmentVariableValidation, on by default) accepts any printable ASCII but "=".
const ENV_NAME = /^[\x20-\x3c\x3e-\x7e]+$/;
export const envName = z.string().refine((name) => ENV_NAME.test(name), {
    error: (iss) => `${show(iss.input)} is not a valid environment variable name; allowed: printable ASCII characters other than "="`,
});

/** A reference to a key of an existing Kubernetes Secret. */
export const secretKeyRefSchema = z.strictObject({
    secretName: dnsLabel.meta({ description: "Name of the Secret, in the app's namespace." }),
    key: configKey.meta({ description: "Key inside the Secret." }),
});

const probeDefault = (d: { initialDelaySeconds: number; failureThreshold: number }) =>
    `a TCP check on the first port (\`port\`), after ${d.initialDelaySeconds}s, every ${PROBE_DEFAULTS.periodSeconds}s, ${d.failureThreshold} failures`;

/**
 * Everything about the pods that a stateless and a stateful app share, as the fields of each app's args schema. The
 * defaults are applied by the builders below (not by the schema), from the named constants the docs also print.
 */
export const workloadShape = {
    image: pinnedImage(EXAMPLE_IMAGE).meta({ description: 'Container image, pinned by a tag other than `latest` or by a `@sha256:` digest.' }),
    port: port.optional().meta({ description: 'Port the container listens on, named "http"; the Service port in front of it is `service.port`.', default: `${code(DEFAULT_PORT)} when \`ports\` is not given` }),
    ports: portsSchema.optional().meta({
        description: "Named ports of the container (e.g. a metrics or admin port), each mapped by name by the app's Services and admitted by its network policy; beside `port` they come after its \"http\" port, and without `port` they are the only ones (the first is then the one probes and scraping default to).",
        default: "none",
    }),
    command: z.array(z.string()).optional().meta({ description: "Entrypoint override.", default: "the image's ENTRYPOINT" }),
    args: z.array(z.string()).optional().meta({ description: "Arguments override.", default: "the image's CMD" }),
    resources: resourcesSchema.meta({ description: "CPU and memory requests and limits; both are required, so no pod runs unbounded." }),
    readinessProbe: probeSchema.optional().meta({ description: "When the pod may receive traffic.", default: probeDefault(READINESS_PROBE_DEFAULTS) }),
    livenessProbe: probeSchema.optional().meta({ description: "When the container is restarted.", default: probeDefault(LIVENESS_PROBE_DEFAULTS) }),
    startupProbe: probeSchema.optional().meta({
        description: `Holds off the other probes until a slow-starting app is up (when given, it fails after ${STARTUP_PROBE_DEFAULTS.failureThreshold} failures unless \`failureThreshold\` says otherwise).`,
    }),
    env: z.record(envName, z.string()).optional().meta({ description: "Plain environment variables." }),
    secretEnv: z.record(envName, secretKeyRefSchema).optional().meta({ description: "Environment variables read from keys of existing Secrets." }),
    envFrom: z.array(z.union([
        z.strictObject({ configMap: dnsLabel.meta({ description: "ConfigMap whose keys become variables." }) }),
        z.strictObject({ secret: dnsLabel.meta({ description: "Secret whose keys become variables." }) }),
    ])).optional().meta({ description: "Whole ConfigMaps or Secrets loaded as environment variables." }),
    volumes: z.array(volumeSchema).optional().meta({ description: "Volumes to mount.", default: "none (besides /tmp, see `security.tmpVolume`)" }),
    configFiles: configFilesSchema.optional().meta({
        description: 'Files mounted read-only (mode 0444) at their paths, e.g. `{ "/etc/nginx/conf.d/default.conf": { file: "config/nginx.conf" } }`: one ConfigMap `<name>-config-files` holds them, and a hash of their content on the pod template rolls the pods when any changes.',
        default: "none",
    }),
    security: securitySchema.optional().meta({ description: "Pod and container security settings.", default: 'the "restricted" Pod Security profile' }),
    scheduling: schedulingSchema.optional().meta({ description: "Scheduling constraints.", default: "spread across nodes, nothing else" }),
    monitoring: monitoringSchema.optional().meta({
        description: "Prometheus monitoring: with `prometheusOperator`, a ServiceMonitor, a PrometheusRule of default alerts and a Grafana dashboard ConfigMap; without, scrape annotations (`prometheus.io/scrape`, `/path`, `/port`) on the pods.",
        default: "none (not scraped)",
    }),
    terminationGracePeriodSeconds: intIn(0, 3600).optional().meta({
        description: "Seconds a pod gets to shut down after SIGTERM.",
        default: code(DEFAULT_TERMINATION_GRACE_PERIOD_SECONDS),
    }),
    labels: extraLabelMap.optional().meta({ description: "Extra labels on every object of the app (never used in selectors); not the keys the stack sets itself (`app.kubernetes.io/name`, ...)." }),
    networkPolicy: networkPolicySchema.optional().meta({
        description: "The app's own NetworkPolicy: ingress only from the peers listed, to its port; optionally egress only to the peers listed and cluster DNS.",
        default: "none (the namespace's policies alone apply)",
    }),
    serviceAccount: serviceAccountSchema.optional().meta({
        description: "The pods' identity: every app gets its own ServiceAccount of its name; this adds RBAC rules, a token, annotations.",
        default: "a ServiceAccount with no rules and no token in the pods",
    }),
    imagePullSecrets: z.array(dnsSubdomain).min(1).refine((names) => new Set(names).size === names.length, {
        error: (iss) => `${show(iss.input)} names a Secret twice; allowed: each Secret once (server-side apply refuses duplicate entries)`,
    }).optional().meta({
        description: "Existing `kubernetes.io/dockerconfigjson` Secrets in the app's namespace that the kubelet uses to pull a private image.",
        default: "none (public images, or credentials on the nodes)",
    }),
    readyTimeoutSeconds: intIn(1, 86400).optional().meta({
        description: "How long `pulumi up` waits for the app to be ready (a Deployment rolled out, every StatefulSet pod ready, no unready endpoint behind its Services) before it fails with the provider's account of the pods (a failing readiness probe is usually named; an unschedulable pod or an unbound claim is not, see docs/local-cluster.md, Known gaps). For a Deployment, keep it above `rollout.progressDeadlineSeconds`, so the failure names the stalled rollout.",
        default: `${code(DEFAULT_READY_TIMEOUT_SECONDS)} (Pulumi's own default)`,
    }),
};

export type WorkloadArgs = z.infer<z.ZodObject<typeof workloadShape>>;

/** What a component adds to an app's spec args from its own args; a stack config never writes it. */
export const componentSetShape = {
    pullSecretFromCredentials: z.boolean().optional().meta({
        description: "Whether the pods also name the pull Secret `<name>-registry` (set by the component from `registryCredentials`).",
        default: code(false),
    }),
    secretFilePaths: z.array(absolutePath).optional().meta({
        description: "Paths of the files the component mounts from the Secret `<name>-secret-files` (set by the component from `secretFiles`).",
        default: "none",
    }),
};

/** The scratch volume at /tmp that `security.tmpVolume` adds. */
export const TMP_VOLUME = { name: "tmp", mountPath: "/tmp" } as const;

/**
 * What the API server refuses across a workload's fields: two volumes or mounts with one name or path (the component's
 * own volumes, `builtIn`, included), or one env var declared twice. `secretConfig` (stack config only) counts as env.
 */
export function workloadProblems(
    app: Pick<WorkloadArgs, "volumes" | "security" | "env" | "secretEnv" | "configFiles"> & {
        secretConfig?: Record<string, string>;
        /** Secret files by path: config keys in a stack config, values in a component's args. */
        secretFiles?: Record<string, unknown>;
        secretFilePaths?: readonly string[];
    },
    ctx: z.RefinementCtx,
    builtIn: ReadonlyArray<{ name: string; mountPath: string; owner: string; /** The key that sets mountPath. */ at?: PropertyKey[] }> = [],
): void {
    const tmp = (app.security?.tmpVolume ?? RESTRICTED_SECURITY.tmpVolume) ? [{ ...TMP_VOLUME, owner: "security.tmpVolume" }] : [];
    // A built-in volume's path may come from the args (storage.mountPath): it must not land on the scratch volume's.
    const own = [...tmp, ...builtIn.filter((v) => {
        const clash = tmp.find((t) => t.mountPath === v.mountPath);
        if (clash !== undefined) ctx.addIssue({ code: "custom", path: v.at ?? [v.owner], message: `${show(v.mountPath)} is already used by ${clash.owner}; allowed: a mountPath unique within the app` });
        return clash === undefined;
    })];
    // Config files and secret files are a volume each, and a mount per file.
    const fileSets = [
        { field: "configFiles", volume: CONFIG_FILES_VOLUME, paths: Object.keys(app.configFiles ?? {}) },
        { field: "secretFiles", volume: SECRET_FILES_VOLUME, paths: [...Object.keys(app.secretFiles ?? {}), ...(app.secretFilePaths ?? [])] },
    ];
    const seen = {
        name: new Map([...own.map((v) => [v.name, v.owner] as const), ...fileSets.filter((f) => f.paths.length > 0).map((f) => [f.volume, f.field] as const)]),
        mountPath: new Map(own.map((v) => [v.mountPath, v.owner])),
    };
    for (const { field, paths } of fileSets) {
        for (const file of paths) {
            const first = seen.mountPath.get(file);
            if (first !== undefined) ctx.addIssue({ code: "custom", path: [field, file], message: `${show(file)} is already used by ${first}; allowed: a mountPath unique within the app` });
            else seen.mountPath.set(file, `${field}[${show(file)}]`);
        }
    }
    (app.volumes ?? []).forEach((volume, i) => {
        for (const field of ["name", "mountPath"] as const) {
            const first = seen[field].get(volume[field]);
            if (first !== undefined) {
                ctx.addIssue({ code: "custom", path: ["volumes", i, field], message: `${show(volume[field])} is already used by ${first}; allowed: a ${field} unique within the app` });
            } else seen[field].set(volume[field], `volumes[${i}]`);
        }
    });
    const declared = new Map<string, string>();
    for (const [section, names] of [["env", app.env], ["secretEnv", app.secretEnv], ["secretConfig", app.secretConfig]] as const) {
        for (const name of Object.keys(names ?? {})) {
            const first = declared.get(name);
            if (first !== undefined) {
                ctx.addIssue({ code: "custom", path: [section, name], message: `is already declared in ${first}; allowed: each environment variable once` });
            } else declared.set(name, section);
        }
    }
}
/** The PersistentVolumeClaims an app's pods mount through `volumes`. */
export function claimNames(app: Pick<WorkloadArgs, "volumes">): string[] {
    return (app.volumes ?? []).flatMap((v) => (v.claimName === undefined ? [] : [v.claimName]));
}

export type ResourceArgs = z.infer<typeof resourcesSchema>;
export type VolumeArgs = z.infer<typeof volumeSchema>;
export type SecretKeyRef = z.infer<typeof secretKeyRefSchema>;

export function containerEnv(args: Pick<WorkloadArgs, "env" | "secretEnv">): Array<Record<string, unknown>> | undefined {
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
        "configMap" in s ? { configMapRef: { name: s.configMap } } : { secretRef: { name: s.secret } },
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
        declared.push({ volume: { name: TMP_VOLUME.name, emptyDir: {} }, mount: { ...TMP_VOLUME } });
    }
    return { volumes: declared.map((d) => d.volume), mounts: declared.map((d) => d.mount) };
}

function pullSecrets(app: string, args: WorkloadArgs & { pullSecretFromCredentials?: boolean }): Array<{ name: string }> | undefined {
    const names = [...(args.imagePullSecrets ?? []), ...(args.pullSecretFromCredentials ? [registrySecretName(app)] : [])];
    return names.length > 0 ? names.map((name) => ({ name })) : undefined;
}

function mergedAnnotations(...sets: Array<Record<string, string> | undefined>): Record<string, string> | undefined {
    const present = sets.filter((set) => set !== undefined);
    return present.length === 0 ? undefined : Object.assign({}, ...present);
}

/**
 * The pod template of an app: one container with the app's resources, probes and security settings.
 * `multiReplica` says whether the app can run more than one pod, which is when spreading across nodes matters.
 */
export function podTemplate(
    name: string,
    labels: Record<string, string>,
    args: WorkloadArgs & { secretFilePaths?: readonly string[]; pullSecretFromCredentials?: boolean },
    options: { multiReplica: boolean; extraMounts?: Array<Record<string, unknown>>; preStopSeconds?: number; initContainers?: Array<Record<string, unknown>> },
): Record<string, unknown> {
    const ports = appPorts(args);
    const port = primaryPort(args).containerPort;
    const scheduling = args.scheduling ?? {};
    const pause = options.preStopSeconds ?? 0;
    const { volumes: podVolumes, mounts } = volumes(args);
    const files = args.configFiles && configFileMounts(name, fileContents(args.configFiles));
    const secretFiles = args.secretFilePaths?.length ? secretFileMounts(name, args.secretFilePaths) : undefined;
    for (const set of [files, secretFiles]) if (set) podVolumes.push(set.volume);
    const allMounts = [...mounts, ...(options.extraMounts ?? []), ...(files?.mounts ?? []), ...(secretFiles?.mounts ?? [])];
    const spread = options.multiReplica && (scheduling.spreadAcrossNodes ?? DEFAULT_SPREAD_ACROSS_NODES);
    const container = compact({
        name,
        image: args.image,
        command: args.command,
        args: args.args,
        ports: containerPorts(ports),
        env: containerEnv(args),
        envFrom: envFrom(args),
        resources: {
            requests: { cpu: args.resources.requests.cpu, memory: args.resources.requests.memory },
            limits: { cpu: args.resources.limits.cpu, memory: args.resources.limits.memory },
        },
        readinessProbe: probe(probePortArgs(args.readinessProbe ?? {}, ports), port, READINESS_PROBE_DEFAULTS),
        livenessProbe: probe(probePortArgs(args.livenessProbe ?? {}, ports), port, LIVENESS_PROBE_DEFAULTS),
        startupProbe: args.startupProbe && probe(probePortArgs(args.startupProbe, ports), port, STARTUP_PROBE_DEFAULTS),
        securityContext: containerSecurityContext(args.security),
        volumeMounts: allMounts.length > 0 ? allMounts : undefined,
        lifecycle: pause > 0 ? { preStop: { sleep: { seconds: pause } } } : undefined,
    });
    return {
        metadata: compact({ labels, annotations: mergedAnnotations(scrapeAnnotations(args.monitoring, port), files?.annotations) }),
        spec: compact({
            serviceAccountName: name,
            // Apps talk to the API server only when they say so; a token mounted by default is an attack surface.
            automountServiceAccountToken: automountToken(args.serviceAccount),
            imagePullSecrets: pullSecrets(name, args),
            securityContext: podSecurityContext(secretFiles && args.security?.fsGroup === undefined ? { ...args.security, fsGroup: DEFAULT_SECRET_FILES_FS_GROUP } : args.security),
            // The grace period counts from the deletion, preStop pause included: the app keeps its own time after it.
            terminationGracePeriodSeconds: args.terminationGracePeriodSeconds ?? DEFAULT_TERMINATION_GRACE_PERIOD_SECONDS + pause,
            initContainers: options.initContainers,
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
