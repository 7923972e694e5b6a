import * as fs from "fs";
import * as net from "net";
import * as os from "os";
import * as path from "path";
import { stringify } from "yaml";
import { z } from "zod";
import { isWithin } from "../kube/paths";
import { labelKeyPrefix } from "../kube/names";
import { schemaProblems } from "../kube/schema-problems";
import { absolutePath, code, intIn, labelMap, pinnedImage, port, show } from "../kube/schemas";

/**
 * The node image kind v0.29.0 was released with for Kubernetes 1.33.1, pinned by digest as kind's release notes ask:
 * the digest, not the tag, decides which image runs, and a node image only works with the kind release it was built for.
 */
export const DEFAULT_KIND_NODE_IMAGE =
    "kindest/node:v1.33.1@sha256:050072256b9a903bd914c0b2866828150cb229cea0efe5892e2b644d5dd3b34f";

export const DEFAULT_KIND_CONTROL_PLANE_NODES = 1;
export const DEFAULT_KIND_WORKER_NODES = 2;
/** Only the laptop itself can connect; kind's own default, 0.0.0.0, exposes the port to the network. */
export const DEFAULT_LISTEN_ADDRESS = "127.0.0.1";
export const DEFAULT_PORT_PROTOCOL = "TCP";
export const DEFAULT_KIND_WAIT_TIMEOUT = "180s";
export const DEFAULT_MOUNT_READ_ONLY = false;
/** The longest `waitTimeout`: a control plane that is not Ready within an hour will not become Ready. */
export const MAX_KIND_WAIT_SECONDS = 3600;

const DURATION_UNIT_SECONDS: Readonly<Record<string, number>> = { ns: 1e-9, us: 1e-6, "µs": 1e-6, ms: 1e-3, s: 1, m: 60, h: 3600 };

/** Seconds of a Go duration that matches GO_DURATION. */
function durationSeconds(duration: string): number {
    return [...duration.matchAll(/([0-9]+(?:\.[0-9]+)?)(ns|us|µs|ms|s|m|h)/g)].reduce((sum, [, n, unit]) => sum + Number(n) * DURATION_UNIT_SECONDS[unit], 0);
}

// kind's own rule is ^[a-z0-9.-]+$; node names (`<name>-control-plane2`) must also be DNS labels of at most 63
// characters, and a name starting with "-" would read as a CLI flag.
const CLUSTER_NAME = /^[a-z0-9]([a-z0-9.-]{0,38}[a-z0-9])?$/;
const GO_DURATION = /^(0|([0-9]+(\.[0-9]+)?(ns|us|µs|ms|s|m|h))+)$/;
// The kubelet refuses to start with self-set labels in these namespaces, except under kubelet.kubernetes.io/ and
// node.kubernetes.io/ (NodeRestriction): kind would hang at "Joining worker nodes" until the wait timeout.
const RESTRICTED_LABEL_PREFIX = /(^|\.)(kubernetes\.io|k8s\.io)$/;
const ALLOWED_LABEL_PREFIX = /(^|\.)(kubelet|node)\.kubernetes\.io$/;

const matching = (pattern: RegExp, what: string, allowed: string) => z.string().refine((v) => pattern.test(v), {
    error: (iss) => `${show(iss.input)} is not ${what}; allowed: ${allowed}`,
});

/** A port on the laptop forwarded into the first control-plane node (for example to a NodePort Service). */
const portMappingSchema = z.strictObject({
    containerPort: port.meta({ description: "Port inside the node container: for a NodePort Service, its `nodePort` (30000-32767)." }),
    hostPort: port.meta({ description: "Port on the laptop that forwards to `containerPort`." }),
    listenAddress: z.string().refine((v) => net.isIP(v) !== 0, {
        error: (iss) => `${show(iss.input)} is not an IP address; allowed: an IPv4 or IPv6 address, e.g. 127.0.0.1 or 0.0.0.0`,
    }).optional().meta({
        description: "Laptop address the port listens on; `127.0.0.1` lets only the laptop itself connect (kind's own default, 0.0.0.0, exposes it to the network).",
        default: code(DEFAULT_LISTEN_ADDRESS),
    }),
    protocol: z.enum(["TCP", "UDP", "SCTP"]).optional().meta({ description: "Protocol of the port.", default: code(DEFAULT_PORT_PROTOCOL) }),
});

