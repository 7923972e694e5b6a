/**
 * Namespace-scoped indexes that answer label queries without comparing every pair of objects, so cross-resource
 * rules stay linear in the number of objects for realistic label sets.
 */
import { type LabelSelector, selectorMatches } from "./label-selector";

type Labels = Readonly<Record<string, string>>;

const pairKey = (key: string, value: string): string => `${key}\u0000${value}`;

function bucket<V>(map: Map<string, V[]>, key: string): V[] {
    let list = map.get(key);
    if (list === undefined) map.set(key, (list = []));
    return list;
}

/** Labeled items (pod templates), looked up by a selector. */
export class LabeledIndex<T> {
    private readonly namespaces = new Map<string, { all: Array<[Labels, T]>; byPair: Map<string, Array<[Labels, T]>> }>();

    add(namespace: string, labels: Labels, item: T): void {
        let ns = this.namespaces.get(namespace);
        if (ns === undefined) this.namespaces.set(namespace, (ns = { all: [], byPair: new Map() }));
        const entry: [Labels, T] = [labels, item];
        ns.all.push(entry);
        for (const [key, value] of Object.entries(labels)) bucket(ns.byPair, pairKey(key, value)).push(entry);
    }

    /** Every item in `namespace` whose labels the selector matches. */
    matching(namespace: string, selector: LabelSelector): T[] {
        const ns = this.namespaces.get(namespace);
        if (ns === undefined) return [];
        // Any matchLabels pair must be present on a match, so the smallest such bucket holds every candidate.
        let candidates = ns.all;
        for (const [key, value] of selector.matchLabels) {
            const pairBucket = ns.byPair.get(pairKey(key, value)) ?? [];
            if (pairBucket.length < candidates.length) candidates = pairBucket;
        }
        return candidates.filter(([labels]) => selectorMatches(selector, labels)).map(([, item]) => item);
    }
}

/** Items with selectors (PodDisruptionBudgets), looked up by the labels of a pod template. */
export class SelectorIndex<T> {
    private readonly namespaces = new Map<
        string,
        { byPair: Map<string, Array<[LabelSelector, T]>>; byKey: Map<string, Array<[LabelSelector, T]>>; scan: Array<[LabelSelector, T]> }
    >();

    add(namespace: string, selector: LabelSelector, item: T): void {
        let ns = this.namespaces.get(namespace);
        if (ns === undefined) this.namespaces.set(namespace, (ns = { byPair: new Map(), byKey: new Map(), scan: [] }));
        const entry: [LabelSelector, T] = [selector, item];
        // File the selector under one label every match must carry; selectors with no such label are scanned.
        const [firstPair] = selector.matchLabels;
        const inRequirement = selector.matchExpressions.find((r) => r.operator === "In");
        const existsRequirement = selector.matchExpressions.find((r) => r.operator === "Exists");
        if (firstPair !== undefined) bucket(ns.byPair, pairKey(...firstPair)).push(entry);
        else if (inRequirement !== undefined) {
            for (const value of new Set(inRequirement.values)) bucket(ns.byPair, pairKey(inRequirement.key, value)).push(entry);
        } else if (existsRequirement !== undefined) bucket(ns.byKey, existsRequirement.key).push(entry);
        else ns.scan.push(entry);
    }

    /** Every item in `namespace` whose selector matches `labels`. */
    selecting(namespace: string, labels: Labels): T[] {
        const ns = this.namespaces.get(namespace);
        if (ns === undefined) return [];
        const candidates = [...ns.scan];
        for (const [key, value] of Object.entries(labels)) {
            candidates.push(...(ns.byPair.get(pairKey(key, value)) ?? []), ...(ns.byKey.get(key) ?? []));
        }
        return candidates.filter(([selector]) => selectorMatches(selector, labels)).map(([, item]) => item);
    }
}
