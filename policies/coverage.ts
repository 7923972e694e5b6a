/**
 * Which objects the rules judge at all, and which are not Kubernetes objects anyone could apply. An object no rule
 * covers is reported as not checked, never counted as checked; a misspelled built-in kind or a missing name is an
 * input error, since kubectl would refuse it too.
 */
import { apiGroup, asString, fieldAt, isKind, type KubeObject } from "./kube-object";
import { podTemplateOf } from "./workload";
import { suggestion } from "../kube/schema-problems";

/** The kinds a rule reads besides the workloads (whose pod templates the container rules read). */
const CHECKED: ReadonlyArray<[group: string, kind: string]> = [
    ["", "Service"], ["autoscaling", "HorizontalPodAutoscaler"], ["policy", "PodDisruptionBudget"], ["", "PersistentVolume"],
    ["", "PersistentVolumeClaim"], ["storage.k8s.io", "StorageClass"],
];

/** The built-in kinds of the groups Kubernetes itself serves, to tell a misspelled kind from a custom resource. */
const BUILT_IN: Readonly<Record<string, readonly string[]>> = {
    "": ["Binding", "ComponentStatus", "ConfigMap", "Endpoints", "Event", "LimitRange", "Namespace", "Node", "PersistentVolume",
        "PersistentVolumeClaim", "Pod", "PodTemplate", "ReplicationController", "ResourceQuota", "Secret", "Service", "ServiceAccount"],
    apps: ["ControllerRevision", "DaemonSet", "Deployment", "ReplicaSet", "StatefulSet"],
    extensions: ["DaemonSet", "Deployment", "Ingress", "NetworkPolicy", "PodSecurityPolicy", "ReplicaSet"],
    batch: ["CronJob", "Job"],
    autoscaling: ["HorizontalPodAutoscaler"],
    policy: ["PodDisruptionBudget", "PodSecurityPolicy", "Eviction"],
    "networking.k8s.io": ["IPAddress", "Ingress", "IngressClass", "NetworkPolicy", "ServiceCIDR"],
    "rbac.authorization.k8s.io": ["ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding"],
    "storage.k8s.io": ["CSIDriver", "CSINode", "CSIStorageCapacity", "StorageClass", "VolumeAttachment", "VolumeAttributesClass"],
    "scheduling.k8s.io": ["PriorityClass"],
    "apiextensions.k8s.io": ["CustomResourceDefinition"],
    "admissionregistration.k8s.io": ["MutatingAdmissionPolicy", "MutatingAdmissionPolicyBinding", "MutatingWebhookConfiguration",
        "ValidatingAdmissionPolicy", "ValidatingAdmissionPolicyBinding", "ValidatingWebhookConfiguration"],
    "coordination.k8s.io": ["Lease", "LeaseCandidate"],
    "discovery.k8s.io": ["EndpointSlice"],
    "node.k8s.io": ["RuntimeClass"],
    "certificates.k8s.io": ["CertificateSigningRequest", "ClusterTrustBundle"],
    "apiregistration.k8s.io": ["APIService"],
    "flowcontrol.apiserver.k8s.io": ["FlowSchema", "PriorityLevelConfiguration"],
};

/** A custom resource: an object of an API group Kubernetes itself does not serve (its operator may create pods). */
export function isCustomResource(obj: KubeObject): boolean {
    return BUILT_IN[apiGroup(obj.apiVersion)] === undefined;
}

export function isChecked(obj: KubeObject): boolean {
    return podTemplateOf(obj) !== undefined || CHECKED.some(([group, kind]) => isKind(obj, group, kind));
}

/**
 * Why kubectl would refuse the object before any rule could matter, or `undefined`. A kind that is not in the list
 * above but close to one in it is a misspelling; any other kind may be newer than this list, so it is only not checked.
 */
export function objectProblem(obj: KubeObject): string | undefined {
    const known = BUILT_IN[apiGroup(obj.apiVersion)];
    const close = known !== undefined && !known.includes(obj.kind) ? suggestion(obj.kind, [...known]) : "";
    if (close !== "") return `${obj.apiVersion} has no kind ${JSON.stringify(obj.kind)}${close}`;
    if (asString(fieldAt(obj, "metadata", "name")) === undefined && asString(fieldAt(obj, "metadata", "generateName")) === undefined) {
        return `${obj.kind} has no metadata.name`;
    }
    return undefined;
}
