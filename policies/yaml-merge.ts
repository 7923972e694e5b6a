/**
 * Merge keys (`<<`) applied the way go-yaml v2, kubectl's YAML reader, applies them: in document order, each key or
 * merge overriding what came before it (so `hostNetwork: false` followed by `<<: {hostNetwork: true}` is true), a
 * sequence of mappings merged so that its first mapping wins. js-yaml instead lets a mapping's own keys always win.
 * Mappings are changed in place, so an aliased mapping is merged once for every place that shares it.
 *
 * Only a plain `<<` merges (the readers give it as MERGE_KEY). A `<<` key that is quoted, escaped or tagged is a field
 * named "<<" to go-yaml, which the API server refuses as unknown, or drops unvalidated: merged here, it could hide what
 * kubectl applies, so it is an error.
 */
import { MERGE_KEY } from "./yaml-schema";

export class MergeError extends Error {}

const LITERAL = "<<";

/**
 * Whether a document's text may spell a `<<`: written out, or with an escaped `<` (`"\x3c<"`, `"\u003c<"`), or with a
 * `<` before an escaped line break that joins the next line to it. Documents without one need no walk.
 */
export const MAY_HOLD_MERGE = /<<|\\x3c|\\u003c|\\U0000003c|<\\/i;

function isMapping(value: unknown): value is Record<string, unknown> {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Applies every merge key in `value`; throws MergeError where go-yaml refuses one (a merge of anything but mappings). */
export function applyMergeKeys(value: unknown): void {
    // Post-order without recursion: a merged mapping's own merges are applied before it is merged anywhere.
    const done = new Set<object>();
    const pending: Array<[node: object, expanded: boolean]> = [];
    if (typeof value === "object" && value !== null) pending.push([value, false]);
    while (pending.length > 0) {
        const [node, expanded] = pending.pop() as [object, boolean];
        if (done.has(node)) continue;
        if (!expanded) {
            pending.push([node, true]);
            for (const child of Array.isArray(node) ? node : Object.values(node)) {
                if (typeof child === "object" && child !== null && !done.has(child)) pending.push([child, false]);
            }
            continue;
        }
        done.add(node);
        if (isMapping(node)) {
            if (Object.hasOwn(node, LITERAL)) {
                throw new MergeError('has a key "<<" that is quoted, escaped or tagged: kubectl reads it as a field named "<<", not as a merge key (the API server refuses the unknown field); allowed: a plain << to merge, or no such key');
            }
            if (Object.hasOwn(node, MERGE_KEY)) merge(node);
        }
        // A plain `<<` as a value is only the text "<<".
        if (Array.isArray(node)) node.forEach((item, i) => item === MERGE_KEY && (node[i] = LITERAL));
        else for (const [key, value] of Object.entries(node)) if (value === MERGE_KEY) (node as Record<string, unknown>)[key] = LITERAL;
    }
}

function merge(mapping: Record<string, unknown>): void {
    const result = new Map<string, unknown>();
    for (const [key, value] of Object.entries(mapping)) {
        if (key !== MERGE_KEY) {
            result.set(key, value);
            continue;
        }
        const sources = Array.isArray(value) ? [...value].reverse() : [value];
        for (const source of sources) {
            if (!isMapping(source)) throw new MergeError("a merge key (<<) needs a mapping or a list of mappings; kubectl refuses the document");
            for (const [k, v] of Object.entries(source)) result.set(k, v);
        }
    }
    for (const key of Object.keys(mapping)) delete mapping[key];
    // Defined, not assigned: `mapping["__proto__"] = value` would set the prototype, where go-yaml has a plain key.
    for (const [key, value] of result) Object.defineProperty(mapping, key, { value, enumerable: true, writable: true, configurable: true });
}
