// Named ports, init containers and sidecars: the objects, as the API server validates them, and what config is refused.
import { describe, expect, it } from "vitest";
import { DEFAULT_INIT_CONTAINER_RESOURCES } from "../../components/specs/init-containers";
import { statefulAppObjects, StatefulAppArgs } from "../../components/specs/stateful-app";
import { statelessAppObjects, StatelessAppArgs } from "../../components/specs/stateless-app";
import { StackConfigError } from "../../config/load-stack-config";
import { validateStackConfig } from "../../config/validate-stack";
import { stackPlan } from "../../program/stack-plan";
import { validateAgainstOpenApi } from "../support/openapi";

/* eslint-disable @typescript-eslint/no-explicit-any */
const resources = { requests: { cpu: "250m", memory: "128Mi" }, limits: { cpu: "500m", memory: "256Mi" } };
const web = (extra: Partial<StatelessAppArgs> = {}): StatelessAppArgs => ({ namespace: "apps", image: "nginxinc/nginx-unprivileged:1.27.3-alpine", resources, ...extra });
const db = (extra: Partial<StatefulAppArgs> = {}): StatefulAppArgs => ({ namespace: "apps", image: "redis:7.4.1-alpine", resources, storage: { size: "1Gi" }, ...extra });
const pod = (o: { deployment?: any; statefulSet?: any }) => (o.deployment ?? o.statefulSet).spec.template.spec;
const restricted = { runAsNonRoot: true, allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] } };

function problems(apps: unknown[]): string[] {
    const raw = { cluster: { kubeconfig: { context: "c" } }, namespace: { name: "apps" }, apps };
    try {
        validateStackConfig("test", raw, []);
    } catch (error) {
        expect(error).toBeInstanceOf(StackConfigError);
        return (error as StackConfigError).problems;
    }
    return [];
}
const entry = (extra: Record<string, unknown>) => ({ name: "web", type: "stateless", image: "nginxinc/nginx-unprivileged:1.27.3-alpine", resources, ...extra });
const dbEntry = (extra: Record<string, unknown>) => ({ name: "db", type: "stateful", image: "redis:7.4.1-alpine", resources, storage: { size: "1Gi" }, ...extra });

