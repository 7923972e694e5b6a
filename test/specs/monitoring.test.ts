// monitoring: scrape annotations without the Prometheus Operator; with it a ServiceMonitor on the app's one scraped
// Service, a PrometheusRule of the alerts that apply to the app (read by Prometheus' own rule loader), and a Grafana
// dashboard ConfigMap whose queries Prometheus' parser reads.
import { beforeAll, describe, expect, it } from "vitest";
import { claimNamePattern, MonitoredApp, podNamePattern } from "../../components/specs/app-series";
import { DEFAULT_DASHBOARD_LABELS, grafanaDashboard } from "../../components/specs/grafana-dashboard";
import { KubeObject } from "../../components/specs/kube-object";
import { ALERT_NAMES } from "../../components/specs/prometheus-rule";
import { StatefulAppArgs, statefulAppObjects } from "../../components/specs/stateful-app";
import { statelessAppObjects, StatelessAppArgs } from "../../components/specs/stateless-app";
import { StackConfigError } from "../../config/load-stack-config";
import { validateStackConfig } from "../../config/validate-stack";
import { validateAgainstCrd } from "../support/crd-schema";
import { validateAgainstOpenApi } from "../support/openapi";
import { buildPromqlCheck, exprProblems, ruleFileProblems } from "../support/promql-check";

/* eslint-disable @typescript-eslint/no-explicit-any */
const resources = { requests: { cpu: "250m", memory: "128Mi" }, limits: { cpu: "500m", memory: "256Mi" } };
const web = (extra: Partial<StatelessAppArgs> = {}): StatelessAppArgs => ({ namespace: "apps", image: "nginxinc/nginx-unprivileged:1.27.3-alpine", resources, ...extra });
const db = (extra: Partial<StatefulAppArgs> = {}): StatefulAppArgs => ({ namespace: "apps", image: "redis:7.4.1-alpine", resources, storage: { size: "1Gi" }, ...extra });
const operator = { prometheusOperator: true } as const;

/** Whether a label selector's matchLabels pick an object with these labels. */
const selects = (selector: { matchLabels: Record<string, string> }, labels: Record<string, string> = {}) =>
    Object.entries(selector.matchLabels).every(([k, v]) => labels[k] === v);
const rules = (rule: KubeObject | undefined) => ((rule as any)?.spec.groups[0].rules ?? []) as Array<{ alert: string; expr: string; for: string; labels: Record<string, string> }>;
const alertNames = (rule: KubeObject | undefined) => rules(rule).map((r) => r.alert).sort();

beforeAll(() => buildPromqlCheck(), 300_000);

describe("monitoring without the Prometheus Operator", () => {
    it("puts the scrape annotations on the pods, on the app's port unless told, and creates nothing else", () => {
        const o = statelessAppObjects("web", web({ monitoring: {} }));
        expect((o.deployment as any).spec.template.metadata.annotations).toEqual({ "prometheus.io/scrape": "true", "prometheus.io/path": "/metrics", "prometheus.io/port": "8080" });
        const custom = statelessAppObjects("web", web({ monitoring: { prometheusOperator: false, path: "/stats", port: 9100 } }));
        expect((custom.deployment as any).spec.template.metadata.annotations).toEqual({ "prometheus.io/scrape": "true", "prometheus.io/path": "/stats", "prometheus.io/port": "9100" });
        for (const objects of [o, custom]) {
            expect([objects.serviceMonitor, objects.prometheusRule, objects.dashboard]).toEqual([undefined, undefined, undefined]);
            expect(objects.service).toEqual(statelessAppObjects("web", web()).service);
        }
    });

    it("leaves an app without monitoring unscraped", () => {
        const o = statelessAppObjects("web", web());
        expect((o.deployment as any).spec.template.metadata.annotations).toBeUndefined();
        expect(o.serviceMonitor).toBeUndefined();
    });
});

