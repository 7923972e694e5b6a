import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { REPO } from "./run-program";

// Prometheus' own rule-file loader and PromQL parser (scripts/tools/promql-check), built from Go modules once per
// source version into .tools/bin, beside the other tools built from Go modules (about 50 s with a cold build cache):
// what we generate for Prometheus is read by the code Prometheus runs.

const SOURCE = path.join(REPO, "scripts", "tools", "promql-check");

function binary(): string {
    const hash = createHash("sha256");
    for (const file of ["go.mod", "go.sum", "main.go"]) hash.update(fs.readFileSync(path.join(SOURCE, file)));
    const bin = process.env.TOOLS_BIN ?? path.join(REPO, ".tools", "bin");
    fs.mkdirSync(bin, { recursive: true });
    const out = path.join(bin, `promql-check-${hash.digest("hex").slice(0, 16)}`);
    if (!fs.existsSync(out)) {
        const partial = `${out}.${process.pid}.partial`;
        const result = spawnSync("nice", ["-n", "19", "go", "build", "-o", partial, "."], { cwd: SOURCE, encoding: "utf8" });
        if (result.status !== 0) throw new Error(`building promql-check failed: ${result.error?.message ?? result.stderr}`);
        fs.renameSync(partial, out);
    }
    return out;
}

function run(mode: "rules" | "exprs", input: string): string[] {
    const result = spawnSync(binary(), [mode], { input, encoding: "utf8" });
    if (result.status === 2 || result.status === null) throw new Error(`promql-check ${mode} could not read its input: ${result.stderr}`);
    return result.stdout.split("\n").filter((line) => line !== "");
}

/** Problems Prometheus finds loading the rule file (a PrometheusRule's spec); [] when it loads. */
export function ruleFileProblems(spec: unknown): string[] {
    return run("rules", JSON.stringify(spec));
}

/** Problems Prometheus' parser finds in the expressions; [] when each parses. */
export function exprProblems(exprs: readonly string[]): string[] {
    return run("exprs", JSON.stringify(exprs));
}

/** Builds the tool ahead of the first check (the first build on a machine takes a while). */
export function buildPromqlCheck(): void {
    binary();
}
