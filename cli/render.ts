/**
 * `kube-appstack render --stack <name> [--out <dir>]`: the manifests a stack applies, from Pulumi.<name>.yaml alone, with
 * no Pulumi engine, state or credentials (pull requests from forks, GitOps repos, input to `kube-appstack check`).
 *
 * Exit status: 0 rendered, 1 the stack config is invalid (every problem listed), 2 usage error or unreadable stack file.
 */
import "./zod-jitless";
import * as fs from "node:fs";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { KubeObject } from "../components/specs/kube-object";
import { CONFIG_NAMESPACE, configValue, readStackFileText, StackConfigError, StackFileError } from "../config/load-stack-config";
import { parseStackFile } from "../config/stack-file-yaml";
import { FileReadError } from "../io/bounded-file";
import { validateStackConfig } from "../config/validate-stack";
import { SECRET_PLACEHOLDER, stackObjects } from "../program/stack-objects";
import { ConfigPath, secretEnvNames, securePaths } from "../config/secret-paths";
import { stackPlan } from "../program/stack-plan";
import type { Io } from "./io";
import { manifestYaml } from "./manifest-yaml";

const USAGE = `usage: kube-appstack render --stack <name> [--out <dir>] [--project-dir <dir>]

Writes the Kubernetes manifests that \`pulumi up --stack <name>\` applies, from Pulumi.<name>.yaml alone: no Pulumi
engine, state or credentials. Secret values are written as a placeholder, never in clear.

options:
  --stack <name>        the stack whose Pulumi.<name>.yaml is rendered (required)
  --out <dir>           write one file per object, <dir>/<namespace or "cluster">/<kind>-<name>.yaml
                        (default: print all objects as one multi-document YAML stream)
  --project-dir <dir>   directory holding Pulumi.yaml and the stack files (default: the current directory)
  -h, --help            show this help

exit status: 0 rendered, 1 invalid stack config, 2 usage error or unreadable stack file
`;

/** Marks a directory as ours, so a later render may clear it without deleting anything a person put there. */
const MARKER = ".kube-appstack-render";

/** A stack name as Pulumi allows it (no path: `--stack ../x` must not read a file outside the project). */
const STACK_NAME = /^[A-Za-z0-9_.-]+$/;

/** The stacks of a project: the names of its Pulumi.<stack>.yaml files. */
export function projectStacks(projectDir: string): string[] {
    const files = fs.existsSync(projectDir) ? fs.readdirSync(projectDir) : [];
    return files.map((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1]).filter((s): s is string => s !== undefined && STACK_NAME.test(s)).sort();
}

/** Reads Pulumi.<stack>.yaml's `config:` map; `kube-appstack:` keys are returned without their namespace. */
export function readStackFile(projectDir: string, stack: string): { raw: Record<string, unknown>; keys: string[]; secretPaths: ConfigPath[] } {
    const stacks = projectStacks(projectDir);
    if (!STACK_NAME.test(stack) || !stacks.includes(stack)) {
        throw new StackFileError(`${STACK_NAME.test(stack) ? "no stack" : "not a stack name:"} ${JSON.stringify(stack)} in ${projectDir}; allowed: ${stacks.length > 0 ? stacks.join(", ") : "none (no Pulumi.<stack>.yaml here)"}`);
    }
    const file = path.join(projectDir, `Pulumi.${stack}.yaml`);
    const text = readStackFileText(file);
    let document: unknown;
    try {
        document = parseStackFile(text);
    } catch (error) {
        // The parser's first line ends with a colon before its snippet of the file; the position is in the line itself.
        throw new StackFileError(`${file}: not valid YAML: ${(error as Error).message.split("\n")[0].replace(/:$/, "")}`);
    }
    const shape = (value: unknown) => (Array.isArray(value) ? "a list" : JSON.stringify(value));
    if (document !== null && (typeof document !== "object" || Array.isArray(document))) {
        throw new StackFileError(`${file}: a stack file is a mapping with a config: section; given ${shape(document)}`);
    }
    const section = (document as { config?: unknown } | null)?.config ?? {};
    if (typeof section !== "object" || Array.isArray(section)) {
        throw new StackFileError(`${file}: config must be a mapping of keys such as ${CONFIG_NAMESPACE}:apps; given ${shape(section)}`);
    }
    const config = section as Record<string, unknown>;
    const prefix = `${CONFIG_NAMESPACE}:`;
    const raw = Object.fromEntries(Object.entries(config).filter(([k]) => k.startsWith(prefix)).map(([k, v]) => [k.slice(prefix.length), configValue(v)]));
    // Secret values stay encrypted in the file; the renderer never decrypts them, so they become the placeholder.
    const secretPaths = securePaths(raw);
    for (const place of secretPaths) {
        const parent = place.slice(0, -1).reduce<Record<string | number, unknown>>((node, key) => node[key] as Record<string | number, unknown>, raw);
        parent[place[place.length - 1]] = SECRET_PLACEHOLDER;
    }
    return { raw, keys: Object.keys(config), secretPaths };
}

