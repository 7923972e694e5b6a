import { z } from "zod";
import { absolutePath, code, port } from "../../kube/schemas";
import { MonitoredApp } from "./app-series";
import { dashboardSchema, grafanaDashboardObject } from "./grafana-dashboard";
import { KubeObject } from "./kube-object";
import { alertsSchema, prometheusRuleObject } from "./prometheus-rule";
import { durationMs, MAX_DURATION_MS, promDuration } from "./prometheus-duration";
import { extraLabelMap, SCRAPED_SERVICE_LABEL } from "./labels";
import { serviceMonitorObject } from "./service-monitor";

// An app's monitoring. Whether the cluster runs the Prometheus Operator is a setting, not a query of the cluster: the
// objects a program declares must follow from its config alone, so a preview and `render` show exactly what `up` applies.

export const DEFAULT_PROMETHEUS_OPERATOR = false;
export const DEFAULT_METRICS_PATH = "/metrics";
export const DEFAULT_SCRAPE_INTERVAL = "30s";

export const monitoringSchema = z.strictObject({
    prometheusOperator: z.boolean().optional().meta({
        description: "Whether the cluster runs the Prometheus Operator (its ServiceMonitor and PrometheusRule CRDs installed, e.g. by kube-prometheus-stack): then the app gets a ServiceMonitor, a PrometheusRule and a Grafana dashboard; else scrape annotations (`prometheus.io/scrape`, `/path`, `/port`) on its pods. Set, never detected, so that previews and `render` show exactly what is applied.",
        default: code(DEFAULT_PROMETHEUS_OPERATOR),
    }),
    path: absolutePath.optional().meta({ description: "Path of the metrics endpoint.", default: code(DEFAULT_METRICS_PATH) }),
    port: port.optional().meta({
        description: "Port of the metrics endpoint: the app's first port, or one of its or its sidecars' `ports` (by container port). With the operator, the ServiceMonitor names that port of the Service.",
        default: "the container's first port (`port`)",
    }),
    interval: promDuration({ positive: true }).optional().meta({ description: "How often Prometheus scrapes the app (operator only).", default: code(DEFAULT_SCRAPE_INTERVAL) }),
    scrapeTimeout: promDuration({ positive: true }).optional().meta({ description: "How long a scrape may take, at most `interval` (operator only).", default: "Prometheus' global scrape timeout" }),
    labels: extraLabelMap.optional().meta({
        description: "Labels on the ServiceMonitor and PrometheusRule, for the Prometheus' `serviceMonitorSelector` and `ruleSelector` (kube-prometheus-stack selects `release: <its release name>` by default; operator only).",
        default: "the app's labels only",
    }),
    alerts: alertsSchema.optional().meta({ description: "The PrometheusRule's alerts, each on by default (operator only).", default: "all that apply to the app, with their defaults" }),
    dashboard: dashboardSchema.optional().meta({ description: "The Grafana dashboard ConfigMap (operator only).", default: "on, for Grafana's dashboard sidecar" }),
}).meta({ title: "Monitoring" });

export type MonitoringArgs = z.infer<typeof monitoringSchema>;

const OPERATOR_ONLY = ["interval", "scrapeTimeout", "labels", "alerts", "dashboard"] as const;

/**
 * What an app's monitoring cannot mean: settings of the operator's objects without the operator, a scrape timeout
 * longer than its interval (Prometheus refuses the config), a metrics port the app's Services do not map (the
 * ServiceMonitor names a Service port), alerts configured that cannot apply to the app.
 */
export function monitoringProblems(
    app: { monitoring?: MonitoringArgs; autoscaling?: unknown; networkPolicy?: unknown; hasClaims: boolean; ports: readonly ScrapedPort[] },
    ctx: z.RefinementCtx,
): void {
    const monitoring = app.monitoring;
    if (!monitoring) return;
    const issue = (path: PropertyKey[], message: string) => ctx.addIssue({ code: "custom", path: ["monitoring", ...path], message });
    const protocol = scrapedProtocolProblem(monitoring, app.ports);
    if (protocol !== undefined) issue(["port"], protocol);
    if (!usesOperator(monitoring)) {
        for (const key of OPERATOR_ONLY) {
            if (monitoring[key] !== undefined) issue([key], "is only used with the Prometheus Operator; allowed: remove it, or set monitoring.prometheusOperator: true (the cluster must have its CRDs)");
        }
        // Scrape annotations may name any port of the pod, but the app's NetworkPolicy opens only the declared ones.
        if (app.networkPolicy !== undefined && monitoring.port !== undefined && !app.ports.some((p) => p.containerPort === monitoring.port)) {
            issue(["port"], `${monitoring.port} is no port of the app or its sidecars, and its networkPolicy lets traffic in to those only, so no scrape would arrive; allowed: one of ${app.ports.map(showPort).join(", ")}, or declare it in \`ports\``);
        }
        return;
    }
    const interval = monitoring.interval ?? DEFAULT_SCRAPE_INTERVAL;
    // A duration out of Prometheus' range is reported on its own key already.
    if (monitoring.scrapeTimeout !== undefined && durationMs(monitoring.scrapeTimeout) > durationMs(interval) && durationMs(monitoring.scrapeTimeout) <= MAX_DURATION_MS) {
        issue(["scrapeTimeout"], `${JSON.stringify(monitoring.scrapeTimeout)} is longer than the interval ${JSON.stringify(interval)}; allowed: at most the interval (Prometheus refuses a longer one)`);
    }
    if (protocol === undefined && scrapedPortName(monitoring, app.ports) === undefined) {
        issue(["port"], `${String(monitoring.port)} is no port of the app or its sidecars, so no Service port leads to it; allowed: one of ${app.ports.map(showPort).join(", ")}, or declare it in \`ports\``);
    }
    if (monitoring.alerts?.autoscalerAtMax !== undefined && app.autoscaling === undefined) {
        issue(["alerts", "autoscalerAtMax"], "applies only to an app with autoscaling; allowed: remove it, or add autoscaling");
    }
    if (monitoring.alerts?.volumeNearlyFull !== undefined && !app.hasClaims) {
        issue(["alerts", "volumeNearlyFull"], "applies only to an app that mounts a PersistentVolumeClaim; allowed: remove it, or mount a claim (volumes[].claimName)");
    }
}

