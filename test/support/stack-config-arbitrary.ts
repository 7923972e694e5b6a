import fc from "fast-check";
import { DEFAULT_SCRAPE_INTERVAL } from "../../components/specs/monitoring";
import { durationMs } from "../../components/specs/prometheus-duration";
import { stackConfigSchema } from "../../config/stack-config";
import { arbitraryOf } from "./schema-arbitrary";

/** Keys whose valid values depend on objects in the cluster or other entries: drawn as absent (see the note below). */
const ABSENT = fc.constant(undefined);
/** Stack configs drawn from the schema's shape, deploying into `namespace` of an existing cluster. */
export function drawnStackConfigs(namespace: string): fc.Arbitrary<Config> {
    return arbitraryOf(stackConfigSchema, {
    "cluster": fc.constant({ kubeconfig: { context: "conformance" } }),
    "namespace.name": fc.constant(namespace),
    // A PriorityClass must exist in the cluster (admission checks it); claims must name a storage entry; secretConfig
    // must name a config key: none of these is a question of the schema's grammar.
    "apps[].scheduling.priorityClassName": ABSENT,
    "apps[].volumes[].claimName": ABSENT,
    "apps[].secretConfig": ABSENT,
    "apps[].secretFiles": ABSENT,
    "apps[].registryCredentials": ABSENT,
    // Schedules and zones have grammars of their own (test/config/backup-config.test.ts); these span their forms.
    "apps[].backup.schedule": fc.constantFrom("30 2 * * *", "*/15 * * * *", "0 9-17/2 * * mon-fri", "0 0 1,15 JAN-jun ?", "5/10 * * * 0", "@daily", "@hourly"),
    "apps[].backup.timeZone": fc.constantFrom("UTC", "Etc/UTC", "Europe/Berlin", "America/Argentina/Buenos_Aires", "Asia/Kolkata"),
}).map((drawn) => repaired(drawn as Config));
}

export type Config = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Label selector requirements anywhere in `node` get the number of values their operator takes. */
function fitRequirementValues(node: unknown): void {
    if (typeof node !== "object" || node === null) return;
    const requirement = node as Config;
    if (typeof requirement.operator === "string" && "key" in requirement) {
        if (["Exists", "DoesNotExist"].includes(requirement.operator)) delete requirement.values;
        else if (["Gt", "Lt"].includes(requirement.operator)) requirement.values = ["1"];
        else if (!requirement.values?.length) requirement.values = ["a"];
    }
    Object.values(node).forEach(fitRequirementValues);
}

/** Only the fields a probe's type reads. */
function fitProbeFields(probe: Config): void {
    const type = probe.type ?? "tcp";
    if (type !== "http") delete probe.path;
    if (type !== "exec") delete probe.command;
    if (type !== "grpc") delete probe.service;
    if (type === "exec") delete probe.port;
}

const PROBES = ["readinessProbe", "livenessProbe", "startupProbe"] as const;

/**
 * Ports, init containers and sidecars with the pod-wide rules met: names and port numbers unique in the pod and its
 * Services, probes on a TCP port the container declares, mounts of volumes the app has, at paths of their own.
 */
