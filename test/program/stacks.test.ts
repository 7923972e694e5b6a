import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { KIND_CLUSTER_TYPE } from "../../components/kind-cluster-provider";
import { KubeObject } from "../../components/specs/kube-object";
import { validateAgainstOpenApi } from "../support/openapi";
import { ProgramRun, REPO, Registration, runProgram, SECRET_SIG, stackConfigFile } from "../support/run-program";

const T = {
    provider: "pulumi:providers:kubernetes",
    namespace: "kubernetes:core/v1:Namespace",
    deployment: "kubernetes:apps/v1:Deployment",
    statefulSet: "kubernetes:apps/v1:StatefulSet",
    service: "kubernetes:core/v1:Service",
    hpa: "kubernetes:autoscaling/v2:HorizontalPodAutoscaler",
    pdb: "kubernetes:policy/v1:PodDisruptionBudget",
    pv: "kubernetes:core/v1:PersistentVolume",
    pvc: "kubernetes:core/v1:PersistentVolumeClaim",
};

type Obj = KubeObject & { spec: Record<string, any> }; // eslint-disable-line @typescript-eslint/no-explicit-any
const obj = (r: Registration) => r.inputs as Obj;
const kubeResources = (run: ProgramRun) => run.registrations.filter((r) => r.type.startsWith("kubernetes:"));
// The Gateway API's kinds are not in the Kubernetes OpenAPI schema: the live tests meet its CRDs instead
// (test/integration/routing.test.ts, conformance.test.ts).
const builtInResources = (run: ProgramRun) => kubeResources(run).filter((r) => !r.type.startsWith("kubernetes:gateway.networking.k8s.io/"));

async function run(stack: string) {
    return runProgram(stack, stackConfigFile(stack));
}

