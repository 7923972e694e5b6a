// Whether the engine will find the kind provider plugin for a project, checked before KindCluster registers anything.
// Without it the engine does not stop at "not found": with automatic plugin acquisition on (Pulumi's default) it asks
// GitHub for a release of "pulumi/pulumi-kube-appstack-kind", a package that is not ours.
import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { KIND_PROVIDER_PACKAGE } from "./kind-cluster-provider";

/** The plugin's executable, as the engine looks for it. */
export const KIND_PLUGIN_EXECUTABLE = `pulumi-resource-${KIND_PROVIDER_PACKAGE}`;

/**
 * This package's bin/, which holds the plugin's launcher: beside components/ in the sources and beside .build/ in the
 * program's bundle, so one level up from either.
 */
export const KIND_PLUGIN_DIR = path.resolve(__dirname, "..", "bin");

const PROJECT_FILES = ["Pulumi.yaml", "Pulumi.yml"];

interface ProjectPlugins {
    plugins?: { providers?: Array<{ name?: unknown; path?: unknown }> };
}

const holdsPlugin = (dir: string): boolean => fs.existsSync(path.join(dir, KIND_PLUGIN_EXECUTABLE));

/**
 * Why the engine would not find the kind provider plugin for the project in `projectDir`, with the lines that fix it,
 * or undefined when it will: the project file names a directory that holds it (`plugins.providers`), or it is on
 * `searchPath` (an ambient plugin). A directory without a project file (a test under Pulumi's mocks) needs no plugin.
 */
export function kindPluginProblem(projectDir: string, searchPath: string = process.env.PATH ?? ""): string | undefined {
    const file = PROJECT_FILES.map((name) => path.join(projectDir, name)).find((candidate) => fs.existsSync(candidate));
    if (file === undefined) return undefined;
    let project: ProjectPlugins | null;
    try {
        project = parse(fs.readFileSync(file, "utf8")) as ProjectPlugins | null;
    } catch {
        return undefined; // the engine reports a project file it cannot read before any program runs
    }
    const fix = `plugins:\n  providers:\n    - name: ${KIND_PROVIDER_PACKAGE}\n      path: ${path.relative(projectDir, KIND_PLUGIN_DIR) || "."}`;
    const providers = project?.plugins?.providers;
    const declared = (Array.isArray(providers) ? providers : []).find((p) => p?.name === KIND_PROVIDER_PACKAGE);
    if (declared !== undefined) {
        const dir = path.resolve(projectDir, typeof declared.path === "string" ? declared.path : "");
        if (holdsPlugin(dir)) return undefined;
        return `${file}: plugins.providers "${KIND_PROVIDER_PACKAGE}" has path ${JSON.stringify(declared.path)}, where there is no ` +
            `${KIND_PLUGIN_EXECUTABLE}; allowed: the directory that holds it:\n${fix}`;
    }
    if (searchPath.split(path.delimiter).some((dir) => dir !== "" && holdsPlugin(dir))) return undefined;
    return `${file} does not name the kind provider plugin that serves KindCluster, so Pulumi would look for ` +
        `"${KIND_PROVIDER_PACKAGE}" in a registry instead; add:\n${fix}`;
}