describe("monitoring with the Prometheus Operator", () => {
    it("scrapes the stateless app's Service through a ServiceMonitor, and no longer by annotations", () => {
        const o = statelessAppObjects("web", web({ monitoring: { ...operator, labels: { release: "kube-prometheus-stack" } } }));
        expect((o.deployment as any).spec.template.metadata.annotations).toBeUndefined();
        expect(o.serviceMonitor).toEqual({
            apiVersion: "monitoring.coreos.com/v1",
            kind: "ServiceMonitor",
            metadata: { name: "web", namespace: "apps", labels: expect.objectContaining({ "app.kubernetes.io/name": "web", release: "kube-prometheus-stack" }) },
            spec: {
                selector: { matchLabels: { "app.kubernetes.io/name": "web", "app.kubernetes.io/instance": "web", "kube-appstack.io/metrics": "true" } },
                namespaceSelector: { matchNames: ["apps"] },
                endpoints: [{ port: "http", path: "/metrics", interval: "30s" }],
            },
        });
        const spec = (o.serviceMonitor as any).spec;
        expect(selects(spec.selector, o.service.metadata.labels)).toBe(true);
        expect((o.service as any).spec.ports.map((p: any) => p.name)).toEqual(["http"]);
        expect((o.prometheusRule as any).metadata.labels).toMatchObject({ release: "kube-prometheus-stack" });
        expect((o.dashboard as any).metadata.labels).not.toHaveProperty("release");
    });

    it("scrapes the named Service port of monitoring.port: one of the app's ports, or a sidecar's", () => {
        const o = statelessAppObjects("web", web({ ports: [{ name: "metrics", port: 9100 }], port: 8080, monitoring: { ...operator, port: 9100, path: "/stats", interval: "15s", scrapeTimeout: "10s" } }));
        expect((o.serviceMonitor as any).spec.endpoints).toEqual([{ port: "metrics", path: "/stats", interval: "15s", scrapeTimeout: "10s" }]);
        expect((o.service as any).spec.ports.map((p: any) => p.name)).toEqual(["http", "metrics"]);
        const exporter = { name: "exporter", image: "oliver006/redis_exporter:v1.67.0", resources, ports: [{ name: "exporter", port: 9121 }] };
        const cache = statefulAppObjects("db", db({ port: 6379, sidecars: [exporter], monitoring: { ...operator, port: 9121 } } as any));
        expect((cache.serviceMonitor as any).spec.endpoints[0].port).toBe("exporter");
        expect((cache.headlessService as any).spec.ports.map((p: any) => p.name)).toContain("exporter");
        // No port given: the app's first port.
        expect((statelessAppObjects("web", web({ port: 9000, monitoring: operator })).serviceMonitor as any).spec.endpoints[0].port).toBe("http");
    });

    it("scrapes a stateful app through its headless Service only, never twice through the client Service", () => {
        const o = statefulAppObjects("db", db({ clientService: {}, monitoring: operator }));
        const selector = (o.serviceMonitor as any).spec.selector;
        expect(selects(selector, o.headlessService.metadata.labels)).toBe(true);
        expect(selects(selector, o.clientService!.metadata.labels)).toBe(false);
        expect((o.serviceMonitor as any).spec.endpoints[0].port).toBe("http");
        expect((o.headlessService as any).spec.ports.map((p: any) => p.name)).toContain("http");
    });

    it("alerts on what applies to the app: autoscaler pinned only with autoscaling, volumes only with claims", () => {
        expect(alertNames(statelessAppObjects("web", web({ monitoring: operator })).prometheusRule)).toEqual([ALERT_NAMES.podNotReady, ALERT_NAMES.restartLoop].sort());
        expect(alertNames(statelessAppObjects("web", web({ autoscaling: { maxReplicas: 4 }, monitoring: operator })).prometheusRule))
            .toEqual([ALERT_NAMES.autoscalerAtMax, ALERT_NAMES.podNotReady, ALERT_NAMES.restartLoop].sort());
        expect(alertNames(statelessAppObjects("web", web({ volumes: [{ name: "d", mountPath: "/d", claimName: "shared" }], monitoring: operator })).prometheusRule))
            .toEqual([ALERT_NAMES.podNotReady, ALERT_NAMES.restartLoop, ALERT_NAMES.volumeNearlyFull].sort());
        expect(alertNames(statefulAppObjects("db", db({ monitoring: operator })).prometheusRule))
            .toEqual([ALERT_NAMES.podNotReady, ALERT_NAMES.restartLoop, ALERT_NAMES.volumeNearlyFull].sort());
    });

    it("scopes every alert to the app's namespace and pods, claims or autoscaler, with the defaults as documented", () => {
        const o = statefulAppObjects("db", db({ autoscaling: { maxReplicas: 3 }, volumes: [{ name: "s", mountPath: "/s", claimName: "shared" }], monitoring: operator }));
        const byName = Object.fromEntries(rules(o.prometheusRule).map((r) => [r.alert, r]));
        expect(byName[ALERT_NAMES.podNotReady]).toMatchObject({
            expr: 'max by (namespace, pod) (kube_pod_status_ready{namespace="apps", pod=~"db-[0-9]+", condition="true"}) == 0',
            for: "15m", labels: { severity: "warning", app: "db" },
        });
        expect(byName[ALERT_NAMES.autoscalerAtMax].expr).toBe(
            'max by (namespace, horizontalpodautoscaler) (kube_horizontalpodautoscaler_status_current_replicas{namespace="apps", horizontalpodautoscaler="db"})'
            + ' >= max by (namespace, horizontalpodautoscaler) (kube_horizontalpodautoscaler_spec_max_replicas{namespace="apps", horizontalpodautoscaler="db"})',
        );
        expect(byName[ALERT_NAMES.restartLoop]).toMatchObject({
            expr: 'max by (namespace, pod, container) (increase(kube_pod_container_status_restarts_total{namespace="apps", pod=~"db-[0-9]+", container="db"}[15m])) >= 3',
            for: "5m",
        });
        expect(byName[ALERT_NAMES.volumeNearlyFull]).toMatchObject({
            expr: 'max by (namespace, persistentvolumeclaim) (kubelet_volume_stats_available_bytes{namespace="apps", persistentvolumeclaim=~"data-db-[0-9]+|shared"})'
                + ' / max by (namespace, persistentvolumeclaim) (kubelet_volume_stats_capacity_bytes{namespace="apps", persistentvolumeclaim=~"data-db-[0-9]+|shared"}) * 100 < 10',
            for: "5m",
        });
    });

    it("takes each alert's threshold, window, for and severity from the config, and leaves out an alert switched off", () => {
        const o = statelessAppObjects("web", web({
            autoscaling: { maxReplicas: 4 },
            monitoring: {
                ...operator,
                alerts: {
                    podNotReady: { enabled: false },
                    autoscalerAtMax: { for: "1h", severity: "critical" },
                    restartLoop: { restarts: 5, window: "1h", for: "0" },
                },
            },
        }));
        const byName = Object.fromEntries(rules(o.prometheusRule).map((r) => [r.alert, r]));
        expect(Object.keys(byName).sort()).toEqual([ALERT_NAMES.autoscalerAtMax, ALERT_NAMES.restartLoop].sort());
        expect(byName[ALERT_NAMES.autoscalerAtMax]).toMatchObject({ for: "1h", labels: { severity: "critical" } });
        expect(byName[ALERT_NAMES.restartLoop].expr).toMatch(/\[1h\]\)\) >= 5$/);
        expect(byName[ALERT_NAMES.restartLoop].for).toBe("0");
        const quiet = statelessAppObjects("web", web({ monitoring: { ...operator, alerts: { podNotReady: { enabled: false }, restartLoop: { enabled: false } } } }));
        expect(quiet.prometheusRule).toBeUndefined();
        expect(quiet.serviceMonitor).toBeDefined();
    });

    it("writes rules Prometheus loads and dashboard queries Prometheus parses, for every shape of app", () => {
        const apps = [
            statelessAppObjects("web", web({ monitoring: operator })),
            statelessAppObjects("web", web({ autoscaling: { maxReplicas: 4 }, volumes: [{ name: "d", mountPath: "/d", claimName: "shared" }], monitoring: { ...operator, alerts: { volumeNearlyFull: { availablePercent: 25, for: "1h30m" } } } })),
            statefulAppObjects("db", db({ autoscaling: { maxReplicas: 3 }, monitoring: { ...operator, dashboard: { requestsMetric: "redis_commands_processed_total" } } })),
            statelessAppObjects("a-very-long-app-name-that-gets-its-pod-names-cut-short-x", web({ monitoring: operator })),
        ];
        for (const o of apps) {
            expect(ruleFileProblems((o.prometheusRule as any).spec)).toEqual([]);
            const dashboard = JSON.parse(Object.values((o.dashboard as any).data)[0] as string);
            // Grafana puts its rate interval in before the query reaches Prometheus.
            const exprs = dashboard.panels.flatMap((p: any) => p.targets.map((t: any) => t.expr.replaceAll("$__rate_interval", "1m")));
            expect(exprs.length).toBeGreaterThanOrEqual(6);
            expect(exprProblems(exprs)).toEqual([]);
            for (const object of [o.serviceMonitor!, o.prometheusRule!, o.dashboard!, "service" in o ? o.service : o.headlessService]) validateAgainstOpenApi(object);
        }
    });

    it("is checked by the CRDs' schemas: a duration or a field they refuse fails the check", () => {
        const sm = statelessAppObjects("web", web({ monitoring: operator })).serviceMonitor as any;
        expect(() => validateAgainstCrd({ ...sm, spec: { ...sm.spec, endpoints: [{ ...sm.spec.endpoints[0], interval: "30 seconds" }] } })).toThrow(/interval.*pattern/);
        const { endpoints, ...rest } = sm.spec;
        expect(() => validateAgainstCrd({ ...sm, spec: { ...rest, endpoint: endpoints } })).toThrow(/must have required property 'endpoints'.*additional properties \(endpoint\)/);
        const rule = statelessAppObjects("web", web({ monitoring: operator })).prometheusRule as any;
        expect(() => validateAgainstCrd({ ...rule, spec: { groups: [{ ...rule.spec.groups[0], rules: [{ ...rule.spec.groups[0].rules[0], for: "5 min" }] }] } })).toThrow(/for.*pattern/);
    });
});

