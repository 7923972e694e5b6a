import { describe, expect, it } from "vitest";
import { deployment, messagesOf, service, violationsOf, withFields, workloadOfKind } from "./objects";

describe("service-selector-matches", () => {
    it("accepts a named targetPort matching a named containerPort", () => {
        expect(messagesOf("service-selector-matches", deployment(), service())).toEqual([]);
    });

    it("fires when the selector matches no pod template in the namespace", () => {
        const elsewhere = deployment("web", "other");
        const wrongLabels = withFields(deployment(), { "spec.template.metadata.labels": { app: "web-v2" } });
        expect(violationsOf("service-selector-matches", elsewhere, wrongLabels, service()).map((v) => [v.kind, v.namespace, v.name, v.message])).toEqual([
            ["Service", "shop", "web", 'selector app=web matches no pod template in namespace "shop"'],
        ]);
    });

    it("requires every selector label on the pod template, which may carry more", () => {
        const selectsTwo = withFields(service(), { "spec.selector": { app: "web", tier: "frontend" } });
        const moreLabels = withFields(deployment(), { "spec.template.metadata.labels": { app: "web", tier: "frontend", version: "2" } });
        expect(messagesOf("service-selector-matches", deployment(), selectsTwo)).toHaveLength(1);
        expect(messagesOf("service-selector-matches", moreLabels, selectsTwo)).toEqual([]);
    });

    it("accepts a numeric targetPort no container declares: Kubernetes routes to it anyway (a false positive before)", () => {
        const numeric = withFields(service(), { "spec.ports": [{ name: "http", port: 80, targetPort: 9090 }] });
        expect(messagesOf("service-selector-matches", deployment(), numeric)).toEqual([]);
    });

    it("accepts a numeric targetPort that a container declares", () => {
        const numeric = withFields(service(), { "spec.ports": [{ port: 80, targetPort: 8080 }] });
        expect(messagesOf("service-selector-matches", deployment(), numeric)).toEqual([]);
    });

    it("treats an omitted targetPort as equal to port, a number that needs no declaration", () => {
        const otherPort = withFields(service(), { "spec.ports": [{ port: 80 }] });
        expect(messagesOf("service-selector-matches", deployment(), otherPort)).toEqual([]);
    });

    it("fires for a named targetPort no selected container declares", () => {
        const named = withFields(service(), { "spec.ports": [{ name: "metrics", port: 9100, targetPort: "metrics" }] });
        expect(messagesOf("service-selector-matches", deployment(), named)).toEqual(['port "metrics" targets "metrics", but no selected pod declares a container port of that name (in a container or sidecar)']);
    });

    it("resolves a named targetPort in sidecars, not in init containers that have exited, and only with its protocol", () => {
        const named = withFields(service(), { "spec.ports": [{ name: "metrics", port: 9100, targetPort: "metrics" }] });
        const port = { name: "metrics", containerPort: 9100 };
        const sidecar = withFields(deployment(), { "spec.template.spec.initContainers": [{ name: "exporter", image: "e:1", restartPolicy: "Always", ports: [port] }] });
        const init = withFields(deployment(), { "spec.template.spec.initContainers": [{ name: "setup", image: "e:1", ports: [port] }] });
        const udp = withFields(deployment(), { "spec.template.spec.containers.0.ports": [{ ...port, protocol: "UDP" }] });
        expect(messagesOf("service-selector-matches", sidecar, named)).toEqual([]);
        expect(messagesOf("service-selector-matches", init, named)).toEqual(['port "metrics" targets "metrics", but no selected pod declares a container port of that name (in a container or sidecar)']);
        expect(messagesOf("service-selector-matches", udp, named)).toHaveLength(1);
        expect(messagesOf("service-selector-matches", udp, withFields(named, { "spec.ports.0.protocol": "UDP" }))).toEqual([]);
    });

    it("says the pods may come from an operator when a custom resource in the namespace could create them", () => {
        const prometheus = { apiVersion: "monitoring.coreos.com/v1", kind: "Prometheus", metadata: { name: "k8s", namespace: "shop" }, spec: {} };
        const operated = withFields(service("prometheus-operated"), { "spec.selector": { "app.kubernetes.io/name": "prometheus" } });
        expect(messagesOf("service-selector-matches", prometheus, operated)).toEqual([
            'selector app.kubernetes.io/name=prometheus matches no pod template in the input for namespace "shop"; its pods may come from an operator behind Prometheus k8s (a custom resource in the input), which this check cannot see',
        ]);
        expect(messagesOf("service-selector-matches", operated)).toEqual(['selector app.kubernetes.io/name=prometheus matches no pod template in namespace "shop"']);
    });

    it("counts the pods of a ReplicationController (a false positive before)", () => {
        const rc = workloadOfKind("ReplicationController", "web");
        expect(messagesOf("service-selector-matches", rc, service())).toEqual([]);
    });

    it("looks at the ports of every selected workload, bare Pods included", () => {
        const pod = withFields(workloadOfKind("Pod", "web"), { "spec.containers.0.ports": [{ containerPort: 9000 }] });
        const ports = withFields(service(), { "spec.ports": [{ name: "http", port: 80, targetPort: "http" }, { name: "admin", port: 9000, targetPort: 9000 }] });
        expect(messagesOf("service-selector-matches", deployment(), pod, ports)).toEqual([]);
    });

    it("does not check Services without a selector", () => {
        const external = withFields(service("db"), { "spec.selector": undefined, "spec.type": "ExternalName", "spec.externalName": "db.example.com" });
        const manualEndpoints = withFields(service("legacy"), { "spec.selector": {} });
        expect(violationsOf("service-selector-matches", external, manualEndpoints)).toEqual([]);
    });
});

