// A secret set inside the stack config with `pulumi config set --path --secret`, through the real Pulumi CLI and engine
// onto the local cluster: it reaches the app as a Kubernetes Secret, and neither the state file nor the CLI's output
// holds it in clear.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LiveStack, localStackConfig, requireLocalCluster, webApp } from "./live-stack";

const NAMESPACE = "it-secrets";
const TOKEN = "it-s3cr3t-9f2c47d1";
let stack: LiveStack;

beforeAll(async () => {
    requireLocalCluster();
    const config = { ...localStackConfig(NAMESPACE), "kube-appstack:apps": [webApp({ service: { type: "ClusterIP", port: 80 } })] };
    stack = await LiveStack.create("it-secrets", config);
});

afterAll(async () => {
    await stack?.cleanup();
});

describe("a secret env value inside the stack config", () => {
    it("goes into the app's Secret, and stays encrypted in the state and hidden in the output", async () => {
        await stack.pulumi(["config", "set", "--path", "--secret", "kube-appstack:apps[0].env.TOKEN", TOKEN]);
        expect(stack.project.readStackFile(stack.name)).toMatchObject({
            config: { "kube-appstack:apps": [{ env: { TOKEN: { secure: expect.stringMatching(/^v1:/) } } }] },
        });
        const preview = await stack.preview(["--diff"]);
        const up = await stack.up(["--diff"]);
        const state = stack.project.stateText(stack.name);
        const base64 = Buffer.from(TOKEN).toString("base64");
        for (const [what, text] of [["preview", preview.output], ["up", up.output], ["state", state]]) {
            expect(text, what).not.toContain(TOKEN);
            expect(text, what).not.toContain(base64);
        }

        const container = stack.get("deployment", "web").spec.template.spec.containers[0];
        expect(container.env).toContainEqual({ name: "TOKEN", valueFrom: { secretKeyRef: { name: "web-secret-env", key: "TOKEN" } } });
        const secret = stack.get("secret", "web-secret-env");
        expect(Buffer.from(secret.data.TOKEN, "base64").toString()).toBe(TOKEN);
    });

    it("set anywhere else, fails the update before anything changes, naming the key but not the value", async () => {
        await stack.pulumi(["config", "set", "--path", "--secret", "kube-appstack:apps[0].labels.team", TOKEN]);
        const result = await stack.up([], { allowFailure: true });
        expect(result.code).not.toBe(0);
        expect(result.output).toContain("kube-appstack:apps[0].labels.team: holds a secret value (not shown)");
        expect(result.output).not.toContain(TOKEN);
        // A RunError: the message alone, no stack trace.
        expect(result.output).not.toMatch(/\n\s+at .*\.(ts|js):\d+/);
        expect(stack.get("deployment", "web").metadata.labels).not.toHaveProperty("team");
    });
});
