/** Pod templates and containers of the workload kinds the rules cover. */
import { asFields, asList, asNumber, asString, fieldAt, type Fields, isKind, type KubeObject, labelsOf } from "./kube-object";

/** Where each workload kind keeps its pod template; a bare Pod is its own template. */
const TEMPLATE_PATHS: ReadonlyArray<{ group: string; kind: string; path: readonly string[] }> = [
    { group: "", kind: "Pod", path: [] },
    { group: "", kind: "ReplicationController", path: ["spec", "template"] },
    { group: "apps", kind: "Deployment", path: ["spec", "template"] },
    { group: "apps", kind: "StatefulSet", path: ["spec", "template"] },
    { group: "apps", kind: "DaemonSet", path: ["spec", "template"] },
    { group: "apps", kind: "ReplicaSet", path: ["spec", "template"] },
    { group: "batch", kind: "Job", path: ["spec", "template"] },
    { group: "batch", kind: "CronJob", path: ["spec", "jobTemplate", "spec", "template"] },
];

export interface PodTemplate {
    readonly labels: Readonly<Record<string, string>>;
    /** The pod spec; empty when the manifest has none. */
    readonly spec: Fields;
}

export interface Container {
    readonly name: string;
    readonly init: boolean;
    /** An init container with `restartPolicy: Always` keeps running next to the app containers. */
    readonly sidecar: boolean;
    readonly fields: Fields;
}

// Every rule asks for the same object's pod template and containers: each is worked out once per object. The rules
// never change an object, so the answer stays true (a cache keyed by the object itself, dropped with it).
const templates = new WeakMap<KubeObject, PodTemplate | null>();
const containerLists = new WeakMap<Fields, Container[]>();

/** The pod template of a workload (or the pod itself), `undefined` for other kinds. */
export function podTemplateOf(obj: KubeObject): PodTemplate | undefined {
    const known = templates.get(obj);
    if (known !== undefined) return known ?? undefined;
    const path = templatePath(obj);
    const template = path === undefined ? undefined : fieldAt(obj, ...path);
    const found = path === undefined ? undefined : {
        labels: labelsOf(fieldAt(template, "metadata", "labels")),
        spec: asFields(fieldAt(template, "spec")) ?? {},
    };
    templates.set(obj, found ?? null);
    return found;
}

/** Containers then init containers, in manifest order. */
export function containersOf(podSpec: Fields): Container[] {
    let list = containerLists.get(podSpec);
    if (list === undefined) containerLists.set(podSpec, (list = readContainers(podSpec)));
    return list;
}

function readContainers(podSpec: Fields): Container[] {
    const toContainer = (value: unknown, index: number, init: boolean): Container | undefined => {
        const fields = asFields(value);
        if (fields === undefined) return undefined;
        return {
            name: asString(fields.name) ?? `#${index + 1}`,
            init,
            sidecar: init && fields.restartPolicy === "Always",
            fields,
        };
    };
    return [
        ...asList(podSpec.containers).map((c, i) => toContainer(c, i, false)),
        ...asList(podSpec.initContainers).map((c, i) => toContainer(c, i, true)),
    ].filter((c): c is Container => c !== undefined);
}

/** How a message names a container: `container "app"`, `init container "migrate"` or `sidecar "proxy"`. */
export function describeContainer(container: Container): string {
    return `${container.sidecar ? "sidecar" : container.init ? "init container" : "container"} "${container.name}"`;
}

/**
 * Runs `check` on every container of a workload and returns its messages, each prefixed with the container's name.
 * Non-workload kinds yield nothing.
 */
export function checkContainers(
    obj: KubeObject,
    check: (container: Container, pod: Fields) => string | undefined,
    options: { includeInit: boolean } = { includeInit: true },
): string[] {
    const template = podTemplateOf(obj);
    if (template === undefined) return [];
    const messages: string[] = [];
    for (const container of containersOf(template.spec)) {
        if (container.init && !options.includeInit) continue;
        const problem = check(container, template.spec);
        if (problem !== undefined) messages.push(`${describeContainer(container)} ${problem}`);
    }
    return messages;
}

/**
 * A container's `resources.requests` (or `.limits`) value for one resource, `undefined` unless written in the
 * manifest: the API server copying a limit into a missing request does not count.
 */
export function writtenResource(container: Container, field: "requests" | "limits", resource: string): unknown {
    const value = fieldAt(container.fields, "resources", field, resource);
    return value === null || value === "" ? undefined : value;
}

/** `spec.replicas` as written, or `undefined` when the manifest leaves it to the API default (or an HPA). */
export function writtenReplicas(obj: KubeObject): number | undefined {
    return asNumber(fieldAt(obj, "spec", "replicas"));
}

/** The replica count the API server will use: the written one, else 1. */
export function effectiveReplicas(obj: KubeObject): number {
    return writtenReplicas(obj) ?? 1;
}

/** Deployments and StatefulSets: the kinds the availability rules (replicas, PDBs, rollouts) are about. */
export function isReplicatedService(obj: KubeObject): boolean {
    return isKind(obj, "apps", "Deployment") || isKind(obj, "apps", "StatefulSet");
}

/** Where the object keeps its pod template (empty for a bare Pod), `undefined` for other kinds. */
export function templatePath(obj: KubeObject): readonly string[] | undefined {
    return TEMPLATE_PATHS.find((t) => isKind(obj, t.group, t.kind))?.path;
}