describe("the Grafana dashboard", () => {
    it("is a ConfigMap the sidecar finds by its label, with request, CPU, memory, restart and replica panels", () => {
        const o = statelessAppObjects("web", web({ autoscaling: { maxReplicas: 4 }, monitoring: operator }));
        expect(o.dashboard).toMatchObject({ kind: "ConfigMap", metadata: { name: "web-dashboard", namespace: "apps", labels: DEFAULT_DASHBOARD_LABELS } });
        const dashboard = JSON.parse((o.dashboard as any).data["web.json"]);
        expect(dashboard.panels.map((p: any) => p.title)).toEqual(["Requests", "CPU", "Memory", "Restarts", "Replicas"]);
        expect(dashboard.panels[0].targets[0].expr).toBe('sum(rate(http_requests_total{namespace="apps", pod=~"web-[bcdfghjklmnpqrstvwxz2456789]{1,10}-[bcdfghjklmnpqrstvwxz2456789]{5}"}[$__rate_interval]))');
        expect(dashboard.panels[4].targets.map((t: any) => t.legendFormat)).toEqual(["ready", "desired", "maximum"]);
        expect(dashboard.uid.length).toBeLessThanOrEqual(40);
    });

    it("takes the sidecar's label from the config, can be switched off, and is one pure function of the app", () => {
        const labelled = statelessAppObjects("web", web({ monitoring: { ...operator, dashboard: { labels: { "grafana.example/dashboard": "apps" } } } }));
        expect(labelled.dashboard!.metadata.labels).toMatchObject({ "grafana.example/dashboard": "apps" });
        expect(labelled.dashboard!.metadata.labels).not.toHaveProperty("grafana_dashboard");
        expect(statelessAppObjects("web", web({ monitoring: { ...operator, dashboard: { enabled: false } } })).dashboard).toBeUndefined();
        const app: MonitoredApp = { name: "db", namespace: "apps", workload: "StatefulSet", claims: [], claimTemplates: ["data"], labels: {}, ports: [{ name: "http", containerPort: 6379, protocol: "TCP" }], autoscaled: false };
        expect(grafanaDashboard(app)).toEqual(grafanaDashboard({ ...app }));
        expect((grafanaDashboard(app).panels as any[])[4].targets[1].expr).toBe('kube_statefulset_replicas{namespace="apps", statefulset="db"}');
    });
});

