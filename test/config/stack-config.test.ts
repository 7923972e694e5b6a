import { describe, expect, it } from "vitest";
import { parseStackConfig, StackConfigError } from "../../config/load-stack-config";
import { ProgramFailure, runProgram } from "../support/run-program";

const web = () => ({
    name: "web",
    type: "stateless",
    image: "nginxinc/nginx-unprivileged:1.27.3-alpine",
    resources: { requests: { cpu: "250m", memory: "128Mi" }, limits: { cpu: "500m", memory: "256Mi" } },
});
const base = (apps: unknown[] = [web()]) => ({
    cluster: { kubeconfig: { context: "staging" } },
    namespace: { name: "apps" },
    apps,
});

function problems(raw: Record<string, unknown>): string[] {
    try {
        parseStackConfig("staging", raw);
    } catch (error) {
        expect(error).toBeInstanceOf(StackConfigError);
        expect((error as Error).message).toContain('stack "staging" (Pulumi.staging.yaml)');
        return (error as StackConfigError).problems;
    }
    throw new Error("config was accepted");
}

function withApp(change: (app: Record<string, unknown>) => void): string[] {
    const app: Record<string, unknown> = web();
    change(app);
    return problems(base([app]));
}

describe("stack config validation", () => {
    it("accepts a minimal valid config", () => {
        expect(parseStackConfig("staging", base()).apps[0].name).toBe("web");
    });

    it("rejects a missing image", () => {
        expect(withApp((a) => delete a.image)).toEqual([
            'kube-appstack:apps[0].image: required; allowed: a container image pinned by tag or digest, e.g. "nginxinc/nginx-unprivileged:1.27.3-alpine"',
        ]);
    });

    it.each(["nginx:latest", "nginx", "registry.local:5000/nginx"])("rejects the unpinned image %s", (image) => {
        expect(withApp((a) => (a.image = image))).toEqual([
            `kube-appstack:apps[0].image: "${image}" is not pinned; allowed: a tag other than "latest" (e.g. "nginx:1.27.3") or a digest ("nginx@sha256:<64 hex>")`,
        ]);
    });

    it("accepts a digest-pinned image", () => {
        expect(() => parseStackConfig("staging", base([{ ...web(), image: `nginx@sha256:${"a".repeat(64)}` }]))).not.toThrow();
    });

    it("rejects malformed quantities, naming each key and value", () => {
        const found = withApp((a) => (a.resources = { requests: { cpu: "0.5x", memory: "12 MB" }, limits: { cpu: "1", memory: "1Gi" } }));
        expect(found).toHaveLength(2);
        expect(found[0]).toMatch(/^kube-appstack:apps\[0\]\.resources\.requests\.cpu: "0\.5x" is not a valid quantity; allowed: a Kubernetes quantity/);
        expect(found[1]).toMatch(/^kube-appstack:apps\[0\]\.resources\.requests\.memory: "12 MB" is not a valid quantity/);
    });

    it("rejects limits below requests", () => {
        expect(withApp((a) => (a.resources = { requests: { cpu: "1", memory: "512Mi" }, limits: { cpu: "500m", memory: "256Mi" } }))).toEqual([
            'kube-appstack:apps[0].resources.limits.cpu: "500m" is below requests.cpu ("1"); allowed: limits.cpu >= requests.cpu',
            'kube-appstack:apps[0].resources.limits.memory: "256Mi" is below requests.memory ("512Mi"); allowed: limits.memory >= requests.memory',
        ]);
    });

    it("rejects minReplicas above maxReplicas", () => {
        expect(withApp((a) => (a.autoscaling = { minReplicas: 5, maxReplicas: 3 }))).toEqual([
            "kube-appstack:apps[0].autoscaling.minReplicas: 5 is greater than maxReplicas (3); allowed: 1 <= minReplicas <= maxReplicas",
        ]);
    });

    it("rejects duplicate app names even when the duplicate has other problems", () => {
        const found = problems(base([web(), { ...web(), image: "nginx:latest" }]));
        expect(found).toContain('kube-appstack:apps[1].name: "web" is already used by apps[0]; allowed: a name unique among apps');
        expect(found).toHaveLength(2);
    });

    it.each(["Web", "web_app", "-web", "1web", "a".repeat(64)])("rejects the app name %s, which names a Service", (name) => {
        expect(withApp((a) => (a.name = name))).toEqual([
            `kube-appstack:apps[0].name: ${JSON.stringify(name)} is not a valid name; allowed: a DNS-1035 label: lowercase letters, digits and '-', starting with a letter and ending with a letter or digit, at most 63 characters (it names the app's Service)`,
        ]);
    });

    it.each([0, 65536, 80.5])("rejects the port %s", (port) => {
        expect(withApp((a) => (a.port = port))).toEqual([`kube-appstack:apps[0].port: ${port} is out of range; allowed: an integer from 1 to 65535`]);
    });

    it("rejects a port given as a string, showing the value", () => {
        expect(withApp((a) => (a.port = "8080"))).toEqual(['kube-appstack:apps[0].port: Invalid input: expected number, received string; given: "8080"']);
    });

    it("rejects unknown keys with a suggestion and the allowed keys", () => {
        const [problem] = withApp((a) => (a.replica = 3));
        expect(problem).toMatch(/^kube-appstack:apps\[0\]\.replica: unknown key \(did you mean "replicas"\?\); allowed keys here: name, type, image, port, /);
    });

    it("says which forms a union of mappings allows when a value fits none, and which keys the form it was meant as takes", () => {
        expect(withApp((a) => (a.envFrom = [{ configMap: "a", secret: "b" }, {}, { configMap: "a", prefix: "X_" }, { configmap: "a" }]))).toEqual([
            'kube-appstack:apps[0].envFrom[0]: {"configMap":"a","secret":"b"} is none of the forms allowed here; allowed: { configMap } or { secret }',
            "kube-appstack:apps[0].envFrom[1]: {} is none of the forms allowed here; allowed: { configMap } or { secret }",
            "kube-appstack:apps[0].envFrom[2].prefix: unknown key; allowed keys here: configMap",
            'kube-appstack:apps[0].envFrom[3]: {"configmap":"a"} is none of the forms allowed here (did you mean "configMap"?); allowed: { configMap } or { secret }',
        ]);
    });

    it("rejects unknown top-level keys", () => {
        expect(problems({ ...base(), namespce: {} })).toEqual([
            'kube-appstack:namespce: unknown key (did you mean "namespace"?); allowed keys: kube-appstack:cluster, kube-appstack:namespace, kube-appstack:apps, kube-appstack:storage, kube-appstack:protectData',
        ]);
    });

    it("rejects an unknown app type", () => {
        expect(withApp((a) => (a.type = "statefull"))).toEqual(['kube-appstack:apps[0].type: type "statefull" is not known; allowed: "stateless" or "stateful"']);
    });

    it("requires exactly one cluster target", () => {
        expect(problems({ ...base(), cluster: {} })).toEqual([
            "kube-appstack:cluster: no cluster target is set; allowed: exactly one of kind, kubeconfig, renderYamlToDirectory",
        ]);
        expect(problems({ ...base(), cluster: { kubeconfig: { context: "a" }, renderYamlToDirectory: "out" } })).toEqual([
            "kube-appstack:cluster: kubeconfig and renderYamlToDirectory are both set; allowed: exactly one of kind, kubeconfig, renderYamlToDirectory",
        ]);
    });

    it("requires hostPath or local on storage, and volumes that name declared storage", () => {
        const found = problems({
            ...base([{ ...web(), volumes: [{ name: "data", mountPath: "/data", claimName: "missing" }] }]),
            storage: [{ name: "shared", size: "1Gi" }],
        });
        expect(found).toEqual([
            "kube-appstack:storage[0]: exactly one of hostPath and local is required (a local volume also names its nodes, as the Kubernetes API requires node affinity for it)",
            'kube-appstack:apps[0].volumes[0].claimName: "missing" names no storage entry; allowed: one of ["shared"]',
        ]);
    });

    it("lists every problem at once", () => {
        const found = problems(base([
            { ...web(), image: "nginx:latest", port: 70000 },
            { ...web(), name: "db", type: "stateful", storage: { size: "1 Gi" } },
        ]));
        expect(found).toHaveLength(3);
    });

    it("reads YAML numbers as quantities", () => {
        const app = { ...web(), resources: { requests: { cpu: 1, memory: "1Gi" }, limits: { cpu: 2, memory: "1Gi" } } };
        expect(parseStackConfig("staging", base([app])).apps[0].resources.requests.cpu).toBe("1");
    });
});

describe("the program with invalid config", () => {
    it("declares nothing and fails with the config message", async () => {
        const config = Object.fromEntries(Object.entries(base([{ ...web(), image: "nginx:latest" }])).map(([k, v]) => [`kube-appstack:${k}`, v]));
        const failure = await runProgram("staging", config).then(() => undefined, (e: ProgramFailure) => e);
        expect(failure).toBeInstanceOf(ProgramFailure);
        expect(failure!.registrations).toEqual([]);
        expect(failure!.message).toMatch(/Invalid configuration for stack "staging" \(Pulumi.staging.yaml\): 1 problem; nothing was deployed.\n  - kube-appstack:apps\[0\].image: "nginx:latest" is not pinned/);
    });

    it("names a secretConfig key that is not set", async () => {
        const config = Object.fromEntries(Object.entries(base([{ ...web(), secretConfig: { API_KEY: "apiKey" } }])).map(([k, v]) => [`kube-appstack:${k}`, v]));
        await expect(runProgram("staging", config)).rejects.toThrow(
            'kube-appstack:apps[0].secretConfig.API_KEY: config key "kube-appstack:apiKey" is not set; allowed: a key set with `pulumi config set --secret apiKey <value>`',
        );
    });
});
