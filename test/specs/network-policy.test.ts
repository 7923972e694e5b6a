// networkPolicy per app and the namespace's default deny of egress: the objects, as the API server validates them.
import { describe, expect, it } from "vitest";
import { appNamespaceObjects } from "../../components/specs/app-namespace";
import { statefulAppObjects } from "../../components/specs/stateful-app";
import { statelessAppObjects, StatelessAppArgs } from "../../components/specs/stateless-app";
import { StackConfigError } from "../../config/load-stack-config";
import { validateStackConfig } from "../../config/validate-stack";
import { validateAgainstOpenApi } from "../support/openapi";

/* eslint-disable @typescript-eslint/no-explicit-any */
const resources = { requests: { cpu: "250m", memory: "128Mi" }, limits: { cpu: "500m", memory: "256Mi" } };
const web = (extra: Partial<StatelessAppArgs> = {}): StatelessAppArgs => ({ namespace: "apps", image: "nginxinc/nginx-unprivileged:1.27.3-alpine", resources, ...extra });
const dns = {
    to: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } }, podSelector: { matchLabels: { "k8s-app": "kube-dns" } } }],
    ports: [{ protocol: "UDP", port: 53 }, { protocol: "TCP", port: 53 }],
};

describe("an app's network policy", () => {
    it("lets only the listed peers reach the app's port: apps, namespaces (some of their pods), networks", () => {
        const o = statelessAppObjects("api", web({
            port: 9000,
            networkPolicy: { ingressFrom: [{ app: "web" }, { namespace: "ingress-nginx" }, { namespace: "monitoring", podLabels: { "app.kubernetes.io/name": "prometheus" } }, { cidr: "10.0.0.0/8", except: ["10.1.0.0/16"] }] },
        }));
        expect((o.networkPolicy as any).spec).toEqual({
            podSelector: { matchLabels: { "app.kubernetes.io/name": "api", "app.kubernetes.io/instance": "api" } },
            policyTypes: ["Ingress"],
            ingress: [{
                from: [
                    { podSelector: { matchLabels: { "app.kubernetes.io/name": "web", "app.kubernetes.io/instance": "web" } } },
                    { namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "ingress-nginx" } } },
                    { namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "monitoring" } }, podSelector: { matchLabels: { "app.kubernetes.io/name": "prometheus" } } },
                    { ipBlock: { cidr: "10.0.0.0/8", except: ["10.1.0.0/16"] } },
                ],
                ports: [{ protocol: "TCP", port: 9000 }],
            }],
        });
        validateAgainstOpenApi(o.networkPolicy!);
    });

    it("denies all ingress with no peers, and with egressTo allows only those peers and cluster DNS", () => {
        const o = statefulAppObjects("db", { namespace: "apps", image: "redis:7.4.1-alpine", resources, storage: { size: "1Gi" }, port: 6379, networkPolicy: { ingressFrom: [], egressTo: [{ cidr: "fd00::/8" }] } });
        expect((o.networkPolicy as any).spec).toMatchObject({ policyTypes: ["Ingress", "Egress"], ingress: [], egress: [dns, { to: [{ ipBlock: { cidr: "fd00::/8" } }] }] });
        expect((statefulAppObjects("db", { namespace: "apps", image: "redis:7.4.1-alpine", resources, storage: { size: "1Gi" }, networkPolicy: { ingressFrom: [], egressTo: [] } }).networkPolicy as any).spec.egress).toEqual([dns]);
        validateAgainstOpenApi(o.networkPolicy!);
    });

    it("is absent unless asked for", () => {
        expect(statelessAppObjects("web", web()).networkPolicy).toBeUndefined();
    });
});

