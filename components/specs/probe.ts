/** How the kubelet checks a container: an HTTP GET, a TCP connect, or a command run inside the container. */
export interface ProbeArgs {
    /**
     * The check to run.
     * @default "tcp" (works for any server; use "http" with a `path` when the app has a health endpoint)
     */
    type?: "http" | "tcp" | "exec";
    /**
     * Path of the HTTP GET, for `type: http`.
     * @default "/"
     */
    path?: string;
    /**
     * Port to check, for `http` and `tcp`.
     * @default the app's container port
     */
    port?: number;
    /** Command to run, for `type: exec` (required there). @default none */
    command?: string[];
    /** Seconds after the container starts before the first check. @default 0 for readiness, 10 for liveness */
    initialDelaySeconds?: number;
    /** Seconds between checks. @default 10 */
    periodSeconds?: number;
    /** Seconds after which a check counts as failed. @default 2 */
    timeoutSeconds?: number;
    /** Consecutive failures before the probe fails. @default 3 (30 for a startup probe: 5 minutes to start) */
    failureThreshold?: number;
}

export interface ProbeDefaults {
    port: number;
    initialDelaySeconds: number;
    failureThreshold: number;
}

/** The Kubernetes Probe for the given args; defaults fill what the args leave out. */
export function probe(args: ProbeArgs, defaults: ProbeDefaults): Record<string, unknown> {
    const port = args.port ?? defaults.port;
    const handler =
        args.type === "exec" ? { exec: { command: args.command ?? [] } }
        : args.type === "http" ? { httpGet: { path: args.path ?? "/", port } }
        : { tcpSocket: { port } };
    return {
        ...handler,
        initialDelaySeconds: args.initialDelaySeconds ?? defaults.initialDelaySeconds,
        periodSeconds: args.periodSeconds ?? 10,
        timeoutSeconds: args.timeoutSeconds ?? 2,
        failureThreshold: args.failureThreshold ?? defaults.failureThreshold,
    };
}