describe("the app's series", () => {
    /** Pod names as the ReplicaSet controller makes them: generateName `<replicaset>-` cut to 58 characters, then 5. */
    const deploymentPod = (name: string, hash: string, suffix = "x7b2k") => `${`${name}-${hash}-`.slice(0, 58)}${suffix}`;
    const matches = (pattern: string, value: string) => new RegExp(`^(?:${pattern})$`).test(value);

    it("matches a Deployment's pods, whatever the length of its name, and no pod of another app", () => {
        for (const name of ["web", "a".repeat(40), "b".repeat(46), "c".repeat(47), "d".repeat(50), "e".repeat(56), "f".repeat(57), "g".repeat(60)]) {
            const pattern = podNamePattern({ name, workload: "Deployment" });
            for (const hash of ["5d9c7bbd8", "7c", "6b474476c4"]) expect(matches(pattern, deploymentPod(name, hash)), `${name} ${hash}`).toBe(true);
        }
        const web = podNamePattern({ name: "web", workload: "Deployment" });
        for (const other of [deploymentPod("web-api", "5d9c7bbd8"), "web-api-0", "web-0", "webx-5d9c7bbd8-x7b2k", deploymentPod("web", "5d9c7bbd8") + "z"]) {
            expect(matches(web, other), other).toBe(false);
        }
    });

    it("matches a StatefulSet's pods and claims exactly", () => {
        const db = podNamePattern({ name: "db", workload: "StatefulSet" });
        expect(["db-0", "db-12"].map((p) => matches(db, p))).toEqual([true, true]);
        expect(["db-x", "db-2-0", "db2-0", deploymentPod("db", "5d9c7bbd8")].map((p) => matches(db, p))).toEqual([false, false, false, false]);
        const claims = claimNamePattern({ name: "db", claims: ["shared"], claimTemplates: ["data"] })!;
        expect(["data-db-0", "shared", "data-db-1-0", "data-db2-0", "shared2"].map((c) => matches(claims, c))).toEqual([true, true, false, false, false]);
        expect(claimNamePattern({ name: "web", claims: [], claimTemplates: [] })).toBeUndefined();
    });
});