describe.each(["staging", "prod"])("stack %s under mocks", (stack) => {
    it("declares the seed's app stack, every object through one explicit provider", async () => {
        const r = await run(stack);
        const providers = r.ofType(T.provider);
        expect(providers).toHaveLength(1);
        const providerRef = `${providers[0].urn}::${providers[0].name}-id`;
        const kube = kubeResources(r);
        expect(kube.map((k) => `${k.type.split(":")[2]}/${k.name}`).sort()).toEqual([
            ...(stack === "prod" ? ["NetworkPolicy/default-deny-ingress", "NetworkPolicy/web"] : []), "HTTPRoute/web",
            "ConfigMap/web-config-files",
            "Deployment/web", "HorizontalPodAutoscaler/web", "LimitRange/default-resources", "Namespace/apps",
            "PersistentVolume/apps-shared-data", "PersistentVolumeClaim/shared-data", "NetworkPolicy/cache",
            "PodDisruptionBudget/cache", "PodDisruptionBudget/web", "ResourceQuota/quota",
            "Service/cache-headless", "Service/web", "ServiceAccount/cache", "ServiceAccount/web", "StatefulSet/cache",
            "CronJob/cache-backup", "Role/cache-backup", "RoleBinding/cache-backup", "ServiceAccount/cache-backup",
            "ServiceMonitor/web", "PrometheusRule/web", "ConfigMap/web-dashboard",
            "ServiceMonitor/cache", "PrometheusRule/cache", "ConfigMap/cache-dashboard",
        ].sort());
        for (const k of kube) {
            expect(k.provider, `${k.type} ${k.name}`).toBe(providerRef);
            expect(k.parent, `${k.type} ${k.name} is parented to a component`).toMatch(/::kube-appstack:index:\w+::/);
        }
        expect(providers[0].inputs.context).toBe(stack);
        expect(providers[0].inputs.clusterIdentifier).toBe(stack);
    });

    it("runs the web app as in the seed: requests 250m/128Mi, limits 500m/256Mi, port 80 -> 8080, HPA owns replicas", async () => {
        const r = await run(stack);
        const deployment = obj(r.get(T.deployment, "web"));
        const container = deployment.spec.template.spec.containers[0];
        expect(container.resources).toEqual({ requests: { cpu: "250m", memory: "128Mi" }, limits: { cpu: "500m", memory: "256Mi" } });
        expect(deployment.spec.replicas).toBeUndefined();
        const svc = obj(r.get(T.service, "web"));
        expect(svc.spec.ports).toEqual([{ name: "http", port: 80, targetPort: 8080, protocol: "TCP" }]);
        const hpa = obj(r.get(T.hpa, "web"));
        expect(hpa.spec.scaleTargetRef).toEqual({ apiVersion: "apps/v1", kind: "Deployment", name: "web" });
        expect(hpa.spec.minReplicas).toBe(stack === "prod" ? 3 : 2);
    });

    it("runs the stateful app as in the seed: 3 replicas with 500Mi claims that outlive the StatefulSet", async () => {
        const r = await run(stack);
        const sts = obj(r.get(T.statefulSet, "cache"));
        expect(sts.spec.replicas).toBe(3);
        expect(sts.spec.volumeClaimTemplates[0].spec.resources.requests.storage).toBe("500Mi");
        expect(sts.spec.persistentVolumeClaimRetentionPolicy).toEqual({ whenDeleted: "Retain", whenScaled: "Retain" });
        expect(sts.spec.serviceName).toBe("cache-headless");
        expect(obj(r.get(T.service, "cache-headless")).spec.clusterIP).toBe("None");
    });

    it("scrapes the cache through its redis_exporter sidecar's named port, mapped by the headless Service", async () => {
        const r = await run(stack);
        const template = obj(r.get(T.statefulSet, "cache")).spec.template;
        expect(template.spec.initContainers.map((c: { name: string; restartPolicy?: string }) => [c.name, c.restartPolicy])).toEqual([["exporter", "Always"]]);
        // The operator scrapes it (no scrape annotations then): the ServiceMonitor names the headless Service's port.
        expect(template.metadata.annotations?.["prometheus.io/port"]).toBeUndefined();
        expect(obj(r.get(T.service, "cache-headless")).spec.ports.map((p: { name: string }) => p.name)).toEqual(["http", "metrics"]);
        expect(obj(r.get("kubernetes:monitoring.coreos.com/v1:ServiceMonitor", "cache")).spec.endpoints).toEqual([{ port: "metrics", path: "/metrics", interval: "30s" }]);
    });

    it("protects every stateful resource (StatefulSet, PV, PVC) and nothing else", async () => {
        const r = await run(stack);
        const protectedOnes = r.registrations.filter((x) => x.protect).map((x) => `${x.type}/${x.name}`).sort();
        expect(protectedOnes).toEqual([`${T.pv}/apps-shared-data`, `${T.pvc}/shared-data`, `${T.statefulSet}/cache`].sort());
    });

    it("makes every Kubernetes object valid against the Kubernetes OpenAPI schema", async () => {
        const r = await run(stack);
        for (const k of builtInResources(r)) validateAgainstOpenApi(obj(k));
    });

    it("exports the namespace and each app's service name, port and DNS name", async () => {
        const r = await run(stack);
        expect(r.outputs.namespace).toBe("apps");
        expect(r.outputs.apps).toEqual({
            web: { kind: "stateless", serviceName: "web", servicePort: 80, dnsName: "web.apps.svc.cluster.local" },
            cache: { kind: "stateful", serviceName: "cache-headless", servicePort: 6379, dnsName: "cache-headless.apps.svc.cluster.local", replicas: 3 },
        });
    });
});

describe("prod specifics", () => {
    it("keeps at least 2 web pods through disruptions and scales on CPU and memory with a slow scale-down", async () => {
        const r = await run("prod");
        expect(obj(r.get(T.pdb, "web")).spec.minAvailable).toBe(2);
        const hpa = obj(r.get(T.hpa, "web"));
        expect(hpa.spec.metrics.map((m: { resource: { name: string } }) => m.resource.name)).toEqual(["cpu", "memory"]);
        expect(hpa.spec.behavior.scaleDown).toEqual({ stabilizationWindowSeconds: 300, policies: [{ type: "Pods", value: 1, periodSeconds: 60 }] });
        expect(obj(r.get(T.service, "web")).spec.type).toBe("LoadBalancer");
    });

    it("pins the shared local volume to its node, as the API requires for local volumes", async () => {
        const r = await run("prod");
        const pv = obj(r.get(T.pv, "apps-shared-data"));
        expect(pv.spec.local).toEqual({ path: "/mnt/disks/shared-data" });
        expect(pv.spec.nodeAffinity.required.nodeSelectorTerms[0].matchExpressions[0].values).toEqual(["prod-storage-1"]);
        expect(pv.spec.persistentVolumeReclaimPolicy).toBe("Retain");
    });
});

