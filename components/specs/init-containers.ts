import { z } from "zod";
import { absolutePath, code, dnsLabel, pinnedImage, show } from "../../kube/schemas";
import { DEFAULT_LIMIT_RANGE } from "./app-namespace";
import { compact } from "./kube-object";
import { configFileMounts, fileContents } from "./config-files";
import { containerEnv, envName, resourcesSchema, secretKeyRefSchema, TMP_VOLUME, type WorkloadArgs } from "./pod-template";
import { containerSecurityContext, wantsTmpVolume } from "./pod-security";
import { containerPorts, type DeclaredPort, declaredPorts, namedPorts, portsSchema, probePortArgs, probePortProblems } from "./ports";
import { LIVENESS_PROBE_DEFAULTS, probe, probeSchema, READINESS_PROBE_DEFAULTS, STARTUP_PROBE_DEFAULTS } from "./probe";

/**
 * Resources of an init container or sidecar that sets none: AppNamespace's default LimitRange values (also when a stack
 * sets its own `namespace.limitRange`: an app's args do not know the namespace's), written out so that the pod's
 * requests are known before admission and the resource policies see them.
 */
export const DEFAULT_INIT_CONTAINER_RESOURCES = { requests: { ...DEFAULT_LIMIT_RANGE.defaultRequest }, limits: { ...DEFAULT_LIMIT_RANGE.default } };
const EXAMPLE_IMAGE = "busybox:1.37.0";

const mountSchema = z.strictObject({
    volume: dnsLabel.meta({ description: 'A volume of the app: a `volumes[].name`, or `"data"` (a stateful app\'s storage).' }),
    mountPath: absolutePath.optional().meta({ description: "Where it appears in this container.", default: "where the app container mounts it" }),
    readOnly: z.boolean().optional().meta({ description: "Mount read-only.", default: code(false) }),
}).meta({ title: "Volume mount" });

const containerShape = {
    name: dnsLabel.meta({ description: "Container name, unique among the pod's containers (the app container is named like the app)." }),
    image: pinnedImage(EXAMPLE_IMAGE).meta({ description: "Container image, pinned by a tag other than `latest` or by a `@sha256:` digest." }),
    command: z.array(z.string()).optional().meta({ description: "Entrypoint override.", default: "the image's ENTRYPOINT" }),
    args: z.array(z.string()).optional().meta({ description: "Arguments override.", default: "the image's CMD" }),
    env: z.record(envName, z.string()).optional().meta({ description: "Plain environment variables (the app's own are not passed on)." }),
    secretEnv: z.record(envName, secretKeyRefSchema).optional().meta({ description: "Environment variables read from keys of existing Secrets." }),
    resources: resourcesSchema.optional().meta({
        description: "CPU and memory requests and limits.",
        default: `${code(DEFAULT_INIT_CONTAINER_RESOURCES)} (AppNamespace's default LimitRange values, whatever namespace.limitRange says)`,
    }),
    volumeMounts: z.array(mountSchema).optional().meta({ description: "The app's volumes this container mounts too.", default: "only /tmp (with `security.tmpVolume`)" }),
    configFiles: z.boolean().optional().meta({ description: "Mount the app's `configFiles` at their paths here too.", default: code(false) }),
};

const initContainerSchema = z.strictObject(containerShape).meta({ title: "Init container" });

const sidecarSchema = z.strictObject({
    ...containerShape,
    ports: portsSchema.optional().meta({ description: "Ports of the sidecar, mapped by the app's Services and admitted by its network policy like the app's own `ports`.", default: "none" }),
    readinessProbe: probeSchema.optional().meta({ description: "When the sidecar is ready; the pod is ready only when it is.", default: "none" }),
    livenessProbe: probeSchema.optional().meta({ description: "When the sidecar is restarted.", default: "none" }),
    startupProbe: probeSchema.optional().meta({ description: "Holds off the app container (and the later init containers) until the sidecar has started.", default: "none" }),
}).meta({ title: "Sidecar" });

