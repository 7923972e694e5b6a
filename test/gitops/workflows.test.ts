import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { REPO } from "../support/run-program";
import { environmentStacks, NOT_IN_CI, stackFiles } from "./environment-stacks";

type Values = Record<string, unknown>;

interface Step {
    id?: string;
    name?: string;
    uses?: string;
    run?: string;
    if?: string;
    with?: Values;
    env?: Values;
    "working-directory"?: string;
}

interface Job {
    uses?: string;
    if?: string;
    with?: Values;
    steps?: Step[];
    needs?: string | string[];
    permissions?: Values;
    concurrency?: { group?: string; "cancel-in-progress"?: unknown };
    "timeout-minutes"?: number;
    strategy?: { matrix?: Values };
    env?: Values;
}

interface Workflow {
    file: string;
    text: string;
    on: Values;
    permissions?: Values;
    jobs: Record<string, Job>;
}

const WORKFLOWS = path.join(REPO, ".github", "workflows");

function workflows(): Workflow[] {
    return fs.readdirSync(WORKFLOWS).filter((f) => /\.ya?ml$/.test(f)).sort().map((file) => {
        const text = fs.readFileSync(path.join(WORKFLOWS, file), "utf8");
        return { file, text, ...(parse(text) as Omit<Workflow, "file" | "text">) };
    });
}

function workflow(file: string): Workflow {
    const found = workflows().find((w) => w.file === file);
    if (!found) throw new Error(`no .github/workflows/${file}`);
    return found;
}

/** A reusable workflow: only `workflow_call` starts it, and its caller's job decides the token's permissions. */
const isReusable = (w: Workflow) => Object.keys(w.on).every((event) => event === "workflow_call");

const jobsOf = (w: Workflow) => Object.entries(w.jobs).map(([id, job]) => ({ id, job, where: `${w.file} jobs.${id}` }));
const allJobs = () => workflows().flatMap(jobsOf);
const allSteps = () => allJobs().flatMap(({ job, where }) => (job.steps ?? []).map((step, i) => ({ step, job, where: `${where}.steps[${i}]` })));
const needsOf = (job: Job) => (job.needs === undefined ? [] : ([] as string[]).concat(job.needs));
/** Every job that `id` waits for, directly or through the jobs it needs. */
const upstreamOf = (w: Workflow, id: string): string[] => needsOf(w.jobs[id]).flatMap((n) => [n, ...upstreamOf(w, n)]);
const LOCAL_WORKFLOW = /^\.\/\.github\/workflows\/[\w.-]+\.ya?ml$/;

/** Every string in a parsed workflow with its key path, e.g. `jobs.render.steps[3].run`. */
function strings(node: unknown, at: string): Array<{ at: string; value: string }> {
    if (typeof node === "string") return [{ at, value: node }];
    if (Array.isArray(node)) return node.flatMap((item, i) => strings(item, `${at}[${i}]`));
    if (node !== null && typeof node === "object") return Object.entries(node).flatMap(([k, v]) => strings(v, at ? `${at}.${k}` : k));
    return [];
}

/** The jobs that call `file` (a reusable workflow) with `with.command` equal to `command`. */
function callers(w: Workflow, file: string, command: string) {
    return jobsOf(w).filter(({ job }) => job.uses === `./.github/workflows/${file}` && job.with?.command === command);
}

