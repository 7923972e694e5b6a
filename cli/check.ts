/**
 * `kube-appstack check <file or directory>... [--format text|json|sarif] [--config <file>]`: runs every rule over the
 * Kubernetes objects in YAML and JSON manifests, cross-resource rules over all inputs together.
 *
 * Exit status: 0 without mandatory violations, 1 with at least one, 2 when an input or the config cannot be read
 * or parsed (the inputs that could be read are still checked and reported).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { checkObjectsReport, enabledRules, type ObjectFindings, type ObjectViolation, type RuleFailure, type WaivedViolation } from "../policies/check";
import { WAIVER_PREFIX } from "../policies/waivers";
import { isChecked, isKustomizeInput, notCheckedReason, objectProblem, toolConfiguration } from "../policies/coverage";
import { asString, fieldAt, type KubeObject, objectRef, type ObjectRef } from "../policies/kube-object";
import { formatManifestError, type ManifestError } from "../policies/manifest";
import { defaultPolicyConfig, loadPolicyConfig, type PolicyConfig, PolicyConfigError } from "../policies/policy-config";
import type { Violation } from "../policies/rule";
import { rules } from "../policies/rules";
import { type CheckReport, type Location, STDIN } from "./check-report";
import { defaultJobs, readManifestInputs } from "./check-threads";
import { terminalLine } from "./terminal-line";
import type { Io } from "./io";
import { packageVersion } from "./version";

const EXIT_OK = 0;
const EXIT_MANDATORY = 1;
const EXIT_INPUT_ERROR = 2;

/** The most threads `--jobs` may ask for. */
const MAX_JOBS = 64;

const USAGE = `usage: kube-appstack check <file, directory or ->... [--format text|json|sarif] [--config <file>]

Checks every .yaml/.yml/.json file (directories are searched recursively; multi-document files, JSON streams
and kind: List items included; - reads standard input) against the kube-appstack policies and prints the
violations. Objects no policy covers, and other tools' config files (a Kustomization, kind's Cluster), are
listed as not checked; input that names no Kubernetes object is an error.

options:
  --format text|json|sarif  output format (default: text); sarif is SARIF 2.1.0, for code scanning
  --exclude <glob>          skip matching files and directories (repeatable; node_modules and .git are skipped unless named)
  --config <file>           policy config in CrossGuard's policy-pack-config format, e.g. policies/config/prod.json
  --jobs <n>                threads that read and check files (default: one per CPU, at most 4; large inputs only)
  -h, --help                show this help

exit status: 0 no mandatory violation, 1 at least one mandatory violation, 2 an input or the config could not be
read or parsed, no object was found, a policy failed on an input, or bad usage
`;

interface Inputs {
    readonly objects: KubeObject[];
    /** Where each object was read. */
    readonly locationOf: Map<KubeObject, Location>;
    /** Where each object identity was read (an identity repeated across files has several). */
    readonly locations: Map<string, Location[]>;
    /** What the per-object rules found on each object, found where it was read. */
    readonly findings: Map<KubeObject, ObjectFindings>;
    readonly errors: ManifestError[];
    /** Problems that do not stop the check: unrendered templates, objects defined more than once. */
    readonly warnings: ManifestError[];
    readonly fileCount: number;
}

