/** The check behind `readiness-probe-required` and `liveness-probe-required`: one working probe on every app container. */
import { asFields, asList, asString, fieldAt, type Fields, isKind, type KubeObject } from "./kube-object";
import { defineObjectRule } from "./rule";
import { checkContainers, type Container } from "./workload";

/**
 * The kinds whose pods run until replaced, so that traffic and restarts depend on probes. Jobs and CronJobs run to
 * completion, and a bare Pod is usually a one-off; their probes are their own business.
 */
const LONG_RUNNING: ReadonlyArray<[group: string, kind: string]> = [
    ["apps", "Deployment"], ["apps", "StatefulSet"], ["apps", "DaemonSet"], ["apps", "ReplicaSet"], ["", "ReplicationController"],
];

const HANDLERS = ["exec", "httpGet", "tcpSocket", "grpc"] as const;

/** What is wrong with a container's probe: missing, without a handler, or aimed at a port name it does not declare. */
function probeProblem(container: Container, field: string): string | undefined {
    const probe = asFields(container.fields[field]);
    if (probe === undefined) return `defines no ${field}`;
    const handler = HANDLERS.find((name) => asFields(probe[name]) !== undefined);
    if (handler === undefined) return `has a ${field} without a handler (${HANDLERS.join(", ")}), which the API server refuses`;
    // A named port resolves against the container's own declared ports; the kubelet fails a probe whose name is unknown.
    const port = asString(fieldAt(probe, handler, "port"));
    if (port === undefined || declaredPortNames(container.fields).has(port)) return undefined;
    return `has a ${field} on port "${port}", which it does not declare, so the probe can never succeed`;
}

function declaredPortNames(container: Fields): Set<string> {
    return new Set(asList(container.ports).flatMap((port) => asString(fieldAt(port, "name")) ?? []));
}

export function requireProbe(name: string, field: "readinessProbe" | "livenessProbe", why: string, remediation: string) {
    return defineObjectRule({
        name,
        description: `Every container of a Deployment, StatefulSet, DaemonSet, ReplicaSet or ReplicationController (init containers excepted) defines a ${field} that can work (a handler, and a port name the container declares), ${why}`,
        remediation,
        defaultLevel: "advisory",
        parameters: {},
        checkObject(obj: KubeObject) {
            if (!LONG_RUNNING.some(([group, kind]) => isKind(obj, group, kind))) return [];
            return checkContainers(obj, (c) => probeProblem(c, field), { includeInit: false });
        },
    });
}
