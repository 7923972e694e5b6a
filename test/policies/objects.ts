/**
 * Builders for objects that satisfy every rule, so each test changes exactly the field it is about and a near miss
 * differs from a violation by that field alone.
 */
import { checkObjects } from "../../policies/check";
import type { KubeObject } from "../../policies/kube-object";
import { defaultPolicyConfig } from "../../policies/policy-config";
import type { Violation } from "../../policies/rule";

export function container(name = "app"): Record<string, unknown> {
    return {
        name,
        image: "registry.example.com/shop/app:1.4.2",
        ports: [{ name: "http", containerPort: 8080 }],
        resources: { requests: { cpu: "100m", memory: "128Mi" }, limits: { cpu: "500m", memory: "256Mi" } },
        readinessProbe: { httpGet: { path: "/ready", port: "http" } },
        livenessProbe: { httpGet: { path: "/live", port: "http" } },
        securityContext: {
            runAsNonRoot: true,
            allowPrivilegeEscalation: false,
            readOnlyRootFilesystem: true,
            capabilities: { drop: ["ALL"] },
        },
    };
}

function podTemplate(labels: Record<string, string>): Record<string, unknown> {
    return {
        metadata: { labels },
        spec: { serviceAccountName: "app", securityContext: { runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } }, containers: [container()] },
    };
}

export function deployment(name = "web", namespace = "shop"): KubeObject {
    return {
        apiVersion: "apps/v1",
        kind: "Deployment",
        metadata: { name, namespace },
        spec: {
            replicas: 3,
            selector: { matchLabels: { app: name } },
            strategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 0, maxSurge: "25%" } },
            template: podTemplate({ app: name }),
        },
    };
}

export function statefulSet(name = "db", namespace = "shop"): KubeObject {
    return {
        apiVersion: "apps/v1",
        kind: "StatefulSet",
        metadata: { name, namespace },
        spec: {
            replicas: 3,
            serviceName: name,
            selector: { matchLabels: { app: name } },
            template: podTemplate({ app: name }),
            persistentVolumeClaimRetentionPolicy: { whenDeleted: "Retain", whenScaled: "Retain" },
            volumeClaimTemplates: [{ metadata: { name: "data" }, spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "1Gi" } } } }],
        },
    };
}

/** A bare pod, a CronJob and the other workload kinds, all compliant. */
export function workloadOfKind(kind: "Pod" | "DaemonSet" | "ReplicaSet" | "Job" | "CronJob" | "ReplicationController", name = "worker", namespace = "shop"): KubeObject {
    const labels = { app: name };
    const template = podTemplate(labels);
    const metadata = { name, namespace };
    switch (kind) {
        case "Pod":
            return { apiVersion: "v1", kind, metadata: { ...metadata, labels }, spec: template.spec };
        case "ReplicationController":
            return { apiVersion: "v1", kind, metadata, spec: { selector: labels, template } };
        case "DaemonSet":
        case "ReplicaSet":
            return { apiVersion: "apps/v1", kind, metadata, spec: { selector: { matchLabels: labels }, template } };
        case "Job":
            return { apiVersion: "batch/v1", kind, metadata, spec: { template } };
        case "CronJob":
            return { apiVersion: "batch/v1", kind, metadata, spec: { schedule: "*/5 * * * *", jobTemplate: { spec: { template } } } };
    }
}

export function service(name = "web", namespace = "shop"): KubeObject {
    return {
        apiVersion: "v1",
        kind: "Service",
        metadata: { name, namespace },
        spec: { selector: { app: name }, ports: [{ name: "http", port: 80, targetPort: "http" }] },
    };
}

export function pdb(name = "web", namespace = "shop", selector: unknown = { matchLabels: { app: name } }): KubeObject {
    return { apiVersion: "policy/v1", kind: "PodDisruptionBudget", metadata: { name, namespace }, spec: { maxUnavailable: 1, selector } };
}

export function hpa(target = "web", namespace = "shop", targetKind = "Deployment"): KubeObject {
    return {
        apiVersion: "autoscaling/v2",
        kind: "HorizontalPodAutoscaler",
        metadata: { name: target, namespace },
        spec: {
            scaleTargetRef: { apiVersion: "apps/v1", kind: targetKind, name: target },
            minReplicas: 2,
            maxReplicas: 10,
            metrics: [{ type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 70 } } }],
        },
    };
}

export function persistentVolume(name = "data"): KubeObject {
    return {
        apiVersion: "v1",
        kind: "PersistentVolume",
        metadata: { name },
        spec: { capacity: { storage: "1Gi" }, accessModes: ["ReadWriteOnce"], persistentVolumeReclaimPolicy: "Retain", hostPath: { path: "/data" } },
    };
}

/** A stack that satisfies every rule: an autoscaled Deployment behind a Service, a StatefulSet with its backup, a PV, and their PDBs. */
export function compliantStack(): KubeObject[] {
    const web = withFields(deployment(), { "spec.replicas": undefined });
    const backup = withFields(workloadOfKind("CronJob", "db-backup"), { "metadata.labels": { "backup.kube-appstack.io/app": "db" } });
    return [web, service(), pdb(), hpa(), statefulSet(), service("db"), pdb("db"), backup, persistentVolume()];
}

/**
 * A deep copy of `obj` with each dotted path set to its value (numbers index arrays); `undefined` deletes the field.
 * Missing intermediate objects are created.
 */
export function withFields<T>(obj: T, fields: Readonly<Record<string, unknown>>): T {
    const copy = structuredClone(obj);
    for (const [path, value] of Object.entries(fields)) {
        const keys = path.split(".");
        let target = copy as Record<string, unknown>;
        for (const key of keys.slice(0, -1)) {
            if (typeof target[key] !== "object" || target[key] === null) target[key] = {};
            target = target[key] as Record<string, unknown>;
        }
        const last = keys[keys.length - 1];
        if (value === undefined) delete target[last];
        else target[last] = value;
    }
    return copy;
}

/** Every violation of `policy` for `objects`, checked together under the default config. */
export function violationsOf(policy: string, ...objects: KubeObject[]): Violation[] {
    return checkObjects(objects, defaultPolicyConfig()).filter((v) => v.policy === policy);
}

/** Only the messages, for compact assertions. */
export function messagesOf(policy: string, ...objects: KubeObject[]): string[] {
    return violationsOf(policy, ...objects).map((v) => v.message);
}