describe("dev stack under mocks", () => {
    it("creates a kind cluster, a provider from its kubeconfig, and metrics-server before the apps", async () => {
        const r = await run("dev");
        const kind = r.get("kube-appstack:index:KindCluster", "kind");
        const providers = r.ofType(T.provider);
        expect(providers).toHaveLength(1);
        const provider = providers[0];
        expect(provider.inputs).toMatchObject({ clusterIdentifier: "kube-appstack-dev", context: "kind-kube-appstack-dev", deleteUnreachable: "true" });
        // The provider's kubeconfig comes from the cluster (so it waits for it) and stays a secret.
        expect(provider.wire).toContain(SECRET_SIG);
        const providerRef = `${provider.urn}::${provider.name}-id`;
        for (const k of kubeResources(r)) expect(k.provider, `${k.type} ${k.name}`).toBe(providerRef);
        const metricsDeployment = r.ofType(T.deployment).find((d) => d.parent.includes("MetricsServer"));
        expect(metricsDeployment).toBeDefined();
        expect(r.get(T.namespace, "apps").dependencies).toContain(metricsDeployment!.urn);
        // The cluster itself is the kind plugin's resource under the component, and the provider waits for exactly it.
        const cluster = r.registrations.filter((x) => x.type === KIND_CLUSTER_TYPE);
        expect(cluster.map((c) => c.parent)).toEqual([kind.urn]);
        expect(provider.dependencies).toContain(cluster[0].urn);
        expect(Object.keys(r.outputs)).toContain("kubeconfig");
    });

    it("previews every app resource before the cluster exists (kubeconfig unknown)", async () => {
        const preview = await runProgram("dev", stackConfigFile("dev"), { preview: true });
        const up = await run("dev");
        const names = (x: ProgramRun) => kubeResources(x).map((k) => `${k.type}/${k.name}`).sort();
        expect(names(preview)).toEqual(names(up));
        expect(names(preview)).toContain(`${T.deployment}/web`);
    });

    it("declares the app stack and metrics-server, and nothing else, on the kind cluster", async () => {
        const r = await run("dev");
        const names = kubeResources(r).filter((k) => !k.parent.includes("MetricsServer")).map((k) => `${k.type.split(":")[2]}/${k.name}`).sort();
        expect(names).toEqual([
            "Deployment/web", "HorizontalPodAutoscaler/web", "Ingress/web", "LimitRange/default-resources", "Namespace/apps",
            "PersistentVolume/apps-shared-data", "PersistentVolumeClaim/shared-data", "PodDisruptionBudget/web",
            "Service/cache-headless", "Service/web", "ServiceAccount/cache", "ServiceAccount/web", "StatefulSet/cache",
        ]);
        expect(kubeResources(r).filter((k) => k.parent.includes("MetricsServer"))).toHaveLength(9);
    });

    it("keeps the laptop footprint small and nothing protected", async () => {
        const r = await run("dev");
        expect(r.registrations.filter((x) => x.protect)).toEqual([]);
        expect(obj(r.get(T.hpa, "web")).spec).toMatchObject({ minReplicas: 1, maxReplicas: 3 });
        expect(obj(r.get(T.statefulSet, "cache")).spec.replicas).toBe(1);
        expect(obj(r.get(T.service, "web")).spec).toMatchObject({ type: "NodePort", ports: [{ port: 80, targetPort: 8080, nodePort: 30080 }] });
    });

    it("puts local PersistentVolumes in the directory the kind nodes mount from the laptop", async () => {
        const r = await run("dev");
        expect(obj(r.get(T.pv, "apps-shared-data")).spec.hostPath).toEqual({ path: "/kube-appstack-data/shared-data", type: "DirectoryOrCreate" });
        const kindInputs = r.registrations.find((x) => x.type === KIND_CLUSTER_TYPE);
        expect(JSON.stringify(kindInputs?.inputs ?? {})).toContain("/kube-appstack-data");
    });

    it("makes every Kubernetes object valid against the Kubernetes OpenAPI schema", async () => {
        const r = await run("dev");
        for (const k of builtInResources(r)) validateAgainstOpenApi(obj(k));
    });
});

