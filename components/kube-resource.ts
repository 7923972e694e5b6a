import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { KubeObject } from "./specs/kube-object";
import type { MonitoringObjects } from "./specs/monitoring";
import type { IdentityObjects } from "./specs/service-account";

// Every kind our spec builders produce, mapped to its typed @pulumi/kubernetes class, so that a plain object becomes the
// same resource (and the same preview) as if it had been written against the SDK by hand.
type KubeResourceClass = new (name: string, args: never, opts?: pulumi.CustomResourceOptions) => pulumi.CustomResource;

const CLASSES: Record<string, KubeResourceClass> = {
    "v1/Namespace": k8s.core.v1.Namespace,
    "v1/Service": k8s.core.v1.Service,
    "v1/ConfigMap": k8s.core.v1.ConfigMap,
    "v1/Secret": k8s.core.v1.Secret,
    "v1/LimitRange": k8s.core.v1.LimitRange,
    "v1/ResourceQuota": k8s.core.v1.ResourceQuota,
    "v1/PersistentVolume": k8s.core.v1.PersistentVolume,
    "v1/PersistentVolumeClaim": k8s.core.v1.PersistentVolumeClaim,
    "v1/ServiceAccount": k8s.core.v1.ServiceAccount,
    "apps/v1/Deployment": k8s.apps.v1.Deployment,
    "apps/v1/StatefulSet": k8s.apps.v1.StatefulSet,
    "batch/v1/CronJob": k8s.batch.v1.CronJob,
    "autoscaling/v2/HorizontalPodAutoscaler": k8s.autoscaling.v2.HorizontalPodAutoscaler,
    "policy/v1/PodDisruptionBudget": k8s.policy.v1.PodDisruptionBudget,
    "networking.k8s.io/v1/NetworkPolicy": k8s.networking.v1.NetworkPolicy,
    "networking.k8s.io/v1/Ingress": k8s.networking.v1.Ingress,
    // The SDK has no class for the Gateway API: a custom resource of the CRDs the cluster must have installed.
    "gateway.networking.k8s.io/v1/HTTPRoute": k8s.apiextensions.CustomResource,
    "rbac.authorization.k8s.io/v1/ClusterRole": k8s.rbac.v1.ClusterRole,
    "rbac.authorization.k8s.io/v1/ClusterRoleBinding": k8s.rbac.v1.ClusterRoleBinding,
    "rbac.authorization.k8s.io/v1/Role": k8s.rbac.v1.Role,
    "rbac.authorization.k8s.io/v1/RoleBinding": k8s.rbac.v1.RoleBinding,
    "apiregistration.k8s.io/v1/APIService": k8s.apiregistration.v1.APIService,
    // The Prometheus Operator's kinds have no typed class: a CustomResource is what the SDK offers for them.
    "monitoring.coreos.com/v1/ServiceMonitor": k8s.apiextensions.CustomResource,
    "monitoring.coreos.com/v1/PrometheusRule": k8s.apiextensions.CustomResource,
};

/**
 * Annotations for the provider, which it reads when it applies an object (they are stored on the object too, and mean
 * nothing to Kubernetes itself). `patchForce`: the
 * stack's config is the truth for every field it declares, so `pulumi up` takes a field back from whoever changed it
 * behind Pulumi's back (`kubectl scale`, `kubectl set resources`) instead of stopping at a server-side apply conflict.
 * Fields the stack does not declare (a Deployment's replicas under an autoscaler) stay with their owners. Only the
 * Pulumi resources carry them: rendered manifests are for other tools.
 */
export const APPLY_ANNOTATIONS: Readonly<Record<string, string>> = { "pulumi.com/patchForce": "true" };

/**
 * Kinds the provider would otherwise wait for until a controller outside the stack reports on them: an Ingress until
 * its controller publishes an address, which some controllers never do and clusters without one (kind, the local
 * control plane) cannot, so `pulumi up` would fail after 10 minutes with the app itself long ready.
 */
const SKIP_AWAIT_KINDS: ReadonlySet<string> = new Set(["networking.k8s.io/v1/Ingress"]);

/** The provider's annotations for one object: APPLY_ANNOTATIONS, and `pulumi.com/skipAwait` for SKIP_AWAIT_KINDS. */
export function applyAnnotations(object: KubeObject): Readonly<Record<string, string>> {
    return SKIP_AWAIT_KINDS.has(`${object.apiVersion}/${object.kind}`) ? { ...APPLY_ANNOTATIONS, "pulumi.com/skipAwait": "true" } : APPLY_ANNOTATIONS;
}

/** The object as the provider receives it: with its applyAnnotations. */
export function withApplyAnnotations(object: KubeObject): KubeObject {
    return { ...object, metadata: { ...object.metadata, annotations: { ...object.metadata.annotations, ...applyAnnotations(object) } } };
}

/**
 * Declares a plain Kubernetes object as its typed Pulumi resource. The Pulumi resource name is the object's name, which
 * is unique per kind within our stacks; the object keeps its explicit `metadata.name` (no random suffix), so names in the
 * cluster are exactly the ones in the config.
 */
function declareObject(object: KubeObject, opts: pulumi.CustomResourceOptions): pulumi.CustomResource {
    const key = `${object.apiVersion}/${object.kind}`;
    const resourceClass = CLASSES[key];
    if (!resourceClass) throw new Error(`kube-appstack cannot declare ${key} "${object.metadata.name}": no resource class is mapped for it`);
    return new resourceClass(object.metadata.name, withApplyAnnotations(object) as never, opts);
}

/** Declares the objects that are present, in order, as children of `parent`. */
export function declareObjects(
    objects: Record<string, KubeObject | undefined>,
    opts: pulumi.CustomResourceOptions,
): Record<string, pulumi.CustomResource> {
    const declared: Record<string, pulumi.CustomResource> = {};
    for (const [role, object] of Object.entries(objects)) {
        if (object) declared[role] = declareObject(object, opts);
    }
    return declared;
}

/** An app's ServiceAccount, and its Role and RoleBinding when it has rules (components/specs/service-account.ts). */
export function declareIdentity(objects: IdentityObjects, opts: pulumi.CustomResourceOptions) {
    const declared = declareObjects({ serviceAccount: objects.serviceAccount, role: objects.role, roleBinding: objects.roleBinding }, opts);
    return {
        serviceAccount: declared.serviceAccount as k8s.core.v1.ServiceAccount,
        role: declared.role as k8s.rbac.v1.Role | undefined,
        roleBinding: declared.roleBinding as k8s.rbac.v1.RoleBinding | undefined,
        all: Object.values(declared),
    };
}

/** An app's ServiceMonitor, PrometheusRule and dashboard ConfigMap, when it has them (components/specs/monitoring.ts). */
export function declareMonitoring(objects: MonitoringObjects, opts: pulumi.CustomResourceOptions) {
    const declared = declareObjects({ serviceMonitor: objects.serviceMonitor, prometheusRule: objects.prometheusRule, dashboard: objects.dashboard }, opts);
    return {
        serviceMonitor: declared.serviceMonitor as k8s.apiextensions.CustomResource | undefined,
        prometheusRule: declared.prometheusRule as k8s.apiextensions.CustomResource | undefined,
        dashboard: declared.dashboard as k8s.core.v1.ConfigMap | undefined,
    };
}
