/**
 * Which objects the rules judge at all, and which are not Kubernetes objects anyone could apply. An object no rule
 * covers is reported as not checked, never counted as checked; a misspelled built-in kind or a built-in object without
 * a name is an input error, since kubectl would refuse it too; a nameless object of any other kind is some tool's
 * configuration file, not checked and not given to the rules.
 */
import { apiGroup, asFields, asString, describeValue, fieldAt, type Fields, isKind, type KubeObject } from "./kube-object";
import { podTemplateOf, templatePath } from "./workload";
import { suggestion } from "../kube/schema-problems";

/** The kinds a rule reads besides the workloads (whose pod templates the container rules read). */
const CHECKED: ReadonlyArray<[group: string, kind: string]> = [
    ["", "Service"], ["autoscaling", "HorizontalPodAutoscaler"], ["policy", "PodDisruptionBudget"], ["", "PersistentVolume"],
    ["", "PersistentVolumeClaim"], ["storage.k8s.io", "StorageClass"], ["networking.k8s.io", "Ingress"],
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

/** The built-in kinds of the object's API group, if Kubernetes serves it (own keys only: `constructor/v1` is no group). */
function builtInKindsOf(obj: KubeObject): readonly string[] | undefined {
    const group = apiGroup(obj.apiVersion);
    return Object.hasOwn(BUILT_IN, group) ? BUILT_IN[group] : undefined;
}

/** Whether a mapping names Kubernetes' own API: one of its built-in kinds, or an apiVersion of a group it serves. */
export function namesBuiltInApi(fields: Fields): boolean {
    const { apiVersion, kind } = fields;
    if (typeof kind === "string" && Object.values(BUILT_IN).some((kinds) => kinds.includes(kind))) return true;
    return typeof apiVersion === "string" && Object.hasOwn(BUILT_IN, apiGroup(apiVersion));
}

/** A custom resource: an object of an API group Kubernetes itself does not serve (its operator may create pods). */
export function isCustomResource(obj: KubeObject): boolean {
    return builtInKindsOf(obj) === undefined;
}

export function isChecked(obj: KubeObject): boolean {
    return podTemplateOf(obj) !== undefined || CHECKED.some(([group, kind]) => isKind(obj, group, kind));
}

const isNameless = (obj: KubeObject): boolean =>
    asString(fieldAt(obj, "metadata", "name")) === undefined && asString(fieldAt(obj, "metadata", "generateName")) === undefined;

const isBuiltInKind = (obj: KubeObject): boolean => builtInKindsOf(obj)?.includes(obj.kind) === true;

/**
 * Why an object is another tool's configuration file rather than an object for the cluster, or `undefined`.
 *
 * Many tools borrow the Kubernetes shape for their own config files: a Kustomization (kustomize.config.k8s.io), kind's
 * Cluster (kind.x-k8s.io), the kubelet's KubeletConfiguration, kubeadm's ClusterConfiguration, IstioOperator profiles,
 * a kubeconfig (`apiVersion: v1`, `kind: Config`) and the like carry an apiVersion and a kind but no name, and sit next
 * to the manifests they belong to. The name tells them apart: `kubectl apply` refuses an object without one (it finds
 * the live object by name; a generateName it refuses too, so only `kubectl create` takes those), so nothing reaches the
 * cluster from such a file and no rule could judge what it runs. A nameless object of a built-in kind, on the other
 * hand, is a manifest with a mistake and stays an input error (objectProblem). A custom resource that lost its name by
 * mistake lands here too; kubectl refuses it all the same.
 */
export function toolConfiguration(obj: KubeObject): string | undefined {
    if (isBuiltInKind(obj) || !isNameless(obj)) return undefined;
    if (isKustomizeInput(obj)) {
        return `kustomize's input, not an object for the cluster (no metadata.name): check the output of \`kustomize build\` instead`;
    }
    return `no metadata.name, and ${obj.apiVersion} ${obj.kind} is no built-in Kubernetes kind: read as a tool's configuration file, not an object kubectl would apply`;
}

/** A kustomization.yaml (a Kustomization, or a Component of one): what `kustomize build` reads, not what it renders. */
export function isKustomizeInput(obj: KubeObject): boolean {
    return apiGroup(obj.apiVersion) === "kustomize.config.k8s.io";
}

/** Why no rule judges the object, or `undefined` when one does. */
export function notCheckedReason(obj: KubeObject): string | undefined {
    return toolConfiguration(obj) ?? (isChecked(obj) ? undefined : `no policy covers kind ${obj.kind}`);
}

/**
 * Why kubectl would refuse the object before any rule could matter, or `undefined`. A kind that is not in the list
 * above but close to one in it is a misspelling; any other kind may be newer than this list, so it is only not checked.
 * A missing name is a problem only for the built-in kinds (see toolConfiguration for the others).
 */
export function objectProblem(obj: KubeObject): string | undefined {
    const known = builtInKindsOf(obj);
    if (known === undefined) return undefined;
    const close = !known.includes(obj.kind) ? suggestion(obj.kind, [...known]) : "";
    if (close !== "") return `${obj.apiVersion} has no kind ${JSON.stringify(obj.kind)}${close}`;
    if (isBuiltInKind(obj) && isNameless(obj)) return `${obj.kind} has no metadata.name`;
    return stringMapProblem(obj);
}

/**
 * The maps of strings the rules read (labels, annotations, selectors, node selectors), which Kubernetes types as
 * map[string]string: the API server refuses a number or boolean there. Unquoted, YAML reads `version: 2` as a number and
 * `canary: no` as a boolean, and a rule that skipped such a value would judge a selector the cluster never sees.
 */
const OBJECT_MAPS: ReadonlyArray<readonly string[]> = [["metadata", "labels"], ["metadata", "annotations"]];
const SELECTOR_MAP: ReadonlyArray<readonly string[]> = [["spec", "selector"]];
const MATCH_LABELS: ReadonlyArray<readonly string[]> = [["spec", "selector", "matchLabels"]];
// Worked out once per template path (each kind's own constant in workload.ts): this runs for every object checked.
const workloadMaps = new Map<readonly string[], ReadonlyArray<readonly string[]>>();

function stringMapPaths(obj: KubeObject): ReadonlyArray<readonly string[]> {
    const template = templatePath(obj);
    if (template === undefined) {
        if (isKind(obj, "", "Service")) return [...OBJECT_MAPS, ...SELECTOR_MAP];
        if (isKind(obj, "policy", "PodDisruptionBudget")) return [...OBJECT_MAPS, ...MATCH_LABELS];
        return OBJECT_MAPS;
    }
    let paths = workloadMaps.get(template);
    if (paths === undefined) {
        // A bare Pod is its own template; a ReplicationController's selector is a map itself, the others' a LabelSelector.
        const selector = template.length === 0 ? [] : isKind(obj, "", "ReplicationController") ? SELECTOR_MAP : MATCH_LABELS;
        const inTemplate = template.length === 0 ? [] : [[...template, "metadata", "labels"], [...template, "metadata", "annotations"]];
        workloadMaps.set(template, (paths = [...OBJECT_MAPS, [...template, "spec", "nodeSelector"], ...inTemplate, ...selector]));
    }
    return paths;
}

function stringMapProblem(obj: KubeObject): string | undefined {
    for (const path of stringMapPaths(obj)) {
        const value = fieldAt(obj, ...path);
        if (value === undefined || value === null) continue;
        const map = asFields(value);
        if (map === undefined) return `${path.join(".")} must be a mapping of strings; given ${describeValue(value)}`;
        for (const [key, item] of Object.entries(map)) {
            if (typeof item === "string" || item === null) continue;
            const quote = typeof item === "number" || typeof item === "boolean" ? ": quote the value (unquoted, YAML reads yes, no, on, off, true and false as booleans and digits as numbers)" : "";
            return `${path.join(".")}.${key} must be a string, which Kubernetes requires there; given ${describeValue(item)}${quote}`;
        }
    }
    return undefined;
}