/** The fields of both app kinds that shape the pod around the app container. */
export const initContainersShape = {
    initContainers: z.array(initContainerSchema).min(1).optional().meta({
        description: "Containers that run to completion, one after the other, before the app container starts (e.g. wait for a dependency, migrate a schema); each gets the app container's restricted security context.",
        default: "none",
    }),
    sidecars: z.array(sidecarSchema).min(1).optional().meta({
        description: "Helper containers that run beside the app container for the pod's life (Kubernetes native sidecars: init containers with `restartPolicy: Always`, 1.29+): they start before it, ahead of `initContainers`, and stop after it.",
        default: "none",
    }),
};

export type InitContainerArgs = z.infer<typeof initContainerSchema>;
export type SidecarArgs = z.infer<typeof sidecarSchema>;
type ContainerArgs = InitContainerArgs | SidecarArgs;
type PodShapeArgs = z.infer<z.ZodObject<typeof initContainersShape>>;
type AppArgs = Pick<WorkloadArgs, "volumes" | "configFiles" | "security"> & PodShapeArgs;

/** A volume the app container mounts, by name, with its path there. */
export interface AppVolume {
    name: string;
    mountPath: string;
}

/** The sidecars' ports with where each was declared, for the pod-wide port checks. */
export function declaredSidecarPorts(app: PodShapeArgs): DeclaredPort[] {
    return (app.sidecars ?? []).flatMap((s, j) => declaredPorts(s.ports, ["sidecars", j, "ports"]));
}

/** The sidecars' ports, after the app container's in its Services and network policy. */
export function sidecarPorts(app: PodShapeArgs) {
    return (app.sidecars ?? []).flatMap((s) => namedPorts(s.ports));
}

function appVolumes(app: AppArgs, builtIn: readonly AppVolume[]): AppVolume[] {
    return [...builtIn, ...(app.volumes ?? []).map((v) => ({ name: v.name, mountPath: v.mountPath }))];
}

function mounts(name: string, app: AppArgs, c: ContainerArgs, builtIn: readonly AppVolume[]): Array<Record<string, unknown>> {
    const volumes = appVolumes(app, builtIn);
    const own = (c.volumeMounts ?? []).map((m) => compact({
        name: m.volume,
        mountPath: m.mountPath ?? volumes.find((v) => v.name === m.volume)?.mountPath,
        readOnly: m.readOnly,
    }));
    const tmp = wantsTmpVolume(app.security) ? [{ ...TMP_VOLUME }] : [];
    const files = c.configFiles && app.configFiles ? configFileMounts(name, fileContents(app.configFiles)).mounts : [];
    return [...own, ...tmp, ...files];
}

function container(name: string, app: AppArgs, c: ContainerArgs, builtIn: readonly AppVolume[]): Record<string, unknown> {
    const all = mounts(name, app, c, builtIn);
    const resources = c.resources ?? DEFAULT_INIT_CONTAINER_RESOURCES;
    return compact({
        name: c.name,
        image: c.image,
        command: c.command,
        args: c.args,
        env: containerEnv(c),
        resources: {
            requests: { cpu: resources.requests.cpu, memory: resources.requests.memory },
            limits: { cpu: resources.limits.cpu, memory: resources.limits.memory },
        },
        // The same restricted context as the app container: Pod Security admission checks every container of the pod.
        securityContext: containerSecurityContext(app.security),
        volumeMounts: all.length > 0 ? all : undefined,
    });
}

function sidecar(name: string, app: AppArgs, s: SidecarArgs, builtIn: readonly AppVolume[]): Record<string, unknown> {
    const ports = namedPorts(s.ports);
    const first = ports[0]?.containerPort;
    const probeOf = (args: SidecarArgs["readinessProbe"], defaults: typeof READINESS_PROBE_DEFAULTS) =>
        // Without a port of its own, the probe names one or is an exec (checked by initContainerProblems).
        args && probe(probePortArgs(args, ports), first as number, defaults);
    const { name: containerName, image, ...rest } = container(name, app, s, builtIn);
    return compact({
        name: containerName,
        image,
        restartPolicy: "Always",
        ports: containerPorts(ports),
        readinessProbe: probeOf(s.readinessProbe, READINESS_PROBE_DEFAULTS),
        livenessProbe: probeOf(s.livenessProbe, LIVENESS_PROBE_DEFAULTS),
        startupProbe: probeOf(s.startupProbe, STARTUP_PROBE_DEFAULTS),
        ...rest,
    });
}

