import { createHash } from "node:crypto";
import { z } from "zod";
import { code, show } from "../../kube/schemas";
import { matchers, MonitoredApp, podMatchers } from "./app-series";
import { KubeObject } from "./kube-object";
import { extraLabelMap } from "./labels";

// The app's Grafana dashboard, as a ConfigMap that Grafana's dashboard sidecar (kube-prometheus-stack's Grafana runs
// it) loads because of its label.

export const DEFAULT_DASHBOARD_LABELS: Readonly<Record<string, string>> = { grafana_dashboard: "1" };
export const DEFAULT_REQUESTS_METRIC = "http_requests_total";

const metricName = z.string().regex(/^[a-zA-Z_:][a-zA-Z0-9_:]*$/, {
    error: (iss) => `${show(iss.input)} is not a Prometheus metric name; allowed: letters, digits, _ and :, not starting with a digit (e.g. "http_requests_total")`,
});

export const dashboardSchema = z.strictObject({
    enabled: z.boolean().optional().meta({ description: "Whether the dashboard ConfigMap exists.", default: code(true) }),
    labels: extraLabelMap.refine((labels) => Object.keys(labels).length > 0, {
        error: () => 'is empty, so no dashboard sidecar would find the ConfigMap; allowed: at least one label, the one the sidecar looks for (e.g. grafana_dashboard: "1"), or dashboard.enabled: false',
    }).optional().meta({
        description: "Labels Grafana's dashboard sidecar finds the ConfigMap by (its `sidecar.dashboards.label` and `labelValue`).",
        default: code(DEFAULT_DASHBOARD_LABELS),
    }),
    requestsMetric: metricName.optional().meta({ description: "The app's request counter, which the requests panel shows per second.", default: code(DEFAULT_REQUESTS_METRIC) }),
}).meta({ title: "Dashboard" });

export type DashboardArgs = z.infer<typeof dashboardSchema>;

export function dashboardName(app: string): string {
    return `${app}-dashboard`;
}

/** Grafana variables as it interpolates them before a query reaches Prometheus. */
const RATE = "$__rate_interval";
const PANEL = { width: 12, height: 8 };

interface Panel {
    title: string;
    unit: string;
    targets: Array<{ expr: string; legendFormat: string }>;
}

/** The dashboard's panels: requests, CPU, memory, restarts, replicas. */
export function dashboardPanels(app: MonitoredApp, requestsMetric: string): Panel[] {
    const container = podMatchers(app, ["container", "=", app.name]);
    const workload = app.workload === "Deployment"
        ? { expr: `kube_deployment_spec_replicas${matchers([["namespace", "=", app.namespace], ["deployment", "=", app.name]])}`, legendFormat: "desired" }
        : { expr: `kube_statefulset_replicas${matchers([["namespace", "=", app.namespace], ["statefulset", "=", app.name]])}`, legendFormat: "desired" };
    const hpa = matchers([["namespace", "=", app.namespace], ["horizontalpodautoscaler", "=", app.name]]);
    return [
        { title: "Requests", unit: "reqps", targets: [{ expr: `sum(rate(${requestsMetric}${podMatchers(app)}[${RATE}]))`, legendFormat: "requests/s" }] },
        { title: "CPU", unit: "cores", targets: [{ expr: `sum by (pod) (rate(container_cpu_usage_seconds_total${container}[${RATE}]))`, legendFormat: "{{pod}}" }] },
        { title: "Memory", unit: "bytes", targets: [{ expr: `sum by (pod) (container_memory_working_set_bytes${container})`, legendFormat: "{{pod}}" }] },
        { title: "Restarts", unit: "short", targets: [{ expr: `sum by (pod) (increase(kube_pod_container_status_restarts_total${container}[${RATE}]))`, legendFormat: "{{pod}}" }] },
        {
            title: "Replicas",
            unit: "short",
            targets: [
                { expr: `sum(kube_pod_status_ready${podMatchers(app, ["condition", "=", "true"])})`, legendFormat: "ready" },
                // An autoscaled app's desired count is the autoscaler's; its bound shows how much room is left.
                ...(app.autoscaled
                    ? [
                        { expr: `kube_horizontalpodautoscaler_status_desired_replicas${hpa}`, legendFormat: "desired" },
                        { expr: `kube_horizontalpodautoscaler_spec_max_replicas${hpa}`, legendFormat: "maximum" },
                    ]
                    : [workload]),
            ],
        },
    ];
}

/** The dashboard JSON model (Grafana's schema version 39), its queries on a Prometheus data source chosen in the dashboard. */
export function grafanaDashboard(app: MonitoredApp, requestsMetric: string = DEFAULT_REQUESTS_METRIC): Record<string, unknown> {
    const datasource = { type: "prometheus", uid: "${datasource}" };
    return {
        // A stable uid keeps links to the dashboard valid across reloads; Grafana allows at most 40 characters.
        uid: `kube-appstack-${createHash("sha256").update(`${app.namespace}/${app.name}`).digest("hex").slice(0, 20)}`,
        title: `${app.namespace} / ${app.name}`,
        tags: ["kube-appstack"],
        schemaVersion: 39,
        editable: false,
        time: { from: "now-6h", to: "now" },
        refresh: "1m",
        templating: { list: [{ name: "datasource", type: "datasource", query: "prometheus", label: "Data source" }] },
        panels: dashboardPanels(app, requestsMetric).map((panel, i) => ({
            id: i + 1,
            type: "timeseries",
            title: panel.title,
            datasource,
            gridPos: { x: (i % 2) * PANEL.width, y: Math.floor(i / 2) * PANEL.height, w: PANEL.width, h: PANEL.height },
            fieldConfig: { defaults: { unit: panel.unit }, overrides: [] },
            targets: panel.targets.map((t, j) => ({ refId: String.fromCharCode(65 + j), datasource, expr: t.expr, legendFormat: t.legendFormat })),
        })),
    };
}

/** The ConfigMap `<app>-dashboard` holding the dashboard, or undefined when it is switched off. */
export function grafanaDashboardObject(app: MonitoredApp, args: DashboardArgs): KubeObject | undefined {
    if (args.enabled === false) return undefined;
    return {
        apiVersion: "v1",
        kind: "ConfigMap",
        metadata: { name: dashboardName(app.name), namespace: app.namespace, labels: { ...app.labels, ...(args.labels ?? DEFAULT_DASHBOARD_LABELS) } },
        data: { [`${app.name}.json`]: JSON.stringify(grafanaDashboard(app, args.requestsMetric), null, 2) },
    };
}
