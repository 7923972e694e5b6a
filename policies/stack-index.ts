/**
 * Everything cross-resource rules look up, built once per check in one pass over the objects, so each rule costs
 * time linear in the number of objects instead of comparing all pairs.
 */
import { isCustomResource } from "./coverage";
import { hpaTarget, isHpa } from "./hpa";
import { asFields, asList, asString, fieldAt, isKind, type KubeObject, namespaceOf, objectRef, type ObjectRef } from "./kube-object";
import { LabeledIndex, SelectorIndex } from "./label-index";
import { isEmptySelector, type LabelSelector, parseLabelSelector } from "./label-selector";
import { podTemplateOf, type PodTemplate } from "./workload";

/** A claim a StorageClass may provision a volume for: a PersistentVolumeClaim, or a StatefulSet's claim template. */
export interface StorageClaim {
    /** The object that must change if the class is wrong: the claim, or the StatefulSet. */
    readonly object: KubeObject;
    /** How a report names it: `PersistentVolumeClaim shop/data`, `StatefulSet shop/db (claim template data)`. */
    readonly description: string;
    /** `spec.storageClassName`; `undefined` when unset, which the API server fills in with the default class. */
    readonly storageClassName: string | undefined;
}

export interface Workload {
    readonly object: KubeObject;
    readonly ref: ObjectRef;
    readonly template: PodTemplate;
}

const targetKey = (namespace: string, kind: string, name: string): string => `${namespace}\u0000${kind}\u0000${name}`;

export class StackIndex {
    /** Every workload kind, bare Pods included. */
    readonly workloads: readonly Workload[];
    readonly hpas: readonly KubeObject[];
    readonly services: readonly KubeObject[];
    readonly pdbs: readonly KubeObject[];
    readonly storageClasses: readonly KubeObject[];
    /** Claims that ask for a dynamically provisioned volume (a claim naming its volume binds that one instead). */
    readonly storageClaims: readonly StorageClaim[];
    private readonly customResourcesByNamespace = new Map<string, KubeObject[]>();
    private readonly workloadsByName = new Map<string, Workload>();
    private readonly workloadsByLabels = new LabeledIndex<Workload>();
    private readonly hpasByTarget = new Map<string, KubeObject[]>();
    private readonly pdbsBySelector = new SelectorIndex<KubeObject>();
    /** Per namespace, the resources a LimitRange gives containers a default request for. */
    private readonly defaultRequests = new Map<string, Set<string>>();
    /** Answers by namespace and selector: copies of one Service (or PDB) cost one lookup. */
    private readonly selections = new Map<string, Workload[]>();

