// What `kube-appstack check` says about input it can read but should not trust as is: documents Kubernetes would refuse
// for alias expansion, unrendered Helm templates, objects defined more than once, and cross-resource findings that an
// unreadable input may cause.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { containsItself, excessiveAliasing, parseManifest } from "../../policies/manifest";
import { check, checkJson } from "./run-check";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "check-input-warnings-"));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

function write(name: string, text: string): string {
    const file = path.join(tmp, name);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text);
    return file;
}

const deployment = (name: string, extra = "") => `apiVersion: apps/v1
kind: Deployment
metadata: {name: ${name}, namespace: shop${extra}}
spec:
  replicas: 2
  selector: {matchLabels: {app: ${name}}}
  template:
    metadata: {labels: {app: ${name}}}
    spec:
      containers:
        - name: app
          image: nginx:1.27
`;

describe("YAML aliases, counted as Kubernetes counts them", () => {
    const anchored = (aliases: number) =>
        `base: &b {a: "1", b: "2", c: "3", d: "4", e: "5"}\nuses:\n${Array.from({ length: aliases }, () => "  - *b").join("\n")}\n`;

    it("accepts ordinary anchors and merge keys, even hundreds of aliases to one anchor (go-yaml's ratio stays below 0.99)", () => {
        for (const aliases of [1, 50, 300, 2000]) {
            const { errors } = parseManifest(anchored(aliases), "a.yaml");
            expect(errors).toEqual([]);
        }
        const merged = `apiVersion: v1\nkind: ConfigMap\nmetadata: &m {name: x, labels: {a: b}}\ndata: {<<: {k: v}}\nx: {<<: *m}\n`;
        expect(parseManifest(merged, "m.yaml")).toMatchObject({ errors: [], objects: [{ kind: "ConfigMap" }] });
    });

    it("refuses a document whose aliases nest (a few lines that name millions of nodes)", () => {
        const lines = ['l0: &l0 ["a", "b", "c", "d", "e", "f", "g", "h", "i", "j"]'];
        for (let i = 1; i <= 9; i++) lines.push(`l${i}: &l${i} [${Array(10).fill(`*l${i - 1}`).join(", ")}]`);
        const text = `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: laughs}\ndata:\n${lines.map((l) => `  ${l}`).join("\n")}\n`;
        const { errors, objects } = parseManifest(text, "laughs.yaml");
        expect(objects).toEqual([]);
        expect(errors).toEqual([{ source: "laughs.yaml", document: 1, message: expect.stringContaining("document contains excessive aliasing") }]);
    });

    it("finds aliases written right after a flow key's colon, as go-yaml reads them", () => {
        const lines = ['"l0": &l0 ["a", "b", "c", "d", "e", "f", "g", "h", "i", "j"]'];
        for (let i = 1; i <= 9; i++) lines.push(`"l${i}": &l${i} [${Array(10).fill(`{"x":*l${i - 1}}`).join(",")}]`);
        const { errors, objects } = parseManifest(`{${lines.join(",\n")}}\n`, "tight.yaml");
        expect(objects).toEqual([]);
        expect(errors).toEqual([{ source: "tight.yaml", document: 1, message: expect.stringContaining("document contains excessive aliasing") }]);
    });

    it("refuses an anchor whose value contains its own alias, however the alias is written, instead of walking it forever", () => {
        const selfList = (tail: string) => `apiVersion: v1\nkind: List\nitems: &s [&m {"apiVersion": "v1", "kind": "List", "items":${tail}}]\n`;
        // The second also holds a `<<`, so the merge keys would be applied to the cycle next.
        for (const text of [selfList("*s"), `${selfList("*s")}# <<\n`, selfList(" *s"), "a: &a\n  b: *a\n", "- &x [*x]\n"]) {
            const { errors, objects } = parseManifest(text, "cycle.yaml");
            expect(objects, text).toEqual([]);
            expect(errors, text).toEqual([{ source: "cycle.yaml", document: 1, message: expect.stringContaining("an anchor's value contains an alias of that anchor") }]);
        }
    });

    it("tells a cycle from a node shared in several places", () => {
        const shared = { a: [1, 2] };
        expect(containsItself({ x: shared, y: [shared, shared], z: { w: shared } })).toBe(false);
        const cycle: Record<string, unknown> = { a: [1] };
        (cycle.a as unknown[]).push({ back: cycle });
        expect(containsItself({ top: [cycle] })).toBe(true);
    });

    it("counts an alias of an alias inside the expansion", () => {
        const nested = { leaf: Array.from({ length: 20 }, (_, i) => i) };
        const middle = Array(30).fill(nested);
        expect(excessiveAliasing({ top: Array(40).fill(middle) })).toBe(true);
        expect(excessiveAliasing({ top: Array(2).fill(middle) })).toBe(false);
    });
});

