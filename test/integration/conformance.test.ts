// The stack config schema agrees with the API server: every config the schema (with all of the program's checks)
// accepts renders manifests that the live control plane accepts in a server-side dry run. Configs are drawn by
// fast-check from the schema's own shape (test/support/schema-arbitrary.ts); a second generator breaks valid configs
// with the hostile values users and attackers write. What the server accepts but we refuse on purpose is counted.
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { manifestYaml } from "../../cli/manifest-yaml";
import { StackConfigError } from "../../config/load-stack-config";
import { validateStackConfig } from "../../config/validate-stack";
import { stackObjects } from "../../program/stack-objects";
import { stackPlan } from "../../program/stack-plan";
import { Config, drawnStackConfigs } from "../support/stack-config-arbitrary";
import { kubectl, requireLocalCluster } from "./live-stack";

const NAMESPACE = "it-conformance";
// A fixed seed keeps CI repeatable; CONFORMANCE_SEED and CONFORMANCE_RUNS explore further by hand. No shrinking
// (endOnFailure): each step would be another dry run, and the server's message already says what is wrong.
const RUNS = Number(process.env.CONFORMANCE_RUNS ?? 100);
const SEED = Number(process.env.CONFORMANCE_SEED ?? 20261130);
const configs = drawnStackConfigs(NAMESPACE);

/** Hostile values, each put at one place in a valid config. */
const HOSTILE: unknown[] = [
    -1, 0, 1.5, 70000, 1e21, "", " ", "-1Gi", " 1Gi", "1e999999999", "0%", "UPPER", "a".repeat(64), "x=y", "a b", "__proto__",
    `app@sha256:${"A".repeat(64)}`, "nginx:latest", "/", "../etc", true, null, [], {}, "ClusterIP", "0",
];

/** Every scalar place in a value, as key paths. */
function places(value: unknown, path: Array<string | number> = []): Array<Array<string | number>> {
    if (typeof value !== "object" || value === null) return [path];
    return Object.entries(value).flatMap(([k, v]) => places(v, [...path, Array.isArray(value) ? Number(k) : k]));
}

function withValueAt(config: Config, path: Array<string | number>, value: unknown): Config {
    const copy = structuredClone(config);
    const parent = path.slice(0, -1).reduce<Record<string | number, unknown>>((node, key) => node[key] as Record<string | number, unknown>, copy);
    parent[path[path.length - 1]] = value;
    return copy;
}

interface Verdict { schema: "accepted" | "refused"; server?: "accepted" | string }
const stats = { drawn: 0, acceptedBySchema: 0, refusedBySchema: 0 };

/** Our verdict and, for what we accept, the API server's: a server-side dry run of every rendered object. */
function judge(config: Config): Verdict {
    stats.drawn++;
    let objects;
    try {
        const valid = validateStackConfig("conformance", config, [], process.cwd());
        objects = stackObjects(stackPlan(valid), valid.cluster);
    } catch (error) {
        if (!(error instanceof StackConfigError)) throw error;
        stats.refusedBySchema++;
        return { schema: "refused" };
    }
    stats.acceptedBySchema++;
    try {
        kubectl(["apply", "--server-side", "--dry-run=server", "--field-manager=conformance", "-f", "-"], objects.map(manifestYaml).join("---\n"));
        return { schema: "accepted", server: "accepted" };
    } catch (error) {
        return { schema: "accepted", server: (error as Error).message };
    }
}

beforeAll(() => {
    requireLocalCluster();
    // A namespace left terminating by an earlier run would vanish halfway through this one.
    kubectl(["delete", "namespace", NAMESPACE, "--ignore-not-found", "--wait=true", "--timeout=120s"]);
    kubectl(["apply", "-f", "-"], `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${NAMESPACE}\n`);
});

afterAll(() => {
    kubectl(["delete", "namespace", NAMESPACE, "--ignore-not-found", "--wait=false"]);
    console.log(`conformance: ${stats.drawn} configs drawn, ${stats.acceptedBySchema} accepted by the schema (every one accepted by the API server), ${stats.refusedBySchema} refused`);
});

describe("the stack config schema and the API server", () => {
    it("every config drawn from the schema's shape that the schema accepts, the API server accepts", () => {
        const before = { ...stats };
        fc.assert(fc.property(configs, (config) => {
            const verdict = judge(config);
            expect(verdict.server ?? "accepted", JSON.stringify(config)).toBe("accepted");
        }), { numRuns: RUNS, seed: SEED, endOnFailure: true });
        // Not a vacuous pass: most drawn configs get as far as the API server.
        expect(stats.acceptedBySchema - before.acceptedBySchema).toBeGreaterThan(RUNS / 2);
    });

    it("a valid config broken by one hostile value: accepted only if the API server accepts it", () => {
        const broken = configs
            .chain((config) => fc.tuple(fc.constantFrom(...places(config).filter((p) => p[0] !== "cluster" && p.join(".") !== "namespace.name")), fc.constantFrom(...HOSTILE))
                .map(([path, value]) => withValueAt(config, path, value)));
        fc.assert(fc.property(broken, (config) => {
            const verdict = judge(config);
            expect(verdict.server ?? "accepted", JSON.stringify(config)).toBe("accepted");
        }), { numRuns: RUNS, seed: SEED, endOnFailure: true });
    });
});
