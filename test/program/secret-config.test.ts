// A value set with `pulumi config set --path --secret` inside the stack config stays a Pulumi secret in every resource
// that receives it, and no error message shows it.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { stringify } from "yaml";
import { renderStack } from "../../cli/render";
import { parseStackConfig, StackConfigError } from "../../config/load-stack-config";
import { SECRET_PLACEHOLDER } from "../../program/stack-objects";
import { ProgramFailure, runProgram, SECRET_SIG, stackConfigFile } from "../support/run-program";

const TOKEN = "s3cr3t-t0ken-value";
let project: string;
beforeEach(() => {
    project = fs.mkdtempSync(path.join(os.tmpdir(), "secret-config-"));
    // What the staging stack reads besides its stack file: the web app's config file.
    fs.cpSync(path.join(__dirname, "..", "..", "app-config"), path.join(project, "app-config"), { recursive: true });
    // The program reads where the secrets sit from the stack file in its project directory, as Pulumi runs it.
    vi.spyOn(process, "cwd").mockReturnValue(project);
});
afterEach(() => {
    vi.restoreAllMocks();
    fs.rmSync(project, { recursive: true, force: true });
});

/** The staging stack with `apps[0]` changed by `change`, written as Pulumi writes it: `secure:` at `secretAt`. */
function stack(change: (app: Record<string, unknown>) => void, secretAt: (app: Record<string, unknown>) => Record<string, unknown>, key: string) {
    const clear = structuredClone(stackConfigFile("staging"));
    const app = (clear["kube-appstack:apps"] as Array<Record<string, unknown>>)[0];
    change(app);
    const file = structuredClone(clear);
    secretAt((file["kube-appstack:apps"] as Array<Record<string, unknown>>)[0])[key] = { secure: "v1:AAAAAAAAAAAA:ciphertext" };
    fs.writeFileSync(path.join(project, "Pulumi.secrets.yaml"), stringify({ config: file }));
    return clear;
}