describe("unrendered Helm templates", () => {
    it("warns once per file, naming the template action and its line, and still checks what parsed", async () => {
        const file = write("helm/deployment.yaml", deployment("web").replace("image: nginx:1.27", 'image: "{{ .Values.image.repository }}:{{ .Values.image.tag }}"') + `---\n${deployment("api").replace("nginx:1.27", '"{{ .Values.image }}"')}`);
        const { status, stderr, json } = await checkJson(file);
        expect(status).toBe(0);
        expect(json.warnings).toEqual([{ source: file, document: 1, message: expect.stringContaining('unrendered Helm template ("{{ .Values.image.repository }}" at line 12): render it with `helm template`') }]);
        expect(stderr.match(/^warning: /gm)).toHaveLength(1);
        expect(json.summary).toMatchObject({ objects: 2, warnings: 1 });
        expect(json.violations.some((v: { policy: string }) => v.policy === "image-tag-pinned")).toBe(true);
    });

    it("adds the hint to the parse error of a template that is not YAML yet", async () => {
        const file = write("helm/configmap.yaml", "{{- if .Values.enabled }}\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ include \"x.fullname\" . }}\n{{- end }}\n");
        const { status, stderr } = await check(file);
        expect(status).toBe(2);
        expect(stderr).toMatch(new RegExp(`^error: ${file}: document 1: .* at line 1, column \\d+; this looks like an unrendered Helm template \\("\\{\\{- if \\.Values\\.enabled \\}\\}" at line 1\\)`, "m"));
    });

    it("does not mistake Prometheus, Alertmanager or Argo templates in values for Helm", () => {
        const rule = `apiVersion: monitoring.coreos.com/v1
kind: PrometheusRule
metadata: {name: alerts}
spec:
  groups:
    - name: pods
      rules:
        - alert: PodDown
          annotations:
            summary: "{{ $labels.pod }} of {{ $labels.job }} is down ({{ $value | humanize }})"
            text: |
              {{ range .Alerts }}
              {{ .Labels.alertname }}
              {{ end }}
---
apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata: {name: apps}
spec:
  template:
    metadata: {name: "{{path.basename}}"}
`;
        expect(parseManifest(rule, "rule.yaml").warnings).toEqual([]);
    });
});

describe("objects defined more than once", () => {
    it("warns once per identity, naming every other place, and reports each copy's findings where that copy was read", async () => {
        const a = write("dup/a.yaml", `${deployment("web")}---\n${deployment("web")}`);
        const b = write("dup/b.yaml", deployment("web"));
        const { status, json } = await checkJson(a, b);
        expect(status).toBe(0);
        expect(json.warnings).toEqual([{ source: a, document: 1, message: `Deployment shop/web is defined again in ${a} document 2, ${b} document 1; applied together, the last one replaces the others; every copy is checked` }]);
        const places = json.violations.filter((v: { policy: string }) => v.policy === "resource-limits-required").map((v: { file: string; document: number }) => `${path.basename(v.file)}#${v.document}`);
        expect(places).toEqual(["a.yaml#1", "a.yaml#2", "b.yaml#1"]);
    });

    it("lists the first places and counts the rest, and leaves objects named by generateName alone", async () => {
        const many = write("dup/many.yaml", Array.from({ length: 9 }, () => deployment("web")).join("---\n"));
        const generated = write("dup/generated.yaml", Array.from({ length: 3 }, () => "apiVersion: batch/v1\nkind: Job\nmetadata: {generateName: migrate-}\nspec: {template: {spec: {restartPolicy: Never, containers: [{name: m, image: m:1}]}}}\n").join("---\n"));
        const { json } = await checkJson(many, generated);
        expect(json.warnings).toHaveLength(1);
        expect(json.warnings[0].message).toContain(`${many} document 6 and 3 more places;`);
    });
});

describe("cross-resource findings next to an input that could not be read", () => {
    const service = `apiVersion: v1
kind: Service
metadata: {name: web, namespace: shop}
spec:
  selector: {app: web}
  ports: [{port: 80}]
`;

    it("holds them back (listed, not counted) and exits 2, while per-object findings are still reported", async () => {
        const good = write("held/service.yaml", service);
        const broken = write("held/deployment.yaml", `${deployment("web")}  bad: [unclosed\n`);
        const { status, json } = await checkJson(good, broken);
        expect(status).toBe(2);
        expect(json.heldBack).toEqual([expect.objectContaining({ policy: "service-selector-matches", kind: "Service", name: "web", file: good, document: 1 })]);
        expect(json.violations.some((v: { policy: string }) => v.policy === "service-selector-matches")).toBe(false);
        expect(json.summary).toMatchObject({ heldBack: 1, inputErrors: 1 });

        const text = await check(good, broken);
        expect(text.stdout).toContain("Held back (cross-resource findings an input that could not be read may cause): 1 finding(s):\n  Service shop/web service-selector-matches:");
        expect(text.stdout).toContain("are held back until every input reads");
    });

    it("reports the same finding as a violation when every input reads", async () => {
        const { status, json } = await checkJson(write("held-ok/service.yaml", service));
        expect(status).toBe(1);
        expect(json.heldBack).toEqual([]);
        expect(json.violations).toEqual([expect.objectContaining({ policy: "service-selector-matches", level: "mandatory" })]);
    });
});
