import * as net from "net";
import * as path from "path";
import { stringify } from "yaml";
import { isPinnedImage } from "./specs/image";

/**
 * The node image kind v0.29.0 was released with for Kubernetes 1.33.1, pinned by digest as kind's release notes ask:
 * the digest, not the tag, decides which image runs, and a node image only works with the kind release it was built for.
 */
export const DEFAULT_KIND_NODE_IMAGE =
    "kindest/node:v1.33.1@sha256:050072256b9a903bd914c0b2866828150cb229cea0efe5892e2b644d5dd3b34f";

/** A port on the laptop forwarded into the first control-plane node (for example to a NodePort Service). */
export interface KindPortMapping {
    /** Port inside the node container: for a NodePort Service, its `nodePort` (30000-32767). */
    containerPort: number;
    /** Port on the laptop that forwards to `containerPort`. */
    hostPort: number;
    /**
     * Laptop address the port listens on.
     * @default "127.0.0.1" (only the laptop itself can connect; kind's own default, 0.0.0.0, exposes it to the network)
     */
    listenAddress?: string;
    /** @default "TCP" */
    protocol?: "TCP" | "UDP" | "SCTP";
}

/** A laptop directory mounted into every node, e.g. the directory behind local PersistentVolumes. */
export interface KindMount {
    /** Directory on the laptop. A relative path is resolved against the Pulumi project directory; `~` is not expanded. */
    hostPath: string;
    /** Absolute path of the mount inside each node container (what a `hostPath`/`local` PersistentVolume points at). */
    containerPath: string;
    /** @default false */
    readOnly?: boolean;
}

/** The shape of a local kind cluster, as in the stack config section `cluster.kind`. */
export interface KindClusterArgs {
    /**
     * kind cluster name; also names the kubeconfig context (`kind-<name>`) and the node containers (`<name>-worker`).
     * @default the Pulumi resource name
     */
    name?: string;
    /** Node image (Kubernetes version) of every node, pinned by tag or digest. @default DEFAULT_KIND_NODE_IMAGE */
    nodeImage?: string;
    /** Number of control-plane nodes; more than one makes kind add a load balancer in front of them. @default 1 */
    controlPlaneNodes?: number;
    /** Number of worker nodes. @default 2 */
    workerNodes?: number;
    /** Laptop ports forwarded into the first control-plane node. @default [] */
    extraPortMappings?: KindPortMapping[];
    /** Laptop directories mounted into every node. @default [] */
    extraMounts?: KindMount[];
    /** Kubernetes labels put on every worker node (not on control-plane nodes). @default {} */
    nodeLabels?: Record<string, string>;
    /** How long `kind create cluster` waits for the control plane to be Ready, as a Go duration. @default "180s" */
    waitTimeout?: string;
}

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
        controlPlaneNodes: args.controlPlaneNodes ?? 1,
        workerNodes: args.workerNodes ?? 2,
        extraPortMappings: (args.extraPortMappings ?? []).map((m) => ({
            containerPort: m.containerPort,
            hostPort: m.hostPort,
            listenAddress: m.listenAddress ?? "127.0.0.1",
            protocol: m.protocol ?? "TCP",
        })),
        extraMounts: (args.extraMounts ?? []).map((m) => ({
            hostPath: path.resolve(where.projectDir, m.hostPath),
            containerPath: m.containerPath,
            readOnly: m.readOnly ?? false,
        })),
        // Sorted, so that the rendered kind config (which decides replacement) does not change with the map's order.
        nodeLabels: Object.fromEntries(Object.entries(args.nodeLabels ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))),
        waitTimeout: args.waitTimeout ?? "180s",
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

const ARG_KEYS = [
    "name", "nodeImage", "controlPlaneNodes", "workerNodes", "extraPortMappings", "extraMounts", "nodeLabels", "waitTimeout",
];
const PORT_MAPPING_KEYS = ["containerPort", "hostPort", "listenAddress", "protocol"];
const MOUNT_KEYS = ["hostPath", "containerPath", "readOnly"];