/** The objects `pulumi up --stack <stack>` applies, rendered without the engine. Throws StackConfigError on bad config. */
export function renderStack(projectDir: string, stack: string): KubeObject[] {
    const { raw, keys, secretPaths } = readStackFile(projectDir, stack);
    const config = validateStackConfig(stack, raw, keys, projectDir, secretPaths);
    return stackObjects(stackPlan(config, {}, secretEnvNames(secretPaths)), config.cluster);
}

export function objectFile(object: KubeObject): string {
    return path.join(object.metadata.namespace ?? "cluster", `${object.kind.toLowerCase()}-${object.metadata.name}.yaml`);
}

/** Writes one file per object under `out` (a directory render owns: see MARKER). */
export function writeManifests(out: string, objects: KubeObject[]): void {
    // Checked before anything is removed or written: two objects in one file would silently lose the first.
    const files = new Map<string, KubeObject>();
    for (const object of objects) {
        const file = objectFile(object);
        const first = files.get(file);
        if (first !== undefined) {
            throw new Error(`${first.kind} ${first.metadata.name} and ${object.kind} ${object.metadata.name} would both be written to ${path.join(out, file)}; nothing was written`);
        }
        files.set(file, object);
    }
    if (fs.existsSync(out)) {
        const entries = fs.readdirSync(out);
        if (entries.length > 0 && !entries.includes(MARKER)) {
            throw new Error(`--out ${out} is not empty and was not written by kube-appstack render; give an empty or new directory`);
        }
        fs.rmSync(out, { recursive: true, force: true });
    }
    fs.mkdirSync(out, { recursive: true });
    fs.writeFileSync(path.join(out, MARKER), "Written by `kube-appstack render`; the next render replaces this directory.\n");
    for (const object of objects) {
        const file = path.join(out, objectFile(object));
        fs.mkdirSync(path.dirname(file), { recursive: true });
        fs.writeFileSync(file, manifestYaml(object));
    }
}

export function runRender(args: string[], io: Io): number {
    let values: { stack?: string; out?: string; "project-dir"?: string; help?: boolean };
    try {
        ({ values } = parseArgs({
            args,
            options: { stack: { type: "string" }, out: { type: "string" }, "project-dir": { type: "string" }, help: { type: "boolean", short: "h" } },
        }));
    } catch (error) {
        io.stderr(`error: ${(error as Error).message}\n\n${USAGE}`);
        return 2;
    }
    if (values.help) {
        io.stdout(USAGE);
        return 0;
    }
    if (!values.stack) {
        io.stderr(`error: --stack is required\n\n${USAGE}`);
        return 2;
    }
    const projectDir = values["project-dir"] ?? process.cwd();
    let objects: KubeObject[];
    try {
        objects = renderStack(projectDir, values.stack);
    } catch (error) {
        if (error instanceof StackConfigError) {
            io.stderr(`error: ${error.message}\n`);
            return 1;
        }
        if (error instanceof StackFileError || error instanceof FileReadError) {
            io.stderr(`error: ${error.message}\n`);
            return 2;
        }
        io.stderr(`error: cannot read the stack file of ${JSON.stringify(values.stack)}: ${(error as Error).message}\n`);
        return 2;
    }
    if (values.out === undefined) {
        io.stdout(objects.map((o) => manifestYaml(o)).join("---\n"));
        return 0;
    }
    try {
        writeManifests(values.out, objects);
    } catch (error) {
        io.stderr(`error: ${(error as Error).message}\n`);
        return 2;
    }
    io.stderr(`rendered ${objects.length} objects of stack "${values.stack}" to ${values.out}\n`);
    return 0;
}
