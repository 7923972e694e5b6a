/**
 * Every measured case. A case prepares its input (outside the clock: module loading, config, ready-made objects) and
 * returns the work to time; the work returns how many items it handled (resources, objects), which the report uses
 * for throughput and to check that compared cases did the same amount of work. Each case loads only the modules it
 * needs, so a child process's peak memory holds that case's code and nothing else.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { BENCH_STACK, OBJECTS_PER_APP_STACK, writeBenchStackFile } from "./bench-stack";

export type Work = () => Promise<number> | number;

export interface Case {
    /** What is measured. */
    readonly label: string;
    prepare(n: number): Promise<Work>;
}

function tempProject(n: number): string {
    return writeBenchStackFile(fs.mkdtempSync(path.join(os.tmpdir(), "kube-appstack-bench-")), n);
}

/** The objects `kube-appstack render` writes for `n` app stacks. */
async function renderedObjects(n: number) {
    const { benchStackObjects } = await import("./bench-stack");
    return benchStackObjects(n);
}

const documents = (yaml: string) => yaml.split(/^---$/m).length;

/** Declares `n` app stacks under Pulumi's mocks in one of three ways; returns the Kubernetes resources registered. */
async function underMocks(n: number, way: "components" | "raw" | "grouped"): Promise<Work> {
    const { benchStackPlan } = await import("./bench-stack");
    const { declareComponents, declareRaw, rawObjects, settled, useMocks } = await import("./mocks-cases");
    const seen = await useMocks();
    const plan = benchStackPlan(n);
    const objects = way === "components" ? undefined : rawObjects(plan);
    return async () => {
        if (objects === undefined) declareComponents(plan);
        else declareRaw(objects, plan.protect, way === "grouped");
        await settled();
        return seen.kubernetes.length;
    };
}

/** The whole Pulumi program (what `pulumi preview` runs) on Pulumi.bench.yaml's config, under the same mocks. */
async function programUnderMocks(n: number): Promise<Work> {
    const pulumi = await import("@pulumi/pulumi");
    const { benchStackConfig } = await import("./bench-stack");
    const { settled, useMocks } = await import("./mocks-cases");
    const seen = await useMocks();
    // Pulumi hands the program structured config values as JSON text.
    const config = Object.entries(benchStackConfig(n)).map(([key, value]) => [key, typeof value === "string" ? value : JSON.stringify(value)]);
    pulumi.runtime.setAllConfig(Object.fromEntries(config), []);
    const { program } = await import("../program/program");
    return async () => {
        await program();
        await settled();
        return seen.kubernetes.length;
    };
}

export const CASES = {
    components: {
        label: "components under mocks",
        prepare: (n) => underMocks(n, "components"),
    },
    grouped: {
        label: "raw @pulumi/kubernetes in empty components under mocks (component floor)",
        prepare: (n) => underMocks(n, "grouped"),
    },
    raw: {
        label: "raw @pulumi/kubernetes under mocks",
        prepare: (n) => underMocks(n, "raw"),
    },
    program: {
        label: "the whole program under mocks",
        prepare: programUnderMocks,
    },
    render: {
        label: "kube-appstack render",
        async prepare(n) {
            const { runRender } = await import("../cli/render");
            const dir = tempProject(n);
            return () => {
                let yaml = "";
                const code = runRender(["--stack", BENCH_STACK, "--project-dir", dir], { stdout: (t) => (yaml += t), stderr: () => undefined });
                fs.rmSync(dir, { recursive: true, force: true });
                if (code !== 0) throw new Error(`kube-appstack render exited with ${code}`);
                return documents(yaml);
            };
        },
    },
    cdk8s: {
        label: "cdk8s-plus synth",
        async prepare(n) {
            const { cdk8sPlusYaml } = await import("./cdk8s-plus-stack");
            return () => documents(cdk8sPlusYaml(n));
        },
    },
    yaml: {
        label: "yaml.stringify (floor)",
        async prepare(n) {
            const { stringify } = await import("yaml");
            const objects = await renderedObjects(n);
            // The "floor": the `yaml` package serializing the rendered objects (what render used before its own
            // writer, cli/manifest-yaml.ts), without reading, validating or building.
            return () => documents(objects.map((o) => stringify(o)).join("---\n"));
        },
    },
    check: {
        label: "checkObjects",
        // Sized in objects: whole app stacks of OBJECTS_PER_APP_STACK objects (plus the namespace's two).
        async prepare(objects) {
            const { checkObjects } = await import("../policies/check");
            const { defaultPolicyConfig } = await import("../policies/policy-config");
            const input = await renderedObjects(Math.round(objects / OBJECTS_PER_APP_STACK));
            const config = defaultPolicyConfig();
            return () => {
                checkObjects(input, config);
                return input.length;
            };
        },
    },
} satisfies Record<string, Case>;

export type CaseId = keyof typeof CASES;
