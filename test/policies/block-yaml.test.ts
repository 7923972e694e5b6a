// The fast reader for block-style YAML (policies/block-yaml.ts) against js-yaml with the same schema: whatever it reads,
// it reads as js-yaml does, and it refuses to read what js-yaml refuses. The generated documents mix the YAML it reads
// with what it must leave to js-yaml (anchors, flow collections, folded scalars, tabs, duplicate keys, odd indentation).
import fc from "fast-check";
import { load } from "js-yaml";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { benchObjects } from "../../bench/bench-stack";
import { manifestYaml } from "../../cli/manifest-yaml";
import { renderStack } from "../../cli/render";
import { readBlockYaml, UNSUPPORTED } from "../../policies/block-yaml";
import { IMPLICIT_FIRST_CHARACTERS, MANIFEST_SCHEMA, resolvePlainScalar } from "../../policies/yaml-schema";

const REPO = path.join(__dirname, "..", "..");
const read = (text: string) => readBlockYaml(text, resolvePlainScalar);

type Verdict = { value: unknown } | { error: string };
function jsYaml(text: string): Verdict {
    try {
        return { value: load(text, { schema: MANIFEST_SCHEMA }) };
    } catch (error) {
        return { error: (error as Error).message };
    }
}

/** Equal as js-yaml's result must be: same types, same values (NaN, -0), same keys in the same order. */
function same(a: unknown, b: unknown): boolean {
    if (typeof a !== "object" || a === null || typeof b !== "object" || b === null) return Object.is(a, b);
    if (Array.isArray(a) !== Array.isArray(b) || Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return false;
    const keys = Object.keys(a);
    if (keys.join("\u0000") !== Object.keys(b).join("\u0000")) return false;
    return keys.every((key) => same((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key]));
}

/** Whether the fast reader agreed with js-yaml on `text`; whether it read it, and whether js-yaml did. */
function agrees(text: string): { read: boolean; jsYamlRead: boolean; agrees: boolean; detail: string } {
    const fast = read(text);
    const verdict = jsYaml(text);
    const jsYamlRead = "value" in verdict;
    if (fast === UNSUPPORTED) return { read: false, jsYamlRead, agrees: true, detail: "" };
    const ok = jsYamlRead && same(fast, verdict.value);
    return { read: true, jsYamlRead, agrees: ok, detail: `${JSON.stringify(text)}\nfast:    ${JSON.stringify(fast)}\njs-yaml: ${JSON.stringify(verdict)}` };
}

// Pieces of documents: what renderers write, and what sits next to it in YAML's grammar.
const PLAIN = ["a", "name", "web-1", "apps/v1", "http://x:8080/p", "a b", "a#b", "-a", "1", "-1", "+1", "01", "0x1F", "0o17", "0b1", "1_000", "1.5",
    "1e3", ".5", ".inf", "-.Inf", ".NaN", "~", "null", "Null", "true", "True", "yes", "No", "on", "OFF", "y", "n", "<<", "é", "2024-01-01", "1:2", "a:b"];
const OTHER_VALUES = ["'q'", "'it''s'", "''", "'a: b'", "\"q\"", "\"\"", "\"a\\nb\\t\\\"c\\\\\"", "\"\\x41\\u00e9\\U0001F600\"", "\"\\/\\0\\a\\e\\N\\_\\L\\P\\ \"",
    "\"\\q\"", "\"\\x4\"", "\"\\ud83d\\ude00\"", "[]", "{}", "[a]", "{a: 1}", "[ ]", "&x a", "*x", "!!str 1", "!x a", "a: b", "a #c", "a\tb", "- a", "? a",
    ": a", "a:", "%x", "@x", "`x", ",a", "]", "\"open", "'open", "'a'b", "\"a\" b", "\"a\" #c", "-", "--", "---", "...", "|", ">"];
const KEYS = ["a", "b", "c", "name", "on", "yes", "1", "1.0", "~", "null", "\"q\"", "'q'", "\"a b\"", "a b", "a#b", "a:b", "-a", "x".repeat(14), "\"\\u0041\""];
const ODD_KEYS = ["<<", "__proto__", "constructor", "toString", "?a", "k\t", "k ", "[k]", "&k k", "\"k"];

/** A block-style document of random structure and style, sometimes broken on purpose. */
const documents = fc.gen().map((g) => {
    const pick = <T>(list: readonly T[]): T => list[g(fc.nat, { max: list.length - 1 })];
    const chance = (percent: number) => g(fc.nat, { max: 99 }) < percent;
    const lines: string[] = [];
    const step = pick([1, 2, 2, 2, 3, 4]);
    const scalar = () => (chance(85) ? pick(PLAIN) : pick(OTHER_VALUES));
    const key = () => (chance(95) ? pick(KEYS) : pick(ODD_KEYS));
    const comment = (indent: number) => {
        if (chance(8)) lines.push(`${" ".repeat(indent + pick([0, 0, 1, 3]))}# note`);
        if (chance(6)) lines.push(" ".repeat(pick([0, indent, indent + 5])));
    };
    const literal = (indent: number) => {
        const header = pick(["|", "|-", "|+", "| # c", "|", "|-", "|2", ">", ">-"]);
        const body = Array.from({ length: g(fc.nat, { max: 3 }) + 1 }, () => pick(["line", "line", "  more", "", "   ", "# not a comment", "a: b", "\tx"]));
        const content = indent + step + pick([0, 0, 1]);
        return [header, ...body.map((line) => (line === "" || line.trim() === "" ? line : `${" ".repeat(content)}${line}`))];
    };
    /** Lines of a node at `indent`: a mapping, a sequence or (in a collection) a scalar. */
    const node = (indent: number, depth: number, out: string[]): void => {
        const pad = " ".repeat(indent);
        if (depth > 3 || (depth > 0 && chance(5))) {
            out.push(`${pad}${scalar()}`);
            return;
        }
        const entries = g(fc.nat, { max: 3 }) + 1;
        const sequence = chance(35);
        for (let i = 0; i < entries; i++) {
            comment(indent);
            const prefix = sequence ? `${pad}-${pick([" ", " ", "  "])}` : `${pad}${key()}:${chance(97) ? " " : ""}`;
            const kind = pick(["scalar", "scalar", "scalar", "nested", "nested", "literal", "empty", "compact"]);
            if (kind === "scalar" || (kind === "compact" && !sequence)) {
                out.push(`${prefix}${scalar()}${chance(10) ? " # c" : ""}${chance(5) ? "  " : ""}`);
            } else if (kind === "literal") {
                const [header, ...body] = literal(indent);
                out.push(`${prefix}${header}`, ...body);
            } else if (kind === "empty") {
                out.push(prefix.trimEnd());
            } else if (kind === "compact") {
                // `- key: value` with the mapping's further keys under the first.
                const inner: string[] = [];
                node(prefix.length, depth + 1, inner);
                out.push(`${prefix}${inner[0].trimStart()}`, ...inner.slice(1));
            } else {
                out.push(prefix.trimEnd());
                // kubectl writes a sequence under a key at the key's own indentation.
                node(!sequence && chance(30) ? indent : indent + pick([step, step, 1, step + 1]), depth + 1, out);
            }
        }
    };
    if (chance(20)) lines.push(pick(["---", "--- # c", "--- a", "%YAML 1.2\n---", "# head"]));
    node(pick([0, 0, 0, 2]), 0, lines);
    if (chance(10)) lines.push(pick(["...", "a: 1", "- x", "  b: 2", "--- "]));
    let text = lines.join("\n") + pick(["", "\n", "\n\n"]);
    // Breakage: a character YAML cares about put somewhere, one removed, or a line's indentation changed.
    for (let n = chance(25) ? g(fc.nat, { max: 2 }) + 1 : 0; n > 0; n--) {
        const at = g(fc.nat, { max: text.length });
        const edit = pick(["insert", "insert", "delete", "indent"]);
        if (edit === "insert") text = text.slice(0, at) + pick([" ", ":", "-", "#", "\"", "'", "|", "\n", "\t", "&", "*", "[", "{", ",", "?", "\\", "\r", "\u0007"]) + text.slice(at);
        else if (edit === "delete") text = text.slice(0, at) + text.slice(at + 1);
        else text = text.slice(0, at) + "\n " + text.slice(at);
    }
    return text;
});

describe("the block-style YAML reader", () => {
    it("reads every document as js-yaml does, or leaves it to js-yaml: never a different value, never one js-yaml refuses", () => {
        let read = 0;
        let valid = 0;
        fc.assert(fc.property(documents, (text) => {
            const result = agrees(text);
            if (result.jsYamlRead) valid++;
            if (result.read) read++;
            if (!result.agrees) throw new Error(result.detail);
        }), { numRuns: 4000 });
        // The generated documents must exercise the reader, not only its refusals: it reads about half of the valid ones.
        expect(read / valid).toBeGreaterThan(0.35);
    });

    it.each([
        ["a duplicate key", "a: 1\na: 2\n"],
        ["a duplicate key after conversion to a string", "1: a\n1.0: b\n"],
        ["a merge key", "base: &b {x: 1}\nc:\n  <<: *b\n"],
        ["an alias", "a: &x 1\nb: *x\n"],
        ["a tag", "a: !!str 1\n"],
        ["a flow collection with content", "a: [1, 2]\n"],
        ["a folded block scalar", "a: >\n  x\n  y\n"],
        ["a tab in indentation", "a:\n\tb: 1\n"],
        ["a plain scalar on two lines", "a: b\n  c\n"],
        ["a quoted scalar on two lines", "a: \"b\n  c\"\n"],
        ["a key with spaces before its colon", "a : 1\n"],
        ["a directive", "%YAML 1.2\n---\na: 1\n"],
        ["content on the --- line", "--- a: 1\n"],
        ["a scalar document", "just text\n"],
        ["an empty document", "# only a comment\n"],
        ["a carriage return", "a: 1\rb: 2\n"],
        ["a non-printable character", "a: \u0007\n"],
        ["a key named __proto__", "__proto__: 1\n"],
    ])("leaves %s to js-yaml", (_what, text) => {
        expect(read(text)).toBe(UNSUPPORTED);
    });

    it("leaves nesting near js-yaml's depth limit to js-yaml, and reads what is well inside it", () => {
        const nested = (depth: number) => Array.from({ length: depth }, (_, i) => `${" ".repeat(i)}k:`).join("\n") + " 1\n";
        expect(read(nested(120))).toBe(UNSUPPORTED);
        expect(jsYaml(nested(120))).toMatchObject({ error: expect.stringContaining("maxDepth") });
        expect(agrees(nested(40))).toMatchObject({ read: true, agrees: true });
    });

    it.each([
        ["YAML 1.1 booleans, as kubectl reads them, also as keys", "hostNetwork: yes\non: x\nquoted: 'yes'\n", { hostNetwork: true, true: "x", quoted: "yes" }],
        ["numbers, null and special floats", "a: 0x1F\nb: -1.5e3\nc: ~\nd: .inf\ne:\nf: 010\n", { a: 31, b: -1500, c: null, d: Infinity, e: null, f: 8 }], // go-yaml v2 (kubectl) reads a leading 0 as octal
        ["escapes in double quotes, doubled quotes in single quotes", "a: \"x\\ty\\u00e9\\\"\"\nb: 'it''s'\n", { a: "x\ty\u00e9\"", b: "it's" }],
        ["kubectl's sequences at the key's indentation and compact mappings", "spec:\n  containers:\n  - name: a\n    ports:\n    - 80\n  - name: b\n", { spec: { containers: [{ name: "a", ports: [80] }, { name: "b" }] } }],
        ["literal block scalars with each chomping", "a: |\n  x\n\n  y\n\nb: |-\n  x\nc: |+\n  x\n\nd: 1\n", { a: "x\n\ny\n", b: "x", c: "x\n\n", d: 1 }],
        ["comments, blank lines and a --- header", "# head\n--- # c\na: 1 # c\n\n  # indented\nb: x#y\n...\n", { a: 1, b: "x#y" }],
        ["empty collections and nested sequences", "a: []\nb: {}\nc:\n- - 1\n  - 2\n-\n", { a: [], b: {}, c: [[1, 2], null] }],
    ])("reads %s as js-yaml does", (_what, text, expected) => {
        const fast = read(text);
        expect(fast).not.toBe(UNSUPPORTED);
        expect(fast).toEqual(expected);
        expect(agrees(text).agrees).toBe(true);
    });

    it("reads every manifest kube-appstack render writes, as js-yaml does", () => {
        const objects = [...["dev", "staging", "prod"].flatMap((stack) => renderStack(REPO, stack)), ...benchObjects(3)];
        for (const object of objects) {
            const text = manifestYaml(object);
            expect(agrees(text), text).toMatchObject({ read: true, agrees: true });
        }
    });

    it("leaves plain scalars starting with any other character to be strings: no implicit type resolves them", () => {
        const tails = ["", "0", "1", "rue", "ull", "es", "n", "ff", "x1", ".5", "e3", "inf", "<"];
        const others = Array.from({ length: 0x7e - 0x20 }, (_, i) => String.fromCharCode(0x21 + i)).filter((c) => !IMPLICIT_FIRST_CHARACTERS.includes(c));
        for (const first of [...others, "é", "\u00a0"]) {
            for (const tail of tails) {
                const types = (MANIFEST_SCHEMA as unknown as { compiledImplicit: Array<{ resolve(data: string): boolean; tag: string }> }).compiledImplicit;
                expect(types.filter((type) => type.resolve(first + tail)).map((type) => type.tag), first + tail).toEqual([]);
            }
        }
        expect(resolvePlainScalar("Yes")).toBe(true);
        expect(resolvePlainScalar("0o17")).toBe(15);
    });

    it("resolves plain scalars as js-yaml does with the schema's types, the short path for small decimals included", () => {
        const scalars = [
            "0", "00", "007", "010", "08", "1", "9", "10", "123456789012345", "999999999999999", "1234567890123456", "9007199254740993",
            "18446744073709551615", "18446744073709551616", "-0", "+0", "-1", "+1", "1_000", "1e3", "1.", "1.5", "0x1F", "0X1bb",
            "0o17", "0b101", "250m", "128Mi", "1Gi", "1.27.3", "8080/tcp", "1:2", "null", "Null", "~", "y", "Yes", "NO", "off",
            ".inf", "-.Inf", ".NaN", ".5", ".", "+", "-a", "0x", "1 2", "True", "tRUE", "nul", "nulls", "Off", "oN", "~~", "yes!", "FALSE",
            "falsey", "n", "N", "Nope", "1e400", "-1e400", ".5e400", "1e-400", "99999999999999999999",
        ];
        // Read as a mapping's value, where the readers resolve scalars (a lone "-" would open a sequence even there).
        const jsYamlScalar = (scalar: string): unknown => (load(`k: ${scalar}`, { schema: MANIFEST_SCHEMA }) as { k: unknown }).k;
        for (const scalar of scalars) expect(same(resolvePlainScalar(scalar), jsYamlScalar(scalar)), scalar).toBe(true);
        for (const characters of [/^[-+0-9._xXoObBeE]{1,20}$/, /^[~nNuUlLyYeEsSoOfFtTrRaA]{1,6}$/]) {
            fc.assert(fc.property(fc.stringMatching(characters).filter((scalar) => scalar !== "-"), (scalar) => same(resolvePlainScalar(scalar), jsYamlScalar(scalar))), { numRuns: 2000 });
        }
    });
});
