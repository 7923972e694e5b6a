/**
 * A fast reader for the YAML that renderers write (kube-appstack render, kubectl, helm template): block mappings and
 * sequences of single-line plain and quoted scalars, literal block scalars (`|`) and empty flow collections. It reads
 * such a document several times faster than js-yaml, which matters at tens of thousands of objects.
 *
 * Anything outside that subset makes it return UNSUPPORTED, and the caller reads the document with js-yaml instead:
 * anchors, aliases and tags, merge keys, flow collections with content, multi-line flow scalars, folded block scalars,
 * tabs or carriage returns, directives, non-printable characters, duplicate keys, deep nesting. Within the subset it
 * returns what js-yaml returns (test/policies/block-yaml.test.ts compares the two on generated documents), including
 * when js-yaml would reject the document: what js-yaml refuses, this reader never accepts.
 */

/** Returned for a document outside the subset. */
export const UNSUPPORTED: unique symbol = Symbol("unsupported YAML");

/** What a plain (unquoted) scalar means: js-yaml's implicit types of the schema in use, in its order. */
export type ResolvePlain = (text: string) => unknown;

/** js-yaml refuses nesting beyond 100 nodes; staying well under it keeps the two readers' verdicts equal. */
const MAX_DEPTH = 60;

const SPACE = 0x20;
const TAB = 0x09;
const NEWLINE = 0x0a;
const HASH = 0x23;
const COLON = 0x3a;
const DASH = 0x2d;
const DOUBLE_QUOTE = 0x22;
const SINGLE_QUOTE = 0x27;
const BACKSLASH = 0x5c;

// js-yaml's check for characters no YAML stream may hold (PATTERN_NON_PRINTABLE), and carriage returns, which it
// reads as line breaks where this reader does not.
const OUTSIDE_SUBSET_CHARACTERS = /[\r\x00-\x08\x0B\x0C\x0E-\x1F\x7F-\x84\x86-\x9F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?:[^\uD800-\uDBFF]|^)[\uDC00-\uDFFF]/;
// The same characters, NEL and every surrogate as one class: scanned several times faster, and nearly never found.
const MAYBE_OUTSIDE_SUBSET = /[\r\x00-\x08\x0B\x0C\x0E-\x1F\x7F-\x9F\uD800-\uDFFF\uFFFE\uFFFF]/;

/** Characters that cannot start a plain scalar or a plain key, as js-yaml's readPlainScalar lists them. */
const NOT_PLAIN_START = new Set([..."\t ,[]{}#&*!|>'\"%@`"].map((c) => c.charCodeAt(0)));

/** One-character escapes of double-quoted scalars (js-yaml's simpleEscapeSequence). */
const ESCAPES = new Map<number, string>([
    ["0", "\x00"], ["a", "\x07"], ["b", "\x08"], ["t", "\x09"], ["\t", "\x09"], ["n", "\x0A"], ["v", "\x0B"], ["f", "\x0C"],
    ["r", "\x0D"], ["e", "\x1B"], [" ", " "], ['"', '"'], ["/", "/"], ["\\", "\\"], ["N", "\x85"], ["_", "\xA0"],
    ["L", "\u2028"], ["P", "\u2029"],
].map(([escape, character]) => [escape.charCodeAt(0), character]));
const HEX_ESCAPE_LENGTHS = new Map([["x", 2], ["u", 4], ["U", 8]].map(([escape, length]) => [(escape as string).charCodeAt(0), length as number]));

/** Thrown inside the reader for input outside the subset; never escapes it. */
class Unsupported {}
const UNSUPPORTED_INPUT = new Unsupported();

function unsupported(): never {
    throw UNSUPPORTED_INPUT;
}

/** The value of one YAML document (the text between two `---` markers), or UNSUPPORTED. */
export function readBlockYaml(text: string, resolvePlain: ResolvePlain): unknown {
    if (MAYBE_OUTSIDE_SUBSET.test(text) && OUTSIDE_SUBSET_CHARACTERS.test(text)) return UNSUPPORTED;
    try {
        return new BlockReader(text, resolvePlain).document();
    } catch (error) {
        if (error === UNSUPPORTED_INPUT) return UNSUPPORTED;
        throw error;
    }
}

/**
 * Reads line by line. The current line is the next one holding content (blank and comment-only lines are skipped):
 * it starts at `lineStart`, its content at column `column` (which a compact `- key: value` moves past the dash), and
 * it ends at `lineEnd`; `atEnd` once the document has no more content.
 */
