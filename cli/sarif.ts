/**
 * `kube-appstack check --format sarif`: the check's report (what `--format json` prints) as one SARIF 2.1.0 log, for
 * GitHub code scanning and other SARIF readers. A pure function: the same report, config and directory give the same
 * bytes.
 *
 * Where SARIF leaves a choice:
 * - One run. `tool.driver.rules` lists every rule of the pack in its order, also those this run did not apply: disabled
 *   ones, and `crossGuardOnly` ones that plain manifests cannot feed. A rule's `defaultConfiguration.level` is its level
 *   under the policy config in effect (mandatory: error, advisory: warning, disabled: none, with `enabled: false`);
 *   `properties` hold that enforcement level and the parameters in effect; `help` is the remediation.
 * - A violation is a result at its level, with a partial fingerprint of the finding itself (see FINGERPRINT). A waived
 *   one is a result too, with an `inSource` suppression whose justification is the annotation's reason: listed, as in
 *   the other formats, but not open.
 * - A result's location is where its object was read: the file, the line its document starts on, and a logical
 *   location naming the object (`kind: resource`, `fullyQualifiedName` `<namespace>/<Kind>/<name>`).
 * - A file below the working directory is a relative URI with `uriBaseId` `%SRCROOT%`, which code scanning resolves
 *   from the repository root (where CI runs the check); one elsewhere an absolute `file:` URI. Standard input is an
 *   artifact without a URI, in the role `standardStream`.
 * - Input errors and rule failures are `toolExecutionNotifications` at level error, and make `executionSuccessful`
 *   false; input warnings and cross-resource findings held back while an input failed are notifications at level
 *   warning (a held-back finding is no result: it may be caused by the input that failed); objects not checked (no
 *   policy covers their kind, or they are other tools' configuration files) are notifications at level note, with the
 *   reason. `tool.driver.notifications` describes the five.
 * - Results and notifications keep the report's order; artifacts are listed in the order they are first named.
 */
import { createHash } from "node:crypto";
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import type { ObjectRef } from "../policies/kube-object";
import { formatManifestError, type ManifestError } from "../policies/manifest";
import type { PolicyConfig } from "../policies/policy-config";
import type { EnforcementLevel, Rule, Violation } from "../policies/rule";
import { rules } from "../policies/rules";
import { type CheckReport, type Located, STDIN } from "./check-report";

const SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";
/** The base code scanning resolves relative URIs against: the root of the checkout. */
const SRCROOT = "%SRCROOT%";

const LEVELS: Readonly<Record<EnforcementLevel, "error" | "warning" | "none">> = { mandatory: "error", advisory: "warning", disabled: "none" };

/** What the notifications report, in the order of `tool.driver.notifications`. */
const NOTIFICATIONS = [
    { id: "input-error", text: "An input could not be read or parsed, or named no Kubernetes object: the check is incomplete." },
    { id: "rule-failure", text: "A policy failed on an input: its findings are missing; every other policy still ran." },
    { id: "input-warning", text: "An input may not be what the cluster receives: an unrendered template, or an object defined more than once." },
    { id: "held-back", text: "A cross-resource finding held back because an input could not be read: that input may hold what it misses." },
    { id: "not-checked", text: "No policy covers this object's kind, or it is another tool's configuration file rather than an object for the cluster, so it was not checked." },
] as const;
type NotificationId = (typeof NOTIFICATIONS)[number]["id"];

export interface SarifContext {
    /** The policy config the check ran with: each rule's level and parameters in effect. */
    readonly config: PolicyConfig;
    readonly toolVersion: string;
    /** The directory relative URIs start from. */
    readonly cwd: string;
}

export function sarifLog(report: Omit<CheckReport, "summary">, context: SarifContext): object {
    const ruleIndex = new Map(rules.map((rule, index) => [rule.name, index]));
    const artifacts = new Artifacts(context.cwd);
    const result = (violation: Located<Violation>) => ({
        ruleId: violation.policy,
        ruleIndex: ruleIndex.get(violation.policy),
        level: LEVELS[violation.level],
        message: { text: `${objectName(violation)}: ${violation.message}` },
        locations: objectLocations(violation, artifacts),
        partialFingerprints: { [FINGERPRINT]: fingerprint(violation) },
    });
    const results = [
        ...report.violations.map(result),
        ...report.waived.map((waived) => ({ ...result(waived), suppressions: [{ kind: "inSource", justification: waived.reason }] })),
    ];
    const notifications = [
        ...report.inputErrors.map((error) => inputNotification("input-error", "error", error, artifacts)),
        ...report.warnings.map((warning) => inputNotification("input-warning", "warning", warning, artifacts)),
        ...report.ruleFailures.map((failure) => ({
            ...notification("rule-failure", "error", failure.object ? `${failure.policy} on ${objectName(failure.object)}: ${failure.message}` : `${failure.policy}: ${failure.message}`),
            associatedRule: { id: failure.policy, index: ruleIndex.get(failure.policy) },
            ...(failure.object ? { locations: [{ logicalLocations: [logicalLocation(failure.object)] }] } : {}),
        })),
        ...report.heldBack.map((finding) => ({
            ...notification("held-back", "warning", `${finding.policy} on ${objectName(finding)}: ${finding.message}`),
            associatedRule: { id: finding.policy, index: ruleIndex.get(finding.policy) },
            locations: objectLocations(finding, artifacts),
        })),
        ...report.notChecked.map((object) => ({
            ...notification("not-checked", "note", `${object.name === "" ? object.kind : objectName(object)} was not checked: ${object.reason}`),
            locations: objectLocations(object, artifacts),
        })),
    ];
    return {
        $schema: SCHEMA,
        version: "2.1.0",
        runs: [{
            tool: {
                driver: {
                    name: "kube-appstack",
                    version: context.toolVersion,
                    rules: rules.map((rule) => ruleDescriptor(rule, context.config)),
                    notifications: NOTIFICATIONS.map(({ id, text }) => ({ id, shortDescription: { text } })),
                },
            },
            invocations: [{
                executionSuccessful: report.inputErrors.length === 0 && report.ruleFailures.length === 0,
                toolExecutionNotifications: notifications,
            }],
            artifacts: artifacts.list(),
            results,
        }],
    };
}

