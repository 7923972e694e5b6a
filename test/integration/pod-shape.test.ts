// Named ports, init containers and native sidecars on the live control plane: the API server (with Pod Security
// admission "restricted" on the namespace) accepts the pods as built, the Services map each port by name, and the
// EndpointSlice controller resolves every name, a sidecar's included, to its container port.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cacheApp, KubeJson, kubectl, LiveStack, localStackConfig, requireLocalCluster, webApp } from "./live-stack";
import { waitFor } from "../support/wait-for";

const NAMESPACE = "it-pod-shape";
let stack: LiveStack;

const web = webApp({
    ports: [{ name: "metrics", port: 9113 }, { name: "syslog", port: 514, containerPort: 5514, protocol: "UDP" }],
    readinessProbe: { type: "tcp", port: "http" },
    initContainers: [{ name: "wait-cache", image: "busybox:1.37.0", command: ["sh", "-c", "until nc -z cache-headless 6379; do sleep 1; done"] }],
    sidecars: [{
        name: "log-shipper", image: "fluent/fluent-bit:3.2.4", ports: [{ name: "shipper", port: 2020 }],
        readinessProbe: { type: "http", port: "shipper", path: "/api/v1/health" },
        resources: { requests: { cpu: "25m", memory: "32Mi" }, limits: { cpu: "100m", memory: "64Mi" } },
    }],
    networkPolicy: { ingressFrom: [{ namespace: "monitoring" }] },
});
const cache = cacheApp({
    sidecars: [{ name: "exporter", image: "oliver006/redis_exporter:v1.67.0", ports: [{ name: "metrics", port: 9121 }], livenessProbe: { type: "tcp", port: "metrics" } }],
    initContainers: [{ name: "prepare", image: "busybox:1.37.0", command: ["sh", "-c", "mkdir -p /data/aof"], volumeMounts: [{ volume: "data" }] }],
});

beforeAll(async () => {
    requireLocalCluster();
    stack = await LiveStack.create("it-pod-shape", localStackConfig(NAMESPACE, { apps: [web, cache], storage: [], protectData: false }));
    await stack.up();
});

afterAll(async () => {
    await stack?.cleanup();
});

const byName = (ports: KubeJson[]) => Object.fromEntries(ports.map((p) => [p.name, p]));

describe("pod shape on the live control plane", () => {
    it("runs pods whose init containers hold the sidecar (restartPolicy Always) first, under Pod Security \"restricted\"", () => {
        expect(stack.get("namespace", NAMESPACE).metadata.labels).toMatchObject({ "pod-security.kubernetes.io/enforce": "restricted" });
        const pods = stack.list("pods", "app.kubernetes.io/name=web");
        expect(pods.length).toBeGreaterThan(0);
        for (const pod of pods) {
            expect(pod.spec.initContainers.map((c: KubeJson) => [c.name, c.restartPolicy])).toEqual([["log-shipper", "Always"], ["wait-cache", undefined]]);
            expect(pod.spec.initContainers[0].ports).toEqual([{ name: "shipper", containerPort: 2020, protocol: "TCP" }]);
            expect(pod.spec.containers[0].ports.map((p: KubeJson) => [p.name, p.containerPort, p.protocol])).toEqual([["http", 8080, "TCP"], ["metrics", 9113, "TCP"], ["syslog", 5514, "UDP"]]);
            expect(pod.status.conditions).toContainEqual(expect.objectContaining({ type: "Ready", status: "True" }));
        }
        const [db] = stack.list("pods", "app.kubernetes.io/name=cache");
        expect(db.spec.initContainers.map((c: KubeJson) => c.name)).toEqual(["exporter", "prepare"]);
        expect(db.spec.initContainers[1].volumeMounts).toContainEqual({ name: "data", mountPath: "/data" });
    });

    it("is what admission checks: the same pod is accepted again, and refused with an unrestricted init container", () => {
        const [pod] = stack.list("pods", "app.kubernetes.io/name=web");
        const create = (spec: KubeJson) => kubectl(["create", "--dry-run=server", "-f", "-", "-o", "name"],
            JSON.stringify({ apiVersion: "v1", kind: "Pod", metadata: { name: "copy", namespace: NAMESPACE }, spec: { ...spec, nodeName: undefined } }));
        expect(create(pod.spec).trim()).toBe("pod/copy");
        const loose = { ...pod.spec, initContainers: [pod.spec.initContainers[0], { ...pod.spec.initContainers[1], securityContext: undefined }] };
        expect(() => create(loose)).toThrow(/violates PodSecurity "restricted:latest".*"wait-cache"/s);
    });

    it("maps every port on the Services by name, and the EndpointSlices resolve each, the sidecars' too", async () => {
        const service = byName(stack.get("service", "web").spec.ports);
        expect(service).toMatchObject({
            http: { port: 80, targetPort: 8080, protocol: "TCP" },
            metrics: { port: 9113, targetPort: "metrics", protocol: "TCP" },
            syslog: { port: 514, targetPort: "syslog", protocol: "UDP" },
            shipper: { port: 2020, targetPort: "shipper", protocol: "TCP" },
        });
        const slicePorts = (svc: string) => waitFor(`the EndpointSlice of ${svc} with its endpoints`, 60_000, () => {
            const [slice] = stack.list("endpointslices", `kubernetes.io/service-name=${svc}`);
            return slice?.endpoints?.length > 0 ? byName(slice.ports) : undefined;
        });
        expect(await slicePorts("web")).toEqual({
            http: { name: "http", port: 8080, protocol: "TCP" },
            metrics: { name: "metrics", port: 9113, protocol: "TCP" },
            syslog: { name: "syslog", port: 5514, protocol: "UDP" },
            shipper: { name: "shipper", port: 2020, protocol: "TCP" },
        });
        expect(await slicePorts("cache-headless")).toEqual({
            http: { name: "http", port: 6379, protocol: "TCP" },
            metrics: { name: "metrics", port: 9121, protocol: "TCP" },
        });
    });

    it("admits every declared port, the sidecars' included, in the app's network policy", () => {
        const policy = stack.get("networkpolicy", "web");
        expect(policy.spec.ingress[0].ports).toEqual([
            { protocol: "TCP", port: 8080 }, { protocol: "TCP", port: 9113 }, { protocol: "UDP", port: 5514 }, { protocol: "TCP", port: 2020 },
        ]);
    });
});
