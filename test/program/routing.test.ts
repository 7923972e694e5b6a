import { describe, expect, it } from "vitest";
import { runProgram } from "../support/run-program";

/* eslint-disable @typescript-eslint/no-explicit-any */
const app = (name: string, extra: Record<string, unknown> = {}) => ({
    name,
    type: "stateless",
    image: "nginxinc/nginx-unprivileged:1.27.3-alpine",
    resources: { requests: { cpu: "250m", memory: "128Mi" }, limits: { cpu: "500m", memory: "256Mi" } },
    ...extra,
});
const config = (apps: unknown[]) => ({
    "kube-appstack:cluster": { kubeconfig: { context: "staging" } },
    "kube-appstack:namespace": { name: "apps" },
    "kube-appstack:apps": apps,
});

describe("StatelessApp routing", () => {
    it("declares the Ingress without waiting for an ingress controller to publish an address, under the app", async () => {
        const run = await runProgram("staging", config([app("web", { ingress: { hosts: ["www.example.com"], tls: { clusterIssuer: "letsencrypt" } } })]));
        const ingress = run.get("kubernetes:networking.k8s.io/v1:Ingress", "web");
        expect((ingress.inputs as any).metadata.annotations).toEqual({
            "cert-manager.io/cluster-issuer": "letsencrypt", "pulumi.com/patchForce": "true", "pulumi.com/skipAwait": "true",
        });
        expect(ingress.parent).toMatch(/::kube-appstack:index:StatelessApp::web$/);
    });

    it("declares the HTTPRoute as a Gateway API custom resource, split to the canary's Service port", async () => {
        const run = await runProgram("staging", config([
            app("web", { route: { gateway: { name: "public", namespace: "gateway-system" }, weights: { web: 4, canary: 1 } } }),
            app("canary", { service: { port: 8080 } }),
        ]));
        const route = run.get("kubernetes:gateway.networking.k8s.io/v1:HTTPRoute", "web");
        expect((route.inputs as any).metadata.annotations).toEqual({ "pulumi.com/patchForce": "true" });
        expect((route.inputs as any).spec.rules[0].backendRefs).toEqual([{ name: "web", port: 80, weight: 4 }, { name: "canary", port: 8080, weight: 1 }]);
        expect(run.ofType("kubernetes:gateway.networking.k8s.io/v1:HTTPRoute")).toHaveLength(1);
    });
});
