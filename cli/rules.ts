/**
 * `kube-appstack rules [--format text|markdown|json] [--config <file>]...`: the policy reference, from the rule
 * definitions themselves (docs/reference/policies.md is this command's markdown output with the shipped configs).
 */
import * as path from "node:path";
import { parseArgs } from "node:util";
import { loadPolicyConfig, type PolicyConfig, PolicyConfigError } from "../policies/policy-config";
import type { Rule } from "../policies/rule";
import { rules } from "../policies/rules";
import type { Io } from "./io";

const EXIT_OK = 0;
const EXIT_USAGE = 2;
const FORMATS = ["text", "markdown", "json"] as const;
type Format = (typeof FORMATS)[number];

const USAGE = `usage: kube-appstack rules [--format text|markdown|json] [--config <file>]...

Lists every policy: what it checks, how to fix a violation, its default level and parameters.

options:
  --format text|markdown|json  output format (default: text)
  --config <file>              also show each rule's level under this policy config (repeatable)
  -h, --help                   show this help
`;

/** A policy config shown beside the defaults, named by its file name (`prod.json` -> `prod`). */
export interface NamedConfig {
    readonly name: string;
    readonly config: PolicyConfig;
}

export function runRules(args: string[], io: Io): number {
    let values: { format: string; config: string[]; help: boolean };
    try {
        const parsed = parseArgs({
            args,
            options: {
                format: { type: "string", default: "text" },
                config: { type: "string", multiple: true, default: [] },
                help: { type: "boolean", short: "h", default: false },
            },
        });
        values = parsed.values as typeof values;
    } catch (error) {
        io.stderr(`error: ${(error as Error).message}\n\n${USAGE}`);
        return EXIT_USAGE;
    }
    if (values.help) {
        io.stdout(USAGE);
        return EXIT_OK;
    }
    if (!(FORMATS as readonly string[]).includes(values.format)) {
        io.stderr(`error: --format must be one of ${FORMATS.join(", ")}, given "${values.format}"\n\n${USAGE}`);
        return EXIT_USAGE;
    }
    let configs: NamedConfig[];
    try {
        configs = values.config.map((file) => ({ name: path.basename(file, ".json"), config: loadPolicyConfig(file) }));
    } catch (error) {
        if (!(error instanceof PolicyConfigError)) throw error;
        io.stderr(`error: ${error.message}\n`);
        return EXIT_USAGE;
    }
    io.stdout(formatRules(values.format as Format, configs));
    return EXIT_OK;
}

export function formatRules(format: Format, configs: readonly NamedConfig[] = []): string {
    if (format === "json") return `${JSON.stringify(rules.map((rule) => ruleJson(rule, configs)), null, 2)}\n`;
    if (format === "markdown") return rulesMarkdown(configs);
    return rules.map((rule) => {
        const levels = configs.map((c) => `, ${c.name}: ${c.config.get(rule.name)?.level}`).join("");
        return `${rule.name} (${rule.defaultLevel}${levels})\n  ${rule.description}\n  fix: ${rule.remediation}\n`;
    }).join("\n");
}

function ruleJson(rule: Rule, configs: readonly NamedConfig[]) {
    return {
        name: rule.name,
        description: rule.description,
        remediation: rule.remediation,
        defaultLevel: rule.defaultLevel,
        crossGuardOnly: rule.scope === "pulumi-resource",
        parameters: Object.fromEntries(Object.entries(rule.parameters).map(([key, p]) => [key, { default: p.default, description: p.description }])),
        levels: Object.fromEntries(configs.map((c) => [c.name, c.config.get(rule.name)?.level])),
    };
}

const cell = (text: string): string => text.replace(/\|/g, "\\|").replace(/\n/g, " ");
const anchor = (name: string): string => `#${name}`;

function rulesMarkdown(configs: readonly NamedConfig[]): string {
    const header = ["Policy", "Default", ...configs.map((c) => `\`${c.name}\``)];
    const summary = rules.map((rule) => [
        `[\`${rule.name}\`](${anchor(rule.name)})`,
        rule.defaultLevel,
        ...configs.map((c) => {
            const setting = c.config.get(rule.name);
            const changed = Object.entries(setting?.params ?? {}).filter(([k, v]) => JSON.stringify(v) !== JSON.stringify(rule.parameters[k]?.default));
            return `${setting?.level}${changed.map(([k, v]) => `, \`${k}: ${JSON.stringify(v)}\``).join("")}`;
        }),
    ]);
    const table = [header, header.map(() => "---"), ...summary].map((row) => `| ${row.join(" | ")} |`).join("\n");
    const sections = rules.map((rule) => {
        const params = Object.entries(rule.parameters);
        const paramRows = params.map(([key, p]) => `| \`${key}\` | \`${cell(JSON.stringify(p.default))}\` | ${cell(p.description)} |`);
        return [
            `## ${rule.name}`,
            "",
            rule.scope === "pulumi-resource" ? "*CrossGuard only: plain manifests carry no Pulumi resource options.*\n" : undefined,
            rule.description,
            "",
            `**Fix:** ${rule.remediation}`,
            "",
            `**Default level:** ${rule.defaultLevel}`,
            "",
            params.length === 0 ? "**Parameters:** none" : ["| Parameter | Default | Meaning |", "| --- | --- | --- |", ...paramRows].join("\n"),
            "",
        ].filter((line) => line !== undefined).join("\n");
    });
    return [
        "# Policy reference",
        "",
        "<!-- Generated by `npm run docs` (kube-appstack rules --format markdown) from policies/rules/; do not edit. -->",
        "",
        "Levels: **mandatory** violations fail `pulumi preview`/`up` and make `kube-appstack check` exit 1; **advisory** ones are",
        "reported only; **disabled** rules do not run. The default level applies when a policy config does not name the rule.",
        "",
        table,
        "",
        ...sections,
    ].join("\n");
}