class BlockReader {
    private lineStart = 0;
    private lineEnd = 0;
    private column = 0;
    private atEnd = false;
    private depth = 0;
    /** Past the document's opening lines, where a `---` can only belong to another document. */
    private inBody = false;

    constructor(private readonly text: string, private readonly resolvePlain: ResolvePlain) {}

    document(): unknown {
        this.seekContent(0);
        // Directives (`%YAML`) and empty documents are js-yaml's.
        if (this.atEnd || this.text.charCodeAt(this.lineStart) === 0x25 /* % */) unsupported();
        if (this.column === 0 && this.isMarker(DASH)) {
            // `---` may only carry a comment here: content on the marker line is left to js-yaml.
            this.expectLineEnd(this.lineStart + 3);
            this.seekContent(this.lineEnd + 1);
            if (this.atEnd) unsupported();
        }
        this.inBody = true;
        const value = this.block();
        if (!this.atEnd) unsupported();
        return value;
    }

    /** Moves to the first line from `from` that holds content; `...` ends the document. */
    private seekContent(from: number): void {
        const text = this.text;
        let start = from;
        while (start < text.length) {
            let end = text.indexOf("\n", start);
            if (end === -1) end = text.length;
            let i = start;
            while (i < end && text.charCodeAt(i) === SPACE) i++;
            const c = i < end ? text.charCodeAt(i) : NEWLINE;
            if (c === TAB) unsupported();
            if (c !== NEWLINE && c !== HASH) {
                this.lineStart = start;
                this.lineEnd = end;
                this.column = i - start;
                // js-yaml takes a line starting `---` for a marker even when more follows; such lines are left to it.
                if (this.column === 0 && (this.startsWithThree(DASH) || this.startsWithThree(0x2e)) && !this.isMarker(DASH) && !this.isMarker(0x2e)) unsupported();
                if (this.column === 0 && this.isMarker(0x2e /* . */)) {
                    this.expectLineEnd(start + 3);
                    this.seekContent(end + 1);
                    if (!this.atEnd) unsupported();
                    return;
                }
                if (this.column === 0 && this.inBody && this.isMarker(DASH)) unsupported();
                return;
            }
            start = end + 1;
        }
        this.atEnd = true;
    }

    private startsWithThree(c: number): boolean {
        const text = this.text;
        const at = this.lineStart;
        return text.charCodeAt(at) === c && text.charCodeAt(at + 1) === c && text.charCodeAt(at + 2) === c;
    }

    /** Whether the current line is `---` or `...` (with `c` the marker's character). */
    private isMarker(c: number): boolean {
        const text = this.text;
        const at = this.lineStart;
        if (!this.startsWithThree(c)) return false;
        const next = at + 3 < this.lineEnd ? text.charCodeAt(at + 3) : NEWLINE;
        return next === SPACE || next === NEWLINE || next === TAB;
    }

    /** From `at`, only spaces and a comment may follow on the line. */
    private expectLineEnd(at: number): void {
        const text = this.text;
        let i = at;
        while (i < this.lineEnd && text.charCodeAt(i) === SPACE) i++;
        if (i < this.lineEnd && !(text.charCodeAt(i) === HASH && i > at)) unsupported();
    }

    private nextLine(): void {
        this.seekContent(this.lineEnd + 1);
    }

    /** The content of the current line starts a sequence entry: `-` followed by a space or the line's end. */
    private atSequenceEntry(): boolean {
        const at = this.lineStart + this.column;
        if (this.text.charCodeAt(at) !== DASH) return false;
        return at + 1 === this.lineEnd || this.text.charCodeAt(at + 1) === SPACE;
    }

    /** A mapping or sequence starting at the current line's content. */
    private block(): unknown {
        if (++this.depth > MAX_DEPTH) unsupported();
        const value = this.atSequenceEntry() ? this.sequence(this.column) : this.mapping(this.column);
        this.depth--;
        return value;
    }

    private sequence(indent: number): unknown[] {
        const items: unknown[] = [];
        for (;;) {
            const text = this.text;
            let i = this.lineStart + indent + 1;
            while (i < this.lineEnd && text.charCodeAt(i) === SPACE) i++;
            if (i === this.lineEnd || text.charCodeAt(i) === HASH) {
                this.nextLine();
                // js-yaml takes a less indented `- ` after an empty entry for this sequence's next entry; left to it.
                if (!this.atEnd && this.column < indent && this.atSequenceEntry()) unsupported();
                items.push(!this.atEnd && this.column > indent ? this.block() : null);
            } else {
                this.column = i - this.lineStart;
                if (this.atSequenceEntry() || this.keyEnd(i) !== -1) items.push(this.block());
                else items.push(this.scalar(i, indent));
            }
            if (this.atEnd || this.column < indent) return items;
            if (this.column > indent) unsupported();
            if (!this.atSequenceEntry()) return items;
        }
    }