export async function runCheck(args: string[], io: Io): Promise<number> {
    let options: { format: string; config?: string; jobs?: string; help: boolean; exclude: string[]; paths: string[] };
    try {
        const parsed = parseArgs({
            args,
            allowPositionals: true,
            options: {
                format: { type: "string", default: "text" },
                config: { type: "string" },
                jobs: { type: "string" },
                exclude: { type: "string", multiple: true, default: [] },
                help: { type: "boolean", short: "h", default: false },
            },
        });
        options = { ...parsed.values, format: parsed.values.format, help: parsed.values.help, exclude: parsed.values.exclude, paths: parsed.positionals };
    } catch (error) {
        io.stderr(`error: ${(error as Error).message}\n\n${USAGE}`);
        return EXIT_INPUT_ERROR;
    }
    if (options.help) {
        io.stdout(USAGE);
        return EXIT_OK;
    }
    if (options.format !== "text" && options.format !== "json" && options.format !== "sarif") {
        io.stderr(`error: --format must be text, json or sarif, given "${options.format}"\n\n${USAGE}`);
        return EXIT_INPUT_ERROR;
    }
    if (options.paths.length === 0) {
        io.stderr(`error: give at least one file or directory to check\n\n${USAGE}`);
        return EXIT_INPUT_ERROR;
    }
    const jobs = options.jobs === undefined ? defaultJobs() : /^[0-9]{1,3}$/.test(options.jobs) ? Number(options.jobs) : NaN;
    if (!(jobs >= 1 && jobs <= MAX_JOBS)) {
        io.stderr(`error: --jobs must be a whole number from 1 to ${MAX_JOBS}, given "${options.jobs}"\n\n${USAGE}`);
        return EXIT_INPUT_ERROR;
    }
    let config: PolicyConfig;
    try {
        config = options.config === undefined ? defaultPolicyConfig() : loadPolicyConfig(options.config, { emptyRefused: true });
    } catch (error) {
        if (!(error instanceof PolicyConfigError)) throw error;
        io.stderr(`error: ${error.message}\n`);
        return EXIT_INPUT_ERROR;
    }

    const inputs = await readInputs(options.paths, config, jobs, options.exclude.map(globPattern));
    // Other tools' configuration files are listed, never judged: the cluster runs nothing from them.
    const configFiles: KubeObject[] = [];
    const clusterObjects: KubeObject[] = [];
    const uncovered: KubeObject[] = [];
    const notChecked: CheckReport["notChecked"][number][] = [];
    for (const object of inputs.objects) {
        if (toolConfiguration(object) !== undefined) {
            configFiles.push(object);
        } else {
            clusterObjects.push(object);
            if (isChecked(object)) continue;
            uncovered.push(object);
        }
        notChecked.push({ ...objectRef(object), ...placeOf(object, inputs), reason: notCheckedReason(object) as string });
    }
    const checked = clusterObjects.length - uncovered.length;
    // Every cluster object goes to the rules (each judges only its kinds): cross-resource rules also read the
    // not-checked ones, such as custom resources whose operators create pods.
    const { violations: found, waived, failures } = checkObjectsReport(clusterObjects, config, inputs.findings);
    const nothing = clusterObjects.length === 0 && inputs.errors.length === 0
        ? [{ source: options.paths.join(", "), message: nothingFound(inputs.fileCount, configFiles.length) }]
        : [];
    const errors = [...inputs.errors, ...nothing];
    // A cross-resource finding says something is missing (no pod for a Service, no target for an HPA, no PDB ...), and
    // what is missing may sit in an input that could not be read: such findings are held back, not reported as
    // violations, while any input failed (the run exits 2 anyway).
    const heldBack = sortByObject(errors.length > 0 ? found.filter((v) => CROSS_RESOURCE.has(v.policy)) : []);
    const violations = sortByObject(errors.length > 0 ? found.filter((v) => !CROSS_RESOURCE.has(v.policy)) : found);
    for (const warning of inputs.warnings) io.stderr(`warning: ${terminalLine(formatManifestError(warning))}\n`);
    for (const error of errors) io.stderr(`error: ${terminalLine(formatManifestError(error))}\n`);
    for (const failure of failures) io.stderr(`error: ${terminalLine(failureLine(failure))}\n`);
    if (options.format === "json" || options.format === "sarif") {
        const mandatory = violations.filter((v) => v.level === "mandatory").length;
        const report: CheckReport = {
            violations: violations.map((v) => located(v, inputs)),
            notChecked,
            waived: sortByObject(waived).map((w) => ({ ...located(w, inputs), reason: w.reason })),
            heldBack: heldBack.map((v) => located(v, inputs)),
            inputErrors: errors,
            warnings: inputs.warnings,
            ruleFailures: failures,
            summary: {
                files: inputs.fileCount, objects: inputs.objects.length, checked, notChecked: notChecked.length,
                mandatory, advisory: violations.length - mandatory, waived: waived.length, heldBack: heldBack.length, inputErrors: errors.length, warnings: inputs.warnings.length, ruleFailures: failures.length,
            },
        };
        // Loaded only for SARIF: it needs node:crypto, which costs every other check's start a few milliseconds.
        const output = options.format === "json" ? report : (await import("./sarif")).sarifLog(report, { config, toolVersion: packageVersion(), cwd: process.cwd() });
        io.stdout(`${JSON.stringify(output, null, 2)}\n`);
    } else {
        io.stdout(textReport(violations, inputs, {
            objects: clusterObjects.length, checked, notChecked: uncovered.map(objectRef), configFiles,
            waived: sortByObject(waived), heldBack, failures: failures.length, errors: errors.length,
        }));
    }

    if (errors.length > 0 || failures.length > 0) return EXIT_INPUT_ERROR;
    return violations.some((v) => v.level === "mandatory") ? EXIT_MANDATORY : EXIT_OK;
}