/** A laptop directory mounted into every node, e.g. the directory behind local PersistentVolumes. */
const mountSchema = z.strictObject({
    hostPath: z.string().refine((p) => p.trim() !== "" && !p.startsWith("~"), {
        error: (iss) => `${show(iss.input)} is not a usable path; allowed: an absolute laptop path, or one relative to the Pulumi project directory (~ is not expanded)`,
    }).meta({ description: "Directory on the laptop. A relative path is resolved against the Pulumi project directory; `~` is not expanded." }),
    // Docker refuses a mount over the node container's root.
    containerPath: absolutePath.refine((p) => path.posix.resolve(p) !== "/", {
        error: (iss) => `${show(iss.input)} is the node's root directory, which Docker refuses to mount over; allowed: a directory below "/", such as "/data"`,
    }).meta({ description: "Absolute path of the mount inside each node container (what a `hostPath`/`local` PersistentVolume points at); not `/`." }),
    readOnly: z.boolean().optional().meta({ description: "Mount read-only.", default: code(DEFAULT_MOUNT_READ_ONLY) }),
});

/** The shape of a local kind cluster, as in the stack config section `cluster.kind`. */
export const kindClusterArgsSchema = z.strictObject({
    name: matching(CLUSTER_NAME, "a valid cluster name", '1-40 lowercase letters, digits, "." and "-", starting and ending with a letter or digit').optional().meta({
        description: "kind cluster name; also names the kubeconfig context (`kind-<name>`) and the node containers (`<name>-worker`).",
        default: "the Pulumi resource name",
    }),
    nodeImage: pinnedImage(DEFAULT_KIND_NODE_IMAGE).optional().meta({
        description: "Node image (Kubernetes version) of every node, pinned by tag or digest; a node image only works with the kind release it was built for.",
        default: code(DEFAULT_KIND_NODE_IMAGE),
    }),
    // Caps keep a typo (workerNodes: 200) from starting hundreds of containers on a laptop.
    controlPlaneNodes: intIn(1, 7).optional().meta({
        description: "Number of control-plane nodes; more than one makes kind add a load balancer in front of them.",
        default: code(DEFAULT_KIND_CONTROL_PLANE_NODES),
    }),
    workerNodes: intIn(0, 20).optional().meta({ description: "Number of worker nodes.", default: code(DEFAULT_KIND_WORKER_NODES) }),
    extraPortMappings: z.array(portMappingSchema).optional().meta({ description: "Laptop ports forwarded into the first control-plane node." }),
    extraMounts: z.array(mountSchema).optional().meta({
        description: "Laptop directories mounted into every node: inside the Pulumi project directory, or under a path listed in `allowHostPaths`; never `/` or a directory holding a container runtime's socket (that would give the cluster's pods the laptop's Docker).",
    }),
    allowHostPaths: z.array(absolutePath).optional().meta({
        description: "Laptop directories outside the project that `extraMounts` may use (each path and everything under it), e.g. a shared data disk. An explicit opt-in: a stack file cannot reach into the rest of the laptop by accident.",
    }),
    nodeLabels: labelMap.optional().meta({
        description: "Kubernetes labels put on every worker node (not on control-plane nodes); not under kubernetes.io/ or k8s.io/ except node.kubernetes.io/ and kubelet.kubernetes.io/, which the kubelet may not set on itself.",
    }),
    waitTimeout: matching(GO_DURATION, "a duration", 'a Go duration such as "180s", "5m" or "1m30s"').refine((d) => durationSeconds(d) <= MAX_KIND_WAIT_SECONDS, {
        error: (iss) => `${show(iss.input)} is longer than ${MAX_KIND_WAIT_SECONDS / 60}m; allowed: a Go duration up to "${MAX_KIND_WAIT_SECONDS / 60}m"`,
    }).optional().meta({
        description: "How long `kind create cluster` waits for the control plane to be Ready, as a Go duration.",
        default: code(DEFAULT_KIND_WAIT_TIMEOUT),
    }),
}).superRefine((args, ctx) => {
    const labels = Object.keys(args.nodeLabels ?? {});
    if (labels.length > 0 && args.workerNodes === 0) {
        ctx.addIssue({ code: "custom", path: ["nodeLabels"], message: `${show(args.nodeLabels)} is set while workerNodes is 0; allowed: no labels when workerNodes is 0 (labels go on worker nodes only)` });
    }
    for (const key of labels) {
        const prefix = labelKeyPrefix(key);
        if (prefix !== undefined && RESTRICTED_LABEL_PREFIX.test(prefix) && !ALLOWED_LABEL_PREFIX.test(prefix)) {
            ctx.addIssue({
                code: "custom",
                path: ["nodeLabels", key],
                message: `the kubelet may not set labels under ${prefix}/ on its own node; allowed: your own prefix (e.g. example.com/${key.slice(prefix.length + 1)}), or node.kubernetes.io/ or kubelet.kubernetes.io/`,
            });
        }
    }
    // Same rule as kind's own validation: one listener per host address, port and protocol, and a wildcard address
    // takes the port on every address.
    const wildcard = (a: string): boolean => a === "0.0.0.0" || a === "::";
    const bound: Array<{ index: number; key: string; address: string }> = [];
    (args.extraPortMappings ?? []).forEach((m, index) => {
        const key = `${m.hostPort}/${m.protocol ?? DEFAULT_PORT_PROTOCOL}`;
        const address = m.listenAddress ?? DEFAULT_LISTEN_ADDRESS;
        const clash = bound.find((b) => b.key === key && (b.address === address || wildcard(b.address) || wildcard(address)));
        if (clash) {
            ctx.addIssue({
                code: "custom",
                path: ["extraPortMappings", index, "hostPort"],
                message: `${m.hostPort} is already taken: extraPortMappings[${clash.index}] listens on ${clash.address}:${key}; allowed: each host address, port and protocol once`,
            });
        }
        bound.push({ index, key, address });
    });
    const mounted = new Map<string, number>();
    (args.extraMounts ?? []).forEach((m, index) => {
        const first = mounted.get(m.containerPath);
        if (first !== undefined) {
            ctx.addIssue({
                code: "custom",
                path: ["extraMounts", index, "containerPath"],
                message: `${show(m.containerPath)} is already mounted by extraMounts[${first}]; allowed: each node path once`,
            });
        } else mounted.set(m.containerPath, index);
    });
}).meta({ title: "KindCluster args" });

