// configFiles on the live control plane: the ConfigMap and its read-only mounts are accepted as built, and a change to a
// file's content rolls the Deployment to new pods (a subPath mount would never see the new text otherwise).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LiveStack, localStackConfig, requireLocalCluster, webApp } from "./live-stack";

const NAMESPACE = "it-config-files";
const FILE = "/etc/nginx/conf.d/default.conf";
let stack: LiveStack;

// (A value starting with "-" would read as a flag to `pulumi config set`.)
const KEY = "it-s3cret-key\nsecond line of the key\n";
const config = (content: string) => localStackConfig(NAMESPACE, {
    apps: [webApp({ configFiles: { [FILE]: { content } }, secretFiles: { "/etc/tls/tls.key": "tlsKey" } })], storage: [], protectData: false,
});

/** New config for the stack, with its secret set again (a stack file's config is replaced whole). */
async function reconfigure(content: string): Promise<void> {
    stack.setConfig(config(content));
    await stack.pulumi(["config", "set", "--secret", "kube-appstack:tlsKey", KEY]);
}

beforeAll(async () => {
    requireLocalCluster();
    stack = await LiveStack.create("it-config-files", config("server { listen 8080; }\n"));
    await stack.pulumi(["config", "set", "--secret", "kube-appstack:tlsKey", KEY]);
    await stack.up();
});

afterAll(async () => {
    await stack?.cleanup();
});

describe("config files on the live control plane", () => {
    it("are a ConfigMap mounted file by file, read-only, into ready pods", () => {
        expect(stack.get("configmap", "web-config-files").data).toEqual({ "0-default.conf": "server { listen 8080; }\n" });
        const [pod] = stack.list("pods", "app.kubernetes.io/name=web");
        expect(pod.spec.containers[0].volumeMounts).toContainEqual({ name: "config-files", mountPath: FILE, subPath: "0-default.conf", readOnly: true });
        expect(pod.status.conditions).toContainEqual(expect.objectContaining({ type: "Ready", status: "True" }));
    });

    it("put secret files in the app's Secret, mounted 0400 with the fsGroup that may read them, and nowhere else in clear", () => {
        const secret = stack.get("secret", "web-secret-files");
        expect(Buffer.from(secret.data["0-tls.key"], "base64").toString()).toBe(KEY);
        const [pod] = stack.list("pods", "app.kubernetes.io/name=web");
        expect(pod.spec.volumes).toContainEqual({ name: "secret-files", secret: { secretName: "web-secret-files", defaultMode: 0o400 } });
        expect(pod.spec.containers[0].volumeMounts).toContainEqual({ name: "secret-files", mountPath: "/etc/tls/tls.key", subPath: "0-tls.key", readOnly: true });
        expect(pod.spec.securityContext.fsGroup).toBe(2000);
        expect(stack.project.stateText(stack.name)).not.toContain("it-s3cret-key");
    });

    it("roll the pods when a file changes, and only then", async () => {
        const before = stack.get("deployment", "web");
        await reconfigure("server { listen 8080; }\n");
        await stack.up();
        expect(stack.get("deployment", "web").metadata.generation).toBe(before.metadata.generation);

        await reconfigure("server { listen 8080; location = /healthz { return 200; } }\n");
        await stack.up();
        const after = stack.get("deployment", "web");
        expect(after.metadata.generation).toBe(before.metadata.generation + 1);
        expect(after.status).toMatchObject({ observedGeneration: after.metadata.generation, updatedReplicas: after.spec.replicas ?? after.status.replicas });
        const pods = stack.list("pods", "app.kubernetes.io/name=web").filter((p) => !p.metadata.deletionTimestamp);
        const hash = after.spec.template.metadata.annotations["kube-appstack.io/config-files-sha256"];
        expect(hash).not.toBe(before.spec.template.metadata.annotations["kube-appstack.io/config-files-sha256"]);
        expect(pods.length).toBeGreaterThan(0);
        for (const pod of pods) expect(pod.metadata.annotations["kube-appstack.io/config-files-sha256"]).toBe(hash);
    });
});
