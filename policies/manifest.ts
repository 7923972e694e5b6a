/**
 * Kubernetes objects out of YAML manifest text: multi-document streams and `kind: List` wrappers.
 *
 * js-yaml parses about ten times faster than the `yaml` package, which matters at tens of thousands of objects, but
 * it stops a stream at the first broken document. So the stream is cut into documents first, at the `---` and
 * `...` markers (a line starting with one cannot belong to any scalar, so the cut is exact for valid YAML), and each
 * document is parsed on its own: a broken one is reported and the rest are still read.
 */
import { CORE_SCHEMA, load, Type, YAMLException } from "js-yaml";
import { asList, isKubeObject, type KubeObject } from "./kube-object";

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
}

// kubectl and the API server read YAML through sigs.k8s.io/yaml, which turns it into JSON with its fork of go-yaml v2,
// a YAML 1.1 parser: besides true/false, a plain `yes`, `on`, `y` is true and `no`, `off`, `n` is false (go-yaml v2's
// resolve table, every case variant it lists). So `hostNetwork: yes` runs a pod on the host network, and a rule must
// read it as true. Quoted strings stay strings, as they do there.
// This type replaces js-yaml's own bool type (one type per tag), so it lists true/false too.
const YAML11_TRUE = new Set(["true", "True", "TRUE", "y", "Y", "yes", "Yes", "YES", "on", "On", "ON"]);
const YAML11_FALSE = new Set(["false", "False", "FALSE", "n", "N", "no", "No", "NO", "off", "Off", "OFF"]);
const YAML11_BOOL = new Type("tag:yaml.org,2002:bool", {
    kind: "scalar",
    resolve: (data: unknown) => typeof data === "string" && (YAML11_TRUE.has(data) || YAML11_FALSE.has(data)),
    construct: (data: string) => YAML11_TRUE.has(data),
});

/**
 * YAML 1.2 core types, the YAML 1.1 booleans above, and merge keys (`<<`), as kubectl reads manifests; dates stay
 * strings. js-yaml merges any key resolved to the merge tag, the way its own default schema declares it.
 */
const SCHEMA = CORE_SCHEMA.extend({
    implicit: [YAML11_BOOL, new Type("tag:yaml.org,2002:merge", { kind: "scalar", resolve: (data: unknown) => data === "<<" || data === null })],
});

const MARKER = /^(---|\.\.\.)(?=[ \t]|$)/;
const BLANK_OR_COMMENT = /^[ \t]*(#.*)?$/;

interface DocumentText {
    /** Counts from 1, like the documents of the stream. */
    readonly number: number;
    /** Index of the document's first line in the whole text. */
    readonly firstLine: number;
    /** Index of the line that opens it: its `---` marker, or without one its first line of content. */
    readonly openingLine: number;
    readonly text: string;
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
    for (const document of splitDocuments(text)) {
        let value: unknown;
        try {
            value = load(document.text, { schema: SCHEMA });
        } catch (error) {
            if (!(error instanceof YAMLException)) throw error;
            const where = error.mark === undefined ? "" : ` at line ${document.firstLine + error.mark.line + 1}, column ${error.mark.column + 1}`;
            errors.push({ source, document: document.number, message: `${error.reason}${where}` });
            continue;
        }
        const before = objects.length;
        try {
            collectObjects(value, objects);
        } catch (error) {
            if (!(error instanceof TooManyObjects)) throw error;
            objects.length = before;
            errors.push({ source, document: document.number, message: `more than ${MAX_OBJECTS_PER_FILE} objects (nested Lists sharing items through YAML aliases?); this document was not checked` });
            continue;
        }
        for (let i = before; i < objects.length; i++) {
            documents.push(document.number);
            lines.push(document.openingLine + 1);
        }
    }
    return { objects, documents, lines, errors };
}

export function formatManifestError(error: ManifestError): string {
    return `${error.source}: ${error.document === undefined ? "" : `document ${error.document}: `}${error.message}`;
}

/**
 * The documents of a YAML stream. A document begins at `---` (which may carry content on its line) or, for the
 * first one, at any content; `...` ends one. Directives (`%YAML`) stay with the document they introduce.
 */
function splitDocuments(stream: string): DocumentText[] {
    // A byte order mark may open any document of a concatenated stream, not only the first.
    const lines = stream.replace(/^\uFEFF/gm, "").split(/\r?\n/);
    const documents: DocumentText[] = [];
    let start = 0;
    let opening: number | undefined;
    let explicit = false;
    let hasContent = false;
    const finish = (end: number): void => {
        if (explicit || hasContent) {
            documents.push({ number: documents.length + 1, firstLine: start, openingLine: opening ?? start, text: lines.slice(start, end).join("\n") });
        }
    };
    lines.forEach((line, index) => {
        const marker = MARKER.exec(line)?.[1];
        if (marker === "---") {
            // Lines before the marker that hold no content (comments, directives) open this document.
            if (explicit || hasContent) {
                finish(index);
                start = index;
            }
            opening = index;
            explicit = true;
            hasContent = false;
        } else if (marker === "...") {
            finish(index + 1);
            start = index + 1;
            opening = undefined;
            explicit = false;
            hasContent = false;
        } else if (!BLANK_OR_COMMENT.test(line) && !line.startsWith("%")) {
            opening ??= index;
            hasContent = true;
        }
    });
    finish(lines.length);
    return documents;
}

/** Adds `value` if it is a Kubernetes object, or the items of a `List` (`kind: List`, `PodList`, ...). */
/**
 * The most objects one file may hold. YAML aliases make nested `List`s share items, so a few hundred bytes can name
 * billions of objects; stopping at this count keeps the walk linear in what it returns. Far above real manifests.
 */
export const MAX_OBJECTS_PER_FILE = 200_000;

class TooManyObjects extends Error {}

/**
 * Adds `value` if it is a Kubernetes object, or the items of a `List` (`kind: List`, `PodList`, ...). Iterative, so no
 * nesting depth of Lists exhausts the stack.
 */
function collectObjects(value: unknown, into: KubeObject[]): void {
    const pending: unknown[] = [value];
    while (pending.length > 0) {
        const next = pending.pop();
        if (!isKubeObject(next)) continue;
        if (next.kind.endsWith("List") && Array.isArray(next.items)) {
            pending.push(...[...asList(next.items)].reverse());
        } else {
            if (into.length >= MAX_OBJECTS_PER_FILE) throw new TooManyObjects();
            into.push(next);
        }
    }
}
