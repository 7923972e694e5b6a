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
