import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import { MetricsServer } from "../../components/metrics-server";
import { METRICS_SERVER_IMAGE, metricsServerObjects } from "../../components/specs/metrics-server";
import { KubeObject } from "../../components/specs/kube-object";
import { validateAgainstOpenApi } from "../support/openapi";

interface Container {
    name: string;
    image: string;
    args: string[];
    resources: unknown;
    securityContext: Record<string, unknown>;
    ports: { name: string; containerPort: number }[];
}
interface DeploymentSpec {
    selector: { matchLabels: Record<string, string> };
    template: { metadata: { labels: Record<string, string> }; spec: { containers: Container[]; serviceAccountName: string } };
}

const field = <T>(object: KubeObject, key: string): T => object[key] as T;

describe("metricsServerObjects", () => {
    const objects = metricsServerObjects();
    const deployment = field<DeploymentSpec>(objects.deployment, "spec");
    const [container] = deployment.template.spec.containers;

    it("reproduces the v0.7.2 release manifest: nine objects, all valid against the Kubernetes OpenAPI schema", () => {
        expect(Object.values(objects).map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([
            "ServiceAccount/metrics-server",
            "ClusterRole/system:aggregated-metrics-reader",
            "ClusterRole/system:metrics-server",
            "RoleBinding/metrics-server-auth-reader",
            "ClusterRoleBinding/metrics-server:system:auth-delegator",
            "ClusterRoleBinding/system:metrics-server",
            "Service/metrics-server",
            "Deployment/metrics-server",
            "APIService/v1beta1.metrics.k8s.io",
        ]);
        for (const object of Object.values(objects)) expect(() => validateAgainstOpenApi(object)).not.toThrow();
        for (const object of [objects.serviceAccount, objects.authReaderBinding, objects.service, objects.deployment]) {
            expect(object.metadata.namespace).toBe("kube-system");
        }
    });

    it("pins the image by digest and adds the kubelet flag kind needs", () => {
        expect(container.image).toBe(METRICS_SERVER_IMAGE);
        expect(container.image).toMatch(/^registry\.k8s\.io\/metrics-server\/metrics-server:v0\.7\.2@sha256:[a-f0-9]{64}$/);
        expect(container.args).toEqual([
            "--cert-dir=/tmp",
            "--secure-port=10250",
            "--kubelet-preferred-address-types=InternalIP,ExternalIP,Hostname",
            "--kubelet-use-node-status-port",
            "--metric-resolution=15s",
            "--kubelet-insecure-tls",
        ]);
        const verified = field<DeploymentSpec>(metricsServerObjects({ kubeletInsecureTls: false }).deployment, "spec");
        expect(verified.template.spec.containers[0].args).not.toContain("--kubelet-insecure-tls");
    });

    it("wires the APIService to the Service, the Service to the pods, and the pods to the bound ServiceAccount", () => {
        expect(objects.apiService.spec).toEqual({
            group: "metrics.k8s.io",
            version: "v1beta1",
            groupPriorityMinimum: 100,
            versionPriority: 100,
            insecureSkipTLSVerify: true,
            service: { name: objects.service.metadata.name, namespace: objects.service.metadata.namespace },
        });
        const service = field<{ selector: Record<string, string>; ports: { port: number; targetPort: string }[] }>(objects.service, "spec");
        expect(deployment.template.metadata.labels).toMatchObject(service.selector);
        expect(deployment.selector.matchLabels).toEqual(service.selector);
        expect(container.ports.map((p) => p.name)).toContain(service.ports[0].targetPort);
        expect(service.ports[0].port).toBe(443);

        const account = { kind: "ServiceAccount", name: objects.serviceAccount.metadata.name, namespace: "kube-system" };
        expect(deployment.template.spec.serviceAccountName).toBe(account.name);
        for (const binding of [objects.authReaderBinding, objects.authDelegatorBinding, objects.clusterRoleBinding]) {
            expect(binding.subjects).toEqual([account]);
        }
        expect(field<{ name: string }>(objects.clusterRoleBinding, "roleRef").name).toBe(objects.clusterRole.metadata.name);
        expect(objects.clusterRole.rules).toEqual([
            { apiGroups: [""], resources: ["nodes/metrics"], verbs: ["get"] },
            { apiGroups: [""], resources: ["pods", "nodes"], verbs: ["get", "list", "watch"] },
        ]);
    });

    it("runs under upstream's restricted pod security settings, with requests and limits", () => {
        expect(container.securityContext).toEqual({
            allowPrivilegeEscalation: false,
            capabilities: { drop: ["ALL"] },
            readOnlyRootFilesystem: true,
            runAsNonRoot: true,
            runAsUser: 1000,
            seccompProfile: { type: "RuntimeDefault" },
        });
        expect(container.resources).toEqual({ requests: { cpu: "100m", memory: "200Mi" }, limits: { cpu: "1", memory: "400Mi" } });
        const resources = { requests: { cpu: "50m", memory: "64Mi" }, limits: { cpu: "200m", memory: "128Mi" } };
        expect(field<DeploymentSpec>(metricsServerObjects({ resources }).deployment, "spec").template.spec.containers[0].resources)
            .toEqual(resources);
    });
});

describe("MetricsServer component", () => {
    const registered: { type: string; name: string; provider?: string; inputs: Record<string, unknown> }[] = [];
    let component: MetricsServer;
    let providerUrn: string;

    beforeAll(async () => {
        await pulumi.runtime.setMocks({
            newResource: (args) => {
                registered.push({ type: args.type, name: args.name, provider: args.provider, inputs: args.inputs as Record<string, unknown> });
                return { id: `${args.name}-id`, state: args.inputs };
            },
            call: (args) => args.inputs,
        }, "kube-appstack", "dev", false);
        const provider = new k8s.Provider("kind", { kubeconfig: "apiVersion: v1\nkind: Config\n" });
        component = new MetricsServer("metrics-server", {}, { provider });
        providerUrn = await new Promise<string>((resolve) => provider.urn.apply(resolve));
        await new Promise<string>((resolve) => component.urn.apply(resolve));
        // Let every child registration reach the mock monitor.
        await Promise.all(Object.values(component.resources).map((r) => new Promise((resolve) => r.urn.apply(resolve))));
    });

    it("declares each object as its typed Kubernetes resource, parented to the component", async () => {
        const types = registered.filter((r) => r.type.startsWith("kubernetes:") && r.type !== "pulumi:providers:kubernetes").map((r) => r.type);
        expect(types.sort()).toEqual([
            "kubernetes:apiregistration.k8s.io/v1:APIService",
            "kubernetes:apps/v1:Deployment",
            "kubernetes:core/v1:Service",
            "kubernetes:core/v1:ServiceAccount",
            "kubernetes:rbac.authorization.k8s.io/v1:ClusterRole",
            "kubernetes:rbac.authorization.k8s.io/v1:ClusterRole",
            "kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding",
            "kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding",
            "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding",
        ]);
        for (const resource of Object.values(component.resources)) {
            const urn = await new Promise<string>((resolve) => resource.urn.apply(resolve));
            expect(urn).toContain("::kube-appstack:index:MetricsServer$kubernetes:");
        }
    });

    it("uses the explicit provider it is given for every resource", () => {
        const children = registered.filter((r) => r.type.startsWith("kubernetes:"));
        expect(children).toHaveLength(9);
        for (const child of children) expect(child.provider).toMatch(new RegExp(`^${providerUrn.replace(/[$]/g, "\\$")}::`));
    });

    it("sends the rendered objects unchanged", () => {
        const deployment = registered.find((r) => r.type === "kubernetes:apps/v1:Deployment");
        expect(deployment?.inputs).toMatchObject(metricsServerObjects().deployment as Record<string, unknown>);
        expect(JSON.stringify(deployment?.inputs)).toContain("--kubelet-insecure-tls");
        expect(component.apiServiceName).toBe("v1beta1.metrics.k8s.io");
    });
});