describe("named ports", () => {
    const metrics = { name: "metrics", port: 9090 };
    const dns = { name: "dns", port: 53, containerPort: 5353, protocol: "UDP" as const };

    it("come after the http port of `port`: the container declares each, the Service maps each by name, the policy admits each", () => {
        const o = statelessAppObjects("api", web({ port: 9000, ports: [metrics, { name: "grpc", port: 50051, appProtocol: "kubernetes.io/h2c" }], networkPolicy: { ingressFrom: [{ app: "web" }] } }));
        expect(pod(o).containers[0].ports).toEqual([
            { name: "http", containerPort: 9000, protocol: "TCP" },
            { name: "metrics", containerPort: 9090, protocol: "TCP" },
            { name: "grpc", containerPort: 50051, protocol: "TCP" },
        ]);
        expect((o.service as any).spec.ports).toEqual([
            { name: "http", port: 80, targetPort: 9000, protocol: "TCP" },
            { name: "metrics", port: 9090, targetPort: "metrics", protocol: "TCP" },
            { name: "grpc", port: 50051, targetPort: "grpc", protocol: "TCP", appProtocol: "kubernetes.io/h2c" },
        ]);
        expect((o.networkPolicy as any).spec.ingress[0].ports).toEqual([{ protocol: "TCP", port: 9000 }, { protocol: "TCP", port: 9090 }, { protocol: "TCP", port: 50051 }]);
        // The probes still check the http port.
        expect(pod(o).containers[0].readinessProbe.tcpSocket).toEqual({ port: 9000 });
        for (const object of [o.deployment, o.service, o.networkPolicy!]) validateAgainstOpenApi(object);
    });

    it("alone replace the default port: the first is what probes, scraping and the headless Service default to", () => {
        const o = statefulAppObjects("dns", db({ ports: [dns, metrics], monitoring: {}, livenessProbe: { type: "tcp", port: "metrics" }, readinessProbe: { type: "http", port: "metrics", path: "/ready" } }));
        expect(pod(o).containers[0].ports).toEqual([
            { name: "dns", containerPort: 5353, protocol: "UDP" },
            { name: "metrics", containerPort: 9090, protocol: "TCP" },
        ]);
        expect((o.headlessService as any).spec.ports).toEqual([
            { name: "dns", port: 53, targetPort: "dns", protocol: "UDP" },
            { name: "metrics", port: 9090, targetPort: "metrics", protocol: "TCP" },
        ]);
        expect(pod(o).containers[0].livenessProbe.tcpSocket).toEqual({ port: "metrics" });
        expect(pod(o).containers[0].readinessProbe.httpGet).toEqual({ path: "/ready", port: "metrics" });
        expect((o.statefulSet as any).spec.template.metadata.annotations["prometheus.io/port"]).toBe("5353");
        validateAgainstOpenApi(o.statefulSet);
    });

    it("resolve a gRPC probe's port name to its number (the kubelet takes only numbers there)", () => {
        const o = statelessAppObjects("api", web({ ports: [{ name: "grpc", port: 50051 }], readinessProbe: { type: "grpc", port: "grpc" } }));
        expect(pod(o).containers[0].readinessProbe.grpc).toEqual({ port: 50051 });
    });

    it("leave a single-port app exactly as before", () => {
        const o = statelessAppObjects("api", web({ port: 9000, service: { port: 8080 } }));
        expect(pod(o).containers[0].ports).toEqual([{ name: "http", containerPort: 9000, protocol: "TCP" }]);
        expect((o.service as any).spec.ports).toEqual([{ name: "http", port: 8080, targetPort: 9000, protocol: "TCP" }]);
        expect(pod(o).initContainers).toBeUndefined();
    });

    it("give the stack output the Service port of the first port", () => {
        const config = validateStackConfig("test", { cluster: { kubeconfig: { context: "c" } }, namespace: { name: "apps" }, apps: [
            entry({ ports: [{ name: "grpc", port: 9090 }] }), dbEntry({ ports: [{ name: "redis", port: 6380, containerPort: 6379 }] }), entry({ name: "plain" }),
        ] }, []);
        const outputs = stackPlan(config).appOutputs;
        expect([outputs.web.servicePort, outputs.db.servicePort, outputs.plain.servicePort]).toEqual([9090, 6380, 80]);
    });

    const cases: Array<[string, unknown[], string]> = [
        ["a name longer than 15 characters", [entry({ ports: [{ name: "metrics-exporter", port: 9090 }] })],
            'kube-appstack:apps[0].ports[0].name: "metrics-exporter" is not a valid port name; allowed: a port name: at most 15 lowercase letters, digits and \'-\', with at least one letter, no "--" and no \'-\' at either end'],
        ["a name without a letter", [entry({ ports: [{ name: "9090", port: 9090 }] })], 'kube-appstack:apps[0].ports[0].name: "9090" is not a valid port name'],
        ["a name with --", [entry({ ports: [{ name: "a--b", port: 9090 }] })], 'kube-appstack:apps[0].ports[0].name: "a--b" is not a valid port name'],
        ["an upper-case name", [entry({ ports: [{ name: "Metrics", port: 9090 }] })], 'kube-appstack:apps[0].ports[0].name: "Metrics" is not a valid port name'],
        ["a name twice", [entry({ ports: [metrics, { name: "metrics", port: 9091 }] })],
            'kube-appstack:apps[0].ports[1].name: "metrics" is already the name of ports[0]; allowed: a port name unique within the pod'],
        ["http beside `port`", [entry({ port: 8080, ports: [{ name: "http", port: 8081 }] })],
            'kube-appstack:apps[0].ports[0].name: "http" is already the name of `port`; allowed: a port name unique within the pod'],
        ["one container port and protocol twice", [entry({ ports: [metrics, { name: "admin", port: 9091, containerPort: 9090 }] })],
            "kube-appstack:apps[0].ports[1].containerPort: 9090 (TCP) is already the container port of ports[0]; allowed: each port and protocol once in the pod (its containers share one network)"],
        ["a Service port twice", [entry({ port: 8080, ports: [{ name: "a", port: 80, containerPort: 9000 }] })],
            "kube-appstack:apps[0].ports[0].port: 80 (TCP) is already the port of `port` on the Service of `service`; allowed: each port and protocol once per Service"],
        ["service.port without the http port", [entry({ ports: [metrics], service: { port: 8080 } })],
            'kube-appstack:apps[0].service.port: is set, but there is no "http" port for it: `ports` is given without `port`; allowed: set each Service port in ports[].port, or set `port`'],
        ["a probe naming no port", [entry({ ports: [metrics], readinessProbe: { type: "http", port: "metric" } })],
            'kube-appstack:apps[0].readinessProbe.port: "metric" names no port of the container; allowed: one of "metrics", or a port number'],
        ["a default probe on a UDP first port", [entry({ ports: [dns], readinessProbe: { type: "exec", command: ["true"] } })],
            'kube-appstack:apps[0].livenessProbe: the default probe checks port "dns" over TCP, but it is UDP; allowed: a TCP port, or set livenessProbe (e.g. type "exec")'],
        ["an invalid appProtocol", [entry({ ports: [{ name: "web", port: 81, appProtocol: "h2c/" }] })],
            'kube-appstack:apps[0].ports[0].appProtocol: "h2c/" is not a valid appProtocol; allowed: an IANA service name such as "http" or "grpc", or a domain-prefixed name such as "kubernetes.io/h2c"'],
        ["a stateful port equal to the http port on the headless Service", [dbEntry({ port: 6379, ports: [{ name: "redis", port: 6379, containerPort: 6380 }] })],
            "kube-appstack:apps[0].ports[0].port: 6379 (TCP) is already the port of `port` on the headless Service; allowed: each port and protocol once per Service"],
    ];
    it.each(cases)("refuses %s, naming the key path", (_, apps, message) => {
        expect(problems(apps)).toContainEqual(expect.stringContaining(message));
    });

    it("reports a probe port that is no port name once, as no port name", () => {
        expect(problems([entry({ ports: [metrics], readinessProbe: { type: "http", port: "Metrics", path: "/" } })])).toEqual([
            expect.stringMatching(/^kube-appstack:apps\[0\]\.readinessProbe\.port: "Metrics" is not a valid port name; allowed: a port name: at most 15 lowercase letters/),
        ]);
    });

    it("names the key path once per problem when one port clashes on both of a stateful app's Services", () => {
        // A path array handed to two issues would be prefixed twice (zod prefixes an issue's path in place).
        expect(problems([entry({ name: "web" }), dbEntry({ port: 5432, ports: [{ name: "admin", port: 5432, containerPort: 9999 }], clientService: { port: 5432 } })])).toEqual([
            "kube-appstack:apps[1].ports[0].port: 5432 (TCP) is already the port of `port` on the headless Service; allowed: each port and protocol once per Service",
            "kube-appstack:apps[1].ports[0].port: 5432 (TCP) is already the port of `port` on the Service of `clientService`; allowed: each port and protocol once per Service",
        ]);
    });

    it("accepts one port number on both TCP and UDP (DNS), and a Service port apart from its container port", () => {
        expect(problems([entry({ ports: [{ name: "dns-tcp", port: 53 }, { name: "dns-udp", port: 53, protocol: "UDP" }, { name: "alt", port: 5353, containerPort: 8053 }] })])).toEqual([]);
    });
});