function fitPodShape(app: Config): void {
    (app.ports ?? []).forEach((p: Config, k: number) => Object.assign(p, { name: `p${k}`, port: 10000 + k }, p.containerPort === undefined ? {} : { containerPort: 20000 + k }));
    if (app.port === undefined && app.ports) {
        // Without `port` the first of `ports` is what the default probes check, over TCP; the Service args have no port.
        app.ports[0].protocol = "TCP";
        for (const service of [app.service, app.clientService]) if (service) delete service.port;
    }
    const appTcp = [...(app.port !== undefined || !app.ports ? ["http"] : []), ...(app.ports ?? []).filter((p: Config) => (p.protocol ?? "TCP") === "TCP").map((p: Config) => p.name)];
    for (const field of PROBES) if (typeof app[field]?.port === "string") app[field].port = appTcp[0];
    const volumes = [...(app.volumes ?? []).map((v: Config) => v.name), ...(app.type === "stateful" ? ["data"] : [])];
    const containers = [...(app.sidecars ?? []).map((c: Config, k: number) => ({ c, name: `s${k}` })), ...(app.initContainers ?? []).map((c: Config, k: number) => ({ c, name: `i${k}` }))];
    for (const { c, name } of containers) {
        c.name = name;
        if (c.resources) c.resources.limits = { ...c.resources.requests };
        if (c.secretEnv) c.secretEnv = Object.fromEntries(Object.entries(c.secretEnv).map(([k, v]) => [`SECRET_${k}`, v]));
        if (!app.configFiles) delete c.configFiles;
        c.volumeMounts = volumes.length === 0 ? undefined : c.volumeMounts?.map((m: Config, k: number) => ({ ...m, volume: volumes[k % volumes.length], mountPath: `/m${k}` }));
        if (c.volumeMounts === undefined) delete c.volumeMounts;
        (c.ports ?? []).forEach((p: Config, k: number) => Object.assign(p, { name: `${name}p${k}`, port: 30000 + 10 * Number(name.slice(1)) + k }, p.containerPort === undefined ? {} : { containerPort: 40000 + 10 * Number(name.slice(1)) + k }));
        if (c.ports) c.ports[0].protocol = "TCP";
        for (const field of PROBES) {
            const probe = c[field];
            if (!probe) continue;
            if (c.ports) probe.port = c.ports[0].name;
            else if ((probe.type ?? "tcp") !== "exec") probe.type = "exec";
            if (probe.type === "exec" && !probe.command) probe.command = ["true"];
            fitProbeFields(probe);
        }
    }
}

const OPERATOR_ONLY = ["interval", "scrapeTimeout", "labels", "alerts", "dashboard"];

/** Monitoring settings that apply: the operator's only with it, alerts only where the app has what they watch. */
function fitMonitoring(app: Config): void {
    const monitoring = app.monitoring;
    if (!monitoring.prometheusOperator) for (const key of OPERATOR_ONLY) delete monitoring[key];
    if (monitoring.scrapeTimeout !== undefined && durationMs(monitoring.scrapeTimeout) > durationMs(monitoring.interval ?? DEFAULT_SCRAPE_INTERVAL)) monitoring.scrapeTimeout = monitoring.interval ?? DEFAULT_SCRAPE_INTERVAL;
    if (!app.autoscaling) delete monitoring.alerts?.autoscalerAtMax;
    // Drawn stateless apps mount no claim (claimName is drawn absent).
    if (app.type === "stateless") delete monitoring.alerts?.volumeNearlyFull;
    // The ServiceMonitor (or, past a NetworkPolicy, the annotations) scrapes a TCP port the pod declares: the last (a
    // sidecar's, when there is one).
    const declared = [
        ...(app.port !== undefined || !app.ports ? [{ port: app.port ?? 8080, protocol: "TCP" }] : []),
        ...[...(app.ports ?? []), ...(app.sidecars ?? []).flatMap((c: Config) => c.ports ?? [])].map((p: Config) => ({ port: p.containerPort ?? p.port, protocol: p.protocol ?? "TCP" })),
    ];
    const tcp = declared.filter((p) => p.protocol === "TCP").map((p) => p.port);
    if (tcp.length === 0) delete app.monitoring;
    else if (monitoring.port === undefined ? declared[0].protocol !== "TCP" : !tcp.includes(monitoring.port) && (monitoring.prometheusOperator || app.networkPolicy || declared.some((p) => p.port === monitoring.port))) {
        monitoring.port = tcp[tcp.length - 1];
    }
}

/**
 * The drawn config with its cross-field rules met (limits at the requests, unique names, one storage source...), so
 * most draws reach the API server: each of those rules has unit tests of its own (test/config/kubernetes-rules.test.ts).
 */