export type KindClusterArgs = z.infer<typeof kindClusterArgsSchema>;
export type KindPortMapping = z.infer<typeof portMappingSchema>;
export type KindMount = z.infer<typeof mountSchema>;

/** KindClusterArgs with every default applied and mount paths made absolute: exactly what the cluster is made of. */
export interface ResolvedKindClusterArgs {
    name: string;
    nodeImage: string;
    controlPlaneNodes: number;
    workerNodes: number;
    extraPortMappings: Required<KindPortMapping>[];
    extraMounts: Required<KindMount>[];
    nodeLabels: Record<string, string>;
    waitTimeout: string;
}

export function resolveKindClusterArgs(
    args: KindClusterArgs,
    where: { defaultName: string; projectDir: string },
): ResolvedKindClusterArgs {
    return {
        name: args.name ?? where.defaultName,
        nodeImage: args.nodeImage ?? DEFAULT_KIND_NODE_IMAGE,
        controlPlaneNodes: args.controlPlaneNodes ?? DEFAULT_KIND_CONTROL_PLANE_NODES,
        workerNodes: args.workerNodes ?? DEFAULT_KIND_WORKER_NODES,
        extraPortMappings: (args.extraPortMappings ?? []).map((m) => ({
            containerPort: m.containerPort,
            hostPort: m.hostPort,
            listenAddress: m.listenAddress ?? DEFAULT_LISTEN_ADDRESS,
            protocol: m.protocol ?? DEFAULT_PORT_PROTOCOL,
        })),
        extraMounts: (args.extraMounts ?? []).map((m) => ({
            hostPath: path.resolve(where.projectDir, m.hostPath),
            containerPath: m.containerPath,
            readOnly: m.readOnly ?? DEFAULT_MOUNT_READ_ONLY,
        })),
        // Sorted, so that the rendered kind config (which decides replacement) does not change with the map's order.
        nodeLabels: Object.fromEntries(Object.entries(args.nodeLabels ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))),
        waitTimeout: args.waitTimeout ?? DEFAULT_KIND_WAIT_TIMEOUT,
    };
}

