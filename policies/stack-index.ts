/**
 * Everything cross-resource rules look up, built once per check in one pass over the objects, so each rule costs
 * time linear in the number of objects instead of comparing all pairs.
 */
import { isCustomResource } from "./coverage";
import { hpaTarget, isHpa } from "./hpa";
import { fieldAt, isKind, type KubeObject, namespaceOf, objectRef, type ObjectRef } from "./kube-object";
import { LabeledIndex, SelectorIndex } from "./label-index";
import { type LabelSelector, parseLabelSelector } from "./label-selector";
import { podTemplateOf, type PodTemplate } from "./workload";

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
    private readonly customResourcesByNamespace = new Map<string, KubeObject[]>();
    private readonly workloadsByName = new Map<string, Workload>();
    private readonly workloadsByLabels = new LabeledIndex<Workload>();
    private readonly hpasByTarget = new Map<string, KubeObject[]>();
    private readonly pdbs = new SelectorIndex<KubeObject>();
    /** Answers by namespace and selector: copies of one Service (or PDB) cost one lookup. */
    private readonly selections = new Map<string, Workload[]>();

    constructor(objects: Iterable<KubeObject>) {
        const workloads: Workload[] = [];
        const hpas: KubeObject[] = [];
        const services: KubeObject[] = [];
        for (const object of objects) {
            const template = podTemplateOf(object);
            if (template !== undefined) {
                const workload = { object, ref: objectRef(object), template };
                workloads.push(workload);
                this.workloadsByName.set(targetKey(workload.ref.namespace, workload.ref.kind, workload.ref.name), workload);
                this.workloadsByLabels.add(workload.ref.namespace, template.labels, workload);
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
                const selector = parseLabelSelector(fieldAt(object, "spec", "selector"));
                if (selector !== undefined) this.pdbs.add(namespaceOf(object), selector, object);
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

    /** Whether some PodDisruptionBudget covers the workload; costs one matching selector, however many PDBs share it. */
    hasPdbCovering(workload: Workload): boolean {
        return this.pdbs.anySelecting(workload.ref.namespace, workload.template.labels);
    }
}