function ruleDescriptor(rule: Rule, config: PolicyConfig) {
    // A rule the config does not name does not run, as in checkObjectsReport.
    const setting = config.get(rule.name) ?? { level: "disabled", params: {} };
    return {
        id: rule.name,
        shortDescription: { text: rule.description },
        fullDescription: { text: rule.description },
        help: { text: rule.remediation },
        defaultConfiguration: { level: LEVELS[setting.level], ...(setting.level === "disabled" ? { enabled: false } : {}) },
        properties: { enforcementLevel: setting.level, crossGuardOnly: rule.scope === "pulumi-resource", parameters: setting.params },
    };
}

function notification(id: NotificationId, level: "error" | "warning" | "note", text: string) {
    return { descriptor: { id, index: NOTIFICATIONS.findIndex((n) => n.id === id) }, level, message: { text } };
}

function inputNotification(id: NotificationId, level: "error" | "warning", problem: ManifestError, artifacts: Artifacts) {
    // Only a problem inside a document names a file that was read; the others name a path given, or several.
    const where = problem.document === undefined ? {} : { locations: [{ physicalLocation: { artifactLocation: artifacts.location(problem.source) } }] };
    return { ...notification(id, level, formatManifestError(problem)), ...where };
}

const objectName = (ref: ObjectRef): string => `${ref.kind} ${ref.namespace}/${ref.name}`;

/**
 * Findings of one rule on one object share a location (the object's document), so code scanning, which tells results
 * apart by rule, location and fingerprints, would merge two containers' findings into one alert without this. It
 * names the finding itself, so an alert also follows its object when the document moves in the file.
 */
const FINGERPRINT = "kubeAppstackFinding/v1";

function fingerprint(violation: Violation): string {
    return createHash("sha256").update([violation.policy, violation.kind, violation.namespace, violation.name, violation.message].join("\u0000")).digest("hex");
}

function logicalLocation(ref: ObjectRef) {
    return { name: ref.name, fullyQualifiedName: `${ref.namespace}/${ref.kind}/${ref.name}`, kind: "resource" };
}

function objectLocations(object: Located<ObjectRef>, artifacts: Artifacts) {
    return [{
        physicalLocation: { artifactLocation: artifacts.location(object.file), region: { startLine: object.line } },
        // A configuration file without a name is no object a logical location could name.
        ...(object.name === "" ? {} : { logicalLocations: [logicalLocation(object)] }),
    }];
}

/** The files a log names, each listed once in `run.artifacts` and referred to by index. */
class Artifacts {
    /** The artifactLocation of each file named so far. */
    private readonly locations = new Map<string, object>();
    private readonly artifacts: object[] = [];

    constructor(private readonly cwd: string) {}

    location(file: string): object {
        let location = this.locations.get(file);
        if (location === undefined) {
            const index = this.artifacts.length;
            if (file === STDIN) {
                const description = { text: "standard input" };
                this.artifacts.push({ description, roles: ["analysisTarget", "standardStream"] });
                location = { index, description };
            } else {
                const uri = this.uri(file);
                this.artifacts.push({ location: uri, roles: ["analysisTarget"] });
                location = { ...uri, index };
            }
            this.locations.set(file, location);
        }
        return location;
    }

    list(): object[] {
        return this.artifacts;
    }

    private uri(file: string): { uri: string; uriBaseId?: string } {
        const absolute = path.resolve(this.cwd, file);
        const relative = path.relative(this.cwd, absolute);
        if (relative === "" || relative === ".." || relative.startsWith(`..${path.sep}`) || path.isAbsolute(relative)) {
            return { uri: pathToFileURL(absolute).href };
        }
        return { uri: relative.split(path.sep).map(encodeURIComponent).join("/"), uriBaseId: SRCROOT };
    }
}
