// Each app's own ServiceAccount and RBAC rules on the live control plane: the API server authorizes exactly what the
// rules grant, in the app's namespace only, and the pods run as the app's account with its pull secrets; a network
// policy is accepted as built (KWOK runs no CNI to enforce it).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cacheApp, kubectl, LiveStack, localStackConfig, requireLocalCluster, webApp } from "./live-stack";

const NAMESPACE = "it-identity";
const TOKEN = "it-registry-t0ken-5e1f";
let stack: LiveStack;

/** `kubectl auth can-i` as an app's ServiceAccount: a SubjectAccessReview the API server answers with its authorizers. */
function can(app: string, verb: string, resource: string, namespace = NAMESPACE): boolean {
    try {
        return kubectl(["auth", "can-i", verb, resource, "-n", namespace, `--as=system:serviceaccount:${NAMESPACE}:${app}`]).trim() === "yes";
    } catch (error) {
        // can-i exits 1 for "no".
        if (/^no\b/m.test(String((error as { stdout?: string }).stdout ?? (error as Error).message))) return false;
        throw error;
    }
}

beforeAll(async () => {
    requireLocalCluster();
    const web = webApp({
        serviceAccount: { rules: [{ apiGroups: [""], resources: ["configmaps"], verbs: ["get", "list", "watch"] }] },
        imagePullSecrets: ["registry-cred"],
        registryCredentials: [{ server: "ghcr.io", username: "ci-bot", passwordSecret: "ghcrToken" }],
    });
    stack = await LiveStack.create("it-identity", localStackConfig(NAMESPACE, { apps: [web, cacheApp({ replicas: 1, networkPolicy: { ingressFrom: [{ app: "web" }], egressTo: [] } })], storage: [], protectData: false }));
    await stack.pulumi(["config", "set", "--secret", "kube-appstack:ghcrToken", TOKEN]);
    await stack.up();
});

afterAll(async () => {
    await stack?.cleanup();
});

describe("an app's identity on the live control plane", () => {
    it("authorizes what the app's rules grant, in its namespace only, and nothing to the other app", () => {
        expect(can("web", "list", "configmaps")).toBe(true);
        expect(can("web", "watch", "configmaps")).toBe(true);
        expect(can("web", "create", "configmaps")).toBe(false);
        expect(can("web", "get", "secrets")).toBe(false);
        expect(can("web", "list", "configmaps", "default")).toBe(false);
        expect(can("cache", "list", "configmaps")).toBe(false);
    });

    it("runs the pods as the app's account, with a token only where the app has rules, and with its pull secrets", () => {
        const [webPod] = stack.list("pods", "app.kubernetes.io/name=web");
        expect(webPod.spec).toMatchObject({ serviceAccountName: "web", automountServiceAccountToken: true, imagePullSecrets: [{ name: "registry-cred" }, { name: "web-registry" }] });
        // With a token mounted, the API server's ServiceAccount admission adds the projected token volume.
        expect(webPod.spec.volumes.some((v: { name: string }) => v.name.startsWith("kube-api-access-"))).toBe(true);
        const [cachePod] = stack.list("pods", "app.kubernetes.io/name=cache");
        expect(cachePod.spec).toMatchObject({ serviceAccountName: "cache", automountServiceAccountToken: false });
        expect(cachePod.spec.volumes.some((v: { name: string }) => v.name.startsWith("kube-api-access-"))).toBe(false);
        expect(stack.get("serviceaccount", "cache").automountServiceAccountToken).toBe(false);
    });

    it("has the API server accept the cache's network policy: only web in, only DNS out", () => {
        const policy = stack.get("networkpolicy", "cache");
        expect(policy.spec.policyTypes).toEqual(["Ingress", "Egress"]);
        expect(policy.spec.ingress).toEqual([{ from: [{ podSelector: { matchLabels: { "app.kubernetes.io/name": "web", "app.kubernetes.io/instance": "web" } } }], ports: [{ protocol: "TCP", port: 6379 }] }]);
        expect(policy.spec.egress).toHaveLength(1);
    });

    it("keeps the registry token in the app's pull Secret, which the API server accepts as a docker config, and nowhere else", () => {
        const secret = stack.get("secret", "web-registry");
        expect(secret.type).toBe("kubernetes.io/dockerconfigjson");
        const docker = JSON.parse(Buffer.from(secret.data[".dockerconfigjson"], "base64").toString());
        expect(docker.auths["ghcr.io"]).toEqual({ username: "ci-bot", password: TOKEN, auth: Buffer.from(`ci-bot:${TOKEN}`).toString("base64") });
        expect(stack.project.stateText(stack.name)).not.toContain(TOKEN);
    });
});
