/**
 * The peer: the same N app stacks written with cdk8s-plus, as a cdk8s user would, with cdk8s's L1 classes where
 * cdk8s-plus has no construct (PodDisruptionBudget, a hostPath PersistentVolume). Names, labels, container settings and
 * the pod security profile follow what our spec builders produce, so both sides synthesize comparable objects.
 */
import { App, Chart, Duration, Size } from "cdk8s";
import * as kplus from "cdk8s-plus-33";
import { BENCH_NAMESPACE } from "./bench-stack";

const resources: kplus.ContainerResources = {
    cpu: { request: kplus.Cpu.millis(250), limit: kplus.Cpu.millis(500) },
    memory: { request: Size.mebibytes(128), limit: Size.mebibytes(256) },
};

const securityContext: kplus.ContainerSecurityContextProps = {
    ensureNonRoot: true,
    readOnlyRootFilesystem: true,
    allowPrivilegeEscalation: false,
    privileged: false,
    capabilities: { drop: [kplus.Capability.ALL] },
    seccompProfile: { type: kplus.SeccompProfileType.RUNTIME_DEFAULT },
};

function labels(app: string, component: string): Record<string, string> {
    return {
        "app.kubernetes.io/name": app,
        "app.kubernetes.io/instance": app,
        "app.kubernetes.io/component": component,
        "app.kubernetes.io/part-of": "kube-appstack",
        "app.kubernetes.io/managed-by": "cdk8s",
    };
}

function appStack(chart: Chart, i: number): void {
    const web = `web-${i}`;
    const db = `db-${i}`;
    const data = `data-${i}`;
    const pvName = `${BENCH_NAMESPACE}-${data}`;

    new kplus.k8s.KubePersistentVolume(chart, `${data}-pv`, {
        metadata: { name: pvName, labels: { "app.kubernetes.io/name": data } },
        spec: {
            capacity: { storage: kplus.k8s.Quantity.fromString("1Gi") },
            accessModes: ["ReadWriteOnce"],
            persistentVolumeReclaimPolicy: "Retain",
            storageClassName: "manual",
            volumeMode: "Filesystem",
            claimRef: { namespace: BENCH_NAMESPACE, name: data },
            hostPath: { path: `/kube-appstack-data/${data}`, type: "DirectoryOrCreate" },
        },
    });
    const claim = new kplus.PersistentVolumeClaim(chart, data, {
        metadata: { name: data, labels: { "app.kubernetes.io/name": data } },
        storage: Size.gibibytes(1),
        accessModes: [kplus.PersistentVolumeAccessMode.READ_WRITE_ONCE],
        storageClassName: "manual",
        volume: kplus.PersistentVolume.fromPersistentVolumeName(chart, `${data}-ref`, pvName),
    });

    const deployment = new kplus.Deployment(chart, web, {
        metadata: { name: web, labels: labels(web, "web") },
        serviceAccount: new kplus.ServiceAccount(chart, `${web}-sa`, { metadata: { name: web, labels: labels(web, "web") }, automountToken: false }),
        podMetadata: { labels: labels(web, "web") },
        minReady: Duration.seconds(5),
        progressDeadline: Duration.seconds(600),
        revisionHistoryLimit: 5,
        strategy: kplus.DeploymentStrategy.rollingUpdate({
            maxSurge: kplus.PercentOrAbsolute.percent(25),
            maxUnavailable: kplus.PercentOrAbsolute.absolute(0),
        }),
        automountServiceAccountToken: false,
        securityContext: { ensureNonRoot: true },
        spread: true,
        containers: [{
            name: web,
            image: "nginxinc/nginx-unprivileged:1.27.3-alpine",
            ports: [{ name: "http", number: 8080 }],
            resources,
            readiness: kplus.Probe.fromHttpGet("/", { port: 8080 }),
            liveness: kplus.Probe.fromHttpGet("/", { port: 8080, initialDelaySeconds: Duration.seconds(10) }),
            securityContext,
        }],
    });
    const [webContainer] = deployment.containers;
    webContainer.mount("/usr/share/nginx/html/shared", kplus.Volume.fromPersistentVolumeClaim(chart, `${web}-shared`, claim, { name: "shared", readOnly: true }), { readOnly: true });
    webContainer.mount("/tmp", kplus.Volume.fromEmptyDir(chart, `${web}-tmp`, "tmp"));
    new kplus.HorizontalPodAutoscaler(chart, `${web}-hpa`, {
        metadata: { name: web, labels: labels(web, "web") },
        target: deployment,
        minReplicas: 2,
        maxReplicas: 5,
        metrics: [kplus.Metric.resourceCpu(kplus.MetricTarget.averageUtilization(70))],
    });
    deployment.exposeViaService({ name: web, ports: [{ name: "http", port: 80, targetPort: 8080 }] });
    new kplus.k8s.KubePodDisruptionBudget(chart, `${web}-pdb`, {
        metadata: { name: web, labels: labels(web, "web") },
        spec: {
            maxUnavailable: kplus.k8s.IntOrString.fromNumber(1),
            selector: { matchLabels: { "app.kubernetes.io/name": web, "app.kubernetes.io/instance": web } },
        },
    });

    const headless = new kplus.Service(chart, `${db}-headless`, {
        metadata: { name: `${db}-headless`, labels: labels(db, "database") },
        clusterIP: "None",
        ports: [{ name: "http", port: 6379, targetPort: 6379 }],
    });
    const statefulSet = new kplus.StatefulSet(chart, db, {
        metadata: { name: db, labels: labels(db, "database") },
        serviceAccount: new kplus.ServiceAccount(chart, `${db}-sa`, { metadata: { name: db, labels: labels(db, "database") }, automountToken: false }),
        podMetadata: { labels: labels(db, "database") },
        service: headless,
        replicas: 1,
        minReady: Duration.seconds(5),
        automountServiceAccountToken: false,
        securityContext: { ensureNonRoot: true, user: 999, group: 999, fsGroup: 999 },
        containers: [{
            name: db,
            image: "redis:7.4.1-alpine",
            ports: [{ name: "http", number: 6379 }],
            resources,
            readiness: kplus.Probe.fromCommand(["redis-cli", "ping"]),
            liveness: kplus.Probe.fromTcpSocket({ port: 6379, initialDelaySeconds: Duration.seconds(10) }),
            securityContext: { ...securityContext, user: 999, group: 999 },
        }],
        volumeClaimTemplates: [{
            name: "data",
            storage: Size.mebibytes(500),
            accessModes: [kplus.PersistentVolumeAccessMode.READ_WRITE_ONCE],
        }],
    });
    const [dbContainer] = statefulSet.containers;
    const dataClaim = kplus.PersistentVolumeClaim.fromClaimName(chart, `${db}-data`, "data");
    dbContainer.mount("/data", kplus.Volume.fromPersistentVolumeClaim(chart, `${db}-data-volume`, dataClaim, { name: "data" }));
    dbContainer.mount("/tmp", kplus.Volume.fromEmptyDir(chart, `${db}-tmp`, "tmp"));
}

/** Builds the cdk8s app for `n` app stacks and synthesizes it to one multi-document YAML string. */
export function cdk8sPlusYaml(n: number): string {
    const app = new App();
    // Without hashes cdk8s keeps the metadata names given above, like ours.
    const chart = new Chart(app, "bench", { namespace: BENCH_NAMESPACE, disableResourceNameHashes: true });
    for (let i = 0; i < n; i++) appStack(chart, i);
    return app.synthYaml();
}
