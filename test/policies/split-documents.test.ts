// The cut of a YAML stream into documents (policies/manifest.ts splitDocuments), as kubectl cuts it: apimachinery's
// YAMLReader separates at every line that starts with `---` followed by nothing or a comment, and refuses any other
// line that starts with `---`; go-yaml ends a document at `...` and never reads what follows until the next separator.
import { describe, expect, it } from "vitest";
import { parseManifest, splitDocuments } from "../../policies/manifest";

const cm = (name: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ${name}}`;
const names = (text: string) => parseManifest(text, "m.yaml").objects.map((o) => (o.metadata as { name: string }).name);

describe("splitDocuments", () => {
    it("numbers documents and their first lines through comments, markers and an end marker", () => {
        expect(splitDocuments("# head\n---\na: 1\n---\nb: 2\n...\n# tail\n---\nc: 3")).toEqual([
            { number: 1, firstLine: 0, openingLine: 1, firstColumn: 0, text: "# head\n---\na: 1\n" },
            { number: 2, firstLine: 3, openingLine: 3, firstColumn: 0, text: "---\nb: 2\n..." },
            { number: 3, firstLine: 7, openingLine: 7, firstColumn: 0, text: "---\nc: 3" },
        ]);
    });

    it("separates at `---` followed by a comment even without a space, as kubectl does (a YAML key to a YAML parser)", () => {
        expect(names(`${cm("a")}\n---#note\n${cm("b")}\n---   # another\n${cm("c")}`)).toEqual(["a", "b", "c"]);
    });

    it("refuses a line that starts with `---` and goes on with content, and reads nothing after it, as kubectl refuses the file", () => {
        for (const line of ["--- {apiVersion: v1, kind: ConfigMap, metadata: {name: b}}", "---x: 1", "----"]) {
            const { objects, errors } = parseManifest(`${cm("a")}\n${line}\n${cm("c")}`, "m.yaml");
            expect(objects.map((o) => (o.metadata as { name: string }).name)).toEqual(["a"]);
            expect(errors).toEqual([{ source: "m.yaml", document: 2, message: expect.stringMatching(/^line 4 starts with "---" and goes on with .*kubectl refuses such a document separator.*the rest of the file was not read$/) }]);
        }
    });

    it("ignores what follows `...` until the next separator, as go-yaml does (a decoy there must not satisfy a Service)", () => {
        expect(names(`${cm("a")}\n...\n${cm("ghost")}\n---\n${cm("b")}\n...\n${cm("tail")}`)).toEqual(["a", "b"]);
    });

    it("keeps a kept block scalar's last line break before a separator", () => {
        const { objects } = parseManifest(`${cm("a")}\ndata:\n  keep: |+\n    x\n\n---\n${cm("b")}`, "m.yaml");
        expect((objects[0] as unknown as { data: { keep: string } }).data.keep).toBe("x\n\n");
    });
});
