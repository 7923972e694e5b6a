import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { main } from "../../cli/main";
import { rules } from "../../policies/rules";
import { REFERENCE_DIR, referenceDocs } from "../../scripts/reference-docs";

const docs = referenceDocs();
const ROOT = path.join(__dirname, "..", "..");

describe("the generated references in docs/reference/", () => {
    it.each(Object.keys(docs))("%s is up to date (run `npm run docs` after changing a schema, a rule or a policy config)", (file) => {
        const checkedIn = fs.readFileSync(path.join(REFERENCE_DIR, file), "utf8");
        expect(checkedIn).toBe(docs[file]);
    });

    it("the policy reference is what `kube-appstack rules --format markdown` prints for the shipped configs", async () => {
        let out = "";
        const configs = ["dev", "staging", "prod"].flatMap((c) => ["--config", path.join(ROOT, "policies", "config", `${c}.json`)]);
        const status = await main(["rules", "--format", "markdown", ...configs], { stdout: (t) => (out += t), stderr: () => undefined });
        expect(status).toBe(0);
        expect(out).toBe(docs["policies.md"]);
    });

    it("documents every rule with its default level and every parameter with its default", () => {
        for (const rule of rules) {
            const section = docs["policies.md"].split(`\n## ${rule.name}\n`)[1]?.split("\n## ")[0];
            expect(section, rule.name).toBeDefined();
            expect(section).toContain(`**Default level:** ${rule.defaultLevel}`);
            for (const [key, p] of Object.entries(rule.parameters)) expect(section).toContain(`| \`${key}\` | \`${JSON.stringify(p.default)}\` |`);
        }
    });

    it("documents every stack config key with a description", () => {
        const rows = docs["configuration.md"].split("\n").filter((line) => line.startsWith("| `"));
        expect(rows.length).toBeGreaterThan(100);
        const undocumented = rows.filter((row) => row.split(" | ")[3].replace(/ \|$/, "").trim() === "");
        expect(undocumented).toEqual([]);
    });

    it("links only to sections it has", () => {
        for (const [file, content] of Object.entries(docs)) {
            const headings = new Set([...content.matchAll(/^#+ (.+)$/gm)].map((m) => m[1].toLowerCase().replace(/[^a-z0-9 _-]/g, "").replace(/ /g, "-")));
            const anchors = [...content.matchAll(/\]\(#([^)]+)\)/g)].map((m) => m[1]);
            expect(anchors.filter((a) => !headings.has(a)), file).toEqual([]);
        }
    });
});
