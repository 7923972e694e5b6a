import { z } from "zod";
import { code, intIn } from "../../kube/schemas";
import { claimNamePattern, matchers, MonitoredApp, podMatchers } from "./app-series";
import { KubeObject } from "./kube-object";
import { promDuration } from "./prometheus-duration";

// The app's default alerts, as PromQL over what kube-state-metrics and the kubelet export, scoped to the app's
// namespace and pods (or claims, or autoscaler).

export const DEFAULT_ALERTS = {
    podNotReady: { for: "15m", severity: "warning" },
    autoscalerAtMax: { for: "15m", severity: "warning" },
    restartLoop: { restarts: 3, window: "15m", for: "5m", severity: "warning" },
    volumeNearlyFull: { availablePercent: 10, for: "5m", severity: "warning" },
} as const;

/** Severities as kube-prometheus' alerts carry them, which Alertmanager configs commonly route on. */
const severity = z.enum(["critical", "warning", "info"]);

const common = (name: keyof typeof DEFAULT_ALERTS) => ({
    enabled: z.boolean().optional().meta({ description: "Whether the alert exists.", default: code(true) }),
    for: promDuration({ positive: false }).optional().meta({ description: "How long the condition must hold before the alert fires.", default: code(DEFAULT_ALERTS[name].for) }),
    severity: severity.optional().meta({ description: "The alert's `severity` label.", default: code(DEFAULT_ALERTS[name].severity) }),
});

export const alertsSchema = z.strictObject({
    podNotReady: z.strictObject(common("podNotReady")).optional().meta({
        description: "A pod of the app is not ready (`kube_pod_status_ready`).",
        default: "on",
    }),
    autoscalerAtMax: z.strictObject(common("autoscalerAtMax")).optional().meta({
        description: "The autoscaler runs the app at its maximum (`kube_horizontalpodautoscaler_status_current_replicas` >= `..._spec_max_replicas`); only with `autoscaling`.",
        default: "on with autoscaling",
    }),
    restartLoop: z.strictObject({
        ...common("restartLoop"),
        restarts: intIn(1, 1000).optional().meta({ description: "Restarts of one container within `window` that count as a loop.", default: code(DEFAULT_ALERTS.restartLoop.restarts) }),
        window: promDuration({ positive: true }).optional().meta({ description: "The window restarts are counted in.", default: code(DEFAULT_ALERTS.restartLoop.window) }),
    }).optional().meta({
        description: "A container restarts again and again (`kube_pod_container_status_restarts_total`).",
        default: "on",
    }),
    volumeNearlyFull: z.strictObject({
        ...common("volumeNearlyFull"),
        availablePercent: intIn(1, 99).optional().meta({ description: "Fires below this share of the volume free.", default: code(DEFAULT_ALERTS.volumeNearlyFull.availablePercent) }),
    }).optional().meta({
        description: "A PersistentVolumeClaim the app mounts is nearly full (`kubelet_volume_stats_available_bytes` / `..._capacity_bytes`); only for apps with claims.",
        default: "on with claims",
    }),
}).meta({ title: "Alerts" });

export type AlertsArgs = z.infer<typeof alertsSchema>;

interface Alert {
    alert: string;
    expr: string;
    for: string;
    labels: Record<string, string>;
    annotations: Record<string, string>;
}

/** Alert names, fixed so that Alertmanager routes and silences can name them; the `app` label tells apps apart. */
export const ALERT_NAMES = {
    podNotReady: "AppPodNotReady",
    autoscalerAtMax: "AppAutoscalerAtMaximum",
    restartLoop: "AppContainerRestartLoop",
    volumeNearlyFull: "AppVolumeNearlyFull",
} as const;

