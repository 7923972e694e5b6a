import { CERT_MANAGER_ANNOTATIONS, DEFAULT_INGRESS_PATH, ingressTlsSecretName } from "../components/specs/ingress";
import { DEFAULT_HEADER_MATCH_TYPE, DEFAULT_ROUTE_PATH } from "../components/specs/http-route";
import { formatPath } from "../kube/schema-problems";
import { CONFIG_NAMESPACE } from "./load-stack-config";
import { StackConfig } from "./stack-config";

// Two apps' Ingresses (or HTTPRoutes) can claim the same requests, and one app's TLS can name the Secret cert-manager
// keeps another app's certificate in: the API server takes all of it, and which app answers, or which certificate is
// served, is then up to the controller. Only exact repeats are refused: a more specific host or path wins by the APIs'
// own rules.

type StatelessApp = Extract<StackConfig["apps"][number], { type: "stateless" }>;

interface Claim {
    key: string;
    /** Where a later claim is reported, and what it claims, for the message. */
    where: Array<string | number>;
    what: string;
    gateway?: string;
}

/** The first app claiming each key keeps it; a later app's claims of keys taken are one problem per key path. */
function repeats(config: StackConfig, claimsOf: (app: StatelessApp) => Claim[], problem: (claim: Claim, owner: string) => string): string[] {
    const owners = new Map<string, number>();
    const problems = new Map<string, string>();
    config.apps.forEach((app, i) => {
        if (app.type !== "stateless") return;
        for (const claim of claimsOf(app)) {
            const owner = owners.get(claim.key);
            if (owner === undefined) owners.set(claim.key, i);
            else if (owner !== i) {
                const path = formatPath(["apps", i, ...claim.where], `${CONFIG_NAMESPACE}:`);
                // A path on several hosts taken already: the first of them tells what to change.
                if (!problems.has(path)) problems.set(path, `${path}: ${problem(claim, `apps[${owner}] (${JSON.stringify(config.apps[owner].name)})`)}`);
            }
        }
    });
    return [...problems.values()];
}

function ingressClaims(app: StatelessApp): Claim[] {
    const ingress = app.ingress;
    if (ingress === undefined) return [];
    const paths = ingress.paths ?? [DEFAULT_INGRESS_PATH];
    return paths.flatMap((p, j) => {
        const type = p.pathType ?? DEFAULT_INGRESS_PATH.pathType;
        return (ingress.hosts ?? [undefined]).map((host) => ({
            key: JSON.stringify([ingress.className ?? null, host ?? null, type, p.path]),
            where: ingress.paths === undefined ? ["ingress"] : ["ingress", "paths", j],
            what: `${ingress.paths === undefined ? "the default path " : ""}${type} ${JSON.stringify(p.path)} on ${host === undefined ? "every host" : JSON.stringify(host)}`,
        }));
    });
}

function routeClaims(namespace: string) {
    return (app: StatelessApp): Claim[] => {
        const route = app.route;
        if (route === undefined) return [];
        const gateway = `${route.gateway.namespace ?? namespace}/${route.gateway.name}`;
        const matches = route.matches ?? [{}];
        return matches.flatMap((m, j) => {
            const match = {
                path: [m.path?.type ?? DEFAULT_ROUTE_PATH.type, m.path?.value ?? DEFAULT_ROUTE_PATH.value],
                // Header names are case-insensitive, and the order of a match's headers means nothing.
                headers: (m.headers ?? []).map((h) => [h.name.toLowerCase(), h.type ?? DEFAULT_HEADER_MATCH_TYPE, h.value]).sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)),
                method: m.method ?? null,
            };
            return (route.hostnames ?? [undefined]).map((host) => ({
                key: JSON.stringify([gateway, route.gateway.sectionName ?? null, host ?? null, match]),
                where: route.matches === undefined ? ["route"] : ["route", "matches", j],
                what: `${route.matches === undefined ? `the default match (every path under ${JSON.stringify(DEFAULT_ROUTE_PATH.value)}) ` : ""}matches on ${host === undefined ? "every host name" : JSON.stringify(host)}`,
                gateway,
            }));
        });
    };
}

/** The Secret of `tls.secretName` must not be the one cert-manager fills with another app's certificate. */
function tlsSecretProblems(config: StackConfig): string[] {
    const issued = new Map<string, number>();
    config.apps.forEach((app, i) => {
        const tls = app.type === "stateless" ? app.ingress?.tls : undefined;
        if (tls !== undefined && Object.keys(CERT_MANAGER_ANNOTATIONS).some((key) => key in tls)) issued.set(ingressTlsSecretName(app.name), i);
    });
    return config.apps.flatMap((app, i) => {
        const tls = app.type === "stateless" ? app.ingress?.tls : undefined;
        if (tls === undefined || !("secretName" in tls)) return [];
        const owner = issued.get(tls.secretName);
        if (owner === undefined || owner === i) return [];
        return [`${formatPath(["apps", i, "ingress", "tls", "secretName"], `${CONFIG_NAMESPACE}:`)}: ${JSON.stringify(tls.secretName)} is the Secret cert-manager keeps the certificate of apps[${owner}] (${JSON.stringify(config.apps[owner].name)}) in, for its hosts; allowed: a Secret of this app's own, or tls.clusterIssuer or tls.issuer for a certificate of its hosts`];
    });
}

/** Requests two apps' Ingresses or routes both claim, and TLS Secrets one app takes from another's cert-manager. */
export function routingConflictProblems(config: StackConfig): string[] {
    return [
        ...repeats(config, ingressClaims, (claim, owner) =>
            `${claim.what} is routed by the Ingress of ${owner} already; allowed: a host or path no other app's Ingress of its class routes (the controller would send the requests to one of the two)`),
        ...repeats(config, routeClaims(config.namespace.name), (claim, owner) =>
            `${claim.what} the requests the route of ${owner} matches already on Gateway ${JSON.stringify(claim.gateway)}; allowed: another host name or match (the Gateway would give them to the older route alone)`),
        ...tlsSecretProblems(config),
    ];
}
