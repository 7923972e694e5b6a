// Routing config the API server (or the HTTPRoute CRD's schema and rules) would refuse, or that could route nowhere, is
// refused with one message naming the key path, the value and what is allowed.
import { describe, expect, it } from "vitest";
import { StackConfigError } from "../../config/load-stack-config";
import { validateStackConfig } from "../../config/validate-stack";
import { stackObjects } from "../../program/stack-objects";
import { stackPlan } from "../../program/stack-plan";

const resources = { requests: { cpu: "250m", memory: "128Mi" }, limits: { cpu: "500m", memory: "256Mi" } };
const app = (name: string, extra: Record<string, unknown> = {}) => ({ name, type: "stateless", image: "nginxinc/nginx-unprivileged:1.27.3-alpine", resources, ...extra });
const db = { name: "db", type: "stateful", image: "redis:7.4.1-alpine", resources, storage: { size: "1Gi" } };
const raw = (apps: unknown[]) => ({ cluster: { kubeconfig: { context: "c" } }, namespace: { name: "apps" }, apps });
const gateway = { name: "public" };

function problems(apps: unknown[]): string[] {
    try {
        validateStackConfig("test", raw(apps), []);
    } catch (error) {
        expect(error).toBeInstanceOf(StackConfigError);
        return (error as StackConfigError).problems;
    }
    return [];
}

describe("an app's ingress in a stack config", () => {
    it("accepts hosts with a wildcard, paths of both types, TLS from cert-manager and controller annotations", () => {
        expect(problems([app("web", {
            ingress: {
                className: "nginx", hosts: ["www.example.com", "*.example.com"], paths: [{ path: "/" }, { path: "/api/v1", pathType: "Exact" }],
                tls: { clusterIssuer: "letsencrypt" }, annotations: { "nginx.ingress.kubernetes.io/ssl-redirect": "true" },
            },
        })])).toEqual([]);
    });

    const cases: Array<[string, unknown, string]> = [
        ["an IP address as a host", { hosts: ["10.0.0.1"] },
            'kube-appstack:apps[0].ingress.hosts[0]: "10.0.0.1" is not a host name; allowed: a DNS name of lowercase letters, digits, \'-\' and \'.\' (at most 253 characters), optionally starting with "*." for every name one level below (e.g. "*.example.com"); not an IP address'],
        ["a wildcard inside a host", { hosts: ["www.*.example.com"] }, 'kube-appstack:apps[0].ingress.hosts[0]: "www.*.example.com" is not a host name; allowed: '],
        ["an upper-case host", { hosts: ["WWW.example.com"] }, 'kube-appstack:apps[0].ingress.hosts[0]: "WWW.example.com" is not a host name'],
        ["a host twice", { hosts: ["a.example.com", "a.example.com"] }, 'kube-appstack:apps[0].ingress.hosts[1]: "a.example.com" is listed twice; allowed: each host name once'],
        ["a relative path", { paths: [{ path: "api" }] }, 'kube-appstack:apps[0].ingress.paths[0].path: "api" is not an absolute path; allowed: a path starting with "/"'],
        ["a path with /../", { paths: [{ path: "/a/../b" }] }, 'kube-appstack:apps[0].ingress.paths[0].path: "/a/../b" contains "/../"; allowed: a path without "//", "/./", "/../", "%2f" or "%2F"'],
        ["a path ending in /.", { paths: [{ path: "/a/." }] }, 'kube-appstack:apps[0].ingress.paths[0].path: "/a/." ends with "/."; allowed: a path not ending with "/." or "/.."'],
        ["the ImplementationSpecific path type", { paths: [{ path: "/", pathType: "ImplementationSpecific" }] }, "kube-appstack:apps[0].ingress.paths[0].pathType: "],
        ["two TLS sources", { hosts: ["a.example.com"], tls: { secretName: "a", clusterIssuer: "b" } },
            'kube-appstack:apps[0].ingress.tls: allowed: exactly one of { secretName: "<existing Secret>" }, { clusterIssuer: "<name>" } or { issuer: "<name>" }'],
        ["TLS without hosts", { tls: { clusterIssuer: "letsencrypt" } }, "kube-appstack:apps[0].ingress.tls: is set without hosts, so no certificate could name them; allowed: list the host names in hosts"],
        ["an invalid Secret name", { hosts: ["a.example.com"], tls: { secretName: "My_Cert" } }, 'kube-appstack:apps[0].ingress.tls.secretName: "My_Cert" is not a valid name'],
        ["the class as an annotation", { annotations: { "kubernetes.io/ingress.class": "nginx" } },
            'kube-appstack:apps[0].ingress.annotations["kubernetes.io/ingress.class"]: is set by the stack from className; allowed: className instead'],
        ["the issuer as an annotation", { annotations: { "cert-manager.io/cluster-issuer": "x" } },
            'kube-appstack:apps[0].ingress.annotations["cert-manager.io/cluster-issuer"]: is set by the stack from tls.clusterIssuer; allowed: tls.clusterIssuer instead'],
        // Pulumi's provider reads these, and the program sets skipAwait and patchForce itself: a rendered value would lie.
        ["an annotation of Pulumi's provider", { annotations: { "pulumi.com/skipAwait": "false" } },
            'kube-appstack:apps[0].ingress.annotations["pulumi.com/skipAwait"]: is read by Pulumi\'s Kubernetes provider, whose annotations the stack sets; allowed: an annotation outside pulumi.com/'],
        ["an invalid class", { className: "Nginx" }, 'kube-appstack:apps[0].ingress.className: "Nginx" is not a valid name'],
        ["no hosts in the list", { hosts: [] }, "kube-appstack:apps[0].ingress.hosts: is empty; allowed: at least one host name, or leave the key out for the default"],
        // 40 KB of config would make an Ingress of a million paths (gigabytes to build), which etcd could never hold.
        ["more host and path pairs than an Ingress can hold", { hosts: Array.from({ length: 300 }, (_, i) => `h${i}.example.com`), paths: Array.from({ length: 300 }, (_, i) => ({ path: `/p${i}` })) },
            "kube-appstack:apps[0].ingress.paths: 300 paths on each of 300 hosts make 90000 path entries; allowed: at most 68385 (the most an object of 1.5 MiB, etcd's limit, can hold)"],
        // Hosts alone, each with the default path: the hosts are what to cut.
        ["more hosts than an Ingress can hold, with the default path", { hosts: Array.from({ length: 68386 }, (_, i) => `h${i}.example.com`) },
            "kube-appstack:apps[0].ingress.hosts: 68386 hosts with the default path each make 68386 path entries; allowed: at most 68385"],
    ];
    it("takes exactly as many host and path entries as an Ingress can hold", () => {
        expect(problems([app("web", { ingress: { hosts: Array.from({ length: 68385 }, (_, i) => `h${i}.example.com`) } })])).toEqual([]);
    });

    it.each(cases)("refuses %s", (_what, ingress, message) => {
        const found = problems([app("web", { ingress })]);
        expect(found).toHaveLength(1);
        expect(found[0].startsWith(message), found[0]).toBe(true);
    });
});