describe("monitoring in a stack config", () => {
    const app = (monitoring: unknown, extra: Record<string, unknown> = {}) => ({ name: "web", type: "stateless", image: "nginxinc/nginx-unprivileged:1.27.3-alpine", resources, monitoring, ...extra });
    const problems = (apps: unknown[]): string[] => {
        try {
            validateStackConfig("test", { cluster: { kubeconfig: { context: "c" } }, namespace: { name: "apps" }, apps }, [], process.cwd());
            return [];
        } catch (error) {
            expect(error).toBeInstanceOf(StackConfigError);
            return (error as StackConfigError).problems;
        }
    };

    it("accepts the documented example", () => {
        expect(problems([app({ prometheusOperator: true, port: 9100, interval: "15s", scrapeTimeout: "10s", labels: { release: "kube-prometheus-stack" }, alerts: { podNotReady: { for: "10m", severity: "critical" }, restartLoop: { restarts: 5, window: "30m" } }, dashboard: { labels: { grafana_dashboard: "1" } } }, { port: 8080, ports: [{ name: "metrics", port: 9100 }] })])).toEqual([]);
    });

    it("names the key, the value and what is allowed for each mistake", () => {
        expect(problems([app({ prometheusOperator: true, interval: "30 s" })])).toEqual([
            'kube-appstack:apps[0].monitoring.interval: "30 s" is not a positive Prometheus duration; allowed: a number and unit, units from y, w, d, h, m, s, ms in that order (e.g. "30s", "5m", "1h30m")',
        ]);
        expect(problems([app({ prometheusOperator: true, alerts: { restartLoop: { window: "0" } } })])).toEqual([
            'kube-appstack:apps[0].monitoring.alerts.restartLoop.window: "0" is not a positive Prometheus duration; allowed: a number and unit, units from y, w, d, h, m, s, ms in that order (e.g. "30s", "5m", "1h30m")',
        ]);
        expect(problems([app({ prometheusOperator: true, interval: "15s", scrapeTimeout: "20s" })])).toEqual([
            'kube-appstack:apps[0].monitoring.scrapeTimeout: "20s" is longer than the interval "15s"; allowed: at most the interval (Prometheus refuses a longer one)',
        ]);
        expect(problems([app({ alerts: {}, labels: { release: "x" } })])).toEqual([
            "kube-appstack:apps[0].monitoring.labels: is only used with the Prometheus Operator; allowed: remove it, or set monitoring.prometheusOperator: true (the cluster must have its CRDs)",
            "kube-appstack:apps[0].monitoring.alerts: is only used with the Prometheus Operator; allowed: remove it, or set monitoring.prometheusOperator: true (the cluster must have its CRDs)",
        ]);
        expect(problems([app({ prometheusOperator: true, alerts: { autoscalerAtMax: { for: "1h" }, volumeNearlyFull: {} } })])).toEqual([
            "kube-appstack:apps[0].monitoring.alerts.autoscalerAtMax: applies only to an app with autoscaling; allowed: remove it, or add autoscaling",
            "kube-appstack:apps[0].monitoring.alerts.volumeNearlyFull: applies only to an app that mounts a PersistentVolumeClaim; allowed: remove it, or mount a claim (volumes[].claimName)",
        ]);
        expect(problems([app({ prometheusOperator: true, alerts: { podNotReady: { severity: "page" } } })])[0]).toMatch(/^kube-appstack:apps\[0\]\.monitoring\.alerts\.podNotReady\.severity: .*"critical".*"warning".*"info"/);
        expect(problems([app({ prometheusOperator: true, port: 9100 })])).toEqual([
            'kube-appstack:apps[0].monitoring.port: 9100 is no port of the app or its sidecars, so no Service port leads to it; allowed: one of 8080 ("http"), or declare it in `ports`',
        ]);
        // Scrape annotations name the pod's port directly: any port will do.
        expect(problems([app({ port: 9100 })])).toEqual([]);
        // Unless a NetworkPolicy lets traffic in to the declared ports only.
        expect(problems([app({ port: 9100 }, { networkPolicy: { ingressFrom: [{ namespace: "monitoring" }] } })])).toEqual([
            'kube-appstack:apps[0].monitoring.port: 9100 is no port of the app or its sidecars, and its networkPolicy lets traffic in to those only, so no scrape would arrive; allowed: one of 8080 ("http"), or declare it in `ports`',
        ]);
        expect(problems([app({ prometheusOperator: true, dashboard: { labels: {} } })])).toEqual([
            'kube-appstack:apps[0].monitoring.dashboard.labels: is empty, so no dashboard sidecar would find the ConfigMap; allowed: at least one label, the one the sidecar looks for (e.g. grafana_dashboard: "1"), or dashboard.enabled: false',
        ]);
        expect(problems([app({ prometheusOperator: true, dashboard: { requestsMetric: "http-requests" } })])).toEqual([
            'kube-appstack:apps[0].monitoring.dashboard.requestsMetric: "http-requests" is not a Prometheus metric name; allowed: letters, digits, _ and :, not starting with a digit (e.g. "http_requests_total")',
        ]);
    });

    it("scrapes over TCP only: a UDP or SCTP metrics port is refused, a port number served over both is scraped on its TCP port", () => {
        const dns = (monitoring: unknown) => app(monitoring, { ports: [{ name: "dns", port: 53, protocol: "UDP" }, { name: "dns-tcp", port: 53 }, { name: "gossip", port: 7946, protocol: "SCTP" }], readinessProbe: { type: "exec", command: ["true"] }, livenessProbe: { type: "exec", command: ["true"] } });
        expect(problems([dns({ prometheusOperator: true })])).toEqual([
            'kube-appstack:apps[0].monitoring.port: not set, so the app\'s first port 53 ("dns") is scraped, which is UDP; allowed: the container port of a TCP port (Prometheus scrapes over HTTP): 53 ("dns-tcp")',
        ]);
        expect(problems([dns({ port: 7946 })])).toEqual([
            'kube-appstack:apps[0].monitoring.port: 7946 ("gossip") is SCTP; allowed: the container port of a TCP port (Prometheus scrapes over HTTP): 53 ("dns-tcp")',
        ]);
        expect(problems([dns({ prometheusOperator: true, port: 53 })])).toEqual([]);
        const objects = statelessAppObjects("dns", web({ ports: [{ name: "dns", port: 53, protocol: "UDP" }, { name: "dns-tcp", port: 53 }], readinessProbe: { type: "exec", command: ["true"] }, livenessProbe: { type: "exec", command: ["true"] }, monitoring: { prometheusOperator: true, port: 53 } }));
        expect((objects.serviceMonitor as any).spec.endpoints[0].port).toBe("dns-tcp");
    });

    it("refuses a duration longer than Prometheus can hold (about 292 years), which would break its whole rule or scrape config", () => {
        // What Prometheus itself reads: the longest duration loads, one day more does not.
        const ruleFile = (duration: string) => ({ groups: [{ name: "g", rules: [{ alert: "A", expr: `increase(up[${duration}]) > 0`, for: duration }] }] });
        expect(ruleFileProblems(ruleFile("106751d"))).toEqual([]);
        expect(ruleFileProblems(ruleFile("106752d")).join("\n")).toMatch(/out of range/);
        expect(problems([app({ prometheusOperator: true, interval: "106751d", alerts: { restartLoop: { window: "106751d", for: "292y" } } })])).toEqual([]);
        const tooLong = (key: string, value: string) => `kube-appstack:apps[0].monitoring.${key}: ${JSON.stringify(value)} is longer than Prometheus can hold; allowed: at most 106751d (about 292 years)`;
        expect(problems([app({ prometheusOperator: true, interval: "106752d", scrapeTimeout: "293y", alerts: { restartLoop: { window: "99999999999999999999999s" }, podNotReady: { for: "15251w" } } })])).toEqual([
            tooLong("interval", "106752d"),
            tooLong("scrapeTimeout", "293y"),
            tooLong("alerts.podNotReady.for", "15251w"),
            tooLong("alerts.restartLoop.window", "99999999999999999999999s"),
        ]);
        expect(problems([app({ prometheusOperator: true, scrapeTimeout: "293y" })])).toEqual([tooLong("scrapeTimeout", "293y")]);
    });

    it("tells a stack still using the former `prometheus` key where it went", () => {
        expect(problems([{ ...app(undefined), prometheus: { path: "/metrics" } }])[0]).toMatch(/^kube-appstack:apps\[0\]\.prometheus: unknown key \(renamed: monitoring\); allowed keys here: .*monitoring/);
    });
});
