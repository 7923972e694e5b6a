// Manifests are read as kubectl and the API server read them (sigs.k8s.io/yaml, go-yaml v2: YAML 1.1 booleans), so a
// rule judges `hostNetwork: yes` as the pod Kubernetes would run, not as a string it ignores.
import { describe, expect, it } from "vitest";
import { checkObjects } from "../../policies/check";
import { parseManifest } from "../../policies/manifest";

const pod = (spec: string, container = "") => `apiVersion: v1
kind: Pod
metadata: {name: p, namespace: shop}
spec:
${spec}
  containers:
    - name: app
      image: app:1.0
${container}`;

/** The policies that fire for the one object in `yaml`. */
function firing(yaml: string): string[] {
    const { objects, errors } = parseManifest(yaml, "test.yaml");
    expect(errors).toEqual([]);
    expect(objects).toHaveLength(1);
    return [...new Set(checkObjects(objects).map((v) => v.policy))].sort();
}

// Every boolean field a rule reads, with the policy its true (or false) value makes fire.
const FIELDS: Array<[string, (value: string) => string, string, "fires when true" | "fires when false"]> = [
    ["hostNetwork", (v) => pod(`  hostNetwork: ${v}`), "no-host-namespaces", "fires when true"],
    ["hostPID", (v) => pod(`  hostPID: ${v}`), "no-host-namespaces", "fires when true"],
    ["hostIPC", (v) => pod(`  hostIPC: ${v}`), "no-host-namespaces", "fires when true"],
    ["privileged", (v) => pod("", `      securityContext: {allowPrivilegeEscalation: false, privileged: ${v}}`), "no-privilege-escalation", "fires when true"],
    ["allowPrivilegeEscalation", (v) => pod("", `      securityContext: {allowPrivilegeEscalation: ${v}}`), "no-privilege-escalation", "fires when true"],
    ["readOnlyRootFilesystem", (v) => pod("", `      securityContext: {readOnlyRootFilesystem: ${v}}`), "read-only-root-filesystem", "fires when false"],
    ["runAsNonRoot", (v) => pod("  securityContext: {runAsNonRoot: " + v + "}"), "run-as-non-root", "fires when false"],
];

describe("YAML as Kubernetes reads it", () => {
    describe.each(FIELDS)("%s", (_field, manifest, policy, when) => {
        const [firesFor, quietFor] = when === "fires when true" ? [["true", "yes", "Yes", "on", "ON", "y"], ["false", "no", "off", "N"]] : [["false", "no", "off", "N"], ["true", "yes", "on", "Y"]];
        it.each(firesFor)(`${policy} fires for %s`, (value) => expect(firing(manifest(value))).toContain(policy));
        it.each(quietFor)(`${policy} is quiet for %s`, (value) => expect(firing(manifest(value))).not.toContain(policy));
    });

    it("reads an unquoted `on` key as true, as kubectl does (the key becomes \"true\")", () => {
        const { objects } = parseManifest("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {on: x}\n", "t.yaml");
        expect(objects[0].data).toEqual({ true: "x" });
    });

    it("keeps quoted yes/no as strings, as Kubernetes does", () => {
        const { objects } = parseManifest(pod("  nodeSelector: {ssd: 'yes', spinning: \"no\"}"), "t.yaml");
        expect((objects[0].spec as { nodeSelector: unknown }).nodeSelector).toEqual({ ssd: "yes", spinning: "no" });
    });

    it("strips a byte order mark at the start of any document, not only the first", () => {
        const stream = `\uFEFF${pod("  hostNetwork: true")}---\n\uFEFF${pod("  hostPID: true").replace("name: p", "name: q")}`;
        const { objects, errors } = parseManifest(stream, "bom.yaml");
        expect(errors).toEqual([]);
        expect(objects.map((o) => (o.metadata as { name: string }).name)).toEqual(["p", "q"]);
    });
});