describe("a secret inside the stack config", () => {
    it("set as an env value: kept in the app's Secret as a Pulumi secret, referenced by the workload, never in clear", async () => {
        const config = stack((app) => (app.env = { ...(app.env as object), TOKEN }), (app) => app.env as Record<string, unknown>, "TOKEN");
        const run = await runProgram("secrets", config, { secretKeys: ["kube-appstack:apps"] });
        const secret = run.get("kubernetes:core/v1:Secret", "web-secret-env");
        const stringData = JSON.parse(secret.wire).stringData;
        expect(Object.values(stringData)).toContain(SECRET_SIG);
        expect(stringData.value).toEqual({ TOKEN });
        for (const registration of run.registrations.filter((r) => r.type !== "kubernetes:core/v1:Secret")) {
            expect(registration.wire, registration.type).not.toContain(TOKEN);
        }
        const inputs = run.get("kubernetes:apps/v1:Deployment", "web").inputs as { spec: { template: { spec: { containers: Array<{ env: unknown[] }> } } } };
        const env = inputs.spec.template.spec.containers[0].env;
        expect(env).toContainEqual({ name: "TOKEN", valueFrom: { secretKeyRef: { name: "web-secret-env", key: "TOKEN" } } });

        // The renderer never decrypts: the same Secret, with the placeholder.
        const rendered = renderStack(project, "secrets");
        expect(rendered.find((o) => o.kind === "Secret")).toMatchObject({ metadata: { name: "web-secret-env" }, stringData: { TOKEN: SECRET_PLACEHOLDER } });
        expect(JSON.stringify(rendered)).not.toContain("ciphertext");
    });

    it("referenced by secretFiles: a file from a Pulumi secret, mounted 0400 from the app's Secret, never in clear", async () => {
        const config = stack((app) => (app.secretFiles = { "/etc/tls/tls.key": "tlsKey" }), (app) => app, "unused");
        delete (config["kube-appstack:apps"] as Array<Record<string, unknown>>)[0].unused;
        config["kube-appstack:tlsKey"] = TOKEN;
        fs.writeFileSync(path.join(project, "Pulumi.secrets.yaml"), stringify({ config: { ...config, "kube-appstack:tlsKey": { secure: "v1:AAAAAAAAAAAA:ciphertext" } } }));
        const run = await runProgram("secrets", config, { secretKeys: ["kube-appstack:tlsKey"] });
        const stringData = JSON.parse(run.get("kubernetes:core/v1:Secret", "web-secret-files").wire).stringData;
        expect(Object.values(stringData)).toContain(SECRET_SIG);
        expect(stringData.value).toEqual({ "0-tls.key": TOKEN });
        for (const registration of run.registrations.filter((r) => r.type !== "kubernetes:core/v1:Secret")) {
            expect(registration.wire, registration.type).not.toContain(TOKEN);
        }
        type PodSpec = { volumes: unknown[]; containers: Array<{ volumeMounts: unknown[] }>; securityContext: { fsGroup?: number } };
        const pod = (run.get("kubernetes:apps/v1:Deployment", "web").inputs as { spec: { template: { spec: PodSpec } } }).spec.template.spec;
        expect(pod.volumes).toContainEqual({ name: "secret-files", secret: { secretName: "web-secret-files", defaultMode: 0o400 } });
        expect(pod.containers[0].volumeMounts).toContainEqual({ name: "secret-files", mountPath: "/etc/tls/tls.key", subPath: "0-tls.key", readOnly: true });
        expect(pod.securityContext.fsGroup).toBe(2000);

        const rendered = renderStack(project, "secrets");
        expect(rendered.find((o) => o.metadata.name === "web-secret-files")).toMatchObject({ kind: "Secret", stringData: { "0-tls.key": SECRET_PLACEHOLDER } });
        expect(JSON.stringify(rendered)).not.toContain(TOKEN);
    });

    it("referenced by registryCredentials: the app's own pull Secret, a Pulumi secret, named by its pods", async () => {
        const config = stack((app) => (app.registryCredentials = [{ server: "ghcr.io", username: "ci-bot", passwordSecret: "ghcrToken" }]), (app) => app, "unused");
        delete (config["kube-appstack:apps"] as Array<Record<string, unknown>>)[0].unused;
        config["kube-appstack:ghcrToken"] = TOKEN;
        fs.writeFileSync(path.join(project, "Pulumi.secrets.yaml"), stringify({ config: { ...config, "kube-appstack:ghcrToken": { secure: "v1:AAAAAAAAAAAA:ciphertext" } } }));
        const run = await runProgram("secrets", config, { secretKeys: ["kube-appstack:ghcrToken"] });
        const registration = run.get("kubernetes:core/v1:Secret", "web-registry");
        const wire = JSON.parse(registration.wire);
        expect(wire.type).toBe("kubernetes.io/dockerconfigjson");
        expect(Object.values(wire.stringData)).toContain(SECRET_SIG);
        const docker = JSON.parse(wire.stringData.value[".dockerconfigjson"]);
        expect(docker).toEqual({ auths: { "ghcr.io": { username: "ci-bot", password: TOKEN, auth: Buffer.from(`ci-bot:${TOKEN}`).toString("base64") } } });
        for (const other of run.registrations.filter((r) => r.type !== "kubernetes:core/v1:Secret")) {
            expect(other.wire, other.type).not.toContain(TOKEN);
        }
        const pod = (run.get("kubernetes:apps/v1:Deployment", "web").inputs as { spec: { template: { spec: { imagePullSecrets: unknown } } } }).spec.template.spec;
        expect(pod.imagePullSecrets).toEqual([{ name: "web-registry" }]);

        const rendered = renderStack(project, "secrets").find((o) => o.metadata.name === "web-registry") as unknown as { stringData: Record<string, string> };
        expect(JSON.parse(rendered.stringData[".dockerconfigjson"]).auths["ghcr.io"]).toMatchObject({ username: "ci-bot", password: SECRET_PLACEHOLDER });
        expect(JSON.stringify(renderStack(project, "secrets"))).not.toContain(TOKEN);
    });

    it("finds the secret's place in a stack file under Pulumi.yaml's stackConfigDir", async () => {
        const config = stack((app) => (app.env = { TOKEN }), (app) => app.env as Record<string, unknown>, "TOKEN");
        fs.mkdirSync(path.join(project, "stacks"));
        fs.renameSync(path.join(project, "Pulumi.secrets.yaml"), path.join(project, "stacks", "Pulumi.secrets.yaml"));
        fs.writeFileSync(path.join(project, "Pulumi.yaml"), "name: kube-appstack\nruntime: nodejs\nstackConfigDir: stacks\n");
        const run = await runProgram("secrets", config, { secretKeys: ["kube-appstack:apps"] });
        expect(JSON.parse(run.get("kubernetes:core/v1:Secret", "web-secret-env").wire).stringData.value).toEqual({ TOKEN });
    });

    it("anywhere else: refused first and alone, naming the key and never the value", async () => {
        const config = stack((app) => (app.image = `registry.example.com/${TOKEN}:latest`), (app) => app, "image");
        const failure = (await runProgram("secrets", config, { secretKeys: ["kube-appstack:apps"] }).catch((e: ProgramFailure) => e)) as ProgramFailure;
        expect(failure).toBeInstanceOf(ProgramFailure);
        expect(failure.message).toContain("kube-appstack:apps[0].image: holds a secret value (not shown), which would reach the manifests in clear");
        expect(failure.message).not.toContain(TOKEN);
        expect(failure.registrations.filter((r) => r.type.startsWith("kubernetes:"))).toEqual([]);
    });

    it("an env value that another problem's message quotes: redacted there", () => {
        const raw = { cluster: { kubeconfig: { context: "c" } }, namespace: { name: "apps" }, apps: [{
            name: "web", type: "stateless", image: "app:1.0", env: { TOKEN },
            resources: { requests: { cpu: "1", memory: "1Gi" }, limits: { cpu: "1", memory: "1Gi" } },
        }] };
        const quoting = () => [`a check that quotes the value: ${JSON.stringify(TOKEN)}`];
        const error = (() => {
            try {
                parseStackConfig("secrets", raw, [quoting], [["apps", 0, "env", "TOKEN"]]);
            } catch (e) {
                return e as StackConfigError;
            }
            throw new Error("accepted");
        })();
        expect(error.problems).toContain('a check that quotes the value: "[secret]"');
        expect(error.message).not.toContain(TOKEN);
    });

    it("a whole key that Pulumi says is secret, with no place marked in the file: refused as a whole", async () => {
        // The secret namespace name is itself invalid: that problem (which would quote it) is left unsaid.
        const config = { ...structuredClone(stackConfigFile("staging")), "kube-appstack:namespace": { name: "Bad_NS_s3cr3t" } };
        fs.writeFileSync(path.join(project, "Pulumi.secrets.yaml"), stringify({ config: {} }));
        const failure = (await runProgram("secrets", config, { secretKeys: ["kube-appstack:namespace"] }).catch((e: ProgramFailure) => e)) as ProgramFailure;
        expect(failure.message).toContain(": 1 problem;");
        expect(failure.message).toContain("kube-appstack:namespace: holds a secret value (not shown)");
        expect(failure.message).not.toContain("Bad_NS_s3cr3t");
    });

    it("a stack file that is no regular file: not read (a device never ends), so every secret key is secret as a whole", async () => {
        const config = { ...structuredClone(stackConfigFile("staging")), "kube-appstack:namespace": { name: "apps" } };
        fs.symlinkSync("/dev/zero", path.join(project, "Pulumi.secrets.yaml"));
        const failure = (await runProgram("secrets", config, { secretKeys: ["kube-appstack:namespace"] }).catch((e: ProgramFailure) => e)) as ProgramFailure;
        expect(failure.message).toContain("kube-appstack:namespace: holds a secret value (not shown)");
    });
});
