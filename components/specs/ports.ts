import { z } from "zod";
import { isLabelKey, isPortName } from "../../kube/names";
import { formatPath } from "../../kube/schema-problems";
import { code, port, portName, show } from "../../kube/schemas";
import { PROBE_DEFAULTS, type ProbeArgs } from "./probe";

/** The Service port of the "http" port when the Service args give none (every other port carries its own). */
export const DEFAULT_SERVICE_PORT = 80;
/** The container port when neither `port` nor `ports` is given. */
export const DEFAULT_PORT = 8080;
/** The name of the port that `port` declares (and of the only port, without `ports`). */
export const CONTAINER_PORT_NAME = "http";
export const PORT_PROTOCOLS = ["TCP", "UDP", "SCTP"] as const;
export const DEFAULT_PORT_PROTOCOL = "TCP";

type Protocol = (typeof PORT_PROTOCOLS)[number];

// The API server checks a Service port's appProtocol as a qualified name (ValidateQualifiedName).
const appProtocol = z.string().refine(isLabelKey, {
    error: (iss) => `${show(iss.input)} is not a valid appProtocol; allowed: an IANA service name such as "http" or "grpc", or a domain-prefixed name such as "kubernetes.io/h2c"`,
}).meta({ type: "app protocol" });

/** One named port of a container, and the Service port in front of it. */
export const namedPortSchema = z.strictObject({
    name: portName.meta({ description: 'Names the container port and the Service port (which targets it by this name); probes may name it too, e.g. `"metrics"`.' }),
    port: port.meta({ description: "Port of the app's Services that clients connect to." }),
    containerPort: port.optional().meta({ description: "Port the container listens on.", default: "`port`" }),
    protocol: z.enum(PORT_PROTOCOLS).optional().meta({ description: "TCP, UDP or SCTP.", default: code(DEFAULT_PORT_PROTOCOL) }),
    appProtocol: appProtocol.optional().meta({
        description: 'The application protocol on the Service port, a hint for load balancers and meshes (`"http"`, `"grpc"`, `"kubernetes.io/h2c"`).',
        default: "none",
    }),
}).meta({ title: "Port" });

export const portsSchema = z.array(namedPortSchema).min(1);
export type NamedPortArgs = z.infer<typeof namedPortSchema>;

/** A port of the pod, resolved: what the container declares and what the Services map. */
export interface AppPort {
    name: string;
    containerPort: number;
    protocol: Protocol;
    appProtocol?: string;
    /** The Service port; absent for the port of `port`, whose Service port the Service args decide (as before `ports`). */
    servicePort?: number;
}

/** What decides an app's own ports. */
export interface PortArgs {
    port?: number;
    ports?: readonly NamedPortArgs[];
}

export function namedPorts(ports: readonly NamedPortArgs[] = []): AppPort[] {
    return ports.map((p) => ({
        name: p.name,
        containerPort: p.containerPort ?? p.port,
        protocol: p.protocol ?? DEFAULT_PORT_PROTOCOL,
        ...(p.appProtocol === undefined ? {} : { appProtocol: p.appProtocol }),
        servicePort: p.port,
    }));
}

/**
 * The app container's ports: the "http" port of `port` (8080 when neither `port` nor `ports` is given), then `ports`.
 * `ports` alone replaces the default port, so an app serves only what it lists (a UDP server, a gRPC-only server).
 */
export function appPorts(args: PortArgs): AppPort[] {
    const http = args.port !== undefined || args.ports === undefined
        ? [{ name: CONTAINER_PORT_NAME, containerPort: args.port ?? DEFAULT_PORT, protocol: DEFAULT_PORT_PROTOCOL } as AppPort]
        : [];
    return [...http, ...namedPorts(args.ports)];
}

/** The port probes and scrape annotations default to: the first of the app's ports. */
export function primaryPort(args: PortArgs): AppPort {
    return appPorts(args)[0];
}

/** The container's `ports` list. */
export function containerPorts(ports: readonly AppPort[]): Array<Record<string, unknown>> | undefined {
    return ports.length === 0 ? undefined : ports.map((p) => ({ name: p.name, containerPort: p.containerPort, protocol: p.protocol }));
}

/** The probe's port with a name resolved to its number where the kubelet takes only numbers (gRPC probes). */
export function probePortArgs(args: ProbeArgs, ports: readonly AppPort[]): ProbeArgs {
    if (args.type !== "grpc" || typeof args.port !== "string") return args;
    return { ...args, port: ports.find((p) => p.name === args.port)?.containerPort };
}

const PROBES = ["readinessProbe", "livenessProbe", "startupProbe"] as const;
type Probes = Partial<Record<(typeof PROBES)[number], ProbeArgs>>;
type Path = Array<string | number>;

/**
 * Probe ports a container cannot answer: a name none of its ports has, or a port the probe's TCP connection cannot
 * reach (UDP, SCTP). `required` probes are checked even when absent, since a default one then checks the first port.
 */
