// An app's Ingress or HTTPRoute: the objects the builders make, as the API server validates them.
import { describe, expect, it } from "vitest";
import { httpRouteObject } from "../../components/specs/http-route";
import { ingressObject } from "../../components/specs/ingress";
import { statelessAppObjects, StatelessAppArgs } from "../../components/specs/stateless-app";
import { validateAgainstOpenApi } from "../support/openapi";

const resources = { requests: { cpu: "250m", memory: "128Mi" }, limits: { cpu: "500m", memory: "256Mi" } };
const web = (extra: Partial<StatelessAppArgs> = {}): StatelessAppArgs => ({ namespace: "apps", image: "nginxinc/nginx-unprivileged:1.27.3-alpine", resources, ...extra });
const labels = { "app.kubernetes.io/name": "web" };
const backend = (number: number) => ({ service: { name: "web", port: { number } } });

describe("an app's Ingress", () => {
    it("routes every path of every host to the app's Service port, with TLS from cert-manager into <app>-tls", () => {
        const o = statelessAppObjects("web", web({
            service: { port: 8080 },
            ingress: {
                className: "nginx",
                hosts: ["www.example.com", "*.example.com"],
                paths: [{ path: "/api" }, { path: "/healthz", pathType: "Exact" }],
                tls: { clusterIssuer: "letsencrypt" },
                annotations: { "nginx.ingress.kubernetes.io/proxy-body-size": "8m" },
            },
        }));
        const paths = [{ path: "/api", pathType: "Prefix", backend: backend(8080) }, { path: "/healthz", pathType: "Exact", backend: backend(8080) }];
        expect(o.ingress).toEqual({
            apiVersion: "networking.k8s.io/v1",
            kind: "Ingress",
            metadata: {
                name: "web", namespace: "apps", labels: o.service.metadata.labels,
                annotations: { "nginx.ingress.kubernetes.io/proxy-body-size": "8m", "cert-manager.io/cluster-issuer": "letsencrypt" },
            },
            spec: {
                ingressClassName: "nginx",
                rules: [{ host: "www.example.com", http: { paths } }, { host: "*.example.com", http: { paths } }],
                tls: [{ hosts: ["www.example.com", "*.example.com"], secretName: "web-tls" }],
            },
        });
        validateAgainstOpenApi(o.ingress!);
    });

    it("without hosts or paths: one rule for any host, / as a prefix, on the default Service port, no TLS", () => {
        const ingress = ingressObject("web", "apps", labels, 80, {});
        expect(ingress).toEqual({
            apiVersion: "networking.k8s.io/v1", kind: "Ingress", metadata: { name: "web", namespace: "apps", labels },
            spec: { rules: [{ http: { paths: [{ path: "/", pathType: "Prefix", backend: backend(80) }] } }] },
        });
        expect(statelessAppObjects("web", web({ ingress: {} })).ingress).toMatchObject({ spec: ingress.spec });
        validateAgainstOpenApi(ingress);
    });

    it("takes TLS from an existing Secret or a namespaced cert-manager Issuer", () => {
        const fromSecret = ingressObject("web", "apps", labels, 80, { hosts: ["a.example.com"], tls: { secretName: "wildcard-cert" } });
        expect(fromSecret.spec).toMatchObject({ tls: [{ hosts: ["a.example.com"], secretName: "wildcard-cert" }] });
        expect(fromSecret.metadata.annotations).toBeUndefined();
        expect(ingressObject("web", "apps", labels, 80, { hosts: ["a.example.com"], tls: { issuer: "internal-ca" } })).toMatchObject({
            metadata: { annotations: { "cert-manager.io/issuer": "internal-ca" } },
            spec: { tls: [{ hosts: ["a.example.com"], secretName: "web-tls" }] },
        });
    });

    it("is absent unless asked for", () => {
        const o = statelessAppObjects("web", web());
        expect(o.ingress).toBeUndefined();
        expect(o.httpRoute).toBeUndefined();
    });
});

describe("an app's HTTPRoute", () => {
    it("attaches to the Gateway's listener and sends the matched requests to the app's Service port", () => {
        const o = statelessAppObjects("web", web({
            service: { port: 8080 },
            route: {
                gateway: { name: "public", namespace: "gateway-system", sectionName: "https" },
                hostnames: ["www.example.com", "*.example.org"],
                matches: [
                    { path: { value: "/api" }, headers: [{ name: "X-Canary", value: "1" }], method: "GET" },
                    { path: { type: "RegularExpression", value: "^/v[0-9]+/" }, headers: [{ name: "x-env", value: "st.*", type: "RegularExpression" }] },
                ],
            },
        }));
        expect(o.httpRoute).toEqual({
            apiVersion: "gateway.networking.k8s.io/v1",
            kind: "HTTPRoute",
            metadata: { name: "web", namespace: "apps", labels: o.service.metadata.labels },
            spec: {
                parentRefs: [{ name: "public", namespace: "gateway-system", sectionName: "https" }],
                hostnames: ["www.example.com", "*.example.org"],
                rules: [{
                    matches: [
                        { path: { type: "PathPrefix", value: "/api" }, headers: [{ name: "X-Canary", value: "1", type: "Exact" }], method: "GET" },
                        { path: { type: "RegularExpression", value: "^/v[0-9]+/" }, headers: [{ name: "x-env", value: "st.*", type: "RegularExpression" }] },
                    ],
                    backendRefs: [{ name: "web", port: 8080 }],
                }],
            },
        });
    });

    it("without matches routes every path under /, from a Gateway of the app's namespace", () => {
        expect(httpRouteObject("web", "apps", labels, 80, { gateway: { name: "internal" } }).spec).toEqual({
            parentRefs: [{ name: "internal" }],
            rules: [{ matches: [{ path: { type: "PathPrefix", value: "/" } }], backendRefs: [{ name: "web", port: 80 }] }],
        });
    });

    it("splits traffic by weight between the app and other apps' Services, each on its own port", () => {
        const route = httpRouteObject("web", "apps", labels, 80, { gateway: { name: "public" }, weights: { "web-canary": 10, b: 5, web: 85 }, backendPorts: { "web-canary": 8080, b: 81 } });
        // This app first, then the others by name, whatever order the config's map had.
        expect((route.spec as { rules: unknown[] }).rules[0]).toMatchObject({
            backendRefs: [{ name: "web", port: 80, weight: 85 }, { name: "b", port: 81, weight: 5 }, { name: "web-canary", port: 8080, weight: 10 }],
        });
        // Blue-green: the route of `web` may send everything to another app.
        const cutover = httpRouteObject("web", "apps", labels, 80, { gateway: { name: "public" }, weights: { "web-green": 1 }, backendPorts: { "web-green": 80 } });
        expect((cutover.spec as { rules: Array<{ backendRefs: unknown }> }).rules[0].backendRefs).toEqual([{ name: "web-green", port: 80, weight: 1 }]);
    });

    it("refuses to build a route to an app whose port it was not given", () => {
        expect(() => httpRouteObject("web", "apps", labels, 80, { gateway: { name: "public" }, weights: { web: 1, api: 1 } }))
            .toThrow("internal error: the route of web names api without a port");
    });
});
