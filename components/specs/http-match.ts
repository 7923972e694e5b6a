import { z } from "zod";
import { isDnsSubdomain } from "../../kube/names";
import { repeatedIndexes, show } from "../../kube/schemas";

// What an HTTP request is matched on, host and path, as the API server validates it for an Ingress
// (k8s.io/kubernetes pkg/apis/networking/validation) and for an HTTPRoute (the Gateway API CRD's schema and CEL rules),
// so a route the cluster would refuse is refused before anything is deployed.

const HOSTNAME_MAX = 253;
const WILDCARD = "*.";

/** An IPv4 address as the API server's ParseIPSloppy reads one: four decimal parts up to 255, leading zeros allowed. */
function isIPv4(value: string): boolean {
    const parts = value.split(".");
    return parts.length === 4 && parts.every((p) => /^\d+$/.test(p) && Number(p) <= 255);
}

/** A DNS name, optionally with one leading `*.` label; never an IP address (both APIs refuse those). */
export function isHostname(value: string): boolean {
    const name = value.startsWith(WILDCARD) ? value.slice(WILDCARD.length) : value;
    return value.length <= HOSTNAME_MAX && isDnsSubdomain(name) && !isIPv4(value);
}

export const HOSTNAME_HELP = `a DNS name of lowercase letters, digits, '-' and '.' (at most ${HOSTNAME_MAX} characters), optionally starting with "*." for every name one level below (e.g. "*.example.com"); not an IP address`;

export const hostname = z.string().refine(isHostname, {
    error: (iss) => `${show(iss.input)} is not a host name; allowed: ${HOSTNAME_HELP}`,
}).meta({ type: "host name" });

/** A refusal of an empty list that says what the key is for: `atLeastOne("host name")`. */
export const atLeastOne = (what: string) => ({ error: () => `is empty; allowed: at least one ${what}, or leave the key out for the default` });

/** Host names, each once (a repeat would only make a second, identical rule). */
export const hostnames = z.array(hostname).superRefine((names, ctx) => {
    for (const i of repeatedIndexes(names)) ctx.addIssue({ code: "custom", path: [i], message: `${show(names[i])} is listed twice; allowed: each host name once` });
});

// Both APIs refuse these in an Exact or prefix path: a proxy could normalise them into another path than the one matched.
const PATH_SEQUENCES = ["//", "/./", "/../", "%2f", "%2F"];
const PATH_SUFFIXES = ["/..", "/."];

/** Why the API server refuses `path` as an Ingress's Exact or Prefix path, or undefined. */
export function ingressPathProblem(path: string): string | undefined {
    if (!path.startsWith("/")) return `${show(path)} is not an absolute path; allowed: a path starting with "/"`;
    const sequence = PATH_SEQUENCES.find((s) => path.includes(s));
    if (sequence !== undefined) return `${show(path)} contains ${show(sequence)}; allowed: a path without "//", "/./", "/../", "%2f" or "%2F"`;
    const suffix = PATH_SUFFIXES.find((s) => path.endsWith(s));
    if (suffix !== undefined) return `${show(path)} ends with ${show(suffix)}; allowed: a path not ending with "/." or "/.."`;
    return undefined;
}

export const ROUTE_PATH_MAX = 1024;
/** The characters of a URL path (RFC 3986 pchar and "/"), a "%" only as an escape: the HTTPRoute CRD's pattern. */
const ROUTE_PATH = /^(?:[-A-Za-z0-9/._~!$&'()*+,;=:@]|%[0-9a-fA-F]{2})+$/;

/** Why the HTTPRoute CRD refuses `path` as an Exact or PathPrefix value, or undefined: the Ingress rules and more. */
export function routePathProblem(path: string): string | undefined {
    if (path.length > ROUTE_PATH_MAX) return `${show(path)} is ${path.length} characters long; allowed: at most ${ROUTE_PATH_MAX}`;
    const problem = ingressPathProblem(path);
    if (problem !== undefined) return problem;
    if (path.includes("#")) return `${show(path)} contains "#"; allowed: a path without a fragment`;
    if (!ROUTE_PATH.test(path)) return `${show(path)} has characters a URL path cannot hold; allowed: letters, digits, "-._~!$&'()*+,;=:@/" and %-escapes such as "%20"`;
    return undefined;
}