describe("init containers and sidecars", () => {
    const wait = { name: "wait-db", image: "busybox:1.37.0", command: ["sh", "-c", "until nc -z db 5432; do sleep 1; done"] };
    const proxy = {
        name: "proxy", image: "envoyproxy/envoy:v1.33.2", ports: [{ name: "admin", port: 9901 }],
        readinessProbe: { type: "http" as const, port: "admin", path: "/ready" },
        resources: { requests: { cpu: "50m", memory: "64Mi" }, limits: { cpu: "200m", memory: "128Mi" } },
    };

    it("run sidecars first (restartPolicy Always), then the init containers, all restricted, with defaults for resources", () => {
        const o = statelessAppObjects("api", web({
            initContainers: [{ ...wait, env: { MODE: "wait" }, secretEnv: { PASS: { secretName: "db", key: "password" } } }],
            sidecars: [proxy],
            networkPolicy: { ingressFrom: [] , egressTo: [] },
        }));
        const spec = pod(o);
        expect(spec.initContainers).toEqual([
            {
                name: "proxy", image: "envoyproxy/envoy:v1.33.2", restartPolicy: "Always",
                ports: [{ name: "admin", containerPort: 9901, protocol: "TCP" }],
                readinessProbe: { httpGet: { path: "/ready", port: "admin" }, initialDelaySeconds: 0, periodSeconds: 10, timeoutSeconds: 2, failureThreshold: 3 },
                resources: proxy.resources, securityContext: restricted, volumeMounts: [{ name: "tmp", mountPath: "/tmp" }],
            },
            {
                name: "wait-db", image: "busybox:1.37.0", command: wait.command,
                env: [{ name: "MODE", value: "wait" }, { name: "PASS", valueFrom: { secretKeyRef: { name: "db", key: "password" } } }],
                resources: DEFAULT_INIT_CONTAINER_RESOURCES, securityContext: restricted, volumeMounts: [{ name: "tmp", mountPath: "/tmp" }],
            },
        ]);
        expect((o.service as any).spec.ports.map((p: any) => p.name)).toEqual(["http", "admin"]);
        validateAgainstOpenApi(o.deployment);
    });

    it("mount the app's volumes (at the app's path by default) and its config files when asked", () => {
        const o = statefulAppObjects("db", db({
            configFiles: { "/etc/db/db.conf": { content: "x" } },
            volumes: [{ name: "cache", mountPath: "/cache" }],
            security: { tmpVolume: false },
            initContainers: [{ name: "migrate", image: "migrate/migrate:v4.18.1", volumeMounts: [{ volume: "data" }, { volume: "cache", mountPath: "/c", readOnly: true }], configFiles: true }],
        }));
        expect(pod(o).initContainers[0].volumeMounts).toEqual([
            { name: "data", mountPath: "/data" },
            { name: "cache", mountPath: "/c", readOnly: true },
            { name: "config-files", mountPath: "/etc/db/db.conf", subPath: "0-db.conf", readOnly: true },
        ]);
        validateAgainstOpenApi(o.statefulSet);
    });

    const cases: Array<[string, unknown[], string]> = [
        ["a container named like the app", [entry({ initContainers: [{ name: "web", image: "busybox:1.37.0" }] })],
            'kube-appstack:apps[0].initContainers[0].name: "web" is already the name of the app container; allowed: a name unique among the pod\'s containers'],
        ["a sidecar and an init container of one name", [entry({ sidecars: [{ name: "x", image: "busybox:1.37.0" }], initContainers: [{ name: "x", image: "busybox:1.37.0" }] })],
            'kube-appstack:apps[0].initContainers[0].name: "x" is already the name of sidecars[0]'],
        ["an unpinned image", [entry({ initContainers: [{ name: "x", image: "busybox" }] })],
            'kube-appstack:apps[0].initContainers[0].image: "busybox" is not pinned'],
        ["a mount of no volume of the app", [entry({ initContainers: [{ name: "x", image: "busybox:1.37.0", volumeMounts: [{ volume: "data" }] }] })],
            'kube-appstack:apps[0].initContainers[0].volumeMounts[0].volume: "data" is no volume of the app; allowed: declare it in volumes first'],
        ["a mount on /tmp beside the scratch volume", [entry({ volumes: [{ name: "v", mountPath: "/v" }], sidecars: [{ name: "x", image: "busybox:1.37.0", volumeMounts: [{ volume: "v", mountPath: "/tmp" }] }] })],
            'kube-appstack:apps[0].sidecars[0].volumeMounts[0].mountPath: "/tmp" is already used by security.tmpVolume in this container'],
        ["config files the app does not have", [entry({ initContainers: [{ name: "x", image: "busybox:1.37.0", configFiles: true }] })],
            "kube-appstack:apps[0].initContainers[0].configFiles: is true, but the app has no configFiles"],
        ["a sidecar port named like the app's", [entry({ sidecars: [{ name: "x", image: "busybox:1.37.0", ports: [{ name: "http", port: 81 }] }] })],
            'kube-appstack:apps[0].sidecars[0].ports[0].name: "http" is already the name of `port`'],
        ["a sidecar port on the app's container port", [entry({ port: 9000, sidecars: [{ name: "x", image: "busybox:1.37.0", ports: [{ name: "x", port: 9000 }] }] })],
            "kube-appstack:apps[0].sidecars[0].ports[0].port: 9000 (TCP) is already the container port of `port`"],
        ["two sidecars on one port", [entry({ sidecars: [{ name: "a", image: "busybox:1.37.0", ports: [{ name: "a", port: 81 }] }, { name: "b", image: "busybox:1.37.0", ports: [{ name: "b", port: 82, containerPort: 81 }] }] })],
            "kube-appstack:apps[0].sidecars[1].ports[0].containerPort: 81 (TCP) is already the container port of sidecars[0].ports[0]"],
        ["a sidecar probe naming a port of the app container", [entry({ sidecars: [{ name: "x", image: "busybox:1.37.0", livenessProbe: { type: "tcp", port: "http" } }] })],
            'kube-appstack:apps[0].sidecars[0].livenessProbe.port: "http" names no port of the container; allowed: a port number'],
        ["a sidecar TCP probe without a port to check", [entry({ sidecars: [{ name: "x", image: "busybox:1.37.0", readinessProbe: {} }] })],
            'kube-appstack:apps[0].sidecars[0].readinessProbe: has no port to check: the container declares none; allowed: a port number, or type "exec"'],
        ["an empty list", [entry({ initContainers: [] })], "kube-appstack:apps[0].initContainers"],
    ];
    it.each(cases)("refuses %s, naming the key path", (_, apps, message) => {
        expect(problems(apps)).toContainEqual(expect.stringContaining(message));
    });
});
