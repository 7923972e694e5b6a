import { asFields, asList, asNumber, asString, fieldAt, type KubeObject, namespaceOf, objectRef } from "../kube-object";
import { formatSelector, isEmptySelector, mapSelector } from "../label-selector";
import { defineStackRule, type Finding } from "../rule";
import type { Workload } from "../stack-index";
import { containersOf } from "../workload";

// The named ports (`name/protocol`) declared by a selection of workloads, per selection: Services that share a
// selector share the answer.
const declaredNames = new WeakMap<readonly Workload[], ReadonlySet<string>>();
const protocolOf = (port: unknown): string => asString(fieldAt(port, "protocol")) ?? "TCP";

/**
 * Whether some container of the workloads declares a port of that name and protocol. Kubernetes resolves a name among
 * the containers and the sidecars (init containers with `restartPolicy: Always`), never other init containers, which
 * have exited by the time the pod serves.
 */
function declaresPort(workloads: readonly Workload[], name: string, protocol: string): boolean {
    let names = declaredNames.get(workloads);
    if (names === undefined) {
        names = new Set(workloads.flatMap((w) => containersOf(w.template.spec).filter((c) => !c.init || c.sidecar)
            .flatMap((c) => asList(c.fields.ports).map((port) => `${String(fieldAt(port, "name"))}/${protocolOf(port)}`))));
        declaredNames.set(workloads, names);
    }
    return names.has(`${name}/${protocol}`);
}

function portProblems(service: KubeObject, selected: readonly Workload[]): string[] {
    const problems: string[] = [];
    for (const port of asList(fieldAt(service, "spec", "ports"))) {
        const fields = asFields(port) ?? {};
        // An omitted targetPort equals port.
        const targetPort = asNumber(fields.targetPort) ?? asString(fields.targetPort) ?? asNumber(fields.port);
        // A numeric targetPort reaches the pod whether or not a container declares it (declaring ports is informational);
        // only a named one must resolve to a declared port.
        const protocol = protocolOf(fields);
        if (typeof targetPort !== "string" || declaresPort(selected, targetPort, protocol)) continue;
        const label = asString(fields.name) !== undefined ? `port "${asString(fields.name)}"` : `port ${String(fields.port)}`;
        const what = protocol === "TCP" ? "of that name" : `of that name and protocol ${protocol}`;
        problems.push(`${label} targets ${JSON.stringify(targetPort)}, but no selected pod declares a container port ${what} (in a container or sidecar)`);
    }
    return problems;
}

export const serviceSelectorMatches = defineStackRule({
    name: "service-selector-matches",
    description:
        "A Service's selector matches the pod template labels of a workload in its namespace, and each named targetPort is a port name (with the Service port's protocol) those pods declare in a container or sidecar, as Kubernetes resolves it; otherwise the Service routes nowhere. A numeric targetPort needs no declaration (Kubernetes routes to it anyway). Services without a selector are not checked.",
    remediation: "Make spec.selector a subset of the workload's pod template labels and point a named targetPort at a declared container port name (or use the port number).",
    defaultLevel: "mandatory",
    parameters: {},
    checkStack(index) {
        const findings: Finding[] = [];
        for (const service of index.services) {
            const selector = mapSelector(fieldAt(service, "spec", "selector"));
            if (isEmptySelector(selector)) continue;
            const namespace = namespaceOf(service);
            const selected = index.workloadsSelectedBy(namespace, selector);
            if (selected.length === 0) {
                const operators = index.customResourcesIn(namespace).map((o) => `${o.kind} ${objectRef(o).name}`);
                findings.push({
                    object: service,
                    message: operators.length === 0
                        ? `selector ${formatSelector(selector)} matches no pod template in namespace "${namespace}"`
                        : `selector ${formatSelector(selector)} matches no pod template in the input for namespace "${namespace}"; its pods may come from an operator behind ${operators.join(", ")} (a custom resource in the input), which this check cannot see`,
                });
                continue;
            }
            for (const message of portProblems(service, selected)) findings.push({ object: service, message });
        }
        return findings;
    },
});