/** The error for a run that found nothing to check, saying what it did find. */
function nothingFound(files: number, configFiles: number): string {
    const found = files === 0
        ? "no .yaml, .yml or .json file there"
        : configFiles > 0
            ? `${configFiles} configuration file(s) of other tools, listed as not checked, and no object for the cluster`
            : `${files} file(s) read, and no document in them is a mapping with a string apiVersion and kind`;
    return `no Kubernetes object found (${found}): a check that checked nothing cannot pass`;
}

function failureLine(failure: RuleFailure): string {
    const object = failure.object ? ` on ${failure.object.kind} ${failure.object.namespace}/${failure.object.name}` : "";
    return `policy ${failure.policy}${object}: ${failure.message}; its findings are missing, every other policy still ran`;
}

/** A finding as JSON: its policy, level, object and message, and the file and document its object was read from. */
function located({ policy, level, kind, namespace, name, message, object }: ObjectViolation, inputs: Inputs) {
    return { policy, level, kind, namespace, name, message, ...placeOf(object, inputs) };
}

/** Where an input object was read; every object in `inputs` has its place, so a miss is a bug here. */
function placeOf(object: KubeObject, inputs: Inputs): Location {
    const location = inputs.locationOf.get(object);
    if (location === undefined) throw new Error("internal error: an object without the place it was read");
    return location;
}

/**
 * An `--exclude` glob as a test on paths: `*` and `?` within one path segment, `**` across segments; it matches the end
 * of a path at a segment boundary, so `vendor` skips every directory of that name and `charts/*.yaml` those files.
 */
function globPattern(glob: string): (file: string) => boolean {
    const body = glob.split("**").map((part) => part.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, "[^/]*").replace(/\?/g, "[^/]")).join(".*");
    const pattern = new RegExp(`(^|/)${body}$`);
    return (file) => pattern.test(file.split(path.sep).join("/"));
}

/** Directories no one means to check: skipped unless named on the command line. */
const SKIPPED_DIRECTORIES = new Set(["node_modules", ".git"]);

async function readInputs(paths: readonly string[], config: PolicyConfig, jobs: number, excluded: ReadonlyArray<(file: string) => boolean> = []): Promise<Inputs> {
    const inputs: Inputs = { objects: [], locationOf: new Map(), locations: new Map(), findings: new Map(), errors: [], warnings: [], fileCount: 0 };
    const files: string[] = [];
    /** The files found in directories rather than named. */
    const found = new Set<string>();
    for (const given of paths) {
        if (given === STDIN) {
            files.push(given);
            continue;
        }
        try {
            if (fs.statSync(given).isDirectory()) {
                for (const file of manifestFilesUnder(given, inputs.errors, excluded)) {
                    files.push(file);
                    found.add(file);
                }
            } else {
                files.push(given);
            }
        } catch (error) {
            inputs.errors.push({ source: given, message: `cannot read: ${(error as Error).message}` });
        }
    }
    const { inputs: read } = await readManifestInputs(files, enabledRules(config), jobs);
    files.forEach((file, f) => {
        const input = read[f];
        if ("unreadable" in input) {
            inputs.errors.push({ source: file, message: input.unreadable });
            return;
        }
        const { parsed, findings } = input;
        // Repositories keep JSON of every kind next to their manifests, some of it with comments (tsconfig.json), which
        // no manifest reader parses. Such a file is still an error, as it is to `kubectl apply -f <dir>`: dropping it
        // unless it spells "apiVersion" let an escaped spelling hide a Pod. The message says how to leave it out.
        const hint = found.has(file) && JSON_FILE.test(file) && parsed.objects.length === 0 ? "; if this file is no manifest, leave it out with --exclude" : "";
        append(inputs.errors, hint === "" ? parsed.errors : parsed.errors.map((e) => ({ ...e, message: `${e.message}${hint}` })));
        append(inputs.warnings, parsed.warnings);
        parsed.objects.forEach((object, i) => {
            // An object the rules were given has no problem (isClusterObject); only the others are asked again.
            const problem = findings[i] === null ? objectProblem(object) : undefined;
            if (problem !== undefined) {
                inputs.errors.push({ source: file, document: parsed.documents[i], message: problem });
                return;
            }
            inputs.objects.push(object);
            const objectFindings = findings[i];
            if (objectFindings !== null) inputs.findings.set(object, objectFindings);
            const key = refKey(objectRef(object));
            const location = { file, document: parsed.documents[i], line: parsed.lines[i] };
            inputs.locationOf.set(object, location);
            const seen = inputs.locations.get(key);
            if (seen === undefined) inputs.locations.set(key, [location]);
            else seen.push(location);
        });
    });
    append(inputs.warnings, duplicateWarnings(inputs));
    return { ...inputs, fileCount: files.length };
}