export function probePortProblems(probes: Probes, ports: readonly AppPort[], at: Path, ctx: z.RefinementCtx, required: readonly string[] = []): void {
    for (const field of PROBES) {
        const probe = probes[field];
        if (probe === undefined && !required.includes(field)) continue;
        const type = probe?.type ?? PROBE_DEFAULTS.type;
        if (type === "exec" || typeof probe?.port === "number") continue;
        const name = probe?.port;
        // A name outside the grammar already has its problem from the probe's schema.
        if (name !== undefined && !isPortName(name)) continue;
        const target = name === undefined ? ports[0] : ports.find((p) => p.name === name);
        const path = name === undefined ? [...at, field] : [...at, field, "port"];
        if (target === undefined) {
            const known = ports.map((p) => show(p.name)).join(", ");
            ctx.addIssue({
                code: "custom",
                path,
                message: name === undefined
                    ? `has no port to check: the container declares none; allowed: a port number, or type "exec"`
                    : `${show(name)} names no port of the container; allowed: ${known === "" ? "a port number" : `one of ${known}, or a port number`}`,
            });
        } else if (target.protocol !== "TCP") {
            ctx.addIssue({
                code: "custom",
                path,
                message: `${probe === undefined ? "the default probe" : `a ${type} probe`} checks port ${show(target.name)} over TCP, but it is ${target.protocol}; allowed: a TCP port${probe === undefined ? `, or set ${field} (e.g. type "exec")` : `, or type "exec"`}`,
            });
        }
    }
}

/** A port as declared somewhere in an app's args: where each of its fields is, and how a message names it. */
export interface DeclaredPort extends AppPort {
    paths: { name: Path; containerPort: Path; servicePort?: Path };
    where: string;
}

/** The entries of a `ports` list at `at`, as declared. */
export function declaredPorts(ports: readonly NamedPortArgs[] | undefined, at: Path): DeclaredPort[] {
    return namedPorts(ports).map((p, i) => ({
        ...p,
        paths: { name: [...at, i, "name"], containerPort: [...at, i, ports?.[i].containerPort === undefined ? "port" : "containerPort"], servicePort: [...at, i, "port"] },
        where: formatPath([...at, i], ""),
    }));
}

/** The app container's ports as declared: the "http" port of `port` (its Service port is the Service's), then `ports`. */
export function declaredAppPorts(args: PortArgs): DeclaredPort[] {
    const http = args.port !== undefined || args.ports === undefined
        ? [{ ...appPorts({ port: args.port })[0], paths: { name: ["port"], containerPort: ["port"] }, where: "`port`" }]
        : [];
    return [...http, ...declaredPorts(args.ports, ["ports"])];
}

/** A Service of the app, for the checks below. */
export interface AppService {
    /** The key of its args (`service`, `clientService`), absent for the headless Service. */
    field?: string;
    /** The Service's args (the `service` or `clientService` key). */
    args?: { port?: number; nodePort?: number };
    headless?: boolean;
}

/**
 * What the API server refuses, or what cannot work, across the pod's ports: a name twice (Services and probes find
 * ports by name), one container port and protocol twice (the containers share one network), one Service port and
 * protocol twice, and Service args for a port that is not there.
 */
export function portProblems(args: PortArgs, pod: readonly DeclaredPort[], services: readonly AppService[], ctx: z.RefinementCtx): void {
    // Every issue gets its own copy of the path: zod prefixes an issue's path in place, and one port's path can be
    // reported more than once (a clash on each of the app's Services).
    const issue = (path: ReadonlyArray<string | number>, message: string) => ctx.addIssue({ code: "custom", path: [...path], message });
    const names = new Map<string, string>();
    const bound = new Map<string, string>();
    for (const p of pod) {
        const firstName = names.get(p.name);
        if (firstName !== undefined) {
            issue(p.paths.name, `${show(p.name)} is already the name of ${firstName}; allowed: a port name unique within the pod`);
        } else names.set(p.name, p.where);
        const key = `${p.containerPort}/${p.protocol}`;
        const firstBound = bound.get(key);
        if (firstBound !== undefined) {
            issue(p.paths.containerPort, `${p.containerPort} (${p.protocol}) is already the container port of ${firstBound}; allowed: each port and protocol once in the pod (its containers share one network)`);
        } else bound.set(key, p.where);
    }
    const hasHttp = args.port !== undefined || args.ports === undefined;
    for (const service of services) {
        const label = service.headless ? "the headless Service" : `the Service of \`${service.field}\``;
        if (!hasHttp && service.field !== undefined) {
            for (const field of ["port", "nodePort"] as const) {
                if (service.args?.[field] !== undefined) {
                    issue([service.field, field], `is set, but there is no "${CONTAINER_PORT_NAME}" port for it: \`ports\` is given without \`port\`; allowed: set each Service port in ports[].port, or set \`port\``);
                }
            }
        }
        const taken = new Map<string, string>();
        for (const p of pod) {
            const servicePort = p.servicePort ?? (service.headless ? p.containerPort : service.args?.port ?? DEFAULT_SERVICE_PORT);
            const key = `${servicePort}/${p.protocol}`;
            const first = taken.get(key);
            if (first !== undefined) {
                // The http port's Service port is the Service's own `port`, or on the headless Service its container port.
                const path = p.paths.servicePort ?? (service.field === undefined ? p.paths.containerPort : [service.field, "port"]);
                issue(path, `${servicePort} (${p.protocol}) is already the port of ${first} on ${label}; allowed: each port and protocol once per Service`);
            } else taken.set(key, p.where);
        }
    }
}

/** The port checks of an app: across its pod (`sidecars`: the sidecars' ports) and its container's probes. */
export function appPortProblems(app: PortArgs & Probes, sidecars: readonly DeclaredPort[], services: readonly AppService[], ctx: z.RefinementCtx): void {
    portProblems(app, [...declaredAppPorts(app), ...sidecars], services, ctx);
    // The app container always has a readiness and a liveness probe: a default one checks its first port.
    probePortProblems(app, appPorts(app), [], ctx, ["readinessProbe", "livenessProbe"]);
}

/** The port clients of a Service use first (the stack's `apps` output): the Service port of the app's first port. */
export function primaryServicePort(args: PortArgs, service: AppService): number {
    const first = primaryPort(args);
    return first.servicePort ?? service.args?.port ?? (service.headless ? first.containerPort : DEFAULT_SERVICE_PORT);
}
