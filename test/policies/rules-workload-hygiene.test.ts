// The rules added for issue 12: each fires on its case and stays quiet on the near misses.
import { describe, expect, it } from "vitest";
import { checkObjects } from "../../policies/check";
import { parsePolicyConfig } from "../../policies/policy-config";
import { deployment, hpa, messagesOf, withFields, workloadOfKind } from "./objects";

describe("liveness-probe-required", () => {
    it("fires for an app container without a livenessProbe", () => {
        expect(messagesOf("liveness-probe-required", withFields(deployment(), { "spec.template.spec.containers.0.livenessProbe": undefined })))
            .toEqual(['container "app" defines no livenessProbe']);
    });
    it("is quiet with a probe, for init containers, and for kinds that are not long-running services", () => {
        expect(messagesOf("liveness-probe-required", deployment())).toEqual([]);
        const init = withFields(deployment(), { "spec.template.spec.initContainers": [{ name: "migrate", image: "m:1" }] });
        expect(messagesOf("liveness-probe-required", init)).toEqual([]);
        expect(messagesOf("liveness-probe-required", withFields(workloadOfKind("Job"), { "spec.template.spec.containers.0.livenessProbe": undefined }))).toEqual([]);
    });
});

describe("readiness-probe-required and liveness-probe-required: which probes work", () => {
    const probes = (readinessProbe: unknown) => withFields(deployment(), { "spec.template.spec.containers.0.readinessProbe": readinessProbe });

    it("covers every long-running kind, DaemonSets and ReplicaSets included, and leaves Jobs, CronJobs and bare Pods alone", () => {
        for (const kind of ["DaemonSet", "ReplicaSet", "ReplicationController"] as const) {
            expect(messagesOf("readiness-probe-required", withFields(workloadOfKind(kind), { [`spec.template.spec.containers.0.readinessProbe`]: undefined }))).toEqual(['container "app" defines no readinessProbe']);
        }
        for (const kind of ["Job", "CronJob"] as const) {
            const path = kind === "CronJob" ? "spec.jobTemplate.spec.template.spec.containers.0.readinessProbe" : "spec.template.spec.containers.0.readinessProbe";
            expect(messagesOf("readiness-probe-required", withFields(workloadOfKind(kind), { [path]: undefined }))).toEqual([]);
        }
        expect(messagesOf("readiness-probe-required", withFields(workloadOfKind("Pod"), { "spec.containers.0.readinessProbe": undefined }))).toEqual([]);
    });

    it("does not count a probe without a handler, which the API server refuses", () => {
        expect(messagesOf("readiness-probe-required", probes({ periodSeconds: 5 }))).toEqual([
            'container "app" has a readinessProbe without a handler (exec, httpGet, tcpSocket, grpc), which the API server refuses',
        ]);
    });

    it("does not count a probe on a port name the container does not declare: it never succeeds", () => {
        expect(messagesOf("readiness-probe-required", probes({ httpGet: { path: "/", port: "metrics" } }))).toEqual([
            'container "app" has a readinessProbe on port "metrics", which it does not declare, so the probe can never succeed',
        ]);
        expect(messagesOf("readiness-probe-required", probes({ tcpSocket: { port: "admin" } }))).toHaveLength(1);
        // A declared name, a number, an exec or a gRPC probe all work.
        for (const probe of [{ httpGet: { port: "http" } }, { tcpSocket: { port: 9000 } }, { exec: { command: ["true"] } }, { grpc: { port: 9090 } }]) {
            expect(messagesOf("readiness-probe-required", probes(probe))).toEqual([]);
        }
    });
});

describe("selector-matches-template: a selector where apps/v1 requires one", () => {
    it("fires for an apps/v1 workload without a selector or with an empty one, which the API server refuses", () => {
        const message = "has no spec.selector (or an empty one), which apps/v1 requires: the API server refuses the object";
        expect(messagesOf("selector-matches-template", withFields(deployment(), { "spec.selector": undefined }))).toEqual([message]);
        expect(messagesOf("selector-matches-template", withFields(workloadOfKind("DaemonSet"), { "spec.selector": {} }))).toEqual([message]);
    });

    it("is quiet where the selector defaults to the template's labels: older API versions and ReplicationControllers", () => {
        expect(messagesOf("selector-matches-template", withFields(deployment(), { apiVersion: "extensions/v1beta1", "spec.selector": undefined }))).toEqual([]);
        expect(messagesOf("selector-matches-template", withFields(workloadOfKind("ReplicationController"), { "spec.selector": undefined }))).toEqual([]);
    });
});

