// monitoring with the Prometheus Operator on the live control plane (its CRDs installed by `npm run cluster:up`): the
// API server takes the ServiceMonitor, PrometheusRule and dashboard ConfigMap as built, each ServiceMonitor selects
// exactly its app's scraped Service on a port that Service has, the alerts' pod and claim patterns match the names the
// controllers really generate, and a second preview shows nothing to change.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { claimNamePattern, podNamePattern } from "../../components/specs/app-series";
import { DATA_VOLUME } from "../../components/specs/stateful-app";
import { validateStackConfig } from "../../config/validate-stack";
import { stackObjects } from "../../program/stack-objects";
import { stackPlan } from "../../program/stack-plan";
import { ruleFileProblems } from "../support/promql-check";
import { cacheApp, KubeJson, LiveStack, localStackConfig, requireLocalCluster, webApp } from "./live-stack";
import { waitFor } from "../support/wait-for";

const NAMESPACE = "it-monitoring";
const operator = { prometheusOperator: true, labels: { release: "kube-prometheus-stack" } };
let stack: LiveStack;

const config = localStackConfig(NAMESPACE, {
    apps: [
        webApp({ port: 8080, ports: [{ name: "metrics", port: 9100 }], monitoring: { ...operator, port: 9100, interval: "15s", scrapeTimeout: "10s", alerts: { autoscalerAtMax: { for: "30m", severity: "critical" } } } }),
        // A client Service beside the headless one: two Services carry the app's labels, only one may be scraped.
        cacheApp({ replicas: 2, clientService: {}, monitoring: { ...operator, alerts: { volumeNearlyFull: { availablePercent: 20 } } } }),
    ],
    storage: [],
    protectData: false,
});

/** The objects whose labels carry every pair of `matchLabels`, as the operator selects them. */
const selected = (objects: KubeJson[], matchLabels: Record<string, string>) =>
    objects.filter((o) => Object.entries(matchLabels).every(([k, v]) => o.metadata.labels?.[k] === v));
const fullMatch = (pattern: string, value: string) => new RegExp(`^(?:${pattern})$`).test(value);

beforeAll(async () => {
    requireLocalCluster();
    stack = await LiveStack.create("it-monitoring", config);
    await stack.up();
});

afterAll(async () => {
    await stack?.cleanup();
});

describe("monitoring with the Prometheus Operator, live", () => {
    it("has each ServiceMonitor select exactly its app's scraped Service, on a port that Service names", () => {
        const services = stack.list("services");
        for (const [app, service, port] of [["web", "web", "metrics"], ["cache", "cache-headless", "http"]] as const) {
            const monitor = stack.get("servicemonitor", app);
            expect(monitor.metadata.labels).toMatchObject({ release: "kube-prometheus-stack", "app.kubernetes.io/name": app });
            expect(monitor.spec.namespaceSelector).toEqual({ matchNames: [NAMESPACE] });
            const picked = selected(services, monitor.spec.selector.matchLabels);
            expect(picked.map((s) => s.metadata.name), app).toEqual([service]);
            expect(monitor.spec.endpoints).toHaveLength(1);
            expect(monitor.spec.endpoints[0].port).toBe(port);
            expect(picked[0].spec.ports.map((p: KubeJson) => p.name)).toContain(port);
        }
        expect(stack.get("servicemonitor", "web").spec.endpoints[0]).toEqual({ port: "metrics", path: "/metrics", interval: "15s", scrapeTimeout: "10s" });
        expect(stack.get("service", "web").spec.ports).toContainEqual({ name: "metrics", port: 9100, targetPort: "metrics", protocol: "TCP" });
    });

    it("stores the PrometheusRules as built, a rule file Prometheus loads, with the alerts that apply to each app", () => {
        const web = stack.get("prometheusrule", "web");
        const cache = stack.get("prometheusrule", "cache");
        const raw = Object.fromEntries(Object.entries(config).map(([key, value]) => [key.replace(/^kube-appstack:/, ""), value]));
        const valid = validateStackConfig("it-monitoring", raw, [], process.cwd());
        const built = stackObjects(stackPlan(valid), valid.cluster).filter((o) => o.kind === "PrometheusRule");
        // Nothing pruned or defaulted by the API server: the rules Prometheus gets are the ones built.
        expect(built.map((o) => [o.metadata.name, o.spec])).toEqual([["web", web.spec], ["cache", cache.spec]]);
        for (const rule of [web, cache]) expect(ruleFileProblems(rule.spec)).toEqual([]);
        const alerts = (rule: KubeJson) => rule.spec.groups[0].rules.map((r: KubeJson) => r.alert).sort();
        expect(alerts(web)).toEqual(["AppAutoscalerAtMaximum", "AppContainerRestartLoop", "AppPodNotReady"]);
        expect(alerts(cache)).toEqual(["AppContainerRestartLoop", "AppPodNotReady", "AppVolumeNearlyFull"]);
        expect(web.spec.groups[0].rules.find((r: KubeJson) => r.alert === "AppAutoscalerAtMaximum")).toMatchObject({ for: "30m", labels: { severity: "critical", app: "web" } });
        expect(cache.spec.groups[0].rules.find((r: KubeJson) => r.alert === "AppVolumeNearlyFull").expr).toMatch(/ \* 100 < 20$/);
    });

    it("scopes the alerts to names the controllers really generate: every pod and claim of the app, none of another", async () => {
        const pods = await waitFor("the apps' pods", 120_000, () => {
            const all = stack.list("pods").filter((p) => !p.metadata.deletionTimestamp);
            return all.filter((p) => p.metadata.labels["app.kubernetes.io/name"] === "cache").length === 2 ? all : undefined;
        });
        const names = (app: string) => pods.filter((p) => p.metadata.labels["app.kubernetes.io/name"] === app).map((p) => p.metadata.name as string);
        const web = podNamePattern({ name: "web", workload: "Deployment" });
        const cache = podNamePattern({ name: "cache", workload: "StatefulSet" });
        expect(names("web").length).toBeGreaterThan(0);
        for (const name of names("web")) expect([fullMatch(web, name), fullMatch(cache, name)], name).toEqual([true, false]);
        for (const name of names("cache")) expect([fullMatch(cache, name), fullMatch(web, name)], name).toEqual([true, false]);
        const claims = stack.list("persistentvolumeclaims").map((c) => c.metadata.name as string);
        expect(claims.sort()).toEqual(["data-cache-0", "data-cache-1"]);
        const pattern = claimNamePattern({ name: "cache", claims: [], claimTemplates: [DATA_VOLUME] })!;
        for (const claim of claims) expect(fullMatch(pattern, claim), claim).toBe(true);
        // Scraped by the operator, not by annotations as well.
        for (const pod of pods) expect(Object.keys(pod.metadata.annotations ?? {}).filter((k) => k.startsWith("prometheus.io/")), pod.metadata.name).toEqual([]);
    });

    it("puts a dashboard ConfigMap per app where Grafana's sidecar finds it", () => {
        for (const app of ["web", "cache"]) {
            const map = stack.get("configmap", `${app}-dashboard`);
            expect(map.metadata.labels).toMatchObject({ grafana_dashboard: "1" });
            const dashboard = JSON.parse(map.data[`${app}.json`]);
            expect(dashboard.title).toBe(`${NAMESPACE} / ${app}`);
            expect(dashboard.panels.map((p: KubeJson) => p.title)).toEqual(["Requests", "CPU", "Memory", "Restarts", "Replicas"]);
        }
    });

    it("previews no change afterwards: what is declared is exactly what the cluster holds", async () => {
        await stack.preview(["--expect-no-changes"]);
    });
});
