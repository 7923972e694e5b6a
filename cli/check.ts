/**
 * `kube-appstack check <file or directory>... [--format text|json] [--config <file>]`: runs every rule over the
 * Kubernetes objects in YAML manifests, cross-resource rules over all inputs together.
 *
 * Exit status: 0 without mandatory violations, 1 with at least one, 2 when an input or the config cannot be read
 * or parsed (the inputs that could be read are still checked and reported).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { checkObjects } from "../policies/check";
import { type KubeObject, objectRef, type ObjectRef } from "../policies/kube-object";
import { formatManifestError, type ManifestError, parseManifest } from "../policies/manifest";
import { defaultPolicyConfig, loadPolicyConfig, type PolicyConfig, PolicyConfigError } from "../policies/policy-config";
import type { Violation } from "../policies/rule";
import { rules } from "../policies/rules";
import type { Io } from "./io";

const EXIT_OK = 0;
const EXIT_MANDATORY = 1;
const EXIT_INPUT_ERROR = 2;

const USAGE = `usage: kube-appstack check <file or directory>... [--format text|json] [--config <file>]

Checks every .yaml/.yml file (directories are searched recursively; multi-document files and kind: List
items included) against the kube-appstack policies and prints the violations.

options:
  --format text|json  output format (default: text)
  --config <file>     policy config in CrossGuard's policy-pack-config format, e.g. policies/config/prod.json
  -h, --help          show this help

exit status: 0 no mandatory violation, 1 at least one mandatory violation, 2 an input or the config could not be
read or parsed, or bad usage
`;

interface Inputs {
    readonly objects: KubeObject[];
    /** The files each object identity was read from, for the text report. */
    readonly sources: Map<string, string[]>;
    readonly errors: ManifestError[];
    readonly fileCount: number;
}

export function runCheck(args: string[], io: Io): number {
    let options: { format: string; config?: string; help: boolean; paths: string[] };
    try {
        const parsed = parseArgs({
            args,
            allowPositionals: true,
            options: { format: { type: "string", default: "text" }, config: { type: "string" }, help: { type: "boolean", short: "h", default: false } },
        });
        options = { ...parsed.values, format: parsed.values.format, help: parsed.values.help, paths: parsed.positionals };
    } catch (error) {
        io.stderr(`error: ${(error as Error).message}\n\n${USAGE}`);
        return EXIT_INPUT_ERROR;
    }
    if (options.help) {
        io.stdout(USAGE);
        return EXIT_OK;
    }
    if (options.format !== "text" && options.format !== "json") {
        io.stderr(`error: --format must be text or json, given "${options.format}"\n\n${USAGE}`);
        return EXIT_INPUT_ERROR;
    }
    if (options.paths.length === 0) {
        io.stderr(`error: give at least one file or directory to check\n\n${USAGE}`);
        return EXIT_INPUT_ERROR;
    }
    let config: PolicyConfig;
    try {
        config = options.config === undefined ? defaultPolicyConfig() : loadPolicyConfig(options.config);
    } catch (error) {
        if (!(error instanceof PolicyConfigError)) throw error;
        io.stderr(`error: ${error.message}\n`);
        return EXIT_INPUT_ERROR;
    }

    const inputs = readInputs(options.paths);
    for (const error of inputs.errors) io.stderr(`error: ${formatManifestError(error)}\n`);
    const violations = sortByObject(checkObjects(inputs.objects, config));
    io.stdout(options.format === "json" ? `${JSON.stringify({ violations }, null, 2)}\n` : textReport(violations, inputs));

    if (inputs.errors.length > 0) return EXIT_INPUT_ERROR;
    return violations.some((v) => v.level === "mandatory") ? EXIT_MANDATORY : EXIT_OK;
}

function readInputs(paths: readonly string[]): Inputs {
    const inputs: Inputs = { objects: [], sources: new Map(), errors: [], fileCount: 0 };
    const files: string[] = [];
    for (const given of paths) {
        try {
            if (fs.statSync(given).isDirectory()) files.push(...manifestFilesUnder(given));
            else files.push(given);
        } catch (error) {
            inputs.errors.push({ source: given, message: `cannot read: ${(error as Error).message}` });
        }
    }
    for (const file of files) {
        let text: string;
        try {
            text = fs.readFileSync(file, "utf8");
        } catch (error) {
            inputs.errors.push({ source: file, message: `cannot read: ${(error as Error).message}` });
            continue;
        }
        const parsed = parseManifest(text, file);
        inputs.errors.push(...parsed.errors);
        for (const object of parsed.objects) {
            inputs.objects.push(object);
            const key = refKey(objectRef(object));
            inputs.sources.set(key, [...new Set([...(inputs.sources.get(key) ?? []), file])]);
        }
    }
    return { ...inputs, fileCount: files.length };
}

/** `.yaml` and `.yml` files below `directory`, in a stable order; symbolic links to directories are not followed. */
function manifestFilesUnder(directory: string): string[] {
    const files: string[] = [];
    const entries = fs.readdirSync(directory, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name));
    for (const entry of entries) {
        const full = path.join(directory, entry.name);
        if (entry.isDirectory()) files.push(...manifestFilesUnder(full));
        else if (/\.ya?ml$/i.test(entry.name) && (entry.isFile() || entry.isSymbolicLink())) files.push(full);
    }
    return files;
}

const refKey = (ref: ObjectRef): string => `${ref.kind}\u0000${ref.namespace}\u0000${ref.name}`;

/** Groups violations by object (namespace, kind, name); within an object they keep the rules' order. */
function sortByObject(violations: Violation[]): Violation[] {
    const order = (v: Violation): string => `${v.namespace}\u0000${v.kind}\u0000${v.name}`;
    return violations
        .map((violation, index) => ({ violation, index }))
        .sort((a, b) => order(a.violation).localeCompare(order(b.violation)) || a.index - b.index)
        .map(({ violation }) => violation);
}

function textReport(violations: readonly Violation[], inputs: Inputs): string {
    const remediation = new Map(rules.map((rule) => [rule.name, rule.remediation]));
    const lines: string[] = [];
    let currentObject: string | undefined;
    violations.forEach((violation, index) => {
        const key = refKey(violation);
        if (key !== currentObject) {
            if (currentObject !== undefined) lines.push("");
            currentObject = key;
            const files = inputs.sources.get(key) ?? [];
            lines.push(`${violation.kind} ${violation.namespace}/${violation.name}${files.length > 0 ? `  (${files.join(", ")})` : ""}`);
        }
        lines.push(`  [${violation.level}] ${violation.policy}: ${violation.message}`);
        // The hint once per policy and object, after that policy's last line.
        const next = violations[index + 1];
        if (next === undefined || refKey(next) !== key || next.policy !== violation.policy) {
            lines.push(`      fix: ${remediation.get(violation.policy) ?? ""}`);
        }
    });
    const mandatory = violations.filter((v) => v.level === "mandatory").length;
    const checked = `Checked ${inputs.objects.length} object(s) in ${inputs.fileCount} file(s)`;
    if (lines.length > 0) lines.push("");
    lines.push(
        violations.length === 0
            ? `${checked}: no violations.`
            : `${checked}: ${mandatory} mandatory and ${violations.length - mandatory} advisory violation(s).`,
    );
    if (inputs.errors.length > 0) lines.push(`${inputs.errors.length} input error(s), listed above: the check is incomplete.`);
    return `${lines.join("\n")}\n`;
}