describe("no-default-service-account", () => {
    it("fires for a pod that names no ServiceAccount, or names default", () => {
        expect(messagesOf("no-default-service-account", withFields(deployment(), { "spec.template.spec.serviceAccountName": undefined })))
            .toEqual(["pod runs as the namespace's default ServiceAccount (it names none)"]);
        expect(messagesOf("no-default-service-account", withFields(workloadOfKind("CronJob"), { "spec.jobTemplate.spec.template.spec.serviceAccountName": "default" })))
            .toEqual(["pod runs as the namespace's default ServiceAccount"]);
    });
    it("is quiet for a named account, also through the deprecated serviceAccount field", () => {
        expect(messagesOf("no-default-service-account", deployment())).toEqual([]);
        expect(messagesOf("no-default-service-account", withFields(deployment(), { "spec.template.spec.serviceAccountName": undefined, "spec.template.spec.serviceAccount": "web" }))).toEqual([]);
    });
});

describe("no-host-ports", () => {
    it("fires for a container binding a node port", () => {
        const bound = withFields(deployment(), { "spec.template.spec.containers.0.ports": [{ name: "http", containerPort: 8080, hostPort: 8080 }] });
        expect(messagesOf("no-host-ports", bound)).toEqual(['container "app" binds host port 8080']);
    });
    it("is quiet for container ports alone and for hostPort 0", () => {
        expect(messagesOf("no-host-ports", deployment())).toEqual([]);
        expect(messagesOf("no-host-ports", withFields(deployment(), { "spec.template.spec.containers.0.ports": [{ containerPort: 8080, hostPort: 0 }] }))).toEqual([]);
    });
});

describe("no-host-path", () => {
    const mounting = (path: string) => withFields(workloadOfKind("DaemonSet", "logs"), { "spec.template.spec.volumes": [{ name: "host", hostPath: { path } }] });
    it("fires for a hostPath volume", () => {
        expect(messagesOf("no-host-path", mounting("/var/run/docker.sock"))).toEqual(['volume "host" mounts the node path /var/run/docker.sock']);
    });
    it("is quiet for other volume sources and for paths under allowedPaths", () => {
        expect(messagesOf("no-host-path", withFields(deployment(), { "spec.template.spec.volumes": [{ name: "tmp", emptyDir: {} }] }))).toEqual([]);
        const config = parsePolicyConfig({ "no-host-path": { allowedPaths: ["/var/log"] } }, "test");
        const policies = (path: string) => checkObjects([mounting(path)], config).map((v) => v.policy);
        expect(policies("/var/log/pods")).not.toContain("no-host-path");
        expect(policies("/var/logs")).toContain("no-host-path"); // a sibling, not under /var/log
    });
});

describe("hpa-target-exists", () => {
    it("fires for an HPA whose target is not in the input (or in another namespace)", () => {
        expect(messagesOf("hpa-target-exists", hpa("wbe"), deployment())).toEqual(['scaleTargetRef Deployment wbe names no workload in namespace "shop"']);
        expect(messagesOf("hpa-target-exists", hpa("web", "other"), deployment())).toEqual(['scaleTargetRef Deployment web names no workload in namespace "other"']);
    });
    it("is quiet when the target is there", () => {
        expect(messagesOf("hpa-target-exists", hpa(), deployment())).toEqual([]);
    });
});

describe("selector-matches-template", () => {
    it("fires when the selector does not select the workload's own pod template", () => {
        const stray = withFields(deployment(), { "spec.selector": { matchLabels: { app: "other" } } });
        expect(messagesOf("selector-matches-template", stray)).toEqual(["selector app=other does not select its own pod template's labels"]);
        const expressions = withFields(deployment(), { "spec.selector": { matchExpressions: [{ key: "app", operator: "NotIn", values: ["web"] }] } });
        expect(messagesOf("selector-matches-template", expressions)).toHaveLength(1);
        const rc = withFields(workloadOfKind("ReplicationController", "legacy"), { "spec.selector": { app: "other" } });
        expect(messagesOf("selector-matches-template", rc)).toEqual(["selector app=other does not select its own pod template's labels"]);
    });
    it("is quiet for matching selectors, Jobs and bare Pods", () => {
        expect(messagesOf("selector-matches-template", deployment(), workloadOfKind("ReplicationController"), workloadOfKind("Job"), workloadOfKind("Pod"))).toEqual([]);
    });
});