describe("an app's route in a stack config", () => {
    it("accepts a route split between the app and a canary, with path, header and method matches", () => {
        expect(problems([
            app("web", {
                route: {
                    gateway: { name: "public", namespace: "gateway-system", sectionName: "https" }, hostnames: ["www.example.com"],
                    matches: [{ path: { type: "Exact", value: "/login" }, headers: [{ name: "X-Env", value: "prod" }], method: "POST" }, { path: { type: "RegularExpression", value: "^/v\\d+" } }],
                    weights: { web: 95, "web-canary": 5 },
                },
            }),
            app("web-canary"),
        ])).toEqual([]);
    });

    const cases: Array<[string, unknown, string]> = [
        ["no gateway", { hostnames: ["a.example.com"] }, "kube-appstack:apps[0].route.gateway: required, but missing"],
        ["17 host names", { gateway, hostnames: Array.from({ length: 17 }, (_, i) => `h${i}.example.com`) },
            "kube-appstack:apps[0].route.hostnames: has 17 host names; allowed: at most 16 (the Gateway API's limit)"],
        ["65 matches", { gateway, matches: Array.from({ length: 65 }, () => ({})) }, "kube-appstack:apps[0].route.matches: has 65 matches; allowed: at most 64 (the Gateway API's limit)"],
        ["a relative prefix", { gateway, matches: [{ path: { value: "api" } }] }, 'kube-appstack:apps[0].route.matches[0].path.value: "api" is not an absolute path; allowed: a path starting with "/"'],
        ["a fragment in an exact path", { gateway, matches: [{ path: { type: "Exact", value: "/a#b" } }] }, 'kube-appstack:apps[0].route.matches[0].path.value: "/a#b" contains "#"; allowed: a path without a fragment'],
        ["a space in a path", { gateway, matches: [{ path: { value: "/a b" } }] }, 'kube-appstack:apps[0].route.matches[0].path.value: "/a b" has characters a URL path cannot hold'],
        ["an empty header value", { gateway, matches: [{ headers: [{ name: "X-A", value: "" }] }] }, 'kube-appstack:apps[0].route.matches[0].headers[0].value: "" is 0 characters long; allowed: 1 to 4096'],
        ["no matches in the list", { gateway, matches: [] }, "kube-appstack:apps[0].route.matches: is empty; allowed: at least one match, or leave the key out for the default"],
        ["an empty regular expression", { gateway, matches: [{ path: { type: "RegularExpression", value: "" } }] }, 'kube-appstack:apps[0].route.matches[0].path.value: "" is 0 characters long; allowed: 1 to 1024'],
        ["a header matched twice, in another case", { gateway, matches: [{ headers: [{ name: "X-A", value: "1" }, { name: "x-a", value: "2" }] }] },
            'kube-appstack:apps[0].route.matches[0].headers[1].name: "x-a" is matched twice; allowed: each header once (names are case-insensitive)'],
        ["a header name with a colon", { gateway, matches: [{ headers: [{ name: "X:A", value: "1" }] }] }, 'kube-appstack:apps[0].route.matches[0].headers[0].name: "X:A" is not a header name'],
        ["a weight above the API's limit", { gateway, weights: { web: 1000001 } }, 'kube-appstack:apps[0].route.weights.web: 1000001 is out of range; allowed: an integer from 0 to 1000000'],
        ["only zero weights", { gateway, weights: { web: 0 } }, "kube-appstack:apps[0].route.weights: gives every app weight 0, so every request would get a 500; allowed: at least one weight above 0"],
        ["no weights", { gateway, weights: {} }, "kube-appstack:apps[0].route.weights: names no app; allowed: at least one app and its weight"],
        ["a weight for an app the stack lacks", { gateway, weights: { web: 9, "web-canry": 1 } },
            'kube-appstack:apps[0].route.weights["web-canry"]: "web-canry" is no app of this stack (did you mean "web-canary"?); allowed: "web", "web-canary" (stateless apps whose first port is TCP)'],
        ["a weight for a stateful app", { gateway, weights: { web: 9, db: 1 } },
            'kube-appstack:apps[0].route.weights.db: "db" is a stateful app, which has no Service a route may split traffic to; allowed: "web", "web-canary" (stateless apps whose first port is TCP)'],
        ["an unknown key", { gateway, hostname: ["a.example.com"] }, 'kube-appstack:apps[0].route.hostname: unknown key (did you mean "hostnames"?)'],
    ];
    it.each(cases)("refuses %s", (_what, route, message) => {
        const found = problems([app("web", { route }), app("web-canary"), db]);
        expect(found).toHaveLength(1);
        expect(found[0].startsWith(message), found[0]).toBe(true);
    });

    it("refuses an ingress and a route on one app, once", () => {
        expect(problems([app("web", { ingress: {}, route: { gateway } })])).toEqual([
            "kube-appstack:apps[0].route: is set beside ingress; allowed: one of ingress (an Ingress) or route (a Gateway API HTTPRoute)",
        ]);
    });

    it("refuses routing HTTP to a first port over UDP, and takes it once a TCP port comes first", () => {
        const udp = { name: "syslog", port: 514, protocol: "UDP" };
        // Its probes are exec probes, so the default probes' own complaint about the UDP port stays out of the way.
        const probes = { readinessProbe: { type: "exec", command: ["true"] }, livenessProbe: { type: "exec", command: ["true"] } };
        expect(problems([app("web", { ports: [udp], ingress: {}, ...probes })])).toEqual([
            'kube-appstack:apps[0].ingress: sends HTTP to the app\'s first port "syslog", which is UDP; allowed: a first port over TCP (list it first in ports)',
        ]);
        expect(problems([app("web", { ports: [udp], route: { gateway }, ...probes })])).toEqual([
            'kube-appstack:apps[0].route: sends HTTP to the app\'s first port "syslog", which is UDP; allowed: a first port over TCP (list it first in ports)',
        ]);
        expect(problems([app("web", { ports: [{ name: "web", port: 8080 }, udp], route: { gateway } })])).toEqual([]);
    });

    it("refuses a share of HTTP for an app whose first port is UDP", () => {
        const dns = app("dns", { ports: [{ name: "dns", port: 53, protocol: "UDP" }], readinessProbe: { type: "exec", command: ["true"] }, livenessProbe: { type: "exec", command: ["true"] } });
        expect(problems([app("web", { route: { gateway, weights: { web: 1, dns: 1 } } }), dns])).toEqual([
            'kube-appstack:apps[0].route.weights.dns: "dns" gets HTTP on its first port "dns", which is UDP; allowed: a stateless app whose first port is TCP (list it first in its ports)',
        ]);
        // A typo is never pointed at it: the next run would refuse the suggestion.
        expect(problems([app("web", { route: { gateway, weights: { web: 1, dsn: 1 } } }), dns])).toEqual([
            'kube-appstack:apps[0].route.weights.dsn: "dsn" is no app of this stack; allowed: "web" (stateless apps whose first port is TCP)',
        ]);
    });

    it("sends a canary's share to its Service port, from the canary's own config", () => {
        const config = validateStackConfig("test", raw([app("web", { route: { gateway, weights: { web: 3, "web-canary": 1 } } }), app("web-canary", { service: { port: 8080 } })]), []);
        const route = stackObjects(stackPlan(config), config.cluster).find((o) => o.kind === "HTTPRoute");
        expect(route?.spec).toMatchObject({ rules: [{ backendRefs: [{ name: "web", port: 80, weight: 3 }, { name: "web-canary", port: 8080, weight: 1 }] }] });
    });
});

