/**
 * Kubernetes objects out of YAML manifest text: multi-document streams and `kind: List` wrappers.
 *
 * js-yaml parses about ten times faster than the `yaml` package, which matters at tens of thousands of objects, but
 * it stops a stream at the first broken document. So the stream is cut into documents first, at the `---` and
 * `...` markers (a line starting with one cannot belong to any scalar, so the cut is exact for valid YAML), and each
 * document is parsed on its own: a broken one is reported and the rest are still read. Text that opens with `{` is cut
 * into JSON values first, as kubectl cuts it (see json-stream.ts); each value is then parsed as a YAML document (JSON
 * is YAML), so it gets the same duplicate-key refusal, errors with lines and bounds.
 */
import { load, YAMLException } from "js-yaml";
import { readBlockYaml, UNSUPPORTED } from "./block-yaml";
import { jsonStream } from "./json-stream";
import { namesBuiltInApi } from "./coverage";
import { asList, identityProblem, isKubeObject, type KubeObject } from "./kube-object";
import { applyMergeKeys, MAY_HOLD_MERGE, MergeError } from "./yaml-merge";
import { MANIFEST_SCHEMA, resolvePlainScalar } from "./yaml-schema";

/** A document that could not be parsed; `document` counts from 1 within the source. */
export interface ManifestError {
    readonly source: string;
    readonly document?: number;
    readonly message: string;
}

export interface ParsedManifest {
    readonly objects: KubeObject[];
    /** The document (counting from 1) each object came from, by index in `objects`. */
    readonly documents: number[];
    /** The line (counting from 1) that opens that document, by index in `objects`: its `---`, or its first content. */
    readonly lines: number[];
    readonly errors: ManifestError[];
    /** Things to tell the user that do not stop the check (an unrendered Helm template that still parsed). */
    readonly warnings: ManifestError[];
}