// Found by an adversarial review beside a program built on kubectl's own reader (cli-runtime): each of these let a
// privileged or host-network Pod pass the gate while kubectl applied it.
describe("what kubectl reads, where YAML readers disagree", () => {
    const read = (yaml: string) => parseManifest(yaml, "k.yaml");

    it("applies the items of any object with an items list, not only of a List kind", () => {
        const { objects } = read(`apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cover}\nitems:\n- ${pod("  hostNetwork: true").replace(/\n/g, "\n  ")}`);
        expect(objects.map((o) => o.kind)).toEqual(["Pod"]);
    });

    it("applies merge keys in document order, a later one overriding an earlier key, the first of a merged list winning", () => {
        const yaml = `apiVersion: v1\nkind: Pod\nmetadata: {name: sneaky}\nspec:\n  hostNetwork: false\n  hostIPC: false\n  <<: [{hostNetwork: true, hostIPC: true}, {hostIPC: false}]\n  hostPID: true\n  containers: [{name: app, image: "nginx:1.27"}]\n`;
        const { objects, errors } = read(yaml);
        expect(errors).toEqual([]);
        expect(objects[0].spec).toMatchObject({ hostNetwork: true, hostPID: true, hostIPC: true });
        // A key after the merge overrides it, and an anchored mapping is merged everywhere it is used.
        const after = read(`apiVersion: v1\nkind: ConfigMap\nmetadata: {name: m}\nbase: &b {a: "1", b: "2"}\ndata:\n  <<: *b\n  b: "3"\n`).objects[0] as unknown as { data: unknown };
        expect(after.data).toEqual({ a: "1", b: "3" });
        expect(read(`apiVersion: v1\nkind: ConfigMap\nmetadata: {name: m}\ndata:\n  <<: "text"\n`).errors[0].message).toContain("a merge key (<<) needs a mapping");
        // An aliased object listed twice is two objects, as kubectl applies it twice.
        const twice = read(`apiVersion: v1\nkind: List\nitems:\n- &c {apiVersion: v1, kind: ConfigMap, metadata: {name: c}}\n- *c\n`).objects;
        expect(twice).toHaveLength(2);
        expect(twice[1]).toEqual(twice[0]);
        expect(twice[1]).not.toBe(twice[0]);
        // `__proto__` stays a plain key through a merge, as it is to go-yaml: the object never inherits what it names.
        const proto = read(`apiVersion: v1\nkind: ConfigMap\nmetadata: {name: p}\ndata:\n  <<: {a: "1"}\n  __proto__: {hidden: "yes"}\n`).objects[0] as unknown as { data: Record<string, unknown> };
        expect(Object.keys(proto.data)).toEqual(["a", "__proto__"]);
        expect(Object.getPrototypeOf(proto.data)).toBe(Object.prototype);
        expect(proto.data.hidden).toBeUndefined();
    });

    it("reads numbers as go-yaml v2 does: underscores, Go's prefixes, a leading 0 as octal, signed fractions", () => {
        const { objects } = read(`apiVersion: v1\nkind: ConfigMap\nmetadata: {name: n}\ndata: {a: 8_0, b: 0X1BB, c: 017, d: 0_, e: +.5, f: -0b101, g: 1:20, h: 08, i: 1e400, j: -.5e400, k: 1e-400}\n`);
        // Beyond float64's range Go's ParseFloat fails, and go-yaml keeps the text (it never becomes Infinity).
        expect((objects[0] as unknown as { data: unknown }).data).toEqual({ a: 80, b: 443, c: 15, d: 0, e: 0.5, f: -5, g: "1:20", h: 8, i: "1e400", j: "-.5e400", k: 0 });
        expect(firing(pod("  hostNetwork: false", "      ports: [{containerPort: 80, hostPort: 8_0}]"))).toContain("no-host-ports");
    });

    it("refuses what kubectl cannot turn into JSON (.inf, .nan) and YAML it would read differently", () => {
        expect(read(`apiVersion: v1\nkind: ConfigMap\nmetadata: {name: n}\ndata: {a: .inf}\n`).errors[0].message).toMatch(/holds \.inf or \.nan, which kubectl cannot turn into JSON/);
        for (const [name, code] of [["NEL", "\u0085"], ["LINE SEPARATOR", "\u2028"], ["PARAGRAPH SEPARATOR", "\u2029"]]) {
            const { objects, errors } = read(pod(`  # note${code}  hostNetwork: true`));
            expect(objects, name).toEqual([]);
            expect(errors[0].message, name).toMatch(/which kubectl's YAML reader takes for a line break/);
        }
        const emptyEntry = `apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Pod\n  metadata: {name: a}\n  spec:\n    containers:\n    - name: app\n      args:\n      - --verbose\n      -\n- ${pod("  hostNetwork: true").replace(/\n/g, "\n  ")}`;
        expect(read(emptyEntry).errors[0].message).toMatch(/an empty "-" entry at line 12 followed by a less indented "-" entry/);
        // The empty entry however it is written: blanks or a comment after its "-".
        for (const entry of ["-   ", "-\t", "- # none"]) {
            expect(read(emptyEntry.replace("      -\n", `      ${entry}\n`)).errors[0]?.message, entry).toMatch(/an empty "-" entry at line 12/);
        }
    });

    it("merges only a plain <<, and refuses a << key kubectl reads as a field (quoted, escaped, tagged), however it is spelled", () => {
        // Merged here, the false would hide the host network kubectl's pod has (with --validate=false it drops "<<").
        const literal = 'has a key "<<" that is quoted, escaped or tagged: kubectl reads it as a field named "<<", not as a merge key';
        const specs = [
            "  '<<': {hostNetwork: false}", '  "<<": {hostNetwork: false}', '  "\\x3c<": {hostNetwork: false}', '  "\\u003c\\u003C": {hostNetwork: false}',
            "  !!str <<: {hostNetwork: false}", '  ? "<<"\n  : {hostNetwork: false}', '  &k "<<": {hostNetwork: false}', '  ? "<\\\n    <"\n  : {hostNetwork: false}',
            '  securityContext: {runAsNonRoot: true, "<<": {}}',
        ];
        for (const spec of specs) {
            const { objects, errors } = read(pod(`  hostNetwork: true\n${spec}`));
            expect(objects, spec).toEqual([]);
            expect(errors[0]?.message, spec).toMatch(new RegExp(`^${literal.replace(/[()"]/g, "\\$&")}`));
        }
        // The block reader, for a quoted key in block style, and js-yaml alike.
        expect(read(pod('  hostNetwork: true\n  "<<":\n    hostNetwork: false')).errors[0]?.message).toMatch(/^has a key "<<" that is quoted/);
        const tagged = read(`---\n${pod("  !!merge <<: {hostNetwork: true}")}`);
        expect(tagged.objects).toEqual([]);
        // The line is the file's, as a parse error's is: the document starts after its "---".
        expect(tagged.errors[0].message).toMatch(/^an explicit merge tag \(!!merge\), which this reader does not take; allowed: a plain << \(kubectl merges both alike\) at line 6, column \d+$/);
        // In a block scalar, in a string or as a value, "<<" is only text; as a plain value it stays the text "<<".
        const configMap = `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata:\n  a.json: |\n    {"<<": "x"}\n  note: "see !!merge docs << here"\n  plain: <<\n  list: [<<, "cat <<'EOF'"]\n`;
        const { errors, objects } = read(configMap);
        expect(errors).toEqual([]);
        expect((objects[0] as unknown as { data: unknown }).data).toEqual({ "a.json": '{"<<": "x"}\n', note: "see !!merge docs << here", plain: "<<", list: ["<<", "cat <<'EOF'"] });
    });

    it("reads a JSON stream's << as a plain key, as kubectl's JSON decoder does", () => {
        const { objects } = read('{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "j"}, "data": {"<<": {"a": "1"}}}');
        expect((objects[0] as unknown as { data: unknown }).data).toEqual({ "<<": { a: "1" } });
    });
});
