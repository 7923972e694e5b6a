import { z } from "zod";
import { absolutePath, code, intIn, portOrName } from "../../kube/schemas";

/** What every probe gets unless its args say otherwise. */
export const PROBE_DEFAULTS = { type: "tcp", path: "/", periodSeconds: 10, timeoutSeconds: 2 } as const;

/** How the kubelet checks a container: an HTTP GET, a TCP connect, a gRPC health check, or a command in the container. */
export const probeSchema = z.strictObject({
    type: z.enum(["http", "tcp", "grpc", "exec"]).optional().meta({
        description: 'The check to run: "tcp" works for any server; use "http" with a `path` when the app has a health endpoint, "grpc" when it serves the gRPC health protocol.',
        default: code(PROBE_DEFAULTS.type),
    }),
    path: absolutePath.optional().meta({ description: "Path of the HTTP GET, for `type: http`.", default: code(PROBE_DEFAULTS.path) }),
    port: portOrName.optional().meta({ description: "Port to check, for `http`, `tcp` and `grpc`: a number, or the name of a port of the container.", default: "the container's first port" }),
    service: z.string().min(1).optional().meta({ description: "Service name the gRPC health check asks about, for `type: grpc`.", default: 'the server as a whole ("")' }),
    command: z.array(z.string()).min(1).optional().meta({ description: "Command to run, for `type: exec` (required there)." }),
    initialDelaySeconds: intIn(0, 3600).optional().meta({ description: "Seconds after the container starts before the first check.", default: "per probe, see `readinessProbe`, `livenessProbe`, `startupProbe`" }),
    periodSeconds: intIn(1, 3600).optional().meta({ description: "Seconds between checks.", default: code(PROBE_DEFAULTS.periodSeconds) }),
    timeoutSeconds: intIn(1, 3600).optional().meta({ description: "Seconds after which a check counts as failed.", default: code(PROBE_DEFAULTS.timeoutSeconds) }),
    failureThreshold: intIn(1, 1000).optional().meta({ description: "Consecutive failures before the probe fails.", default: "per probe, see `readinessProbe`, `livenessProbe`, `startupProbe`" }),
}).superRefine((p, ctx) => {
    if (p.type === "exec" && !p.command) {
        ctx.addIssue({ code: "custom", path: ["command"], message: 'required when type is "exec"; allowed: a non-empty list of strings' });
    }
    // A field another type would ignore is a mistake the kubelet would never report.
    const usedBy: Record<string, ReadonlyArray<string>> = { path: ["http"], command: ["exec"], service: ["grpc"], port: ["http", "tcp", "grpc"] };
    const type = p.type ?? PROBE_DEFAULTS.type;
    for (const [field, types] of Object.entries(usedBy)) {
        if (p[field as keyof typeof p] !== undefined && !types.includes(type)) {
            ctx.addIssue({ code: "custom", path: [field], message: `is set, but type is ${JSON.stringify(type)}; allowed: ${field} only with type ${types.map((t) => JSON.stringify(t)).join(" or ")}` });
        }
    }
}).meta({ title: "Probe" });

export type ProbeArgs = z.infer<typeof probeSchema>;

/** What differs between the readiness, liveness and startup probes when their args leave it out. */
export interface ProbeDefaults {
    initialDelaySeconds: number;
    failureThreshold: number;
}

export const READINESS_PROBE_DEFAULTS: ProbeDefaults = { initialDelaySeconds: 0, failureThreshold: 3 };
export const LIVENESS_PROBE_DEFAULTS: ProbeDefaults = { initialDelaySeconds: 10, failureThreshold: 3 };
/** 30 failures at the default 10 s period: 5 minutes to start. */
export const STARTUP_PROBE_DEFAULTS: ProbeDefaults = { initialDelaySeconds: 0, failureThreshold: 30 };

/** The Kubernetes Probe for the given args; defaults fill what the args leave out. */
export function probe(args: ProbeArgs, containerPort: number, defaults: ProbeDefaults): Record<string, unknown> {
    const port = args.port ?? containerPort;
    const type = args.type ?? PROBE_DEFAULTS.type;
    const handler =
        type === "exec" ? { exec: { command: args.command } }
        : type === "http" ? { httpGet: { path: args.path ?? PROBE_DEFAULTS.path, port } }
        : type === "grpc" ? { grpc: args.service === undefined ? { port } : { port, service: args.service } }
        : { tcpSocket: { port } };
    return {
        ...handler,
        initialDelaySeconds: args.initialDelaySeconds ?? defaults.initialDelaySeconds,
        periodSeconds: args.periodSeconds ?? PROBE_DEFAULTS.periodSeconds,
        timeoutSeconds: args.timeoutSeconds ?? PROBE_DEFAULTS.timeoutSeconds,
        failureThreshold: args.failureThreshold ?? defaults.failureThreshold,
    };
}