/** The alert expressions of an app: each a pure function of the app and the alert's settings. */
export function alertRules(app: MonitoredApp, alerts: AlertsArgs): Alert[] {
    const rules: Alert[] = [];
    const add = (
        key: keyof typeof DEFAULT_ALERTS,
        settings: { enabled?: boolean; for?: string; severity?: string } | undefined,
        expr: string,
        summary: string,
        description: string,
    ) => {
        if (settings?.enabled === false) return;
        rules.push({
            alert: ALERT_NAMES[key],
            expr,
            for: settings?.for ?? DEFAULT_ALERTS[key].for,
            labels: { severity: settings?.severity ?? DEFAULT_ALERTS[key].severity, app: app.name },
            annotations: { summary, description },
        });
    };
    add("podNotReady", alerts.podNotReady,
        `max by (namespace, pod) (kube_pod_status_ready${podMatchers(app, ["condition", "=", "true"])}) == 0`,
        `A pod of ${app.name} is not ready`,
        "Pod {{ $labels.namespace }}/{{ $labels.pod }} has not been ready for " + (alerts.podNotReady?.for ?? DEFAULT_ALERTS.podNotReady.for) + ".");
    if (app.autoscaled) {
        const hpa = matchers([["namespace", "=", app.namespace], ["horizontalpodautoscaler", "=", app.name]]);
        add("autoscalerAtMax", alerts.autoscalerAtMax,
            `max by (namespace, horizontalpodautoscaler) (kube_horizontalpodautoscaler_status_current_replicas${hpa})`
            + ` >= max by (namespace, horizontalpodautoscaler) (kube_horizontalpodautoscaler_spec_max_replicas${hpa})`,
            `${app.name} runs at its autoscaler's maximum`,
            "The autoscaler {{ $labels.namespace }}/{{ $labels.horizontalpodautoscaler }} has run the app at its maximum of {{ $value }} replicas for "
                + (alerts.autoscalerAtMax?.for ?? DEFAULT_ALERTS.autoscalerAtMax.for) + ": raise maxReplicas or find what drives the load.");
    }
    const loop = { ...DEFAULT_ALERTS.restartLoop, ...alerts.restartLoop };
    add("restartLoop", alerts.restartLoop,
        `max by (namespace, pod, container) (increase(kube_pod_container_status_restarts_total${podMatchers(app, ["container", "=", app.name])}[${loop.window}])) >= ${loop.restarts}`,
        `A container of ${app.name} restarts in a loop`,
        `Container {{ $labels.container }} of pod {{ $labels.namespace }}/{{ $labels.pod }} restarted {{ $value | humanize }} times in ${loop.window}.`);
    const claims = claimNamePattern(app);
    if (claims !== undefined) {
        const volume = matchers([["namespace", "=", app.namespace], ["persistentvolumeclaim", "=~", claims]]);
        const percent = alerts.volumeNearlyFull?.availablePercent ?? DEFAULT_ALERTS.volumeNearlyFull.availablePercent;
        add("volumeNearlyFull", alerts.volumeNearlyFull,
            `max by (namespace, persistentvolumeclaim) (kubelet_volume_stats_available_bytes${volume})`
            + ` / max by (namespace, persistentvolumeclaim) (kubelet_volume_stats_capacity_bytes${volume}) * 100 < ${percent}`,
            `A volume of ${app.name} is nearly full`,
            `PersistentVolumeClaim {{ $labels.namespace }}/{{ $labels.persistentvolumeclaim }} has {{ printf "%.1f" $value }}% of its space free (alert below ${percent}%).`);
    }
    return rules;
}

/** The app's PrometheusRule: one group of its alerts; none when every alert is off. */
export function prometheusRuleObject(app: MonitoredApp, labels: Record<string, string>, alerts: AlertsArgs): KubeObject | undefined {
    const rules = alertRules(app, alerts);
    if (rules.length === 0) return undefined;
    return {
        apiVersion: "monitoring.coreos.com/v1",
        kind: "PrometheusRule",
        metadata: { name: app.name, namespace: app.namespace, labels },
        spec: { groups: [{ name: `${app.namespace}.${app.name}`, rules }] },
    };
}