function repaired(config: Config): Config {
    config.apps.forEach((app: Config, i: number) => {
        app.name = `app${i}`;
        app.resources.limits = { ...app.resources.requests };
        if (app.autoscaling) delete app.replicas;
        if (app.autoscaling?.minReplicas > app.autoscaling?.maxReplicas) app.autoscaling.minReplicas = app.autoscaling.maxReplicas;
        if (app.rollout?.progressDeadlineSeconds !== undefined) app.rollout.progressDeadlineSeconds += app.rollout.minReadySeconds ?? 5;
        if (app.storage?.accessModes?.includes("ReadWriteOncePod")) app.storage.accessModes = ["ReadWriteOncePod"];
        for (const probe of [app.readinessProbe, app.livenessProbe, app.startupProbe]) if (probe?.type === "exec" && !probe.command) probe.command = ["true"];
        (app.volumes ?? []).forEach((v: Config, j: number) => Object.assign(v, { name: `v${j}`, mountPath: `/v${j}` }));
        if (app.secretEnv) app.secretEnv = Object.fromEntries(Object.entries(app.secretEnv).map(([k, v]) => [`SECRET_${k}`, v]));
        if (app.rollout && [0, "0%"].includes(app.rollout.maxSurge ?? "25%") && [0, "0%"].includes(app.rollout.maxUnavailable ?? 0)) app.rollout.maxSurge = 1;
        for (const service of [app.service, app.clientService]) if (service) delete service.nodePort;
        if (app.disruption?.minAvailable !== undefined) delete app.disruption.maxUnavailable;
        for (const t of app.scheduling?.tolerations ?? []) {
            if (!t.key) t.operator = "Exists";
            if (t.operator === "Exists") delete t.value;
            if (t.tolerationSeconds !== undefined) t.effect = "NoExecute";
        }
        if (app.scheduling?.affinity) fitRequirementValues(app.scheduling.affinity);
        // Files come inline (a drawn path names no file of the project), each at a path of its own.
        if (app.configFiles) app.configFiles = Object.fromEntries(Object.keys(app.configFiles).map((_, k) => [`/etc/cf${k}`, { content: "x" }]));
        for (const probe of [app.readinessProbe, app.livenessProbe, app.startupProbe]) if (probe) fitProbeFields(probe);
        fitPodShape(app);
        if (app.type === "stateless" && app.terminationGracePeriodSeconds !== undefined && app.terminationGracePeriodSeconds <= (app.preStopSeconds ?? 5)) app.preStopSeconds = 0;
        for (const metric of app.autoscaling?.metrics ?? []) {
            if (metric.type === "Pods") continue;
            if (metric.value !== undefined && metric.averageValue !== undefined) delete metric.averageValue;
            else if (metric.value === undefined && metric.averageValue === undefined) metric.value = "1";
        }
        if (app.ingress && app.route) delete app[i % 2 === 0 ? "ingress" : "route"];
        if (app.ingress?.tls && !app.ingress.hosts) app.ingress.hosts = ["www.example.com"];
        // Two apps claiming one host and path are refused (routing-conflicts.ts): each later app its own class or listener.
        if (i > 0 && app.ingress) app.ingress.className = `app${i}`;
        if (i > 0 && app.route) app.route.gateway.sectionName = `app${i}`;
        if (app.route?.weights) {
            // Weights name stateless apps of the stack (this one is), at least one of them with a share.
            const tcpFirst = (a: Config) => a.port !== undefined || !a.ports || (a.ports[0].protocol ?? "TCP") === "TCP";
            const stateless = config.apps.flatMap((a: Config, k: number) => (a.type === "stateless" && (k === i || tcpFirst(a)) ? [`app${k}`] : []));
            app.route.weights = Object.fromEntries(Object.values(app.route.weights as Record<string, number>).map((w, k) => [stateless[k % stateless.length], w]));
            if (Object.values(app.route.weights).every((w) => w === 0)) app.route.weights[`app${i}`] = 1;
        }
        for (const peer of [...(app.networkPolicy?.ingressFrom ?? []), ...(app.networkPolicy?.egressTo ?? [])]) {
            if ("app" in peer) peer.app = "app0";
            if ("cidr" in peer) Object.assign(peer, peer.cidr.includes(":") ? { cidr: "fd00::/8", except: peer.except && ["fd00:1::/32"] } : { cidr: "10.0.0.0/8", except: peer.except && ["10.1.0.0/16"] });
        }
        if (app.monitoring) fitMonitoring(app);
    });
    (config.storage ?? []).forEach((s: Config, i: number) => {
        s.name = `s${i}`;
        if (s.accessModes?.includes("ReadWriteOncePod")) s.accessModes = ["ReadWriteOncePod"];
        if (s.hostPath !== undefined) delete s.local;
        else if (s.local === undefined) s.hostPath = `/data/s${i}`;
    });
    if (config.namespace.limitRange) config.namespace.limitRange.default = { ...config.namespace.limitRange.defaultRequest };
    return config;
}

