import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { rules } from "../../policies/rules";

const doc = fs.readFileSync(path.join(__dirname, "../../README.md"), "utf8");
const rows = new Map(
    doc
        .split("\n")
        .filter((line) => line.startsWith("| `"))
        .map((line) => line.replace(/^\| | \|$/g, "").split(" | "))
        .map((cells) => [cells[0].replace(/`/g, ""), cells] as const),
);

describe("the README's policy reference", () => {
    it.each(rules.map((rule) => [rule.name, rule] as const))("has a reference row for %s with its default level and parameters", (name, rule) => {
        const cells = rows.get(name);
        expect(cells, `no row for ${name}`).toBeDefined();
        expect(cells?.[4]).toMatch(new RegExp(`^${rule.defaultLevel}\\b`));
        for (const [key, spec] of Object.entries(rule.parameters)) {
            expect(cells?.[5]).toContain(`\`${key}\` (\`${JSON.stringify(spec.default).replace(/,/g, ", ")}\`)`);
        }
        if (Object.keys(rule.parameters).length === 0) expect(cells?.[5]).toBe("none");
    });
});