    constructor(objects: Iterable<KubeObject>) {
        const workloads: Workload[] = [];
        const hpas: KubeObject[] = [];
        const services: KubeObject[] = [];
        const pdbs: KubeObject[] = [];
        const storageClasses: KubeObject[] = [];
        const storageClaims: StorageClaim[] = [];
        for (const object of objects) {
            const template = podTemplateOf(object);
            if (template !== undefined) {
                const workload = { object, ref: objectRef(object), template };
                workloads.push(workload);
                this.workloadsByName.set(targetKey(workload.ref.namespace, workload.ref.kind, workload.ref.name), workload);
                this.workloadsByLabels.add(workload.ref.namespace, template.labels, workload);
                if (isKind(object, "apps", "StatefulSet")) {
                    for (const claim of asList(fieldAt(object, "spec", "volumeClaimTemplates"))) {
                        const description = `StatefulSet ${workload.ref.namespace}/${workload.ref.name} (claim template ${asString(fieldAt(claim, "metadata", "name")) ?? "without a name"})`;
                        storageClaims.push({ object, description, storageClassName: storageClassNameOf(claim) });
                    }
                }
            } else if (isHpa(object)) {
                hpas.push(object);
                const target = hpaTarget(object);
                if (target !== undefined) {
                    const key = targetKey(namespaceOf(object), target.kind, target.name);
                    const list = this.hpasByTarget.get(key);
                    if (list === undefined) this.hpasByTarget.set(key, [object]);
                    else list.push(object);
                }
            } else if (isKind(object, "", "Service")) {
                services.push(object);
            } else if (isKind(object, "policy", "PodDisruptionBudget")) {
                pdbs.push(object);
                const selector = parseLabelSelector(fieldAt(object, "spec", "selector"));
                // policy/v1 made an empty selector select every pod of the namespace; under v1beta1 it selected none.
                const selectsNothing = object.apiVersion === "policy/v1beta1" && (selector === undefined || isEmptySelector(selector));
                if (selector !== undefined && !selectsNothing) this.pdbsBySelector.add(namespaceOf(object), selector, object);
            } else if (isKind(object, "", "LimitRange")) {
                for (const limit of asList(fieldAt(object, "spec", "limits"))) {
                    if (fieldAt(limit, "type") !== "Container") continue;
                    // A LimitRange's defaultRequest defaults to its default (limit), so either gives containers a request.
                    const resources = [...Object.keys(asFields(fieldAt(limit, "defaultRequest")) ?? {}), ...Object.keys(asFields(fieldAt(limit, "default")) ?? {})];
                    const namespace = namespaceOf(object);
                    const known = this.defaultRequests.get(namespace) ?? new Set<string>();
                    for (const resource of resources) known.add(resource);
                    this.defaultRequests.set(namespace, known);
                }
            } else if (isKind(object, "storage.k8s.io", "StorageClass")) {
                storageClasses.push(object);
            } else if (isKind(object, "", "PersistentVolumeClaim")) {
                if (asString(fieldAt(object, "spec", "volumeName")) === undefined) {
                    const ref = objectRef(object);
                    storageClaims.push({ object, description: `PersistentVolumeClaim ${ref.namespace}/${ref.name}`, storageClassName: storageClassNameOf(object) });
                }
            } else if (isCustomResource(object)) {
                const namespace = namespaceOf(object);
                const list = this.customResourcesByNamespace.get(namespace);
                if (list === undefined) this.customResourcesByNamespace.set(namespace, [object]);
                else list.push(object);
            }
        }
        this.workloads = workloads;
        this.hpas = hpas;
        this.services = services;
        this.pdbs = pdbs;
        this.storageClasses = storageClasses;
        this.storageClaims = storageClaims;
    }

    /** Custom resources in a namespace: an operator behind one may create pods the input does not show. */
    customResourcesIn(namespace: string): readonly KubeObject[] {
        return this.customResourcesByNamespace.get(namespace) ?? [];
    }

    /** The workload an HPA's `scaleTargetRef` names, looked up in the HPA's namespace. */
    hpaTargetOf(hpa: KubeObject): Workload | undefined {
        const target = hpaTarget(hpa);
        return target === undefined ? undefined : this.workloadsByName.get(targetKey(namespaceOf(hpa), target.kind, target.name));
    }

    hpasTargeting(workload: Workload): readonly KubeObject[] {
        return this.hpasByTarget.get(targetKey(workload.ref.namespace, workload.ref.kind, workload.ref.name)) ?? [];
    }

    /**
     * Workloads in `namespace` whose pod template labels the selector matches. The same array comes back for the same
     * namespace and selector, so a rule may cache what it derives from it.
     */
    workloadsSelectedBy(namespace: string, selector: LabelSelector): readonly Workload[] {
        const key = `${namespace}\u0000${JSON.stringify(selector)}`;
        let selected = this.selections.get(key);
        if (selected === undefined) this.selections.set(key, (selected = this.workloadsByLabels.matching(namespace, selector)));
        return selected;
    }

    /** Whether a LimitRange in the input gives the namespace's containers a default request for the resource. */
    hasDefaultRequest(namespace: string, resource: string): boolean {
        return this.defaultRequests.get(namespace)?.has(resource) ?? false;
    }

    /** Whether some PodDisruptionBudget covers the workload; costs one matching selector, however many PDBs share it. */
    hasPdbCovering(workload: Workload): boolean {
        return this.pdbsBySelector.anySelecting(workload.ref.namespace, workload.template.labels);
    }
}

/**
 * A claim's class: `spec.storageClassName`, or the annotation that preceded it (still honoured by the volume
 * controller). `""` asks for no class (a pre-provisioned volume); unset gets the default class on admission.
 */
function storageClassNameOf(claim: unknown): string | undefined {
    return asString(fieldAt(claim, "spec", "storageClassName")) ?? asString(fieldAt(claim, "metadata", "annotations", "volume.beta.kubernetes.io/storage-class"));
}
