// The two ways a preview must fail, under the real engine: a stack that breaks mandatory policies, and a
// stack whose config the program rejects before declaring anything.
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { policyPackArgs } from "../../harness/app-stacks";
import { EngineProject, findEngine } from "../../harness/pulumi-engine";

const fixtures = path.join(__dirname, "fixtures");

describe("previews that must fail", () => {
    let project: EngineProject;

    beforeAll(() => {
        project = EngineProject.create(findEngine());
    });

    afterAll(async () => {
        await project?.cleanup();
    });

    it("a stack breaking mandatory policies fails, naming each policy", async () => {
        project.copyStackFile("bad-policies", path.join(fixtures, "Pulumi.bad-policies.yaml"));
        await project.initStack("bad-policies");
        const result = await project.pulumi(["preview", "--stack", "bad-policies", ...policyPackArgs(project, "prod")], {
            allowFailure: true,
        });

        expect(result.code).not.toBe(0);
        // image-tag-pinned: prod.json gives it only a parameter, so its level comes from "all", as the Pulumi CLI reads it.
        for (const policy of ["min-replicas", "run-as-non-root", "read-only-root-filesystem", "image-tag-pinned"]) {
            expect(result.output).toMatch(new RegExp(`\\[mandatory\\]\\s+${policy}\\s`));
        }
    });

    it("a config error fails with the program's message, before any resource is registered", async () => {
        project.copyStackFile("config-error", path.join(fixtures, "Pulumi.config-error.yaml"));
        await project.initStack("config-error");
        const result = await project.pulumi(["preview", "--stack", "config-error"], { allowFailure: true });

        expect(result.code).not.toBe(0);
        expect(result.output).toContain('Invalid configuration for stack "config-error"');
        expect(result.output).toContain("kube-appstack:apps[0].image");
        expect(result.output).toContain("kube-appstack:apps[0].replica");
        expect(result.output).toContain("nothing was deployed");
        // The stack resource is the only one: no provider, namespace or app was registered.
        expect(result.output).not.toMatch(/kubernetes:|kube-appstack:index:/);
    });
});