describe("the stacks CI covers", () => {
    it("has environment stacks to cover, and excludes only stacks for a stated reason", () => {
        expect(environmentStacks().length).toBeGreaterThan(0);
        for (const [stack, reason] of Object.entries(NOT_IN_CI)) expect(reason, stack).not.toBe("");
        expect(stackFiles()).toEqual(expect.arrayContaining(environmentStacks()));
    });

    it("previews and renders exactly the environment stacks: every Pulumi.<stack>.yaml minus NOT_IN_CI", () => {
        const matrices = allJobs().filter(({ job }) => job.strategy?.matrix?.stack !== undefined);
        expect(matrices.map((m) => m.where).sort()).toEqual(["pull-request.yml jobs.preview", "pull-request.yml jobs.render"]);
        for (const { job, where } of matrices) {
            expect([...(job.strategy!.matrix!.stack as string[])].sort(), where).toEqual(environmentStacks());
        }
    });

    it("previews each stack through the shared stack workflow, in its own preview environment", () => {
        const preview = workflow("pull-request.yml").jobs.preview;
        expect(preview.uses).toBe("./.github/workflows/pulumi-stack.yml");
        expect(preview.with).toEqual({ stack: "${{ matrix.stack }}", command: "preview", environment: "${{ matrix.stack }}-preview" });
        expect(needsOf(preview)).toContain("checks");
        // Pull requests from forks get no secrets: previews run only for branches of this repository.
        expect(preview.if).toBe("github.event.pull_request.head.repo.full_name == github.repository");
        // A new push supersedes the render of the previous one.
        expect(workflow("pull-request.yml").jobs.render.concurrency?.["cancel-in-progress"]).toBe(true);
    });

    it("deploys every environment stack from main, each in the GitHub environment of its name, after the checks", () => {
        const deploy = workflow("deploy.yml");
        expect(deploy.on).toEqual({ push: { branches: ["main"] } });
        const deploys = callers(deploy, "pulumi-stack.yml", "up");
        expect(deploys.map(({ job }) => job.with?.stack).sort()).toEqual(environmentStacks());
        for (const { job, where } of deploys) expect(job.with?.environment, where).toBe(job.with?.stack);
        for (const { id } of deploys) expect(upstreamOf(deploy, id), id).toContain("checks");
    });

    it("deploys prod only after staging succeeded", () => {
        const deploy = workflow("deploy.yml");
        const jobFor = (stack: string) => callers(deploy, "pulumi-stack.yml", "up").find(({ job }) => job.with?.stack === stack)!.id;
        expect(upstreamOf(deploy, jobFor("prod"))).toContain(jobFor("staging"));
    });

    it("has a policy config for every stack it previews or deploys, and the policy pack it names", () => {
        expect(fs.existsSync(path.join(REPO, "policies", "PulumiPolicy.yaml"))).toBe(true);
        for (const stack of environmentStacks()) {
            expect(fs.existsSync(path.join(REPO, "policies", "config", `${stack}.json`)), `policies/config/${stack}.json`).toBe(true);
        }
    });
});