/** kind's cluster config file (`kind.x-k8s.io/v1alpha4` Cluster) for the cluster. */
export function renderKindConfig(args: ResolvedKindClusterArgs): string {
    const extraMounts = args.extraMounts.length > 0 ? args.extraMounts : undefined;
    const controlPlanes = Array.from({ length: args.controlPlaneNodes }, (_, i) => ({
        role: "control-plane",
        image: args.nodeImage,
        // kind forwards host ports into one container; the first control plane is the node that always exists.
        extraPortMappings: i === 0 && args.extraPortMappings.length > 0 ? args.extraPortMappings : undefined,
        extraMounts,
    }));
    const labels = Object.keys(args.nodeLabels).length > 0 ? args.nodeLabels : undefined;
    const workers = Array.from({ length: args.workerNodes }, () => ({
        role: "worker",
        image: args.nodeImage,
        labels,
        extraMounts,
    }));
    const config = {
        kind: "Cluster",
        apiVersion: "kind.x-k8s.io/v1alpha4",
        name: args.name,
        nodes: [...controlPlanes, ...workers],
    };
    // aliasDuplicateObjects: false writes each node's mounts out in full instead of YAML anchors, so the file reads
    // like a hand-written kind config.
    return stringify(config, { aliasDuplicateObjects: false });
}

/** Sockets that hand whoever can reach them the container runtime, i.e. the laptop. */
const RUNTIME_SOCKETS = [
    "/var/run/docker.sock", "/run/docker.sock", "/run/containerd/containerd.sock", "/var/run/containerd/containerd.sock",
    "/run/podman/podman.sock", "/var/run/crio/crio.sock", "/run/crio/crio.sock",
];

/**
 * Where an absolute laptop path really leads: Docker follows symbolic links, so a link in the project to `/` must be
 * judged as `/`. A path that does not exist yet (Docker creates it) is resolved from its deepest existing directory.
 */
export function realHostPath(absolute: string): string {
    const missing: string[] = [];
    for (let at = absolute; ; at = path.dirname(at)) {
        try {
            return path.join(fs.realpathSync(at), ...missing.reverse());
        } catch {
            if (at === path.dirname(at)) return absolute;
            missing.push(path.basename(at));
        }
    }
}

/**
 * What `extraMounts` may not reach on the laptop: `/`, a container runtime's socket or a directory holding one (always),
 * and anything outside `projectDir` that `allowHostPaths` does not name. `keyPath` names the section in messages.
 * Paths are judged where `realPath` says they lead (the file system by default; tests pass their own).
 */
export function hostPathProblems(
    args: Pick<KindClusterArgs, "extraMounts" | "allowHostPaths">,
    projectDir: string,
    keyPath: string,
    realPath: (absolute: string) => string = realHostPath,
): string[] {
    const home = os.homedir();
    const sockets = [...RUNTIME_SOCKETS, path.join(home, ".docker", "run", "docker.sock"), ...(process.env.XDG_RUNTIME_DIR ? [
        path.join(process.env.XDG_RUNTIME_DIR, "docker.sock"), path.join(process.env.XDG_RUNTIME_DIR, "podman", "podman.sock"),
    ] : [])];
    const exposes = (real: string) => real === "/" || sockets.some((s) => isWithin(real, s));
    const shown = (given: string, real: string) => `${JSON.stringify(given)} (${real})`;
    const allowed = (args.allowHostPaths ?? []).map((p) => realPath(path.resolve(p)));
    const project = realPath(path.resolve(projectDir));
    const problems = (args.allowHostPaths ?? []).flatMap((p, i) => (exposes(allowed[i])
        ? [`${keyPath}.allowHostPaths[${i}]: ${JSON.stringify(p)} would expose the whole laptop or its container runtime; allowed: a directory that holds neither "/" nor a runtime socket`]
        : []));
    (args.extraMounts ?? []).forEach((mount, i) => {
        const at = `${keyPath}.extraMounts[${i}].hostPath`;
        // Resolved from the project directory as given, as kind's config will name it (resolveKindClusterArgs).
        const real = realPath(path.resolve(projectDir, mount.hostPath));
        if (exposes(real)) {
            problems.push(`${at}: ${shown(mount.hostPath, real)} would give the cluster's pods the whole laptop or its container runtime; allowed: a data directory`);
        } else if (!isWithin(project, real) && !allowed.some((a) => isWithin(a, real))) {
            problems.push(`${at}: ${shown(mount.hostPath, real)} is outside the project directory ${project}; allowed: a path inside it, or one under a directory listed in allowHostPaths`);
        }
    });
    return problems;
}

/**
 * Every problem with a kind cluster's args, one message each, naming the key under `keyPath` (e.g. `cluster.kind`),
 * the value given and what is allowed. Empty when the args are valid.
 */
export function kindClusterArgsProblems(args: unknown, keyPath: string): string[] {
    return schemaProblems(kindClusterArgsSchema.optional(), args, `${keyPath}.`);
}