describe("ingress-tls-required", () => {
    const ingress = (hosts: Array<string | undefined>, tls?: Array<{ hosts?: string[]; secretName?: string }>) => ({
        apiVersion: "networking.k8s.io/v1",
        kind: "Ingress",
        metadata: { name: "web", namespace: "shop" },
        spec: {
            rules: hosts.map((host) => ({ ...(host === undefined ? {} : { host }), http: { paths: [{ path: "/", pathType: "Prefix", backend: { service: { name: "web", port: { number: 80 } } } }] } })),
            ...(tls === undefined ? {} : { tls }),
        },
    });

    it("fires for hosts no TLS entry covers, naming each once", () => {
        expect(violationsOf("ingress-tls-required", ingress(["www.example.com", "api.example.com", "www.example.com"]))).toEqual([{
            policy: "ingress-tls-required", level: "advisory", kind: "Ingress", namespace: "shop", name: "web",
            message: 'serves "www.example.com", "api.example.com" in plain HTTP: no spec.tls entry covers them',
        }]);
        // A wildcard covers one label below it only, and a TLS entry without hosts covers none.
        expect(messagesOf("ingress-tls-required", ingress(["a.b.example.com", "example.com"], [{ hosts: ["*.example.com"], secretName: "wild" }, { secretName: "default" }]))).toEqual([
            'serves "a.b.example.com", "example.com" in plain HTTP: no spec.tls entry covers them',
        ]);
        expect(messagesOf("ingress-tls-required", ingress(["www.example.com", "shop.example.com"], [{ hosts: ["www.example.com"], secretName: "www" }]))).toEqual([
            'serves "shop.example.com" in plain HTTP: no spec.tls entry covers it',
        ]);
    });

    it("accepts hosts covered by name or by a wildcard, and rules without a host", () => {
        expect(messagesOf("ingress-tls-required", ingress(["www.example.com", "api.example.com"], [{ hosts: ["www.example.com"], secretName: "a" }, { hosts: ["*.example.com"] }]))).toEqual([]);
        expect(messagesOf("ingress-tls-required", ingress(["*.example.com"], [{ hosts: ["*.example.com"], secretName: "wild" }]))).toEqual([]);
        expect(messagesOf("ingress-tls-required", ingress([undefined]))).toEqual([]);
    });

    it("can be waived on the object, with a reason", () => {
        const waived = withFields(ingress(["www.example.com"]), { "metadata.annotations": { "ignore.kube-appstack.io/ingress-tls-required": "TLS ends at the cloud load balancer" } });
        expect(messagesOf("ingress-tls-required", waived)).toEqual([]);
    });
});
