import type { MonitoredApp } from "./app-series";
import { compact, KubeObject } from "./kube-object";
import { SCRAPED_SERVICE_LABEL, selectorLabels } from "./labels";

/** The labels that pick the app's scraped Service, and no other Service (not even the app's other one). */
export function scrapedServiceLabels(app: string): Record<string, string> {
    return { ...selectorLabels(app), [SCRAPED_SERVICE_LABEL]: "true" };
}

/**
 * The app's ServiceMonitor (monitoring.coreos.com/v1): Prometheus scrapes each endpoint of the app's Service, in the
 * app's namespace only, on a named Service port.
 */
export function serviceMonitorObject(
    app: Pick<MonitoredApp, "name" | "namespace">,
    labels: Record<string, string>,
    endpoint: { port: string; path: string; interval: string; scrapeTimeout?: string },
): KubeObject {
    return {
        apiVersion: "monitoring.coreos.com/v1",
        kind: "ServiceMonitor",
        metadata: { name: app.name, namespace: app.namespace, labels },
        spec: {
            selector: { matchLabels: scrapedServiceLabels(app.name) },
            namespaceSelector: { matchNames: [app.namespace] },
            endpoints: [compact({ port: endpoint.port, path: endpoint.path, interval: endpoint.interval, scrapeTimeout: endpoint.scrapeTimeout })],
        },
    };
}
