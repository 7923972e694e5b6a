import { describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { isKubeObject } from "../../policies/kube-object";
import { LabeledIndex, SelectorIndex } from "../../policies/label-index";
import { type LabelSelector, parseLabelSelector, selectorMatches } from "../../policies/label-selector";
import { parseManifest } from "../../policies/manifest";
import { parseQuantity } from "../../kube/quantity";

describe("parseQuantity", () => {
    it.each([
        ["100m", 100_000_000n],
        ["0.1", 100_000_000n],
        [".5", 500_000_000n],
        ["2", 2_000_000_000n],
        [2, 2_000_000_000n],
        ["1k", 1_000_000_000_000n],
        ["1Ki", 1024n * 1_000_000_000n],
        ["1.5Gi", 1_610_612_736n * 1_000_000_000n],
        ["1e3", 1_000_000_000_000n],
        ["1E", 10n ** 27n],
        ["128974848", 128_974_848n * 1_000_000_000n],
        ["1n", 1n],
        // Below a nano-unit rounds up, as the API server does.
        ["0.1n", 1n],
        ["-1", -1_000_000_000n],
    ])("reads %s", (text, nanos) => {
        expect(parseQuantity(text)).toBe(nanos);
    });

    it.each(["", "abc", "1.2.3", "1 Gi", "1GB", "Gi", null, undefined, {}])("rejects %j", (value) => {
        expect(parseQuantity(value)).toBeUndefined();
    });
});

describe("label selectors", () => {
    it("treat null as selecting nothing and {} as selecting everything", () => {
        expect(parseLabelSelector(null)).toBeUndefined();
        expect(selectorMatches(parseLabelSelector({}) as LabelSelector, {})).toBe(true);
    });

    it("evaluate every operator, and no unknown one", () => {
        const match = (expression: unknown, labels: Record<string, string>) =>
            selectorMatches(parseLabelSelector({ matchExpressions: [expression] }) as LabelSelector, labels);
        expect(match({ key: "a", operator: "In", values: ["1", "2"] }, { a: "2" })).toBe(true);
        expect(match({ key: "a", operator: "In", values: ["1"] }, {})).toBe(false);
        expect(match({ key: "a", operator: "NotIn", values: ["1"] }, {})).toBe(true);
        expect(match({ key: "a", operator: "NotIn", values: ["1"] }, { a: "1" })).toBe(false);
        expect(match({ key: "a", operator: "Exists" }, { a: "" })).toBe(true);
        expect(match({ key: "a", operator: "DoesNotExist" }, { a: "x" })).toBe(false);
        expect(match({ key: "a", operator: "Matches", values: ["1"] }, { a: "1" })).toBe(false);
    });
});

describe("label indexes", () => {
    // A small deterministic generator, so any failure reproduces.
    let seed = 42;
    const random = (n: number): number => {
        seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
        return seed % n;
    };
    const KEYS = ["app", "tier", "team", "version"];
    const randomLabels = (): Record<string, string> =>
        Object.fromEntries(KEYS.filter(() => random(2) === 0).map((key) => [key, `v${random(3)}`]));
    const randomSelector = (): LabelSelector => {
        const operators = ["In", "NotIn", "Exists", "DoesNotExist"];
        const raw = {
            matchLabels: Object.fromEntries(KEYS.filter(() => random(3) === 0).map((key) => [key, `v${random(3)}`])),
            matchExpressions: KEYS.filter(() => random(3) === 0).map((key) => ({ key, operator: operators[random(4)], values: [`v${random(3)}`, `v${random(3)}`] })),
        };
        return parseLabelSelector(raw) as LabelSelector;
    };

    it("find exactly what comparing every pair finds", () => {
        const pods = Array.from({ length: 300 }, (_, id) => ({ id, namespace: `ns${random(2)}`, labels: randomLabels() }));
        const selectors = Array.from({ length: 300 }, (_, id) => ({ id, namespace: `ns${random(2)}`, selector: randomSelector() }));
        const byLabels = new LabeledIndex<number>();
        const bySelector = new SelectorIndex<number>();
        for (const pod of pods) byLabels.add(pod.namespace, pod.labels, pod.id);
        for (const s of selectors) bySelector.add(s.namespace, s.selector, s.id);

        for (const s of selectors) {
            const expected = pods.filter((p) => p.namespace === s.namespace && selectorMatches(s.selector, p.labels)).map((p) => p.id);
            expect(byLabels.matching(s.namespace, s.selector).sort((a, b) => a - b)).toEqual(expected);
        }
        for (const pod of pods) {
            const expected = selectors.filter((s) => s.namespace === pod.namespace && selectorMatches(s.selector, pod.labels)).map((s) => s.id);
            expect(bySelector.selecting(pod.namespace, pod.labels).sort((a, b) => a - b)).toEqual(expected);
            expect(bySelector.anySelecting(pod.namespace, pod.labels)).toBe(expected.length > 0);
        }
    });
});

describe("parseManifest", () => {
    it("returns the objects of every document and List, skipping empty and non-Kubernetes documents", () => {
        const text = [
            "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}",
            "",
            "just: data",
            "- a list",
            // A Helm chart's Chart.yaml: an apiVersion, but no kind and no metadata.
            "apiVersion: v2\nname: chart\nversion: 1.0.0",
            // A score.dev workload and a kustomization without its optional kind: another group's apiVersion and a metadata.
            "apiVersion: score.dev/v1b1\nmetadata: {name: web}\ncontainers: {web: {image: nginx}}",
            "apiVersion: kustomize.config.k8s.io/v1beta1\nmetadata: {name: base}\nresources: [deployment.yaml]",
            "apiVersion: v1\nkind: List\nitems:\n- {apiVersion: v1, kind: ConfigMap, metadata: {name: b}}\n- {apiVersion: v1, kind: List, items: [{apiVersion: v1, kind: Secret, metadata: {name: c}}]}",
        ].join("\n---\n");
        const { objects, errors } = parseManifest(text, "m.yaml");
        expect(errors).toEqual([]);
        expect(objects.map((o) => `${o.kind}/${(o.metadata as { name: string }).name}`)).toEqual(["ConfigMap/a", "ConfigMap/b", "Secret/c"]);
    });

    it("refuses what is meant as an object but is none, as kubectl does, instead of skipping it", () => {
        const text = [
            "kind: Pod\nmetadata: {name: no-version}\nspec: {hostNetwork: true}",
            "apiversion: v1\nkind: Pod\nmetadata: {name: misspelled}",
            "apiVersion: v1\nmetadata: {name: no-kind}",
            "- {apiVersion: v1, kind: Pod, metadata: {name: listed}}",
            `apiVersion: v1\nkind: List\nitems:\n- {kind: Pod, metadata: {name: item}}\n- 42\n- null\n- ${"x".repeat(1000)}\n- {apiVersion: v1, kind: ConfigMap, metadata: {name: kept}}`,
        ].join("\n---\n");
        const { objects, errors } = parseManifest(text, "m.yaml");
        const allowed = 'so kubectl refuses this object; allowed: both apiVersion and kind, such as "apps/v1" and "Deployment"';
        expect(errors).toEqual([
            { source: "m.yaml", document: 1, message: `apiVersion not set, ${allowed}` },
            { source: "m.yaml", document: 2, message: `apiVersion not set (given "apiversion": field names are case-sensitive), ${allowed}` },
            { source: "m.yaml", document: 3, message: `kind not set, ${allowed}` },
            { source: "m.yaml", document: 4, message: expect.stringMatching(/^a list of 1 item\(s\) at the top of the document, which kubectl refuses/) },
            { source: "m.yaml", document: 5, message: `items[0]: apiVersion not set, ${allowed}` },
            { source: "m.yaml", document: 5, message: "items[1]: a List item must be a Kubernetes object; given 42, a number, which kubectl refuses" },
            { source: "m.yaml", document: 5, message: "items[2]: a List item must be a Kubernetes object; given nothing (null), which kubectl refuses" },
            // A long item is quoted by its start only.
            { source: "m.yaml", document: 5, message: `items[3]: a List item must be a Kubernetes object; given "${"x".repeat(80)}"..., a string, which kubectl refuses` },
        ]);
        expect(objects.map((o) => o.kind)).toEqual(["ConfigMap"]);
    });

    const cm = (name: string): string => `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ${name}}`;

    // Each stream is also read by the spec-complete `yaml` package (with merge keys, which kubectl reads too); both
    // must find the same objects.
    it.each([
        ["a single implicit document", cm("a")],
        ["a leading marker and comments", `# header\n---\n${cm("a")}\n--- # second\n${cm("b")}\n`],
        ["a block scalar holding an indented ---", `${cm("a")}\ndata:\n  script: |\n    echo one\n    ---\n    echo two\n---\n${cm("b")}`],
        ["document end markers and a directive", `${cm("a")}\n...\n%YAML 1.2\n---\n${cm("b")}\n...\n`],
        ["empty documents", `---\n---\n${cm("a")}\n---\n`],
        ["CRLF line ends and a byte order mark", `\uFEFF${cm("a")}\r\n---\r\n${cm("b")}\r\n`],
        ["anchors and merge keys", `apiVersion: v1\nkind: ConfigMap\nmetadata: &m {name: a, labels: {x: "1"}}\ndata:\n  <<: {k: v}\n  own: "yes"`],
        ["quoted strings and numbers", `${cm("a")}\ndata: {port: "8080", flag: "true", when: 2024-01-01, num: 10}`],
    ])("reads %s like the yaml package", (_, text) => {
        const expected = parseAllDocuments(text.replace(/^\uFEFF/, ""), { merge: true })
            .map((document) => document.toJS())
            .filter(isKubeObject);
        const { objects, errors } = parseManifest(text, "m.yaml");
        expect(errors).toEqual([]);
        expect(objects).toEqual(expected);
    });

    it("reports a broken document by its number and line, and keeps the others", () => {
        const text = `${cm("a")}\n---\nkey: [unclosed\n---\n${cm("b")}\n`;
        const { objects, errors } = parseManifest(text, "m.yaml");
        expect(objects).toHaveLength(2);
        expect(errors).toEqual([{ source: "m.yaml", document: 2, message: expect.stringMatching(/ at line [56], column \d+$/) }]);
    });

    it("gives each object the line its document opens on: its marker, or without one its first content", () => {
        const rows = [
            "# header", "", cm("a"), // 1-5
            "--- # second", cm("b"), "...", // 6-10
            "%YAML 1.2", "---", "apiVersion: v1", "kind: List", "items: [{apiVersion: v1, kind: Secret, metadata: {name: c}}, {apiVersion: v1, kind: Secret, metadata: {name: c2}}]", "...", // 11-16
            "", "# after an end marker: go-yaml never reads it", cm("d"), // 17-21
            "---", cm("e"), // 22-25
        ].join("\n").split("\n");
        const { objects, documents, lines, errors } = parseManifest(rows.join("\n"), "m.yaml");
        expect(errors).toEqual([]);
        expect(objects.map((o, i) => [(o.metadata as { name: string }).name, documents[i], lines[i], rows[lines[i] - 1]])).toEqual([
            ["a", 1, 3, "apiVersion: v1"],
            ["b", 2, 6, "--- # second"],
            ["c", 3, 12, "---"],
            ["c2", 3, 12, "---"],
            ["e", 4, 22, "---"],
        ]);
    });

    it("reports duplicate keys, as kubectl does", () => {
        expect(parseManifest(`${cm("a")}\n---\napiVersion: v1\nkind: ConfigMap\nkind: Secret\n`, "dup.yaml").errors).toEqual([
            { source: "dup.yaml", document: 2, message: "duplicated mapping key at line 7, column 1" },
        ]);
    });
});