/** A port of the pod as the Services map it: by name, to a container port. */
export interface ScrapedPort {
    name: string;
    containerPort: number;
    protocol: string;
}

const showPort = (p: ScrapedPort) => `${p.containerPort} (${JSON.stringify(p.name)})`;

/**
 * Why the scraped port is no TCP port, or undefined: Prometheus scrapes over HTTP, so a UDP or SCTP port (the
 * API server takes either on a Service) would only make every scrape fail. A number served over TCP too is scraped there.
 */
function scrapedProtocolProblem(monitoring: MonitoringArgs, ports: readonly ScrapedPort[]): string | undefined {
    const target = monitoring.port === undefined
        ? ports[0]
        : ports.find((p) => p.containerPort === monitoring.port && p.protocol === "TCP") ?? ports.find((p) => p.containerPort === monitoring.port);
    if (target === undefined || target.protocol === "TCP") return undefined;
    const tcp = ports.filter((p) => p.protocol === "TCP");
    const given = monitoring.port === undefined ? `not set, so the app's first port ${showPort(target)} is scraped, which is ${target.protocol}` : `${showPort(target)} is ${target.protocol}`;
    return `${given}; allowed: the container port of a TCP port (Prometheus scrapes over HTTP): ${tcp.length > 0 ? tcp.map(showPort).join(", ") : "none is declared, add one to `ports`"}`;
}

/** The name of the Service port the ServiceMonitor scrapes: the app's first port's, or the TCP one of `monitoring.port`. */
export function scrapedPortName(monitoring: MonitoringArgs, ports: readonly ScrapedPort[]): string | undefined {
    return monitoring.port === undefined ? ports[0]?.name : ports.find((p) => p.containerPort === monitoring.port && p.protocol === "TCP")?.name;
}

export interface MonitoringObjects {
    serviceMonitor?: KubeObject;
    prometheusRule?: KubeObject;
    dashboard?: KubeObject;
}

/** Whether the app is monitored through the operator's objects (else by scrape annotations, or not at all). */
export function usesOperator(monitoring: MonitoringArgs | undefined): boolean {
    return monitoring?.prometheusOperator ?? DEFAULT_PROMETHEUS_OPERATOR;
}

/** The scrape annotations on the pods, when the app is monitored without the operator. */
export function scrapeAnnotations(monitoring: MonitoringArgs | undefined, appPort: number): Record<string, string> | undefined {
    if (monitoring === undefined || usesOperator(monitoring)) return undefined;
    return {
        "prometheus.io/scrape": "true",
        "prometheus.io/path": monitoring.path ?? DEFAULT_METRICS_PATH,
        "prometheus.io/port": String(monitoring.port ?? appPort),
    };
}

/** The operator's objects of an app: ServiceMonitor, PrometheusRule (unless every alert is off), dashboard ConfigMap. */
export function monitoringObjects(app: MonitoredApp, monitoring: MonitoringArgs | undefined): MonitoringObjects {
    if (monitoring === undefined || !usesOperator(monitoring)) return {};
    const labels = { ...app.labels, ...monitoring.labels };
    const port = scrapedPortName(monitoring, app.ports);
    if (port === undefined) throw new Error(`internal error: monitoring.port ${String(monitoring.port)} of ${app.name} is no port of the app (the args schema checks it)`);
    return {
        serviceMonitor: serviceMonitorObject(app, labels, {
            port,
            path: monitoring.path ?? DEFAULT_METRICS_PATH,
            interval: monitoring.interval ?? DEFAULT_SCRAPE_INTERVAL,
            scrapeTimeout: monitoring.scrapeTimeout,
        }),
        prometheusRule: prometheusRuleObject(app, labels, monitoring.alerts ?? {}),
        dashboard: grafanaDashboardObject(app, monitoring.dashboard ?? {}),
    };
}

/** The label the app's scraped Service carries under the operator, which its ServiceMonitor selects on. */
export function scrapedServiceLabelsFor(monitoring: MonitoringArgs | undefined): Record<string, string> | undefined {
    return usesOperator(monitoring) ? { [SCRAPED_SERVICE_LABEL]: "true" } : undefined;
}
