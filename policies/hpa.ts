/** HorizontalPodAutoscaler fields, across autoscaling/v1, v2beta1, v2beta2 and v2. */
import { asFields, asList, asNumber, asString, fieldAt, isKind, type KubeObject } from "./kube-object";

/** A resource whose utilization (usage as a share of the request) drives scaling. */
export interface UtilizationMetric {
    readonly resource: string;
    /** Set for a ContainerResource metric: only this container's request counts. */
    readonly container?: string;
}

export function isHpa(obj: KubeObject): boolean {
    return isKind(obj, "autoscaling", "HorizontalPodAutoscaler");
}

export function hpaTarget(hpa: KubeObject): { kind: string; name: string } | undefined {
    const kind = asString(fieldAt(hpa, "spec", "scaleTargetRef", "kind"));
    const name = asString(fieldAt(hpa, "spec", "scaleTargetRef", "name"));
    return kind !== undefined && name !== undefined ? { kind, name } : undefined;
}

/** `spec.minReplicas`, defaulting to 1 as the API server does. */
export function hpaMinReplicas(hpa: KubeObject): number {
    return asNumber(fieldAt(hpa, "spec", "minReplicas")) ?? 1;
}

export function hpaMaxReplicas(hpa: KubeObject): number | undefined {
    return asNumber(fieldAt(hpa, "spec", "maxReplicas"));
}

export function utilizationMetrics(hpa: KubeObject): UtilizationMetric[] {
    const spec = asFields(hpa.spec) ?? {};
    if (hpa.apiVersion === "autoscaling/v1") {
        // v1 only scales on CPU utilization, 80% when the target is not given.
        return [{ resource: "cpu" }];
    }
    const metrics = asList(spec.metrics);
    // An autoscaling/v2 HPA without metrics defaults to 80% average CPU utilization.
    if (metrics.length === 0) return [{ resource: "cpu" }];
    const found: UtilizationMetric[] = [];
    for (const metric of metrics) {
        const type = asString(fieldAt(metric, "type"));
        if (type === "Resource") {
            const resource = asFields(fieldAt(metric, "resource"));
            const name = asString(resource?.name);
            if (name !== undefined && targetsUtilization(resource)) found.push({ resource: name });
        } else if (type === "ContainerResource") {
            const resource = asFields(fieldAt(metric, "containerResource"));
            const name = asString(resource?.name);
            const container = asString(resource?.container);
            if (name !== undefined && container !== undefined && targetsUtilization(resource)) found.push({ resource: name, container });
        }
    }
    return found;
}

function targetsUtilization(resource: Readonly<Record<string, unknown>> | undefined): boolean {
    return (
        fieldAt(resource, "target", "type") === "Utilization" ||
        // autoscaling/v2beta1 names the utilization target directly.
        asNumber(resource?.targetAverageUtilization) !== undefined
    );
}
