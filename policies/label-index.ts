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

interface SelectorNamespace<T> {
    /** Each distinct selector once, with every item that carries it (copies of one PDB share one entry). */
    entries: Map<string, SelectorEntry<T>>;
    /** Whether the buckets below file every entry; adding an entry refiles them all on the next lookup. */
    filed: boolean;
    byPair: Map<string, Array<SelectorEntry<T>>>;
    byKey: Map<string, Array<SelectorEntry<T>>>;
    scan: Array<SelectorEntry<T>>;
}

type SelectorEntry<T> = [selector: LabelSelector, items: T[]];

/** The label pairs a selector requires, by the ways it can be filed: each matchLabels pair alone, or all values of an In. */
function filings(selector: LabelSelector): string[][] {
    return [
        ...selector.matchLabels.map(([key, value]) => [pairKey(key, value)]),
        ...selector.matchExpressions.filter((r) => r.operator === "In").map((r) => [...new Set(r.values)].map((v) => pairKey(r.key, v))),
    ];
}

/** Items with selectors (PodDisruptionBudgets), looked up by the labels of a pod template. */
export class SelectorIndex<T> {
    private readonly namespaces = new Map<string, SelectorNamespace<T>>();

    add(namespace: string, selector: LabelSelector, item: T): void {
        let ns = this.namespaces.get(namespace);
        if (ns === undefined) this.namespaces.set(namespace, (ns = { entries: new Map(), filed: false, byPair: new Map(), byKey: new Map(), scan: [] }));
        const key = JSON.stringify(selector);
        const entry = ns.entries.get(key);
        if (entry !== undefined) {
            entry[1].push(item);
            return;
        }
        ns.entries.set(key, [selector, [item]]);
        ns.filed = false;
    }

    /**
     * Files each selector under the required labels that the fewest selectors of its namespace share, so that a lookup
     * only meets selectors that can match: filing under the first label instead would put every selector whose first
     * label is common (`app.kubernetes.io/name` of a chart installed many times, `part-of`) into one bucket, and each
     * lookup would test them all. Selectors that require no label value are filed by a key they need, else scanned.
     */
    private file(ns: SelectorNamespace<T>): void {
        const shared = new Map<string, number>();
        for (const [selector] of ns.entries.values()) {
            for (const pair of new Set(filings(selector).flat())) shared.set(pair, (shared.get(pair) ?? 0) + 1);
        }
        const cost = (pairs: string[]) => pairs.reduce((sum, pair) => sum + (shared.get(pair) ?? 0), 0);
        ns.byPair.clear();
        ns.byKey.clear();
        ns.scan = [];
        for (const entry of ns.entries.values()) {
            const [selector] = entry;
            // An In without values (which the API server rejects) matches nothing, and is filed nowhere.
            const best = filings(selector).reduce<string[] | undefined>((min, pairs) => (min === undefined || cost(pairs) < cost(min) ? pairs : min), undefined);
            const existsRequirement = selector.matchExpressions.find((r) => r.operator === "Exists");
            if (best !== undefined) for (const pair of best) bucket(ns.byPair, pair).push(entry);
            else if (existsRequirement !== undefined) bucket(ns.byKey, existsRequirement.key).push(entry);
            else ns.scan.push(entry);
        }
        ns.filed = true;
    }

    /** The distinct selectors in `namespace` that could match `labels`, each with its items. */
    private *candidates(namespace: string, labels: Labels): Generator<SelectorEntry<T>> {
        const ns = this.namespaces.get(namespace);
        if (ns === undefined) return;
        if (!ns.filed) this.file(ns);
        yield* ns.scan;
        for (const [key, value] of Object.entries(labels)) {
            yield* ns.byPair.get(pairKey(key, value)) ?? [];
            yield* ns.byKey.get(key) ?? [];
        }
    }

    /** Every item in `namespace` whose selector matches `labels`. */
    selecting(namespace: string, labels: Labels): T[] {
        const found: T[] = [];
        for (const [selector, items] of this.candidates(namespace, labels)) {
            if (selectorMatches(selector, labels)) for (const item of items) found.push(item);
        }
        return found;
    }

    /** Whether any item in `namespace` has a selector matching `labels`; stops at the first, whatever the copies. */
    anySelecting(namespace: string, labels: Labels): boolean {
        for (const [selector] of this.candidates(namespace, labels)) if (selectorMatches(selector, labels)) return true;
        return false;
    }
}