// kind's own rule is ^[a-z0-9.-]+$; node names (`<name>-control-plane2`) must also be DNS labels of at most 63
// characters, and a name starting with "-" would read as a CLI flag.
const CLUSTER_NAME = /^[a-z0-9]([a-z0-9.-]{0,38}[a-z0-9])?$/;
const GO_DURATION = /^(0|([0-9]+(\.[0-9]+)?(ns|us|µs|ms|s|m|h))+)$/;
// [registry[:port]/]repository[:tag][@sha256:<digest>]
const IMAGE_REFERENCE =
    /^[a-z0-9]+([._-]+[a-z0-9]+)*(:[0-9]+)?(\/[a-z0-9]+([._-]+[a-z0-9]+)*)*(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?(@sha256:[a-f0-9]{64})?$/;
const LABEL_NAME = /^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
// The kubelet refuses to start with self-set labels in these namespaces, except under kubelet.kubernetes.io/ and
// node.kubernetes.io/ (NodeRestriction): kind would hang at "Joining worker nodes" until the wait timeout.
const RESTRICTED_LABEL_PREFIX = /(^|\.)(kubernetes\.io|k8s\.io)$/;
const ALLOWED_LABEL_PREFIX = /(^|\.)(kubelet|node)\.kubernetes\.io$/;

function isRecord(value: unknown): value is Record<string, unknown> {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}

function shown(value: unknown): string {
    return value === undefined ? "nothing" : JSON.stringify(value);
}

function problem(where: string, value: unknown, allowed: string): string {
    return `${where}: got ${shown(value)}; allowed: ${allowed}`;
}

function unknownKeys(value: Record<string, unknown>, allowed: string[], where: string): string[] {
    return Object.keys(value)
        .filter((key) => !allowed.includes(key))
        .map((key) => `${where}.${key}: unknown key; allowed keys: ${allowed.join(", ")}`);
}

function integerProblems(value: unknown, where: string, min: number, max: number): string[] {
    const ok = typeof value === "number" && Number.isInteger(value) && value >= min && value <= max;
    return ok ? [] : [problem(where, value, `a whole number from ${min} to ${max}`)];
}

function imageProblems(image: unknown, where: string): string[] {
    const ok = typeof image === "string" && IMAGE_REFERENCE.test(image) && isPinnedImage(image);
    return ok ? [] : [problem(where, image, `a pinned image reference, name:tag (not "latest") and/or @sha256:<digest>, e.g. ${DEFAULT_KIND_NODE_IMAGE}`)];
}

function labelProblems(labels: unknown, where: string, workerNodes: unknown): string[] {
    if (labels === undefined) return [];
    if (!isRecord(labels)) return [problem(where, labels, "a map of Kubernetes label keys to string values")];
    const problems: string[] = [];
    if (Object.keys(labels).length > 0 && workerNodes === 0) {
        problems.push(problem(where, labels, "no labels when workerNodes is 0 (labels go on worker nodes only)"));
    }
    for (const [key, value] of Object.entries(labels)) {
        const at = `${where}[${JSON.stringify(key)}]`;
        const slash = key.lastIndexOf("/");
        const prefix = slash === -1 ? undefined : key.slice(0, slash);
        const name = key.slice(slash + 1);
        const validKey = LABEL_NAME.test(name) && (prefix === undefined || (prefix.length <= 253 && DNS_SUBDOMAIN.test(prefix)));
        if (!validKey) {
            problems.push(`${at}: ${JSON.stringify(key)} is not a valid label key; allowed: [prefix/]name, name of up to 63 letters, digits, "-", "_", "." starting and ending alphanumeric, prefix a DNS subdomain`);
        } else if (prefix !== undefined && RESTRICTED_LABEL_PREFIX.test(prefix) && !ALLOWED_LABEL_PREFIX.test(prefix)) {
            problems.push(`${at}: the kubelet may not set labels under ${prefix}/ on its own node; allowed: your own prefix (e.g. example.com/${name}), or node.kubernetes.io/ or kubelet.kubernetes.io/`);
        }
        if (typeof value !== "string" || (value !== "" && !LABEL_NAME.test(value))) {
            problems.push(problem(at, value, `a string of up to 63 letters, digits, "-", "_", "." starting and ending alphanumeric, or ""`));
        }
    }
    return problems;
}

function portMappingProblems(mappings: unknown, where: string): string[] {
    if (mappings === undefined) return [];
    if (!Array.isArray(mappings)) return [problem(where, mappings, "a list of {containerPort, hostPort, listenAddress?, protocol?}")];
    const problems: string[] = [];
    const bound = new Map<string, { index: number; address: string }[]>();
    mappings.forEach((mapping: unknown, index) => {
        const at = `${where}[${index}]`;
        if (!isRecord(mapping)) {
            problems.push(problem(at, mapping, "{containerPort, hostPort, listenAddress?, protocol?}"));
            return;
        }
        problems.push(...unknownKeys(mapping, PORT_MAPPING_KEYS, at));
        problems.push(...integerProblems(mapping.containerPort, `${at}.containerPort`, 1, 65535));
        problems.push(...integerProblems(mapping.hostPort, `${at}.hostPort`, 1, 65535));
        const address = mapping.listenAddress ?? "127.0.0.1";
        if (typeof address !== "string" || net.isIP(address) === 0) {
            problems.push(problem(`${at}.listenAddress`, mapping.listenAddress, "an IPv4 or IPv6 address, e.g. 127.0.0.1 or 0.0.0.0"));
        }
        const protocol = mapping.protocol ?? "TCP";
        if (!["TCP", "UDP", "SCTP"].includes(protocol as string)) {
            problems.push(problem(`${at}.protocol`, mapping.protocol, "TCP, UDP or SCTP"));
        }
        // Same rule as kind's own validation: one listener per host address, port and protocol, and a wildcard address
        // takes the port on every address.
        const key = `${String(mapping.hostPort)}/${String(protocol)}`;
        const wildcard = (a: string): boolean => a === "0.0.0.0" || a === "::";
        const clash = (bound.get(key) ?? []).find(
            (other) => other.address === address || wildcard(other.address) || wildcard(String(address)),
        );
        if (clash) {
            problems.push(`${at}.hostPort: got ${String(mapping.hostPort)}, but ${where}[${clash.index}] already listens on ${clash.address}:${key}; allowed: each host address, port and protocol once`);
        }
        bound.set(key, [...(bound.get(key) ?? []), { index, address: String(address) }]);
    });
    return problems;
}

function mountProblems(mounts: unknown, where: string): string[] {
    if (mounts === undefined) return [];
    if (!Array.isArray(mounts)) return [problem(where, mounts, "a list of {hostPath, containerPath, readOnly?}")];
    const problems: string[] = [];
    const seen = new Map<string, number>();
    mounts.forEach((mount: unknown, index) => {
        const at = `${where}[${index}]`;
        if (!isRecord(mount)) {
            problems.push(problem(at, mount, "{hostPath, containerPath, readOnly?}"));
            return;
        }
        problems.push(...unknownKeys(mount, MOUNT_KEYS, at));
        const { hostPath, containerPath, readOnly } = mount;
        if (typeof hostPath !== "string" || hostPath.trim() === "" || hostPath.startsWith("~")) {
            problems.push(problem(`${at}.hostPath`, hostPath, "an absolute laptop path, or one relative to the Pulumi project directory (~ is not expanded)"));
        }
        if (typeof containerPath !== "string" || !containerPath.startsWith("/")) {
            problems.push(problem(`${at}.containerPath`, containerPath, "an absolute path inside the node, e.g. /var/local-data"));
        } else if (seen.has(containerPath)) {
            problems.push(`${at}.containerPath: got ${JSON.stringify(containerPath)}, already mounted by ${where}[${seen.get(containerPath)}]; allowed: each node path once`);
        } else {
            seen.set(containerPath, index);
        }
        if (readOnly !== undefined && typeof readOnly !== "boolean") {
            problems.push(problem(`${at}.readOnly`, readOnly, "true or false"));
        }
    });
    return problems;
}

/**
 * Every problem with a kind cluster's args, one message each, naming the key under `keyPath` (e.g. `cluster.kind`),
 * the value given and what is allowed. Empty when the args are valid. Takes `unknown` so that raw stack config and
 * typed component args go through the same checks.
 */
export function kindClusterArgsProblems(args: unknown, keyPath: string): string[] {
    if (args === undefined) return [];
    if (!isRecord(args)) return [problem(keyPath, args, `a map with the keys ${ARG_KEYS.join(", ")}`)];
    const at = (key: string): string => `${keyPath}.${key}`;
    const problems = unknownKeys(args, ARG_KEYS, keyPath);
    if (args.name !== undefined && (typeof args.name !== "string" || !CLUSTER_NAME.test(args.name))) {
        problems.push(problem(at("name"), args.name, "1-40 lowercase letters, digits, \".\" and \"-\", starting and ending with a letter or digit"));
    }
    if (args.nodeImage !== undefined) problems.push(...imageProblems(args.nodeImage, at("nodeImage")));
    // Caps keep a typo (workerNodes: 200) from starting hundreds of containers on a laptop.
    if (args.controlPlaneNodes !== undefined) problems.push(...integerProblems(args.controlPlaneNodes, at("controlPlaneNodes"), 1, 7));
    if (args.workerNodes !== undefined) problems.push(...integerProblems(args.workerNodes, at("workerNodes"), 0, 20));
    problems.push(...portMappingProblems(args.extraPortMappings, at("extraPortMappings")));
    problems.push(...mountProblems(args.extraMounts, at("extraMounts")));
    problems.push(...labelProblems(args.nodeLabels, at("nodeLabels"), args.workerNodes));
    if (args.waitTimeout !== undefined && (typeof args.waitTimeout !== "string" || !GO_DURATION.test(args.waitTimeout))) {
        problems.push(problem(at("waitTimeout"), args.waitTimeout, "a Go duration such as \"180s\", \"5m\" or \"1m30s\""));
    }
    return problems;
}