/**
 * The pod's `initContainers`: the sidecars first, so that they run before the init containers do (a database proxy a
 * migration connects through), then the init containers in order. `builtIn` are the component's own volumes (`data`).
 */
export function initContainers(name: string, app: AppArgs, builtIn: readonly AppVolume[] = []): Array<Record<string, unknown>> | undefined {
    const all = [
        ...(app.sidecars ?? []).map((s) => sidecar(name, app, s, builtIn)),
        ...(app.initContainers ?? []).map((c) => container(name, app, c, builtIn)),
    ];
    return all.length > 0 ? all : undefined;
}

/** An init container or sidecar named like the app container, which is named like the app: the API server refuses the pod. */
export function appContainerNameProblems(appName: string, app: PodShapeArgs, ctx: z.RefinementCtx): void {
    for (const field of ["sidecars", "initContainers"] as const) {
        (app[field] ?? []).forEach((c, i) => {
            if (c.name === appName) ctx.addIssue({ code: "custom", path: [field, i, "name"], message: `${show(c.name)} is already the name of the app container; allowed: a name unique among the pod's containers` });
        });
    }
}

/**
 * What the API server refuses, or what could not work, in the init containers and sidecars: a container name twice in
 * the pod (the app container's included, when `name` is known), a mount of a volume the app does not have or at a path taken,
 * config files the app does not have, a variable twice, a sidecar probe on a port it does not have.
 */
export function initContainerProblems(app: AppArgs & { name?: string }, ctx: z.RefinementCtx, builtIn: readonly AppVolume[] = []): void {
    if (app.name !== undefined) appContainerNameProblems(app.name, app, ctx);
    const names = new Map<string, string>();
    const volumes = appVolumes(app, builtIn).map((v) => v.name);
    const entries = [
        ...(app.sidecars ?? []).map((c, i) => ({ c, at: ["sidecars", i] as Array<string | number> })),
        ...(app.initContainers ?? []).map((c, i) => ({ c, at: ["initContainers", i] as Array<string | number> })),
    ];
    for (const { c, at } of entries) {
        const first = names.get(c.name);
        if (first !== undefined) ctx.addIssue({ code: "custom", path: [...at, "name"], message: `${show(c.name)} is already the name of ${first}; allowed: a name unique among the pod's containers` });
        else names.set(c.name, `${at[0]}[${at[1]}]`);
        const paths = new Map<string, string>(wantsTmpVolume(app.security) ? [[TMP_VOLUME.mountPath, "security.tmpVolume"]] : []);
        if (c.configFiles) {
            if (!app.configFiles) ctx.addIssue({ code: "custom", path: [...at, "configFiles"], message: "is true, but the app has no configFiles; allowed: false, or declare configFiles" });
            for (const file of Object.keys(app.configFiles ?? {})) paths.set(file, `configFiles[${show(file)}]`);
        }
        (c.volumeMounts ?? []).forEach((m, k) => {
            if (!volumes.includes(m.volume)) {
                ctx.addIssue({ code: "custom", path: [...at, "volumeMounts", k, "volume"], message: `${show(m.volume)} is no volume of the app; allowed: ${volumes.length > 0 ? `one of ${volumes.map((v) => show(v)).join(", ")}` : "declare it in volumes first"}` });
                return;
            }
            const mountPath = m.mountPath ?? appVolumes(app, builtIn).find((v) => v.name === m.volume)?.mountPath ?? "";
            const taken = paths.get(mountPath);
            if (taken !== undefined) ctx.addIssue({ code: "custom", path: [...at, "volumeMounts", k, ...(m.mountPath === undefined ? [] : ["mountPath"])], message: `${show(mountPath)} is already used by ${taken} in this container; allowed: a mountPath unique within the container` });
            else paths.set(mountPath, `volumeMounts[${k}]`);
        });
        const declared = new Set(Object.keys(c.env ?? {}));
        for (const variable of Object.keys(c.secretEnv ?? {})) {
            if (declared.has(variable)) ctx.addIssue({ code: "custom", path: [...at, "secretEnv", variable], message: "is already declared in env; allowed: each environment variable once" });
        }
    }
    (app.sidecars ?? []).forEach((s, j) => probePortProblems(s, namedPorts(s.ports), ["sidecars", j], ctx));
}