/** `push(...items)` without passing every item as an argument, which overflows the stack at a few hundred thousand. */
function append<T>(into: T[], items: readonly T[]): void {
    for (const item of items) into.push(item);
}

/** How many places a duplicate warning names before it only counts the rest. */
const LISTED_DUPLICATES = 5;

/**
 * One warning per object identity read more than once (objects named only by generateName are new on every create).
 * Applied together, each copy replaces the one before; overlays of different environments in one tree repeat names on
 * purpose, so this is a warning: every copy is still checked.
 */
function duplicateWarnings(inputs: Inputs): ManifestError[] {
    const warnings: ManifestError[] = [];
    const named = new Set(inputs.objects.filter((o) => asString(fieldAt(o, "metadata", "name")) !== undefined).map((o) => refKey(objectRef(o))));
    for (const [key, locations] of inputs.locations) {
        if (locations.length < 2 || !named.has(key)) continue;
        const [kind, namespace, name] = key.split("\u0000");
        const [first, ...others] = locations;
        const listed = others.slice(0, LISTED_DUPLICATES).map((l) => `${l.file} document ${l.document}`).join(", ");
        const more = others.length > LISTED_DUPLICATES ? ` and ${others.length - LISTED_DUPLICATES} more places` : "";
        warnings.push({
            source: first.file,
            document: first.document,
            message: `${kind} ${namespace}/${name} is defined again in ${listed}${more}; applied together, the last one replaces the others; every copy is checked`,
        });
    }
    return warnings;
}

/**
 * The files a directory search reads, as `kubectl apply -f <directory>` does: its FileVisitor compares the extension
 * with `.json`, `.yaml` and `.yml` as written, so `x.YAML` is skipped.
 */
const MANIFEST_FILE = /\.(ya?ml|json)$/;
const JSON_FILE = /\.json$/i;

/**
 * `.yaml`, `.yml` and `.json` files below `directory`, in a stable order; symbolic links to directories are not
 * followed, and a directory that cannot be read is reported in `errors` while its siblings are still searched. (The
 * recursion is as deep as the directory tree, which PATH_MAX bounds.)
 */