describe("staging and prod have no kind cluster", () => {
    it.each(["staging", "prod"])("%s", async (stack) => {
        const r = await run(stack);
        expect(r.registrations.filter((x) => /Kind|MetricsServer/.test(x.type))).toEqual([]);
    });
});

describe("local stack under mocks", () => {
    it("is the dev stack's apps, namespace and storage, on the local cluster's kubeconfig instead of a kind cluster", () => {
        const { "kube-appstack:cluster": localCluster, ...local } = stackConfigFile("local");
        const { "kube-appstack:cluster": _devCluster, ...dev } = stackConfigFile("dev");
        expect(local).toEqual(dev);
        expect(localCluster).toEqual({ kubeconfig: { context: "kwok-kube-appstack-local", path: ".local-cluster/kubeconfig" } });
        // Its salt is an empty passphrase's: a secret set on this stack would be readable by anyone with the file.
        expect(fs.readFileSync(path.join(REPO, "Pulumi.local.yaml"), "utf8")).not.toMatch(/secure:/);
    });

    it("declares the dev stack's objects through one provider on the local cluster's context, and no kind cluster", async () => {
        // One after the other: Pulumi's mocks are process-global.
        const local = await run("local");
        const dev = await run("dev");
        const objects = (r: ProgramRun) => kubeResources(r).filter((k) => !k.urn.includes("MetricsServer")).map((k) => [k.type, k.name, k.inputs]);
        expect(objects(local)).toEqual(objects(dev));
        expect(local.registrations.filter((x) => /Kind|MetricsServer/.test(x.type))).toEqual([]);
        const [provider] = local.ofType(T.provider);
        expect(provider.inputs).toMatchObject({ context: "kwok-kube-appstack-local", clusterIdentifier: "kwok-kube-appstack-local" });
    });
});

describe("how long `pulumi up` waits for an app's pods (readyTimeoutSeconds)", () => {
    const timeouts = (r: Registration) => r.customTimeouts;

    it("bounds the wait of every app object at 600s by default (workloads, and Services that wait for their endpoints), not the namespace's or storage's", async () => {
        const r = await run("staging");
        const bounded = { create: "600s", update: "600s", delete: "" };
        for (const [type, name] of [[T.deployment, "web"], [T.service, "web"], [T.statefulSet, "cache"], [T.service, "cache-headless"]]) {
            expect(timeouts(r.get(type, name)), `${type} ${name}`).toEqual(bounded);
        }
        expect(timeouts(r.get(T.namespace, "apps"))).toEqual({ create: "", update: "", delete: "" });
        expect(timeouts(r.get(T.pvc, "shared-data"))).toEqual({ create: "", update: "", delete: "" });
    });

    it("takes each app's readyTimeoutSeconds", async () => {
        const config = stackConfigFile("staging");
        const apps = (config["kube-appstack:apps"] as Array<Record<string, unknown>>).map((a) => ({ ...a, readyTimeoutSeconds: a.name === "web" ? 45 : 90 }));
        const r = await runProgram("staging", { ...config, "kube-appstack:apps": apps });
        expect(timeouts(r.get(T.deployment, "web"))).toMatchObject({ create: "45s", update: "45s" });
        expect(timeouts(r.get(T.service, "web"))).toMatchObject({ create: "45s", update: "45s" });
        expect(timeouts(r.get(T.statefulSet, "cache"))).toMatchObject({ create: "90s", update: "90s" });
    });
});
