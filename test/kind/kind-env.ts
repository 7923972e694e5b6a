import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { KindClusterInputs } from "../../components/kind-cluster-provider";
import { KindClusterArgs, renderKindConfig, resolveKindClusterArgs } from "../../components/kind-config";
import { FakeKind, writeFakeKind } from "./fake-kind";

/** The `<project>/<stack>` the test clusters belong to. */
export const KIND_TEST_OWNER = "kube-appstack/dev";

/** The provider's inputs for `args`, exactly as the KindCluster component would pass them. */
export function kindInputs(args: KindClusterArgs = {}): KindClusterInputs {
    const resolved = resolveKindClusterArgs(args, { defaultName: "dev", projectDir: "/home/me/stack" });
    return { ...resolved, kindConfig: renderKindConfig(resolved), owner: KIND_TEST_OWNER };
}

export interface KindTestEnv {
    fake: FakeKind;
    /** Where the provider keeps its interrupted-create markers in this test (XDG_STATE_HOME). */
    stateHome: string;
    marker(name: string): string;
    restore(): void;
}

/** A fresh fake kind first on PATH and a private state directory, for one test. */
export function useFakeKind(): KindTestEnv {
    const saved = { PATH: process.env.PATH, XDG_STATE_HOME: process.env.XDG_STATE_HOME };
    const fake = writeFakeKind();
    const stateHome = fs.mkdtempSync(path.join(os.tmpdir(), "kind-state-"));
    process.env.PATH = fake.path;
    process.env.XDG_STATE_HOME = stateHome;
    return {
        fake,
        stateHome,
        marker: (name) => path.join(stateHome, "kube-appstack", "kind-creating", name),
        restore: () => {
            for (const [key, value] of Object.entries(saved)) {
                if (value === undefined) delete process.env[key];
                else process.env[key] = value;
            }
            fs.rmSync(fake.dir, { recursive: true, force: true });
            fs.rmSync(stateHome, { recursive: true, force: true });
        },
    };
}