    private mapping(indent: number): Record<string, unknown> {
        const result: Record<string, unknown> = {};
        for (;;) {
            const text = this.text;
            const start = this.lineStart + indent;
            const colon = this.keyEnd(start);
            if (colon === -1) unsupported();
            const first = text.charCodeAt(start);
            const key = first === DOUBLE_QUOTE || first === SINGLE_QUOTE ? this.quoted(start).value : this.plainKey(text.slice(start, colon));
            // A key already set is a duplicate, which js-yaml refuses; a key Object.prototype has (`constructor`) is left to it too.
            if (result[key] !== undefined) unsupported();
            let i = colon + 1;
            while (i < this.lineEnd && text.charCodeAt(i) === SPACE) i++;
            if (i === this.lineEnd || text.charCodeAt(i) === HASH) {
                this.nextLine();
                if (this.atEnd || this.column < indent) result[key] = null;
                else if (this.column > indent || this.atSequenceEntry()) result[key] = this.column > indent ? this.block() : this.sequenceAt(indent);
                else result[key] = null;
            } else {
                result[key] = this.scalar(i, indent);
            }
            if (this.atEnd || this.column < indent) return result;
            if (this.column > indent || this.atSequenceEntry()) unsupported();
        }
    }

    /** A block sequence at the indentation of the key it is the value of, as kubectl writes them. */
    private sequenceAt(indent: number): unknown[] {
        if (++this.depth > MAX_DEPTH) unsupported();
        const items = this.sequence(indent);
        this.depth--;
        return items;
    }

    /** A key's text as a string, as js-yaml converts it: a plain key goes through the implicit types first. */
    private plainKey(raw: string): string {
        // `<<` merges another mapping in; js-yaml handles merge keys.
        if (raw === "<<") unsupported();
        return String(this.resolvePlain(raw));
    }

    /**
     * If a mapping key starts at `at`, the index of the `:` that ends it (followed by a space or the line's end);
     * otherwise -1. Keys are plain or quoted, on one line.
     */
    private keyEnd(at: number): number {
        const text = this.text;
        const end = this.lineEnd;
        const first = text.charCodeAt(at);
        let i: number;
        if (first === DOUBLE_QUOTE || first === SINGLE_QUOTE) {
            i = this.quoted(at).end;
        } else {
            const indicator = first === 0x3f /* ? */ || first === COLON || first === DASH;
            if (NOT_PLAIN_START.has(first) || (indicator && (at + 1 === end || text.charCodeAt(at + 1) === SPACE))) return -1;
            i = at;
            for (; i < end; i++) {
                const c = text.charCodeAt(i);
                if (c === COLON && (i + 1 === end || text.charCodeAt(i + 1) === SPACE)) break;
                if (c === TAB || (c === HASH && text.charCodeAt(i - 1) === SPACE)) return -1;
            }
            if (i === end) return -1;
            // `key : value` is a key with trailing spaces; js-yaml reads it, this reader leaves it to js-yaml.
            if (text.charCodeAt(i - 1) === SPACE) unsupported();
        }
        if (i < end && text.charCodeAt(i) === COLON && (i + 1 === end || text.charCodeAt(i + 1) === SPACE)) return i;
        return -1;
    }

    /** A scalar value starting at `at` on the current line, in a collection at `indent`; moves to the next line. */
    private scalar(at: number, indent: number): unknown {
        const text = this.text;
        const first = text.charCodeAt(at);
        let value: unknown;
        if (first === 0x7c /* | */) {
            return this.literal(at, indent);
        } else if (first === DOUBLE_QUOTE || first === SINGLE_QUOTE) {
            const quoted = this.quoted(at);
            this.expectLineEnd(quoted.end);
            value = quoted.value;
        } else if ((first === 0x5b /* [ */ || first === 0x7b /* { */) && text.charCodeAt(at + 1) === first + 2) {
            this.expectLineEnd(at + 2);
            value = first === 0x5b ? [] : {};
        } else {
            if (NOT_PLAIN_START.has(first) || first === COLON || first === 0x3f /* ? */) unsupported();
            if (first === DASH && (at + 1 === this.lineEnd || text.charCodeAt(at + 1) === SPACE)) unsupported();
            let end = at;
            let i = at;
            for (; i < this.lineEnd; i++) {
                const c = text.charCodeAt(i);
                if (c === SPACE) continue;
                if (c === HASH && text.charCodeAt(i - 1) === SPACE) break;
                if (c === TAB || (c === COLON && (i + 1 === this.lineEnd || text.charCodeAt(i + 1) === SPACE))) unsupported();
                end = i + 1;
            }
            value = this.resolvePlain(text.slice(at, end));
        }
        this.nextLine();
        // A more indented line would continue a plain scalar or be misplaced: js-yaml's to judge.
        if (!this.atEnd && this.column > indent) unsupported();
        return value;
    }

