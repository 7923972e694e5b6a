// KindCluster's check that the engine will find the kind provider plugin, before anything registers: otherwise Pulumi
// would ask a registry (GitHub's pulumi/pulumi-kube-appstack-kind) for a package that is not ours.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { KIND_PLUGIN_DIR, KIND_PLUGIN_EXECUTABLE, kindPluginProblem } from "../../components/kind-plugin-declaration";

const REPO = path.resolve(__dirname, "../..");

describe("kindPluginProblem", () => {
    let project: string;
    const writeProject = (text: string) => fs.writeFileSync(path.join(project, "Pulumi.yaml"), text);
    const relative = () => path.relative(project, KIND_PLUGIN_DIR);

    beforeEach(() => {
        project = fs.mkdtempSync(path.join(os.tmpdir(), "kind-plugin-declaration-"));
    });
    afterEach(() => fs.rmSync(project, { recursive: true, force: true }));

    it("finds the plugin this repository's Pulumi.yaml names, in this repository's bin/", () => {
        expect(fs.existsSync(path.join(KIND_PLUGIN_DIR, KIND_PLUGIN_EXECUTABLE))).toBe(true);
        expect(kindPluginProblem(REPO, "")).toBeUndefined();
    });

    it("asks for the declaration, with the path to write, when a project does not name the plugin", () => {
        writeProject("name: mine\nruntime: nodejs\n");
        const problem = kindPluginProblem(project, "/usr/bin");
        expect(problem).toBe(`${path.join(project, "Pulumi.yaml")} does not name the kind provider plugin that serves KindCluster, so ` +
            `Pulumi would look for "kube-appstack-kind" in a registry instead; add:\nplugins:\n  providers:\n    - name: kube-appstack-kind\n      path: ${relative()}`);
        // What it says to write is what works.
        writeProject(`name: mine\nruntime: nodejs\nplugins:\n  providers:\n    - name: kube-appstack-kind\n      path: ${relative()}\n`);
        expect(kindPluginProblem(project, "/usr/bin")).toBeUndefined();
    });

    it("reads a project file whose plugins are not a list (the engine refuses it anyway) as declaring none", () => {
        writeProject("name: mine\nruntime: nodejs\nplugins:\n  providers:\n    kube-appstack-kind: ./bin\n");
        expect(kindPluginProblem(project, "")).toMatch(/does not name the kind provider plugin/);
        writeProject("just a string\n");
        expect(kindPluginProblem(project, "")).toMatch(/does not name the kind provider plugin/);
    });

    it("names a declared path that does not hold the plugin", () => {
        writeProject("name: mine\nruntime: nodejs\nplugins:\n  providers:\n    - name: kube-appstack-kind\n      path: ./nowhere\n");
        expect(kindPluginProblem(project, "")).toMatch(/Pulumi\.yaml: plugins\.providers "kube-appstack-kind" has path "\.\/nowhere", where there is no pulumi-resource-kube-appstack-kind; allowed: the directory that holds it:\n/);
    });

    it("accepts the plugin on PATH (an ambient plugin, which the engine uses before any registry), and a directory with no project file", () => {
        writeProject("name: mine\nruntime: nodejs\n");
        expect(kindPluginProblem(project, ["/usr/bin", KIND_PLUGIN_DIR].join(path.delimiter))).toBeUndefined();
        fs.rmSync(path.join(project, "Pulumi.yaml"));
        expect(kindPluginProblem(project, "")).toBeUndefined();
    });
});
