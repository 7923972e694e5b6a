// Render mode (`cluster.renderYamlToDirectory`) under the real engine: `pulumi up` writes the manifests
// of the prod stack's apps instead of applying them, and does so repeatably.
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { parseAllDocuments } from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { policyPackArgs } from "../../harness/app-stacks";
import { EngineProject, findEngine, repoRoot } from "../../harness/pulumi-engine";

const stack = "prod-render";

/** `apiVersion kind namespace/name` of every object in the YAML files under `dir`, sorted. */
function objectIds(dir: string): string[] {
    return fs
        .readdirSync(dir, { recursive: true, encoding: "utf8" })
        .filter((file) => /\.ya?ml$/.test(file))
        .flatMap((file) => parseAllDocuments(fs.readFileSync(path.join(dir, file), "utf8")))
        .map((doc) => doc.toJS() as { apiVersion: string; kind: string; metadata: { name: string; namespace?: string } })
        .filter((object) => object !== null)
        .map((o) => `${o.apiVersion} ${o.kind} ${o.metadata.namespace ?? ""}/${o.metadata.name}`)
        .sort();
}

function kubeAppstack(args: string[], cwd: string) {
    return spawnSync(process.execPath, [path.join(repoRoot, "bin", "kube-appstack.js"), ...args], {
        cwd,
        encoding: "utf8",
    });
}

describe("render mode under the real engine", () => {
    let project: EngineProject;
    let renderDir: string;
    let engineFreeDir: string;

    beforeAll(async () => {
        project = EngineProject.create(findEngine());
        renderDir = path.join(project.tempDir, "manifests");
        engineFreeDir = path.join(project.tempDir, "engine-free");
        // The prod stack's own config, with the cluster section swapped for render mode.
        const prod = project.readStackFile("prod") as { config: Record<string, unknown> };
        project.writeStackFile(stack, {
            config: { ...prod.config, "kube-appstack:cluster": { renderYamlToDirectory: renderDir } },
        });
        // The cache's replicas through a merge key and spelled as go-yaml v3 reads differently from YAML 1.2 (010 is
        // octal to Pulumi): the engine-free render must read both as Pulumi does.
        const file = path.join(project.dir, `Pulumi.${stack}.yaml`);
        const text = fs.readFileSync(file, "utf8");
        if (!/^ +replicas: 3$/m.test(text)) throw new Error(`the prod stack's cache no longer has replicas: 3:\n${text}`);
        fs.writeFileSync(file, text.replace(/^( +)replicas: 3$/m, "$1<<: { replicas: 010 }"));
        // The reference: what the engine-free renderer makes of the stack file as written, before Pulumi
        // rewrites it (stack init stores `protectData: true` as the string "true").
        const render = kubeAppstack(["render", "--stack", stack, "--project-dir", project.dir, "--out", engineFreeDir], project.dir);
        if (render.status !== 0) throw new Error(`kube-appstack render failed:\n${render.stdout}${render.stderr}`);

        await project.initStack(stack);
        await project.pulumi(["up", "--stack", stack, "--yes", "--skip-preview", ...policyPackArgs(project, "prod")]);
    });

    afterAll(async () => {
        await project?.cleanup();
    });

    it("writes the complete app stack: the objects the engine-free renderer derives from the same config", () => {
        const rendered = objectIds(renderDir);
        expect(rendered.length).toBeGreaterThan(0);
        expect(rendered).toEqual(objectIds(engineFreeDir));
        for (const kind of ["Namespace", "Deployment", "Service", "HorizontalPodAutoscaler", "StatefulSet", "PersistentVolume"]) {
            expect(rendered.some((id) => id.split(" ")[1] === kind), `${kind} in ${rendered.join(", ")}`).toBe(true);
        }
    });

    it("reads the stack file as Pulumi does: a merge key's replicas: 010 is 8 under the engine and in the engine-free render", () => {
        const replicas = (dir: string) => fs
            .readdirSync(dir, { recursive: true, encoding: "utf8" })
            .filter((file) => /\.ya?ml$/.test(file))
            .flatMap((file) => parseAllDocuments(fs.readFileSync(path.join(dir, file), "utf8")).map((doc) => doc.toJS() as { kind: string; metadata: { name: string }; spec?: { replicas?: number } } | null))
            .find((o) => o?.kind === "StatefulSet" && o.metadata.name === "cache")?.spec?.replicas;
        expect(replicas(renderDir)).toBe(8);
        expect(replicas(engineFreeDir)).toBe(8);
    });

    it("passes kube-appstack check with the prod policy config", () => {
        const check = kubeAppstack(["check", renderDir, "--config", path.join(project.dir, "policies", "config", "prod.json")], project.dir);
        expect(check.status, check.stdout + check.stderr).toBe(0);
    });

    it("reports no changes on a second pulumi up", async () => {
        const result = await project.pulumi(["up", "--stack", stack, "--yes", "--expect-no-changes"]);
        expect(result.code).toBe(0);
    });
});