describe("the Pulumi steps", () => {
    const pulumiSteps = () => allSteps().filter(({ step }) => step.uses?.startsWith("pulumi/actions@"));

    it("install the CLI release of the @pulumi/pulumi SDK in package.json", () => {
        const sdk = (JSON.parse(fs.readFileSync(path.join(REPO, "package.json"), "utf8")) as { dependencies: Values }).dependencies["@pulumi/pulumi"];
        expect(pulumiSteps().length).toBeGreaterThan(0);
        for (const { step, where } of pulumiSteps()) expect(String(step.with?.["pulumi-version"]), where).toBe(sdk);
    });

    it("run every preview and deploy with the policy pack and the stack's own policy config, commenting on PRs only for previews", () => {
        const stackWorkflow = workflow("pulumi-stack.yml");
        const job = stackWorkflow.jobs.pulumi;
        const commands = pulumiSteps().filter(({ step }) => step.with?.command !== undefined);
        expect(commands.map((c) => c.where)).toEqual(["pulumi-stack.yml jobs.pulumi.steps[4]"]);
        const step = commands[0].step;
        expect(step.with).toMatchObject({
            command: "${{ inputs.command }}",
            policyPacks: "policies",
            policyPackConfigs: "${{ env.POLICY_CONFIG }}",
            "comment-on-pr": "${{ inputs.command == 'preview' }}",
        });
        expect(job.env?.POLICY_CONFIG).toBe("policies/config/${{ inputs.stack }}.json");
        expect(stackWorkflow.on).toMatchObject({ workflow_call: { inputs: { stack: { required: true }, command: { required: true } } } });
    });

    it("never cancel a running deploy, and let one deploy of a stack run at a time", () => {
        const { concurrency } = workflow("pulumi-stack.yml").jobs.pulumi;
        expect(concurrency?.["cancel-in-progress"]).toBe("${{ inputs.command == 'preview' }}");
        // The group of an `up` is the stack alone; previews add the pull request's ref.
        expect(concurrency?.group).toBe("pulumi-${{ inputs.command }}-${{ inputs.stack }}${{ inputs.command == 'preview' && format('-{0}', github.ref) || '' }}");
    });

    it("write the kubeconfig from the environment's secret with umask 077, never print it, and remove it", () => {
        const steps = workflow("pulumi-stack.yml").jobs.pulumi.steps!;
        const write = steps.findIndex((s) => s.env?.KUBECONFIG_CONTENT === "${{ secrets.KUBECONFIG }}");
        expect(write).toBeGreaterThanOrEqual(0);
        const script = steps[write].run!.split("\n");
        const umask = script.findIndex((line) => line.trim() === "umask 077");
        const uses = script.map((line, i) => ({ line: line.trim(), i })).filter(({ line }) => line.includes("$KUBECONFIG_CONTENT"));
        // Only two uses: the emptiness check, and the write into the file, after the umask.
        expect(uses.map(({ line }) => line)).toEqual(['if [ -z "$KUBECONFIG_CONTENT" ]; then', "printf '%s\\n' \"$KUBECONFIG_CONTENT\" >\"$file\""]);
        expect(umask).toBeGreaterThanOrEqual(0);
        expect(umask).toBeLessThan(uses[1].i);
        expect(steps[write].run).toContain('echo "KUBECONFIG=$file" >>"$GITHUB_ENV"');
        const pulumi = steps.findIndex((s) => s.uses?.startsWith("pulumi/actions@"));
        expect(pulumi).toBeGreaterThan(write);
        expect(steps.at(-1)).toMatchObject({ if: "always()", run: 'rm -f "$RUNNER_TEMP/kubeconfig"' });
    });
});