describe("the namespace's default deny of egress", () => {
    it("lets pods reach their own namespace and cluster DNS only", () => {
        const o = appNamespaceObjects("apps", { defaultDenyEgress: true });
        expect((o.egressPolicy as any).spec).toEqual({ podSelector: {}, policyTypes: ["Egress"], egress: [{ to: [{ podSelector: {} }] }, dns] });
        expect(o.egressPolicy!.metadata.name).toBe("default-deny-egress");
        validateAgainstOpenApi(o.egressPolicy!);
        expect(appNamespaceObjects("apps", {}).egressPolicy).toBeUndefined();
    });
});

describe("network policy in a stack config", () => {
    const app = (name: string, networkPolicy?: unknown) => ({ name, type: "stateless", image: "nginxinc/nginx-unprivileged:1.27.3-alpine", resources, networkPolicy });
    const problems = (apps: unknown[]): string[] => {
        try {
            validateStackConfig("test", { cluster: { kubeconfig: { context: "c" } }, namespace: { name: "apps" }, apps }, []);
            return [];
        } catch (error) {
            expect(error).toBeInstanceOf(StackConfigError);
            return (error as StackConfigError).problems;
        }
    };

    it("refuses a peer app the stack does not have, with a suggestion", () => {
        expect(problems([app("web"), app("api", { ingressFrom: [{ app: "webb" }] })])).toEqual([
            'kube-appstack:apps[1].networkPolicy.ingressFrom[0].app: "webb" is no app of this stack (did you mean "web"?); allowed: "web", "api" (use { namespace } for pods elsewhere)',
        ]);
        expect(problems([app("web"), app("api", { ingressFrom: [{ app: "web" }] })])).toEqual([]);
    });

    it("refuses an except that is not strictly inside its network, as the API server does", () => {
        expect(problems([app("api", { ingressFrom: [{ cidr: "10.0.0.0/8", except: ["10.1.0.0/16", "11.0.0.0/16"] }] })])).toEqual([
            'kube-appstack:apps[0].networkPolicy.ingressFrom[0].except[1]: "11.0.0.0/16" is not strictly inside "10.0.0.0/8"; allowed: a smaller network within cidr (the API server refuses others)',
        ]);
        expect(problems([app("api", { ingressFrom: [{ cidr: "fd00::/8", except: ["fd00:1::/32"] }] })])).toEqual([]);
    });

    it("refuses an IPv6 network with a zone, which Node's isIP takes and the API server's CIDR parser does not", () => {
        expect(problems([app("api", { ingressFrom: [{ cidr: "fe80::1%eth0/64" }] })])).toEqual([
            'kube-appstack:apps[0].networkPolicy.ingressFrom[0].cidr: "fe80::1%eth0/64" names an IPv6 zone (after "%"), which a CIDR cannot have; allowed: an IPv4 or IPv6 network such as "10.0.0.0/8" or "fd00::/8", without a zone',
        ]);
        expect(problems([app("api", { ingressFrom: [], egressTo: [{ cidr: "fe80::/10", except: ["fe80::%1/64"] }] })])).toEqual([
            'kube-appstack:apps[0].networkPolicy.egressTo[0].except[0]: "fe80::%1/64" names an IPv6 zone (after "%"), which a CIDR cannot have; allowed: an IPv4 or IPv6 network such as "10.0.0.0/8" or "fd00::/8", without a zone',
        ]);
        expect(problems([app("api", { ingressFrom: [{ cidr: "fe80::/10" }] })])).toEqual([]);
    });

    it("refuses a network that is no CIDR and a peer of no known shape", () => {
        expect(problems([app("api", { ingressFrom: [{ cidr: "10.0.0.0/33" }] })])[0]).toMatch(/^kube-appstack:apps\[0\]\.networkPolicy\.ingressFrom\[0\].*"10\.0\.0\.0\/33" is not a CIDR/);
        expect(problems([app("api", { ingressFrom: [{ pods: "web" }] })])[0]).toContain("allowed: { app: \"<name>\" }, { namespace: \"<name>\", podLabels?: {...} } or { cidr: \"<network>\", except?: [...] }");
    });
});
