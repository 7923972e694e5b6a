// Routing on the live control plane, with the Gateway API's CRDs installed: the API server accepts an app's Ingress and
// another's HTTPRoute as built, with the fields the config gave (read back with kubectl, server defaults and all), a
// canary's share moves with `weights`, and `pulumi up` does not wait for an ingress controller, which KWOK never runs.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunResult } from "../../harness/pulumi-engine";
import { LiveStack, localStackConfig, requireLocalCluster, resourceSummary, webApp } from "./live-stack";

const NAMESPACE = "it-routing";
let stack: LiveStack;
let firstUp: RunResult;

const gateway = { name: "public", namespace: "gateway-system", sectionName: "https" };
const config = (weights: Record<string, number>) => localStackConfig(NAMESPACE, {
    apps: [
        webApp({
            ingress: undefined,
            route: {
                gateway,
                hostnames: ["www.example.com", "*.example.org"],
                matches: [
                    { path: { value: "/" } },
                    { path: { type: "Exact", value: "/login" }, headers: [{ name: "X-Canary", value: "always" }], method: "POST" },
                    { path: { type: "RegularExpression", value: "^/v[0-9]+/" } },
                ],
                weights,
            },
        }),
        webApp({
            name: "canary",
            service: { port: 8080 },
            ingress: {
                className: "nginx",
                hosts: ["canary.example.com", "*.canary.example.com"],
                paths: [{ path: "/" }, { path: "/healthz", pathType: "Exact" }],
                tls: { clusterIssuer: "letsencrypt" },
                annotations: { "nginx.ingress.kubernetes.io/proxy-body-size": "8m" },
            },
        }),
        webApp({ name: "admin", ingress: { hosts: ["admin.example.com"], tls: { secretName: "admin-cert" } } }),
    ],
    storage: [],
    protectData: false,
});

const serviceRef = (name: string, port: number, weight: number) => ({ group: "", kind: "Service", name, port, weight });

beforeAll(async () => {
    requireLocalCluster();
    stack = await LiveStack.create("it-routing", config({ web: 90, canary: 10 }));
    firstUp = await stack.up();
});

afterAll(async () => {
    await stack?.cleanup();
});

describe("routing on the live control plane", () => {
    it("has the API server accept the HTTPRoute with its parent, host names, matches and weighted backends", () => {
        const route = stack.get("httproute", "web");
        expect(route.metadata.labels).toMatchObject({ "app.kubernetes.io/name": "web", "app.kubernetes.io/managed-by": "pulumi" });
        expect(route.spec.parentRefs).toEqual([{ group: "gateway.networking.k8s.io", kind: "Gateway", ...gateway }]);
        expect(route.spec.hostnames).toEqual(["www.example.com", "*.example.org"]);
        expect(route.spec.rules).toEqual([{
            matches: [
                { path: { type: "PathPrefix", value: "/" } },
                { path: { type: "Exact", value: "/login" }, headers: [{ name: "X-Canary", value: "always", type: "Exact" }], method: "POST" },
                { path: { type: "RegularExpression", value: "^/v[0-9]+/" } },
            ],
            backendRefs: [serviceRef("web", 80, 90), serviceRef("canary", 8080, 10)],
        }]);
    });

    it("has the API server accept the Ingresses with hosts, paths to the Service port and TLS from cert-manager or a Secret", () => {
        const ingress = stack.get("ingress", "canary");
        expect(ingress.metadata.annotations).toMatchObject({
            "cert-manager.io/cluster-issuer": "letsencrypt", "nginx.ingress.kubernetes.io/proxy-body-size": "8m", "pulumi.com/skipAwait": "true",
        });
        const backend = { service: { name: "canary", port: { number: 8080 } } };
        const paths = [{ path: "/", pathType: "Prefix", backend }, { path: "/healthz", pathType: "Exact", backend }];
        expect(ingress.spec).toEqual({
            ingressClassName: "nginx",
            rules: [{ host: "canary.example.com", http: { paths } }, { host: "*.canary.example.com", http: { paths } }],
            tls: [{ hosts: ["canary.example.com", "*.canary.example.com"], secretName: "canary-tls" }],
        });
        expect(stack.get("ingress", "admin").spec.tls).toEqual([{ hosts: ["admin.example.com"], secretName: "admin-cert" }]);
        // No controller published an address, and `pulumi up` did not wait for one.
        expect(ingress.status?.loadBalancer ?? {}).toEqual({});
        expect(resourceSummary(firstUp.output).created).toBeGreaterThan(0);
    });

    it("moves the canary's share with weights, in place, and is otherwise stable", async () => {
        // Server defaults (the parent's group and kind, each backend's) make no diff.
        await stack.preview(["--expect-no-changes"]);
        const before = stack.get("httproute", "web");
        stack.setConfig(config({ web: 50, canary: 50 }));
        await stack.up();
        const after = stack.get("httproute", "web");
        expect(after.metadata.uid).toBe(before.metadata.uid);
        expect(after.spec.rules[0].backendRefs).toEqual([serviceRef("web", 80, 50), serviceRef("canary", 8080, 50)]);
    });
});