describe("apps routed side by side", () => {
    const tls = { clusterIssuer: "letsencrypt" };

    it("refuses a second app's Ingress on a host and path another app's Ingress of the same class has", () => {
        expect(problems([
            app("web", { ingress: { hosts: ["www.example.com"], paths: [{ path: "/" }, { path: "/api" }] } }),
            app("api", { ingress: { hosts: ["api.example.com", "www.example.com"], paths: [{ path: "/api" }] } }),
            app("blog", { ingress: { hosts: ["www.example.com"] } }),
        ])).toEqual([
            'kube-appstack:apps[1].ingress.paths[0]: Prefix "/api" on "www.example.com" is routed by the Ingress of apps[0] ("web") already; allowed: a host or path no other app\'s Ingress of its class routes (the controller would send the requests to one of the two)',
            'kube-appstack:apps[2].ingress: the default path Prefix "/" on "www.example.com" is routed by the Ingress of apps[0] ("web") already; allowed: a host or path no other app\'s Ingress of its class routes (the controller would send the requests to one of the two)',
        ]);
        // Two Ingresses without hosts claim the same path on every host.
        expect(problems([app("web", { ingress: {} }), app("api", { ingress: {} })])).toEqual([
            'kube-appstack:apps[1].ingress: the default path Prefix "/" on every host is routed by the Ingress of apps[0] ("web") already; allowed: a host or path no other app\'s Ingress of its class routes (the controller would send the requests to one of the two)',
        ]);
        // Another path type, another class or another host is another route.
        expect(problems([
            app("web", { ingress: { hosts: ["www.example.com"] } }),
            app("exact", { ingress: { hosts: ["www.example.com"], paths: [{ path: "/", pathType: "Exact" }] } }),
            app("other", { ingress: { className: "internal", hosts: ["www.example.com"] } }),
            app("wild", { ingress: { hosts: ["*.example.com"] } }),
        ])).toEqual([]);
    });

    it("refuses a second app's route on the same Gateway, host name and match as another app's route", () => {
        const match = { path: { value: "/v2" }, headers: [{ name: "X-Canary", value: "1" }], method: "GET" };
        expect(problems([
            app("web", { route: { gateway, hostnames: ["api.example.com"], matches: [match] } }),
            app("api", { route: { gateway: { name: "public", namespace: "apps" }, hostnames: ["api.example.com"], matches: [{ ...match, path: { type: "PathPrefix", value: "/v2" }, headers: [{ name: "x-canary", value: "1", type: "Exact" }] }] } }),
            app("blog", { route: { gateway } }),
            app("docs", { route: { gateway } }),
        ])).toEqual([
            'kube-appstack:apps[1].route.matches[0]: matches on "api.example.com" the requests the route of apps[0] ("web") matches already on Gateway "apps/public"; allowed: another host name or match (the Gateway would give them to the older route alone)',
            'kube-appstack:apps[3].route: the default match (every path under "/") matches on every host name the requests the route of apps[2] ("blog") matches already on Gateway "apps/public"; allowed: another host name or match (the Gateway would give them to the older route alone)',
        ]);
        expect(problems([app("web", { route: { gateway } }), app("api", { route: { gateway: { name: "internal" } } }), app("b", { route: { gateway, hostnames: ["b.example.com"] } })])).toEqual([]);
    });

    it("refuses a TLS Secret that is the one cert-manager keeps another app's certificate in", () => {
        expect(problems([
            app("web", { ingress: { hosts: ["www.example.com"], tls } }),
            app("api", { ingress: { hosts: ["api.example.com"], tls: { secretName: "web-tls" } } }),
        ])).toEqual([
            'kube-appstack:apps[1].ingress.tls.secretName: "web-tls" is the Secret cert-manager keeps the certificate of apps[0] ("web") in, for its hosts; allowed: a Secret of this app\'s own, or tls.clusterIssuer or tls.issuer for a certificate of its hosts',
        ]);
        // Its own name, or a Secret shared by apps that all bring it (a wildcard certificate), is fine.
        expect(problems([
            app("web", { ingress: { hosts: ["www.example.com"], tls: { secretName: "web-tls" } } }),
            app("api", { ingress: { hosts: ["api.example.com"], tls: { secretName: "web-tls" } } }),
        ])).toEqual([]);
    });
});
