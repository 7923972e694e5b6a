import { describe, expect, it } from "vitest";
import { checkObjects } from "../../policies/check";
import { defaultPolicyConfig } from "../../policies/policy-config";
import { compliantStack, container, deployment, messagesOf, statefulSet, violationsOf, withFields, workloadOfKind } from "./objects";

const CONTAINER = "spec.template.spec.containers.0";

describe("the compliant builders", () => {
    it("satisfy every rule, so each test below isolates one field", () => {
        expect(checkObjects(compliantStack(), defaultPolicyConfig())).toEqual([]);
    });

    it.each(["Pod", "DaemonSet", "ReplicaSet", "Job", "CronJob"] as const)("include a compliant %s", (kind) => {
        expect(checkObjects([workloadOfKind(kind)], defaultPolicyConfig())).toEqual([]);
    });
});

describe("resource-requests-required", () => {
    it("names the container and each missing request", () => {
        const web = withFields(deployment(), { [`${CONTAINER}.resources.requests`]: { cpu: "100m" } });
        expect(violationsOf("resource-requests-required", web)).toEqual([
            { policy: "resource-requests-required", level: "advisory", kind: "Deployment", namespace: "shop", name: "web", message: 'container "app" sets no memory request' },
        ]);
    });

    it("does not count a request the API server would copy from the limit", () => {
        const web = withFields(deployment(), { [`${CONTAINER}.resources.requests`]: undefined });
        expect(messagesOf("resource-requests-required", web)).toEqual(['container "app" sets no cpu or memory request']);
    });

    it("checks init containers", () => {
        const migrate = withFields(container("migrate"), { resources: { limits: { cpu: "1", memory: "1Gi" } } });
        const web = withFields(deployment(), { "spec.template.spec.initContainers": [migrate] });
        expect(messagesOf("resource-requests-required", web)).toEqual(['init container "migrate" sets no cpu or memory request']);
    });

    it.each(["Pod", "DaemonSet", "ReplicaSet", "Job", "CronJob"] as const)("finds the containers of a %s", (kind) => {
        const workload = workloadOfKind(kind);
        const path = kind === "Pod" ? "spec.containers.0" : kind === "CronJob" ? "spec.jobTemplate.spec.template.spec.containers.0" : "spec.template.spec.containers.0";
        expect(messagesOf("resource-requests-required", withFields(workload, { [`${path}.resources`]: undefined }))).toHaveLength(1);
    });

    it("skips kinds without pods and CRDs that reuse a workload kind name", () => {
        const crd = { ...withFields(deployment(), { [`${CONTAINER}.resources`]: undefined }), apiVersion: "example.com/v1" };
        const configMap = { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "x" }, data: { a: "b" } };
        expect(violationsOf("resource-requests-required", crd, configMap)).toEqual([]);
    });

    it("does not crash on mistyped fields", () => {
        const broken = withFields(deployment(), { "spec.template.spec.containers": "app", "spec.template.spec.initContainers": [null, 3] });
        expect(() => checkObjects([broken, { apiVersion: "apps/v1", kind: "Deployment" }], defaultPolicyConfig())).not.toThrow();
    });
});

describe("resource-limits-required", () => {
    it("fires for a missing limit, also in init containers", () => {
        const init = withFields(container("init"), { "resources.limits": { cpu: "1" } });
        const web = withFields(deployment(), { [`${CONTAINER}.resources.limits`]: undefined, "spec.template.spec.initContainers": [init] });
        expect(messagesOf("resource-limits-required", web)).toEqual([
            'container "app" sets no cpu or memory limit',
            'init container "init" sets no memory limit',
        ]);
    });

    it("takes the resource list from its parameter", () => {
        const web = withFields(deployment(), { [`${CONTAINER}.resources.limits`]: { memory: "1Gi" } });
        const config = new Map(defaultPolicyConfig());
        config.set("resource-limits-required", { level: "mandatory", params: { resources: ["memory"] } });
        expect(checkObjects([web], config).filter((v) => v.policy === "resource-limits-required")).toEqual([]);
    });
});

describe("limits-not-below-requests", () => {
    it("fires when a limit is below its request, comparing quantities across units", () => {
        const web = withFields(deployment(), { [`${CONTAINER}.resources`]: { requests: { cpu: "0.5", memory: "1Gi" }, limits: { cpu: "499m", memory: "1024Mi" } } });
        expect(messagesOf("limits-not-below-requests", web)).toEqual(['container "app" limits cpu to 499m, below its request of 0.5']);
    });

    it("accepts equal quantities written differently", () => {
        const web = withFields(deployment(), { [`${CONTAINER}.resources`]: { requests: { cpu: 1, memory: "1G" }, limits: { cpu: "1000m", memory: "1e9" } } });
        expect(messagesOf("limits-not-below-requests", web)).toEqual([]);
    });

    it("checks init containers and reports an unparsable quantity", () => {
        const init = withFields(container("init"), { resources: { requests: { cpu: "lots" }, limits: { cpu: "1" } } });
        const web = withFields(deployment(), { "spec.template.spec.initContainers": [init] });
        expect(messagesOf("limits-not-below-requests", web)).toEqual(['init container "init" has requests.cpu "lots", which is not a Kubernetes quantity']);
    });
});

describe("image-tag-pinned", () => {
    const withImage = (image: string) => withFields(deployment(), { [`${CONTAINER}.image`]: image });

    it.each([
        ["nginx", 'uses image "nginx" without a tag'],
        ["nginx:latest", 'uses image "nginx:latest" with the mutable tag "latest"'],
        ["registry.example.com:5000/shop/app", 'uses image "registry.example.com:5000/shop/app" without a tag'],
    ])("fires for %s", (image, message) => {
        expect(messagesOf("image-tag-pinned", withImage(image))).toEqual([`container "app" ${message}`]);
    });

    it.each(["nginx:1.27.2", "registry.example.com:5000/shop/app:2.0", `nginx@sha256:${"a".repeat(64)}`, `nginx:latest@sha256:${"b".repeat(64)}`])(
        "accepts %s",
        (image) => {
            expect(messagesOf("image-tag-pinned", withImage(image))).toEqual([]);
        },
    );

    it("checks init containers", () => {
        const web = withFields(deployment(), { "spec.template.spec.initContainers": [withFields(container("init"), { image: "busybox" })] });
        expect(messagesOf("image-tag-pinned", web)).toEqual(['init container "init" uses image "busybox" without a tag']);
    });
});

describe("readiness-probe-required", () => {
    it("fires for Deployment and StatefulSet containers", () => {
        const web = withFields(deployment(), { [`${CONTAINER}.readinessProbe`]: undefined });
        const db = withFields(statefulSet(), { [`${CONTAINER}.readinessProbe`]: undefined });
        expect(violationsOf("readiness-probe-required", web, db).map((v) => `${v.kind} ${v.message}`)).toEqual([
            'Deployment container "app" defines no readinessProbe',
            'StatefulSet container "app" defines no readinessProbe',
        ]);
    });

    it("does not ask init containers or other workload kinds for one", () => {
        const init = withFields(container("init"), { readinessProbe: undefined });
        const web = withFields(deployment(), { "spec.template.spec.initContainers": [init] });
        const job = withFields(workloadOfKind("Job"), { [`${CONTAINER}.readinessProbe`]: undefined });
        expect(violationsOf("readiness-probe-required", web, job)).toEqual([]);
    });
});