const BLANK_OR_COMMENT = /^[ \t]*(#.*)?$/;
const MERGE_TAG = "tag:yaml.org,2002:merge";

export interface DocumentText {
    /** Counts from 1, like the documents of the stream. */
    readonly number: number;
    /** Index of the document's first line in the whole text. */
    readonly firstLine: number;
    /** Index of the line that opens it: its `---` marker, or without one its first line of content. */
    readonly openingLine: number;
    /** The column its text starts at on its first line (a JSON value may follow another on one line). */
    readonly firstColumn: number;
    readonly text: string;
    /** Why the document was not read at all (a broken value in a JSON stream ends the file). */
    readonly problem?: string;
    /** A value of a JSON stream, which kubectl decodes as JSON rather than as YAML. */
    readonly json?: boolean;
}

/**
 * Every Kubernetes object in `text`. Documents that are empty or not Kubernetes objects are skipped; a document
 * that does not parse becomes an error and the other documents are still returned.
 */
export function parseManifest(text: string, source: string): ParsedManifest {
    const objects: KubeObject[] = [];
    const documents: number[] = [];
    const lines: number[] = [];
    const errors: ManifestError[] = [];
    const warnings: ManifestError[] = [];
    let templateReported = false;
    for (const document of documentsOf(text)) {
        if (document.problem !== undefined) {
            errors.push({ source, document: document.number, message: document.problem });
            continue;
        }
        const refused = document.json ? undefined : yamlOnlyKubectlProblem(document.text, document.firstLine);
        if (refused !== undefined) {
            errors.push({ source, document: document.number, message: refused });
            continue;
        }
        // Block-style YAML as renderers write it is read by the fast reader; the rest, and every error, by js-yaml.
        let value = readBlockYaml(document.text, resolvePlainScalar);
        const blockStyle = value !== UNSUPPORTED;
        if (!blockStyle) {
            try {
                value = load(document.text, { schema: MANIFEST_SCHEMA });
            } catch (error) {
                if (!(error instanceof YAMLException)) throw error;
                const { mark } = error;
                const where = mark === undefined ? "" : ` at line ${document.firstLine + mark.line + 1}, column ${(mark.line === 0 ? document.firstColumn : 0) + mark.column + 1}`;
                const template = templateAction(document, ACTION_LINE);
                // go-yaml merges an explicit !!merge key like a plain <<; the schema here knows only the plain one.
                const reason = error.reason === `unknown tag !<${MERGE_TAG}>` ? "an explicit merge tag (!!merge), which this reader does not take; allowed: a plain << (kubectl merges both alike)" : error.reason;
                errors.push({ source, document: document.number, message: `${reason}${where}${template === undefined ? "" : `; ${template}`}` });
                continue;
            }
        }
        // One warning per file: a chart's template names the same cause in every document.
        const template = templateReported ? undefined : templateAction(document);
        if (template !== undefined) {
            templateReported = true;
            warnings.push({ source, document: document.number, message: `${template}; until then its objects are checked as written` });
        }
        // The fast reader reads no aliases. Every alias node is a `*` and a name; where else a `*` stands (a scalar, a
        // comment) it only costs the two walks, which find no shared node. No narrower test: an alias it missed (one
        // right after a flow key's `:`, `{"k":*a}`, was) would let a cycle through, and the walks after it never end.
        const aliased = !blockStyle && document.text.includes("*");
        if (aliased && containsItself(value)) {
            errors.push({ source, document: document.number, message: CONTAINS_ITSELF });
            continue;
        }
        if (aliased && excessiveAliasing(value)) {
            errors.push({ source, document: document.number, message: EXCESSIVE_ALIASING });
            continue;
        }
        if (!document.json && MAY_HOLD_MERGE.test(document.text)) {
            try {
                applyMergeKeys(value);
            } catch (error) {
                if (!(error instanceof MergeError)) throw error;
                errors.push({ source, document: document.number, message: error.message });
                continue;
            }
        }
        if (NON_FINITE.test(document.text) && hasNonFinite(value)) {
            errors.push({ source, document: document.number, message: "holds .inf or .nan, which kubectl cannot turn into JSON (it refuses the document); allowed: finite numbers, or quote the text" });
            continue;
        }
        const before = objects.length;
        try {
            for (const problem of collectObjects(value, objects, aliased)) errors.push({ source, document: document.number, message: problem });
        } catch (error) {
            if (!(error instanceof TooManyObjects)) throw error;
            objects.length = before;
            errors.push({ source, document: document.number, message: `more than ${MAX_OBJECTS_PER_FILE} objects in this file; allowed: at most ${MAX_OBJECTS_PER_FILE} per file (split it); this document was not checked` });
            continue;
        }
        for (let i = before; i < objects.length; i++) {
            documents.push(document.number);
            lines.push(document.openingLine + 1);
        }
    }
    return { objects, documents, lines, errors, warnings };
}

// go-yaml (kubectl) breaks lines at NEL, LINE SEPARATOR and PARAGRAPH SEPARATOR as well; js-yaml and the block reader
// do not, so `# note<U+2028>hostNetwork: true` would be a comment here and a field there.
const FOREIGN_LINE_BREAK = /[\u0085\u2028\u2029]/;

// An empty sequence entry (`-` alone) followed by a less indented `-`: js-yaml makes the next entry part of the inner
// sequence, go-yaml ends the inner sequence there, so a whole Pod could hide in a container's `args`.
const EMPTY_ENTRY = /^( *)-[ \t]*(?:#.*)?$/gm;
// Where an empty entry may be: a "-" after a space or line break, then nothing but blanks or a comment on its line (a
// lone carriage return ends a line for EMPTY_ENTRY's ^ and $ too; U+2028 and U+2029, which do as well, were refused
// before). Scanned first: several times faster than EMPTY_ENTRY, and it finds nothing in most documents.
const MAYBE_EMPTY_ENTRY = /(?:^|[\n\r ])-[ \t]*(?:[\n\r#]|$)/;
const ENTRY = /^( *)-(?:[ \t]|$)/;
const BLANK_LINE = /^[ \t]*(?:#.*)?$/;

/**
 * Why kubectl would read a YAML document (from line `firstLine` of its file) differently from both readers here, so it
 * must not be judged, or undefined.
 */
function yamlOnlyKubectlProblem(text: string, firstLine: number): string | undefined {
    // Lines of the file, as the parser's errors give them: the document's first line is `firstLine` (from 0).
    const lineAt = (index: number) => firstLine + lineOf(text, index);
    const foreign = FOREIGN_LINE_BREAK.exec(text);
    if (foreign !== null) {
        const code = foreign[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, "0");
        return `contains U+${code} at line ${lineAt(foreign.index)}, which kubectl's YAML reader takes for a line break; allowed: ordinary line breaks (write the character escaped in a double-quoted string)`;
    }
    if (!MAYBE_EMPTY_ENTRY.test(text)) return undefined;
    for (const empty of text.matchAll(EMPTY_ENTRY)) {
        let next = text.indexOf("\n", empty.index) + 1;
        while (next > 0 && next < text.length) {
            const end = text.indexOf("\n", next);
            const line = text.slice(next, end === -1 ? text.length : end);
            if (!BLANK_LINE.test(line)) {
                const entry = ENTRY.exec(line);
                if (entry !== null && entry[1].length < empty[1].length) {
                    return `has an empty "-" entry at line ${lineAt(empty.index)} followed by a less indented "-" entry, which kubectl and this reader take for different lists; allowed: "- null" (or "- ~") for an empty entry, or consistent indentation`;
                }
                break;
            }
            next = end === -1 ? text.length : end + 1;
        }
    }
    return undefined;
}

const lineOf = (text: string, index: number): number => text.slice(0, index).split("\n").length;

const NON_FINITE = /\.(?:inf|Inf|INF|nan|NaN|NAN)\b/;

/** Whether a parsed document holds Infinity or NaN (go-yaml's `.inf`, `.nan`). Iterative; shared nodes walked once. */
function hasNonFinite(value: unknown): boolean {
    const seen = new Set<object>();
    const pending: unknown[] = [value];
    while (pending.length > 0) {
        const next = pending.pop();
        if (typeof next === "number") {
            if (!Number.isFinite(next)) return true;
        } else if (typeof next === "object" && next !== null && !seen.has(next)) {
            seen.add(next);
            for (const child of Array.isArray(next) ? next : Object.values(next)) pending.push(child);
        }
    }
    return false;
}

export function formatManifestError(error: ManifestError): string {
    return `${error.source}: ${error.document === undefined ? "" : `document ${error.document}: `}${error.message}`;
}

/** The documents of a manifest: the values of a JSON stream (and the YAML after them, if any), or of a YAML stream. */
function documentsOf(text: string): DocumentText[] {
    const stream = jsonStream(text);
    if (stream === undefined) return splitDocuments(text);
    const lines = new LineCounter(text);
    const documents: DocumentText[] = stream.values.map(({ start, end }, index) => {
        const { line, column } = lines.at(start);
        return { number: index + 1, firstLine: line, openingLine: line, firstColumn: column, text: text.slice(start, end), json: true };
    });
    if (stream.broken !== undefined) {
        const { line, column } = lines.at(stream.broken.start);
        documents.push({
            number: documents.length + 1, firstLine: line, openingLine: line, firstColumn: column, text: "",
            problem: `not JSON at line ${line + 1}, column ${column + 1}, after ${documents.length} JSON objects (kubectl reads a stream that opens with "{" as JSON objects and stops here too): ${stream.broken.message}; the rest of the file was not read`,
        });
    } else if (stream.yamlFrom !== undefined) {
        const { line, column } = lines.at(stream.yamlFrom);
        for (const document of splitDocuments(text.slice(stream.yamlFrom))) {
            documents.push({
                ...document, number: documents.length + 1, firstLine: document.firstLine + line, openingLine: document.openingLine + line,
                firstColumn: document.firstLine === 0 ? column : 0,
            });
        }
    }
    return documents;
}

/** Line and column (from 0) of offsets in a text, asked in increasing order: one pass over the text in all. */
class LineCounter {
    private line = 0;
    private lineStart = 0;
    private scanned = 0;

    constructor(private readonly text: string) {}

    at(offset: number): { line: number; column: number } {
        for (; this.scanned < offset; this.scanned++) {
            if (this.text.charCodeAt(this.scanned) === 10) {
                this.line++;
                this.lineStart = this.scanned + 1;
            }
        }
        return { line: this.line, column: offset - this.lineStart };
    }
}

/**
 * The documents of a YAML stream. A document begins at `---` (which may carry content on its line) or, for the
 * first one, at any content; `...` ends one. Directives (`%YAML`) stay with the document they introduce. Lines are
 * found by offset, not split into strings: a stream may hold millions of them.
 */
export function splitDocuments(stream: string): DocumentText[] {
    // A byte order mark may open any document of a concatenated stream, not only the first.
    let text = stream.includes("\uFEFF") ? stream.replace(/^\uFEFF/gm, "") : stream;
    if (text.includes("\r\n")) text = text.replace(/\r\n/g, "\n");
    const documents: DocumentText[] = [];
    let start = 0;
    let startLine = 0;
    let opening: number | undefined;
    /** Where the separator line that opens the current document starts and ends, if one does. */
    let separator: [start: number, end: number] | undefined;
    let explicit = false;
    let hasContent = false;
    // After `...` go-yaml has its document: kubectl never reads what follows until the next separator.
    let ignoring = false;
    const finish = (end: number): void => {
        if (!explicit && !hasContent) return;
        // The separator as js-yaml reads one (`---#note` is a separator to kubectl, a key to YAML), keeping line numbers.
        // A bare `---` line is kept as it is: a slice of the file's text is read in place, where a concatenation would be
        // copied into a new string by the first character read from it.
        const body = separator === undefined || separator[1] - separator[0] === 3
            ? text.slice(start, end)
            : `${text.slice(start, separator[0])}---${text.slice(separator[1], Math.max(separator[1], end))}`;
        documents.push({ number: documents.length + 1, firstLine: startLine, openingLine: opening ?? startLine, firstColumn: 0, text: body });
    };
    for (let lineStart = 0, line = 0; ; line++) {
        const newline = text.indexOf("\n", lineStart);
        const lineEnd = newline === -1 ? text.length : newline;
        const marker = markerAt(text, lineStart, lineEnd);
        if (marker === "invalid") {
            if (!ignoring) finish(lineStart);
            documents.push({
                number: documents.length + 1, firstLine: line, openingLine: line, firstColumn: 0, text: "",
                problem: `line ${line + 1} starts with "---" and goes on with ${JSON.stringify(text.slice(lineStart + 3, Math.min(lineEnd, lineStart + 40)))}: kubectl refuses such a document separator (only a comment may follow it), so it applies nothing from this file; the rest of the file was not read`,
            });
            return documents;
        }
        if (marker === "---") {
            // Lines before the marker that hold no content (comments, directives) open this document.
            if (!ignoring && (explicit || hasContent)) finish(lineStart);
            if (ignoring || explicit || hasContent) {
                start = lineStart;
                startLine = line;
            }
            separator = [lineStart, lineEnd];
            opening = line;
            explicit = true;
            hasContent = false;
            ignoring = false;
        } else if (ignoring) {
            // Skipped, as go-yaml skips it.
        } else if (marker === "...") {
            finish(lineEnd);
            opening = undefined;
            separator = undefined;
            explicit = false;
            hasContent = false;
            ignoring = true;
        } else if (!hasContent && text.charCodeAt(lineStart) !== 0x25 /* % */ && !BLANK_OR_COMMENT.test(text.slice(lineStart, lineEnd))) {
            opening ??= line;
            hasContent = true;
        }
        if (newline === -1) break;
        lineStart = newline + 1;
    }
    if (!ignoring) finish(text.length);
    return documents;
}

/**
 * How kubectl's YAML reader (apimachinery's YAMLReader) sees a line: any line that starts with `---` separates documents
 * when nothing but white space or a comment follows, and is refused otherwise (`--- {a: 1}`, `---x: 1`); `...` ends a
 * document for go-yaml when alone or before a space or tab.
 */
function markerAt(text: string, start: number, end: number): "---" | "..." | "invalid" | undefined {
    const c = text.charCodeAt(start);
    if ((c !== 0x2d /* - */ && c !== 0x2e /* . */) || text.charCodeAt(start + 1) !== c || text.charCodeAt(start + 2) !== c) return undefined;
    if (c === 0x2e) {
        const next = start + 3 === end ? undefined : text.charCodeAt(start + 3);
        return next === undefined || next === 0x20 || next === 0x09 ? "..." : undefined;
    }
    const rest = text.slice(start + 3, end).trim();
    return rest === "" || rest.startsWith("#") ? "---" : "invalid";
}

/**
 * The most objects one file may hold. YAML aliases make nested `List`s share items, so a few hundred bytes can name
 * billions of objects; stopping at this count keeps the walk linear in what it returns. Far above real manifests.
 */
export const MAX_OBJECTS_PER_FILE = 200_000;

class TooManyObjects extends Error {}

/**
 * Adds `value` if it is a Kubernetes object, or the items of a `List` (`kind: List`, `PodList`, ...), and returns why a
 * mapping that names an apiVersion and a kind is still none (`kind: 123`). Iterative, so no nesting depth of Lists
 * exhausts the stack.
 */
function collectObjects(value: unknown, into: KubeObject[], aliased: boolean): string[] {
    const problems: string[] = [];
    // An aliased object listed twice (`items: [*a, *a]`) is two objects to kubectl, and must be two here: rules key
    // their findings by object, and a copy that crossed threads as JSON is one already.
    const collected = aliased ? new Set<KubeObject>() : undefined;
    // Each value with the path of the List holding it and its index there (-1 for the document itself); the path of
    // an item is spelled out only for a problem or a List nested in a List.
    const pending: Array<[value: unknown, list: string, index: number]> = [[value, "", -1]];
    const pathOf = (list: string, index: number): string => (index < 0 ? "" : `${list}items[${index}]`);
    while (pending.length > 0) {
        const [next, list, index] = pending.pop() as [unknown, string, number];
        if (!isKubeObject(next)) {
            const problem = index < 0 && Array.isArray(next) ? topLevelListProblem(next) : identityProblem(next, index >= 0, namesBuiltInApi);
            if (problem !== undefined) problems.push(index < 0 ? problem : `${pathOf(list, index)}: ${problem}`);
            continue;
        }
        // kubectl applies the items of any object with an `items` array instead of the object (Unstructured.IsList), so a
        // ConfigMap with items is a List to it; judging the wrapper would let what it carries pass unchecked.
        if (Array.isArray(next.items)) {
            // One push per item: spreading a long List into push's arguments overflows the stack.
            const items = asList(next.items);
            const path = index < 0 ? "" : `${pathOf(list, index)}.`;
            for (let i = items.length - 1; i >= 0; i--) pending.push([items[i], path, i]);
        } else {
            if (into.length >= MAX_OBJECTS_PER_FILE) throw new TooManyObjects();
            into.push(collected?.has(next) ? structuredClone(next) : next);
            collected?.add(next);
        }
    }
    return problems;
}

/**
 * Why a document that is a sequence holding Kubernetes objects is refused: kubectl decodes each document into one
 * object, and a sequence is none. A sequence of anything else is other YAML.
 */
function topLevelListProblem(list: unknown[]): string | undefined {
    if (!list.some((item) => isKubeObject(item) || identityProblem(item, false, namesBuiltInApi) !== undefined)) return undefined;
    return `a list of ${list.length} item(s) at the top of the document, which kubectl refuses (it reads one object per document); allowed: one object per document, separated by "---", or a kind: List with the objects under items`;
}

const CONTAINS_ITSELF =
    "an anchor's value contains an alias of that anchor (the document would be infinite); Kubernetes refuses it (\"anchor ... value contains itself\"), so it was not checked";

/**
 * Whether the document's value reaches itself: an alias inside its own anchor's node, which go-yaml refuses and js-yaml
 * turns into a cycle that every walk below would follow forever. A depth-first walk that meets a node on its own path.
 */
export function containsItself(value: unknown): boolean {
    // true: on the current path; false: every node below it walked.
    const onPath = new Map<object, boolean>();
    const path: Array<{ node: object; children: unknown[]; next: number }> = [];
    const enter = (node: unknown): boolean => {
        if (typeof node !== "object" || node === null) return false;
        const state = onPath.get(node);
        if (state !== undefined) return state;
        onPath.set(node, true);
        path.push({ node, children: Array.isArray(node) ? node : Object.values(node), next: 0 });
        return false;
    };
    if (enter(value)) return true;
    while (path.length > 0) {
        const top = path[path.length - 1];
        if (top.next === top.children.length) {
            onPath.set(top.node, false);
            path.pop();
        } else if (enter(top.children[top.next++])) {
            return true;
        }
    }
    return false;
}

const EXCESSIVE_ALIASING =
    "document contains excessive aliasing (YAML aliases expand it far beyond its text); Kubernetes refuses it with the same words, so it was not checked";

/**
 * Whether a document expands through aliases the way Kubernetes refuses. kubectl and the API server decode YAML with
 * go-yaml v2 (through sigs.k8s.io/yaml), which since the billion-laughs fix (CVE-2019-11253) counts every node it
 * decodes and every node it decodes inside an alias, and fails once more than 100 of 1000+ nodes came from aliases at
 * a ratio above allowedAliasRatio (0.99 up to 400,000 nodes, falling linearly to 0.10 at 4,000,000). js-yaml shares
 * aliased nodes instead of copying them, so the same count is made here by walking the expansion: a collection met a
 * second time is an alias node (decoded outside any alias unless nested in one) standing for its target, and the
 * target with everything below it (mapping keys included) is decoded inside an alias. The walk stops as soon as the
 * limit trips, so its cost is bounded by the document's own size, as go-yaml's is.
 */
export function excessiveAliasing(value: unknown): boolean {
    const seen = new Set<object>();
    const pending: Array<[node: unknown, inAlias: boolean]> = [[value, false]];
    let decoded = 0;
    let aliased = 0;
    const count = (nodes: number, inAlias: boolean): boolean => {
        decoded += nodes;
        if (inAlias) aliased += nodes;
        return aliased > 100 && decoded > 1000 && aliased / decoded > allowedAliasRatio(decoded);
    };
    while (pending.length > 0) {
        const [node, inAlias] = pending.pop() as [unknown, boolean];
        if (count(1, inAlias)) return true;
        if (typeof node !== "object" || node === null) continue;
        const alias = seen.has(node);
        // The alias node was counted above; its target is decoded inside the alias.
        if (alias && count(1, true)) return true;
        seen.add(node);
        const children = Array.isArray(node) ? node : Object.values(node);
        if (!Array.isArray(node) && count(children.length, inAlias || alias)) return true;
        for (const child of children) pending.push([child, inAlias || alias]);
    }
    return false;
}

/** go-yaml v2's allowedAliasRatio, number for number. */
function allowedAliasRatio(decoded: number): number {
    if (decoded <= 400_000) return 0.99;
    if (decoded >= 4_000_000) return 0.1;
    return 0.99 - (0.89 * (decoded - 400_000)) / 3_600_000;
}

// Helm's own objects and functions. Prometheus alert texts, Alertmanager and Argo templates use `{{ }}` in their values
// too, even as lines of their own in block scalars, but never these.
// The regexes below run on one action at a time (ACTION finds them, at most MAX_ACTION characters long, without
// backtracking), so a document of unclosed `{{` costs linear time.
const MAX_ACTION = 400;
const ACTION = new RegExp(`\\{\\{[^{}\\n]{0,${MAX_ACTION}}\\}\\}`, "g");
const HELM_ACTION = /^\{\{-?\s*(?:.*\.(?:Values|Release|Chart|Capabilities|Files|Template)\b|(?:include|toYaml|tpl|required|lookup)\b)/;
// A template action as a line of its own (`{{- if ... }}`, `{{ end }}`): a sign only when the document does not parse.
const ACTION_LINE = /^[ \t]*$/;

/** A hint when a document looks like an unrendered Helm template, naming the first template action found. */
function templateAction(document: DocumentText, orElse?: RegExp): string | undefined {
    const text = document.text;
    if (!text.includes("{{")) return undefined;
    let lineAlone: RegExpExecArray | undefined;
    for (const match of text.matchAll(ACTION)) {
        if (HELM_ACTION.test(match[0])) return helmHint(document, match[0], match.index);
        // Alone on its line: only white space between the action and the line's ends.
        if (orElse && lineAlone === undefined) {
            const before = text.slice(text.lastIndexOf("\n", match.index) + 1, match.index);
            const afterEnd = text.indexOf("\n", match.index);
            const after = text.slice(match.index + match[0].length, afterEnd === -1 ? text.length : afterEnd);
            if (orElse.test(before) && orElse.test(after)) lineAlone = match as RegExpExecArray;
        }
    }
    return lineAlone === undefined ? undefined : helmHint(document, lineAlone[0], lineAlone.index);
}

function helmHint(document: DocumentText, action: string, index: number): string {
    const line = document.firstLine + document.text.slice(0, index).split("\n").length;
    return `this looks like an unrendered Helm template (${JSON.stringify(action.trim())} at line ${line}): render it with \`helm template\` and check the output`;
}
