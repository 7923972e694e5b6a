import { load } from "js-yaml";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { manifestYaml } from "../../cli/manifest-yaml";
import { renderStack } from "../../cli/render";
import { REPO } from "../support/run-program";

/** Parsed back by the YAML 1.2 parser, a YAML 1.1 parser (as Go's yaml.v2-era tools read it) and js-yaml. */
function roundTrips(object: unknown): void {
    const text = manifestYaml(object as object);
    expect(parse(text), text).toEqual(object);
    expect(parse(text, { version: "1.1" }), text).toEqual(object);
    expect(load(text), text).toEqual(object);
}

describe("manifestYaml", () => {
    it.each(["dev", "staging", "prod"])("round-trips every rendered object of %s", (stack) => {
        for (const object of renderStack(REPO, stack)) roundTrips(object);
    });

    it("quotes every string a YAML parser would read as something else", () => {
        const strings = [
            "", " ", "true", "False", "yes", "No", "on", "OFF", "y", "n", "null", "~", "1", "0.5", ".5", "1e3", "0x1F", "0o17",
            "1:20", "2026-11-25", ".inf", "-.inf", ".NaN", "-", "- a", "a: b", "a #b", "#c", "*alias", "&anchor", "!tag",
            "%x", "@at", "`tick", "[a]", "{a}", "a,b", "'q'", '"q"', "|", ">", "?", "multi\nline", "tab\there", "trailing ",
            "ünïcödé", "emoji 🚀", "250m", "128Mi", "app.kubernetes.io/name", "/metrics", "_under", "a/b@c-d.e",
        ];
        roundTrips({ strings, keys: Object.fromEntries(strings.filter((s) => s !== "").map((s, i) => [s, i])) });
    });

    it("writes numbers, booleans, null, empty and nested collections", () => {
        roundTrips({ n: 0, neg: -3, f: 1.5, big: 2147483647, t: true, f2: false, z: null, e: {}, a: [], nested: [[1, [2]], [], {}, [{ a: [] }]] });
    });

    it("writes manifests the way kubectl does: block style, sequences at their key's indentation, no aliases", () => {
        const labels = { app: "web" };
        expect(manifestYaml({ metadata: { labels }, spec: { template: { metadata: { labels } }, ports: [{ name: "http", port: 80 }] } })).toBe([
            "metadata:",
            "  labels:",
            "    app: web",
            "spec:",
            "  template:",
            "    metadata:",
            "      labels:",
            "        app: web",
            "  ports:",
            "  - name: http",
            "    port: 80",
            "",
        ].join("\n"));
    });
});