function manifestFilesUnder(directory: string, errors: ManifestError[], excluded: ReadonlyArray<(file: string) => boolean>): string[] {
    let entries: fs.Dirent[];
    try {
        // In byte order, as kubectl's filepath.Walk reads a directory: the order decides which of two copies of an
        // object is applied last.
        entries = fs.readdirSync(directory, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    } catch (error) {
        errors.push({ source: directory, message: `cannot read: ${(error as Error).message}` });
        return [];
    }
    return entries.flatMap((entry) => {
        const full = path.join(directory, entry.name);
        if (excluded.some((matches) => matches(full))) return [];
        if (entry.isDirectory()) return SKIPPED_DIRECTORIES.has(entry.name) ? [] : manifestFilesUnder(full, errors, excluded);
        // Anything else with a manifest's name is listed, so that a FIFO or device gets its message instead of vanishing.
        return MANIFEST_FILE.test(entry.name) ? [full] : [];
    });
}

/** The policies that judge objects against each other. */
const CROSS_RESOURCE = new Set(rules.filter((rule) => rule.scope === "stack").map((rule) => rule.name));

const refKey = (ref: ObjectRef): string => `${ref.kind}\u0000${ref.namespace}\u0000${ref.name}`;

/** Groups violations by object (namespace, kind, name); within an object they keep the rules' order. */
function sortByObject<V extends Violation>(violations: V[]): V[] {
    const order = (v: Violation): string => `${v.namespace}\u0000${v.kind}\u0000${v.name}`;
    return violations
        .map((violation, index) => ({ violation, index }))
        .sort((a, b) => order(a.violation).localeCompare(order(b.violation)) || a.index - b.index)
        .map(({ violation }) => violation);
}

/** `A 2, B 1`: how often each key occurs, in order of first occurrence. */
function tally(keys: readonly string[]): string {
    const counts = new Map<string, number>();
    for (const key of keys) counts.set(key, (counts.get(key) ?? 0) + 1);
    return [...counts].map(([key, n]) => `${key} ${n}`).join(", ");
}

function textReport(
    violations: readonly Violation[],
    inputs: Inputs,
    counts: {
        /** Objects read that are meant for the cluster (configuration files of other tools are not). */
        objects: number;
        checked: number;
        /** Objects for the cluster of kinds no policy covers. */
        notChecked: readonly ObjectRef[];
        configFiles: readonly KubeObject[];
        waived: readonly WaivedViolation[];
        heldBack: readonly Violation[];
        failures: number;
        errors: number;
    },
): string {
    const remediation = new Map(rules.map((rule) => [rule.name, rule.remediation]));
    const lines: string[] = [];
    let currentObject: string | undefined;
    violations.forEach((violation, index) => {
        const key = refKey(violation);
        if (key !== currentObject) {
            if (currentObject !== undefined) lines.push("");
            currentObject = key;
            const files = [...new Set((inputs.locations.get(key) ?? []).map((l) => l.file))];
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
    const checked = `Checked ${counts.checked} object(s) in ${inputs.fileCount} file(s)`;
    // When input errors left nothing to check, a count of nothing checked and "no violations" would read as a pass.
    const nothingRead = counts.objects === 0 && counts.errors > 0;
    if (lines.length > 0) lines.push("");
    lines.push(
        nothingRead
            ? `Nothing checked: ${counts.errors} input error(s), listed above.`
            : violations.length === 0
                ? `${checked}: no violations.`
                : `${checked}: ${mandatory} mandatory and ${violations.length - mandatory} advisory violation(s).`,
    );
    if (counts.waived.length > 0) {
        lines.push(`Waived (${WAIVER_PREFIX}<policy> annotations): ${counts.waived.length} finding(s):`);
        for (const w of counts.waived) lines.push(`  ${w.kind} ${w.namespace}/${w.name} ${w.policy}: ${w.message} (reason: ${w.reason})`);
    }
    if (counts.notChecked.length > 0) {
        lines.push(`Not checked (no policy covers these kinds): ${counts.notChecked.length} object(s): ${tally(counts.notChecked.map((ref) => ref.kind))}.`);
    }
    if (counts.configFiles.length > 0) {
        lines.push(
            `Not checked (configuration files of other tools, not objects for the cluster: no metadata.name, and no built-in kind): ${counts.configFiles.length} document(s): ${tally(counts.configFiles.map((o) => `${o.kind} (${o.apiVersion})`))}.`,
        );
        if (counts.configFiles.some(isKustomizeInput)) {
            lines.push("  A Kustomization is kustomize's input, not what the cluster runs: check the output of `kustomize build`.");
        }
    }
    if (inputs.warnings.length > 0) lines.push(`${inputs.warnings.length} warning(s), listed above.`);
    if (counts.failures > 0) lines.push(`${counts.failures} policy failure(s), listed above: the check is incomplete.`);
    if (counts.heldBack.length > 0) {
        lines.push(`Held back (cross-resource findings an input that could not be read may cause): ${counts.heldBack.length} finding(s):`);
        for (const v of counts.heldBack) lines.push(`  ${v.kind} ${v.namespace}/${v.name} ${v.policy}: ${v.message}`);
    }
    if (counts.errors > 0 && !nothingRead) {
        lines.push(`${counts.errors} input error(s), listed above: the check is incomplete, and the findings of cross-resource policies (${[...CROSS_RESOURCE].join(", ")}) are held back until every input reads.`);
    }
    return `${lines.map(terminalLine).join("\n")}\n`;
}
