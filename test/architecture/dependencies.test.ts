// The dependency plan of the source tree: each wing imports only from wings below it, and no module imports itself
// back through others. Read from the import statements themselves, so a new upward import fails here.
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = path.join(__dirname, "..", "..");

/** Wing -> its floor. A wing may import its own files and any wing on a lower floor; wings on one floor are apart. */
const FLOORS: Record<string, number> = { kube: 0, io: 0, components: 1, policies: 1, config: 2, program: 3, harness: 4, cli: 4, plugin: 4, bench: 5 };

function sources(dir: string): string[] {
    return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
        const full = path.join(dir, entry.name);
        if (entry.isDirectory()) return entry.name === "node_modules" ? [] : sources(full);
        return entry.name.endsWith(".ts") ? [full] : [];
    });
}

function resolveImport(from: string, specifier: string): string | undefined {
    if (!specifier.startsWith(".")) return undefined;
    const base = path.resolve(path.dirname(from), specifier);
    return [`${base}.ts`, path.join(base, "index.ts")].find((candidate) => fs.existsSync(candidate));
}

const files = Object.keys(FLOORS).flatMap((wing) => sources(path.join(ROOT, wing)));
const imports = new Map(files.map((file) => {
    const text = fs.readFileSync(file, "utf8");
    const specifiers = [
        ...[...text.matchAll(/^(?:import|export)\b[^;]*?\bfrom\s+"([^"]+)"/gms)].map((m) => m[1]),
        // Bare imports, require() and dynamic import() reach other modules too.
        ...[...text.matchAll(/^import\s+"([^"]+)"|\brequire\("([^"]+)"\)|\bimport\("([^"]+)"\)/gm)].map((m) => m[1] ?? m[2] ?? m[3]),
    ];
    return [file, specifiers.map((s) => resolveImport(file, s)).filter((f): f is string => f !== undefined)];
}));
const wingOf = (file: string): string => path.relative(ROOT, file).split(path.sep)[0];

describe("the dependency plan", () => {
    it("reads the imports of every wing", () => {
        expect(files.length).toBeGreaterThan(80);
        expect(imports.get(path.join(ROOT, "config", "stack-config.ts"))).toContain(path.join(ROOT, "kube", "schemas.ts"));
    });

    it("has no import from a wing to one on its own floor or above", () => {
        const upward = [...imports].flatMap(([file, targets]) => targets
            .filter((target) => wingOf(target) !== wingOf(file))
            .filter((target) => !(wingOf(target) in FLOORS) || FLOORS[wingOf(target)] >= FLOORS[wingOf(file)])
            .map((target) => `${path.relative(ROOT, file)} -> ${path.relative(ROOT, target)}`));
        expect(upward).toEqual([]);
    });

    it("has no import cycle", () => {
        const cycles: string[] = [];
        const state = new Map<string, "open" | "done">();
        const visit = (file: string, trail: string[]): void => {
            if (state.get(file) === "done") return;
            if (state.get(file) === "open") {
                cycles.push([...trail.slice(trail.indexOf(file)), file].map((f) => path.relative(ROOT, f)).join(" -> "));
                return;
            }
            state.set(file, "open");
            for (const target of imports.get(file) ?? []) visit(target, [...trail, file]);
            state.set(file, "done");
        };
        for (const file of files) visit(file, []);
        expect(cycles).toEqual([]);
    });
});