describe("the workflows", () => {
    it("pin every action to a full commit SHA with its version in a comment, one pin per action", () => {
        const pins = new Map<string, Set<string>>();
        let count = 0;
        for (const w of workflows()) {
            for (const line of w.text.split("\n")) {
                const m = /^\s*(?:-\s+)?uses:\s*(\S+)\s*(.*)$/.exec(line);
                if (!m) continue;
                count++;
                const [, ref, comment] = m;
                if (ref.startsWith("./")) {
                    expect(ref, `${w.file}: ${line}`).toMatch(LOCAL_WORKFLOW);
                    expect(fs.existsSync(path.join(REPO, ref)), `${w.file}: ${ref} exists`).toBe(true);
                    continue;
                }
                // owner/repo, or owner/repo/path for an action in a subfolder (github/codeql-action/upload-sarif).
                expect(ref, `${w.file}: ${line.trim()}`).toMatch(/^[\w.-]+\/[\w.-]+(\/[\w.-]+)*@[0-9a-f]{40}$/);
                expect(comment, `${w.file}: ${line.trim()}`).toMatch(/^# v\d+\.\d+\.\d+$/);
                const action = ref.split("@")[0];
                pins.set(action, (pins.get(action) ?? new Set()).add(`${ref} ${comment}`));
            }
        }
        // The parsed files hold as many `uses:` as the lines checked above, so none hides in another YAML form.
        const parsed = allJobs().filter(({ job }) => job.uses).length + allSteps().filter(({ step }) => step.uses).length;
        expect(count).toBe(parsed);
        for (const [action, refs] of pins) expect([...refs], action).toHaveLength(1);
        expect([...pins.keys()].sort()).toEqual(["actions/checkout", "actions/setup-node", "actions/upload-artifact", "github/codeql-action/upload-sarif", "pulumi/actions"]);
    });

    it("give every job that runs steps a timeout and a concurrency group; calls only reusable workflows that exist", () => {
        for (const { job, where } of allJobs()) {
            if (job.uses !== undefined) {
                expect(job.uses, where).toMatch(LOCAL_WORKFLOW);
                expect(isReusable(workflow(path.basename(job.uses))), `${where} calls a workflow_call workflow`).toBe(true);
                expect(job.steps, where).toBeUndefined();
                continue;
            }
            expect(job["timeout-minutes"], `${where} timeout-minutes`).toBeGreaterThan(0);
            expect(job.concurrency?.group, `${where} concurrency.group`).toMatch(/\S/);
        }
    });

    it("grant the token nothing by default and each job only what it needs: write only for the preview comment and code scanning", () => {
        const writes: string[] = [];
        for (const w of workflows()) {
            if (isReusable(w)) {
                // A called workflow can only narrow its caller's grant; asking for more fails the run.
                expect(strings(w, "").filter(({ at }) => /(^|\.)permissions(\.|$)/.test(at)), w.file).toEqual([]);
                continue;
            }
            expect(w.permissions, `${w.file} top-level permissions`).toEqual({});
            for (const { job, where } of jobsOf(w)) {
                expect(job.permissions, `${where} permissions`).toBeTypeOf("object");
                for (const [scope, level] of Object.entries(job.permissions!)) {
                    expect(["read", "write", "none"], `${where} permissions.${scope}`).toContain(level);
                    if (level === "write") writes.push(`${where}: ${scope}`);
                }
            }
        }
        expect(writes).toEqual(["pull-request.yml jobs.preview: pull-requests", "pull-request.yml jobs.render: security-events"]);
    });

    it("read secrets only as a whole `${{ secrets.NAME }}` value of env or with, never inside a script", () => {
        let secretRefs = 0;
        for (const w of workflows()) {
            for (const { at, value } of strings(w, "")) {
                if (/\.run$/.test(at)) {
                    // Values reach scripts through env, so no secret (or PR-controlled text) is spliced into shell.
                    expect(value, `${w.file} ${at}`).not.toContain("${{");
                    continue;
                }
                if (!/secrets/.test(value) || at === "text") continue;
                if (/\bsecrets\./.test(value)) secretRefs++;
                if (/(^|\.)secrets$/.test(at)) {
                    expect(value, `${w.file} ${at}`).toBe("inherit");
                    continue;
                }
                if (!/\$\{\{/.test(value)) continue;
                expect(value, `${w.file} ${at}`).toMatch(/^\$\{\{ secrets\.[A-Z][A-Z0-9_]* \}\}$/);
                expect(at, `${w.file} ${at}`).toMatch(/\.(env|with)\.[\w-]+$/);
            }
        }
        expect(secretRefs).toBeGreaterThan(0);
    });

    it("give credentials only from secrets: every credential-like variable is a secret or the job's own token", () => {
        for (const w of workflows()) {
            for (const { at, value } of strings(w, "").filter(({ at }) => /\.env\.[\w]+$/.test(at))) {
                if (!/(TOKEN|PASSPHRASE|PASSWORD|KUBECONFIG_CONTENT|SECRET|BACKEND_URL)$/.test(at)) continue;
                expect(value, `${w.file} ${at}`).toMatch(/^\$\{\{ (secrets\.[A-Z][A-Z0-9_]*|github\.token) \}\}$/);
            }
        }
    });

    it("set up Node 20 wherever they set up Node", () => {
        const setups = allSteps().filter(({ step }) => step.uses?.startsWith("actions/setup-node@"));
        expect(setups.length).toBeGreaterThan(0);
        for (const { step, where } of setups) expect(String(step.with?.["node-version"]), where).toBe("20");
    });

    it("render each stack without the engine, check it with the stack's policy config, and upload it", () => {
        const steps = workflow("pull-request.yml").jobs.render.steps!;
        const script = steps.map((s) => s.run ?? "").join("\n");
        // Only the repository's own command, started without npm: never a registry package of that name.
        expect(script.match(/\b(npx|npm exec|npm x)\b/g)).toBeNull();
        expect(script).toContain('node bin/kube-appstack.js render --stack "$STACK" --out "$RUNNER_TEMP/rendered/$STACK/manifests"');
        expect(script).toContain('node bin/kube-appstack.js check "$RUNNER_TEMP/rendered/$STACK/manifests" --config "policies/config/$STACK.json"');
        expect(steps.at(-1)).toMatchObject({
            uses: expect.stringMatching(/^actions\/upload-artifact@/),
            with: { name: "manifests-${{ matrix.stack }}", path: "${{ runner.temp }}/rendered/${{ matrix.stack }}" },
        });
    });

    it("upload each stack's check as SARIF to code scanning, also when the check failed, and not from forks", () => {
        const job = workflow("pull-request.yml").jobs.render;
        const steps = job.steps!;
        const index = (find: (s: Step) => boolean) => steps.findIndex(find);
        const render = index((s) => s.run?.includes("bin/kube-appstack.js render") === true);
        const check = index((s) => s.run?.startsWith("node bin/kube-appstack.js check ") === true);
        const sarif = index((s) => s.run?.includes("--format sarif") === true);
        const upload = index((s) => s.uses?.startsWith("github/codeql-action/upload-sarif@") === true);
        expect([render, check, sarif, upload].every((i) => i >= 0)).toBe(true);
        expect(render < check && check < sarif && sarif < upload).toBe(true);
        // After a failed check the log is still written and uploaded, as long as there are manifests to judge.
        const sarifStep = steps[sarif];
        expect(sarifStep.if).toBe(`\${{ !cancelled() && steps.${steps[render].id}.outcome == 'success' }}`);
        // Relative locations (rendered/<stack>/manifests/...): code scanning refuses absolute ones. Its own config, and
        // exit status 1 and 2 still write a log.
        expect(sarifStep["working-directory"]).toBe("${{ runner.temp }}");
        expect(sarifStep.run?.trim()).toBe(
            'node "$GITHUB_WORKSPACE/bin/kube-appstack.js" check "rendered/$STACK/manifests" --config "$GITHUB_WORKSPACE/policies/config/$STACK.json" --format sarif >"rendered/$STACK/check.sarif" || [ $? -le 2 ]',
        );
        expect(steps[upload].if).toBe(`\${{ !cancelled() && steps.${sarifStep.id}.outcome == 'success' && github.event.pull_request.head.repo.full_name == github.repository }}`);
        expect(steps[upload].with).toEqual({ sarif_file: "${{ runner.temp }}/rendered/${{ matrix.stack }}/check.sarif", category: "kube-appstack-${{ matrix.stack }}" });
        expect(job.permissions).toMatchObject({ "security-events": "write" });
    });
});

/** actionlint from .tools/bin (scripts/install-actionlint.sh puts it there) or PATH. */
function findActionlint(): string | undefined {
    const dirs = [path.join(REPO, ".tools", "bin"), ...(process.env.PATH ?? "").split(path.delimiter).filter(Boolean)];
    return dirs.map((dir) => path.join(dir, "actionlint")).find((file) => {
        try {
            fs.accessSync(file, fs.constants.X_OK);
            return true;
        } catch {
            return false;
        }
    });
}

describe("actionlint", () => {
    const actionlint = findActionlint();
    const missing = " (skipped: actionlint is not installed; run scripts/install-actionlint.sh)";
    const lint = (files: string[], cwd: string) => spawnSync(actionlint!, ["-no-color", ...files], { cwd, encoding: "utf8" });

    it.skipIf(!actionlint)(`finds no problem in .github/workflows${actionlint ? "" : missing}`, () => {
        const files = workflows().map((w) => path.join(".github", "workflows", w.file));
        const result = lint(files, REPO);
        expect(result.error).toBeUndefined();
        expect(`${result.stdout}${result.stderr}`).toBe("");
        expect(result.status).toBe(0);
    });

    it.skipIf(!actionlint)(`reports a broken workflow, so a clean run means something${actionlint ? "" : missing}`, () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "actionlint-"));
        try {
            fs.writeFileSync(path.join(dir, "broken.yml"), "on: push\njobs:\n  a:\n    runs-on: ubuntu-24.04\n    steps:\n      - run: echo ${{ matrix.nope }}\n");
            const result = lint(["broken.yml"], dir);
            expect(result.status).toBe(1);
            expect(result.stdout).toContain('property "nope" is not defined');
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });
});
