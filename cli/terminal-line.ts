/**
 * One line of text for a terminal or a CI log, safe whatever a manifest put in it. Object names, kinds, file names and
 * messages come from the input, and written as they are, a name holding a line break could forge a line of the report
 * ("Checked 0 object(s) ...: no violations.") and an escape sequence could recolour or erase what came before. Control
 * characters, the line and paragraph separators and the bidirectional overrides (which reorder what a reader sees) are
 * written as escapes instead; JSON and SARIF output escape them already.
 */
const UNPRINTABLE = /[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

const ESCAPES: Readonly<Record<string, string>> = { "\n": "\\n", "\r": "\\r" };

export function terminalLine(text: string): string {
    return text.replace(UNPRINTABLE, (c) => ESCAPES[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}