    /** A single-line quoted scalar starting at `at`: its value and the index after its closing quote. */
    private quoted(at: number): { value: string; end: number } {
        const text = this.text;
        const quote = text.charCodeAt(at);
        let value = "";
        let from = at + 1;
        for (let i = from; i < this.lineEnd; i++) {
            const c = text.charCodeAt(i);
            if (c === quote) {
                value += text.slice(from, i);
                if (quote === SINGLE_QUOTE && text.charCodeAt(i + 1) === SINGLE_QUOTE) {
                    value += "'";
                    from = ++i + 1;
                    continue;
                }
                return { value, end: i + 1 };
            }
            if (c === BACKSLASH && quote === DOUBLE_QUOTE) {
                value += text.slice(from, i);
                const escape = text.charCodeAt(++i);
                const simple = ESCAPES.get(escape);
                const hexLength = HEX_ESCAPE_LENGTHS.get(escape);
                if (simple !== undefined) {
                    value += simple;
                } else if (hexLength !== undefined && i + hexLength < this.lineEnd) {
                    const hex = text.slice(i + 1, i + 1 + hexLength);
                    if (!/^[0-9a-fA-F]+$/.test(hex)) unsupported();
                    const code = parseInt(hex, 16);
                    if (code > 0x10ffff) unsupported();
                    value += code <= 0xffff ? String.fromCharCode(code) : String.fromCharCode(((code - 0x10000) >> 10) + 0xd800, ((code - 0x10000) & 0x3ff) + 0xdc00);
                    i += hexLength;
                } else {
                    unsupported();
                }
                from = i + 1;
            }
        }
        // Closed on a later line, or never: js-yaml folds the lines or reports the error.
        return unsupported();
    }

    /**
     * A literal block scalar (`|`, `|-`, `|+`) whose header is at `at`, in a collection at `indent`. Its indentation is
     * that of its first content line; the simple cases only: no explicit indentation, no blank lines longer than that
     * indentation, no content line less indented than the first.
     */
    private literal(at: number, indent: number): string {
        const text = this.text;
        let i = at + 1;
        const chomping = text.charCodeAt(i);
        if (chomping === DASH || chomping === 0x2b /* + */) i++;
        if (i < this.lineEnd && text.charCodeAt(i) !== SPACE) unsupported();
        this.expectLineEnd(i);
        const lines: string[] = [];
        let contentIndent = -1;
        let blankRun = 0;
        let start = this.lineEnd + 1;
        let longestLeadingBlank = 0;
        while (start < text.length) {
            let end = text.indexOf("\n", start);
            if (end === -1) end = text.length;
            let spaces = start;
            while (spaces < end && text.charCodeAt(spaces) === SPACE) spaces++;
            const blank = spaces === end;
            if (blank) {
                if (contentIndent === -1) longestLeadingBlank = Math.max(longestLeadingBlank, end - start);
                else if (end - start > contentIndent) unsupported();
                blankRun++;
                lines.push("");
                start = end + 1;
                continue;
            }
            if (text.charCodeAt(spaces) === TAB) unsupported();
            const lineIndent = spaces - start;
            if (contentIndent === -1) {
                if (lineIndent <= indent || longestLeadingBlank > lineIndent) unsupported();
                contentIndent = lineIndent;
            }
            if (lineIndent < contentIndent) break;
            lines.push(text.slice(start + contentIndent, end));
            blankRun = 0;
            start = end + 1;
        }
        if (contentIndent === -1) unsupported();
        const content = lines.slice(0, lines.length - blankRun).join("\n");
        const value = chomping === DASH ? content : chomping === 0x2b ? `${content}\n${"\n".repeat(blankRun)}` : `${content}\n`;
        this.seekContent(start);
        if (!this.atEnd && this.column > indent) unsupported();
        return value;
    }
}
