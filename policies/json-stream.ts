/**
 * A stream of JSON values, cut where kubectl cuts it. kubectl (k8s.io/apimachinery's YAMLOrJSONDecoder) reads input
 * whose first non-space character is `{` as JSON values one after another, the way Go's json.Decoder reads a stream:
 * `{...}{...}`, or one object per line as `jq -c` writes them. If the first or the second value is not JSON, it reads
 * the rest, from the end of the last JSON value, as YAML instead (so a file that opens with a YAML flow mapping such
 * as `{a: b}` still reads); from the third value on, one that is not JSON ends the file with an error.
 */

/** Where a value lies in the text: `text.slice(start, end)`. */
export interface JsonValueSpan {
    readonly start: number;
    readonly end: number;
}

export interface JsonStream {
    /** The JSON values, in order. */
    readonly values: readonly JsonValueSpan[];
    /** Where the text goes on as YAML, if it does. */
    readonly yamlFrom?: number;
    /** The value, from the third on, that is not JSON: where it starts and what JSON.parse said. */
    readonly broken?: { readonly start: number; readonly message: string };
}

const OPENS_WITH_BRACE = /^\s*\{/;
const SPACE = /\s/;

/** The text as a JSON stream, or `undefined` when kubectl would read it as YAML from the start. */
export function jsonStream(text: string): JsonStream | undefined {
    if (!OPENS_WITH_BRACE.test(text)) return undefined;
    const values: JsonValueSpan[] = [];
    let position = skipSpace(text, 0);
    while (position < text.length) {
        const end = valueEnd(text, position);
        const problem = jsonProblem(text.slice(position, end));
        if (problem !== undefined) {
            if (values.length >= 2) return { values, broken: { start: position, message: problem } };
            // Without a JSON value read, the whole text is YAML, exactly as if it had never looked like JSON.
            return { values, yamlFrom: values.length === 0 ? 0 : yamlStart(text, values[values.length - 1].end) };
        }
        values.push({ start: position, end });
        position = skipSpace(text, end);
    }
    return { values };
}

function skipSpace(text: string, from: number): number {
    let position = from;
    while (position < text.length && SPACE.test(text[position])) position++;
    return position;
}

/**
 * Where YAML takes over after the last JSON value: as the decoder does, white space is skipped up to the first
 * non-space character or past the first line break, whichever comes first.
 */
function yamlStart(text: string, from: number): number {
    let position = from;
    while (position < text.length && SPACE.test(text[position])) {
        position++;
        if (text[position - 1] === "\n") break;
    }
    return position;
}

/**
 * Where the value starting at `start` ends, found by its brackets and strings alone (JSON.parse then judges it): an
 * object or array at its closing bracket, a string at its closing quote, anything else before the next space or
 * bracket. An unterminated value runs to the end of the text.
 */
function valueEnd(text: string, start: number): number {
    const first = text[start];
    if (first === '"') return stringEnd(text, start);
    if (first !== "{" && first !== "[") {
        let position = start;
        while (position < text.length && !SPACE.test(text[position]) && !'{}[]"'.includes(text[position])) position++;
        return Math.max(position, start + 1);
    }
    let depth = 0;
    for (let position = start; position < text.length; position++) {
        const c = text[position];
        if (c === '"') position = stringEnd(text, position) - 1;
        else if (c === "{" || c === "[") depth++;
        else if ((c === "}" || c === "]") && --depth === 0) return position + 1;
    }
    return text.length;
}

/** The index after the closing quote of the string opening at `start` (the end of the text if it never closes). */
function stringEnd(text: string, start: number): number {
    for (let position = start + 1; position < text.length; position++) {
        if (text[position] === "\\") position++;
        else if (text[position] === '"') return position + 1;
    }
    return text.length;
}

function jsonProblem(value: string): string | undefined {
    try {
        JSON.parse(value);
        return undefined;
    } catch (error) {
        return (error as Error).message;
    }
}
