// The cut of a YAML stream into documents (policies/manifest.ts splitDocuments) finds lines by offset; it must cut
// exactly as the line-array version it replaced, which this test keeps as the reference.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { splitDocuments } from "../../policies/manifest";

/** The former implementation, line for line. */
function splitByLines(stream: string) {
    const MARKER = /^(---|\.\.\.)(?=[ \t]|$)/;
    const BLANK_OR_COMMENT = /^[ \t]*(#.*)?$/;
    const lines = stream.replace(/^\uFEFF/gm, "").split(/\r?\n/);
    const documents: Array<{ number: number; firstLine: number; openingLine: number; firstColumn: number; text: string }> = [];
    let start = 0;
    let opening: number | undefined;
    let explicit = false;
    let hasContent = false;
    const finish = (end: number): void => {
        if (explicit || hasContent) {
            documents.push({ number: documents.length + 1, firstLine: start, openingLine: opening ?? start, firstColumn: 0, text: lines.slice(start, end).join("\n") });
        }
    };
    lines.forEach((line, index) => {
        const marker = MARKER.exec(line)?.[1];
        if (marker === "---") {
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

const LINES = ["---", "--- a: 1", "---\t", "---a", "--", "...", "... # end", "....", "a: 1", "- x", "  b: 2", "", "  ", "\t", "# c", "  # c", "# c\rx",
    "%YAML 1.2", "\uFEFFa: 1", "\uFEFF---", "x\r", "\r", "a\u2028b", "# c\u2028", "-", "."];

describe("splitDocuments", () => {
    it("cuts every stream as the line-array version did: same documents, numbers, first lines and text", () => {
        fc.assert(fc.property(fc.array(fc.constantFrom(...LINES), { maxLength: 12 }), fc.constantFrom("\n", "\r\n", "\n", "\r\r\n"), fc.boolean(), (lines, newline, trailing) => {
            const stream = lines.join(newline) + (trailing ? newline : "");
            expect(splitDocuments(stream)).toEqual(splitByLines(stream));
        }), { numRuns: 5000 });
    });

    it("numbers documents and their first lines through comments, markers and an end marker", () => {
        expect(splitDocuments("# head\n---\na: 1\n---\nb: 2\n...\n# tail\n---\n")).toEqual([
            { number: 1, firstLine: 0, openingLine: 1, firstColumn: 0, text: "# head\n---\na: 1" },
            { number: 2, firstLine: 3, openingLine: 3, firstColumn: 0, text: "---\nb: 2\n..." },
            { number: 3, firstLine: 6, openingLine: 7, firstColumn: 0, text: "# tail\n---\n" },
        ]);
    });
});
