import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import { AppNamespace, PersistentStorage, StatefulApp, StatelessApp } from "../../components";

const resources = { requests: { cpu: "250m", memory: "128Mi" }, limits: { cpu: "500m", memory: "256Mi" } };
const registered: string[] = [];

beforeAll(async () => {
    await pulumi.runtime.setMocks({
        newResource(args) {
            registered.push(`${args.type}/${args.name}`);
            return { id: `${args.name}-id`, state: args.inputs };
        },
        call: (args) => args.inputs,
    });
});

describe("components check their args like the stack config", () => {
    it("StatelessApp lists every problem, with key paths, and registers nothing", () => {
        const before = registered.length;
        expect(() => new StatelessApp("Web", {
            namespace: "apps",
            image: "nginx:latest",
            resources: { requests: { cpu: "1", memory: "12 MB" }, limits: { cpu: "500m", memory: "1Gi" } },
            autoscaling: { minReplicas: 4, maxReplicas: 2 },
        })).toThrow([
            'StatelessApp "Web" has invalid args:',
            `  - name: "Web" is not a valid name; allowed: a DNS-1035 label: lowercase letters, digits and '-', starting with a letter and ending with a letter or digit, at most 63 characters (it names the app's Service)`,
            '  - args.image: "nginx:latest" is not pinned; allowed: a tag other than "latest" (e.g. "nginx:1.27.3") or a digest ("nginx@sha256:<64 hex>")',
            '  - args.resources.requests.memory: "12 MB" is not a valid quantity; allowed: a Kubernetes quantity such as "250m", "0.5", "128Mi" or "1Gi" (no sign, no spaces; binary suffixes Ki Mi Gi Ti, decimal k M G T, or m for milli; an exponent such as 1e3 up to e30)',
            '  - args.resources.limits.cpu: "500m" is below requests.cpu ("1"); allowed: limits.cpu >= requests.cpu',
            "  - args.autoscaling.minReplicas: 4 is greater than maxReplicas (2); allowed: 1 <= minReplicas <= maxReplicas",
        ].join("\n"));
        expect(registered.length).toBe(before);
    });

    it("StatelessApp reads config files from the project (the working directory), and refuses one it cannot read", async () => {
        const before = registered.length;
        expect(() => new StatelessApp("cfg", { namespace: "apps", image: "nginx:1.27.3", resources, configFiles: { "/etc/x.conf": { file: "app-config/missing.conf" } } }))
            .toThrow(`StatelessApp "cfg" has invalid args:\n  - args.configFiles["/etc/x.conf"].file: "app-config/missing.conf" does not exist in the project`);
        expect(registered.length).toBe(before);
        const app = new StatelessApp("cfg", { namespace: "apps", image: "nginx:1.27.3", resources, configFiles: { "/etc/nginx/conf.d/default.conf": { file: "app-config/web/default.conf" } } });
        // The Deployment waits for the ConfigMap, so once it is registered the ConfigMap is too.
        await new Promise((resolve) => app.deployment.id.apply(resolve));
        expect(registered).toContain("kubernetes:core/v1:ConfigMap/cfg-config-files");
    });

    it("StatefulApp checks its init containers, sidecars and ports, the container named like the app included", () => {
        const before = registered.length;
        expect(() => new StatefulApp("db", {
            namespace: "apps", image: "redis:7.4.1", resources, storage: { size: "1Gi" },
            ports: [{ name: "redis_", port: 6379 }],
            sidecars: [{ name: "db", image: "oliver006/redis_exporter:v1.67.0" }],
        })).toThrow([
            'StatefulApp "db" has invalid args:',
            `  - args.ports[0].name: "redis_" is not a valid port name; allowed: a port name: at most 15 lowercase letters, digits and '-', with at least one letter, no "--" and no '-' at either end`,
        ].join("\n"));
        expect(() => new StatefulApp("db", {
            namespace: "apps", image: "redis:7.4.1", resources, storage: { size: "1Gi" },
            sidecars: [{ name: "db", image: "oliver006/redis_exporter:v1.67.0" }],
        })).toThrow('StatefulApp "db" has invalid args:\n  - args.sidecars[0].name: "db" is already the name of the app container; allowed: a name unique among the pod\'s containers');
        expect(registered.length).toBe(before);
    });

    it("StatelessApp refuses a route split to an app whose Service port it was not given, and registers nothing", () => {
        const before = registered.length;
        const route = { gateway: { name: "public" }, weights: { web: 9, canary: 1, blue: 1 } };
        expect(() => new StatelessApp("web", { namespace: "apps", image: "nginx:1.27.3", resources, route: { ...route, backendPorts: { blue: 8080 } } }))
            .toThrow('StatelessApp "web" has invalid args:\n  - args.route.backendPorts: no port for "canary"; allowed: the Service port of each app in route.weights other than "web"');
        expect(registered.length).toBe(before);
    });

    it("StatefulApp requires storage and rejects unknown args", () => {
        expect(() => new StatefulApp("db", { namespace: "apps", image: "redis:7.4.1", resources, replica: 3 } as never))
            .toThrow(/args\.storage: required, but missing\n {2}- args\.replica: unknown key \(did you mean "replicas"\?\)/);
    });

    it("PersistentStorage requires exactly one volume source", () => {
        expect(() => new PersistentStorage("data", { namespace: "apps", size: "1Gi" }))
            .toThrow('PersistentStorage "data" has invalid args:\n  - args: exactly one of hostPath and local is required');
    });

    it("AppNamespace rejects a bad Pod Security level", () => {
        expect(() => new AppNamespace("apps", { podSecurity: "strict" as never })).toThrow(/args\.podSecurity: Invalid option/);
    });

    it("accepts valid args, secret Outputs and protect included", () => {
        expect(() => new StatefulApp("db", {
            namespace: "apps", image: "redis:7.4.1", resources, storage: { size: "1Gi" }, protect: true,
            secretValues: { PASSWORD: pulumi.secret("x") },
        })).not.toThrow();
    });
});
