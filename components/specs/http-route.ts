import { z } from "zod";
import { code, dnsLabel, dnsSubdomain, intIn, port, repeatedIndexes, serviceName, show } from "../../kube/schemas";
import { compact, KubeObject } from "./kube-object";
import { atLeastOne, hostnames, ROUTE_PATH_MAX, routePathProblem } from "./http-match";
import { type PortArgs, primaryPort } from "./ports";

// The Gateway API's limits (HTTPRoute CRD, standard channel v1): what its schema and CEL rules refuse is refused here.
export const MAX_ROUTE_HOSTNAMES = 16;
export const MAX_ROUTE_MATCHES = 64;
export const MAX_ROUTE_BACKENDS = 16;
export const MAX_HEADER_MATCHES = 16;
export const MAX_BACKEND_WEIGHT = 1_000_000;
const HEADER_NAME_MAX = 256;
const HEADER_VALUE_MAX = 4096;
/** An HTTP header name: an RFC 7230 token. */
const HEADER_NAME = /^[A-Za-z0-9!#$%&'*+\-.^_`|~]+$/;

export const ROUTE_PATH_TYPES = ["PathPrefix", "Exact", "RegularExpression"] as const;
export const DEFAULT_ROUTE_PATH = { type: "PathPrefix", value: "/" } as const;
export const DEFAULT_HEADER_MATCH_TYPE = "Exact";
export const HTTP_METHODS = ["GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH"] as const;

const atMost = (max: number, what: string) => ({ error: (iss: { input?: unknown }) => `has ${(iss.input as unknown[]).length} ${what}; allowed: at most ${max} (the Gateway API's limit)` });

const pathMatch = z.strictObject({
    type: z.enum(ROUTE_PATH_TYPES).optional().meta({
        description: "PathPrefix (by whole segments: `/api` matches `/api/x`, not `/apix`), Exact, or RegularExpression (its dialect is the Gateway implementation's).",
        default: code(DEFAULT_ROUTE_PATH.type),
    }),
    value: z.string().meta({ type: "URL path", description: "The path, or the regular expression." }),
}).superRefine((path, ctx) => {
    const problem = (path.type ?? DEFAULT_ROUTE_PATH.type) === "RegularExpression"
        ? (path.value.length === 0 || path.value.length > ROUTE_PATH_MAX ? `${show(path.value)} is ${path.value.length} characters long; allowed: 1 to ${ROUTE_PATH_MAX}` : undefined)
        : routePathProblem(path.value);
    if (problem !== undefined) ctx.addIssue({ code: "custom", path: ["value"], message: problem });
}).meta({ title: "Path match" });

const headerMatch = z.strictObject({
    name: z.string().refine((name) => name.length <= HEADER_NAME_MAX && HEADER_NAME.test(name), {
        error: (iss) => `${show(iss.input)} is not a header name; allowed: 1 to ${HEADER_NAME_MAX} letters, digits and !#$%&'*+-.^_\`|~`,
    }).meta({ type: "HTTP header name", description: "The header's name (matched without regard to case)." }),
    value: z.string().refine((value) => value.length >= 1 && value.length <= HEADER_VALUE_MAX, {
        error: (iss) => `${show(iss.input)} is ${String(iss.input).length} characters long; allowed: 1 to ${HEADER_VALUE_MAX}`,
    }).meta({ description: "The value, or the regular expression." }),
    type: z.enum(["Exact", "RegularExpression"]).optional().meta({ description: "How the value matches.", default: code(DEFAULT_HEADER_MATCH_TYPE) }),
}).meta({ title: "Header match" });

const routeMatch = z.strictObject({
    path: pathMatch.optional().meta({ description: "The request's path.", default: `\`${DEFAULT_ROUTE_PATH.value}\` (${DEFAULT_ROUTE_PATH.type})` }),
    headers: z.array(headerMatch).max(MAX_HEADER_MATCHES, atMost(MAX_HEADER_MATCHES, "headers")).superRefine((headers, ctx) => {
        for (const i of repeatedIndexes(headers.map((h) => h.name.toLowerCase()))) {
            ctx.addIssue({ code: "custom", path: [i, "name"], message: `${show(headers[i].name)} is matched twice; allowed: each header once (names are case-insensitive)` });
        }
    }).optional().meta({ description: "Headers the request must all have." }),
    method: z.enum(HTTP_METHODS).optional().meta({ description: "The request's method.", default: "any" }),
}).meta({ title: "Route match" });

/** The route's fields a stack config entry writes. */
export const httpRouteShape = {
    gateway: z.strictObject({
        name: dnsSubdomain.meta({ description: "The Gateway's name." }),
        namespace: dnsLabel.optional().meta({ description: "The Gateway's namespace (its listener must allow routes from the app's).", default: "the app's namespace" }),
        sectionName: dnsSubdomain.optional().meta({ description: "One listener of the Gateway, by name.", default: "every listener that allows the route" }),
    }).meta({ title: "Gateway reference", description: "The Gateway that serves the route (`parentRefs`)." }),
    hostnames: hostnames.min(1, atLeastOne("host name")).max(MAX_ROUTE_HOSTNAMES, atMost(MAX_ROUTE_HOSTNAMES, "host names")).optional().meta({
        description: 'Host names the route serves (`"*.example.com"` for every name one level below); they must fit the listener\'s.',
        default: "the listener's host names",
    }),
    matches: z.array(routeMatch).min(1, atLeastOne("match")).max(MAX_ROUTE_MATCHES, atMost(MAX_ROUTE_MATCHES, "matches")).optional().meta({
        description: "Requests routed: any one match suffices; within a match, path, headers and method must all fit.",
        default: `every path under \`${DEFAULT_ROUTE_PATH.value}\``,
    }),
    weights: z.record(serviceName, intIn(0, MAX_BACKEND_WEIGHT)).superRefine((weights, ctx) => {
        const entries = Object.entries(weights);
        if (entries.length === 0) ctx.addIssue({ code: "custom", message: "names no app; allowed: at least one app and its weight" });
        else if (entries.length > MAX_ROUTE_BACKENDS) ctx.addIssue({ code: "custom", message: `names ${entries.length} apps; allowed: at most ${MAX_ROUTE_BACKENDS} (the Gateway API's limit)` });
        else if (entries.every(([, w]) => w === 0)) ctx.addIssue({ code: "custom", message: "gives every app weight 0, so every request would get a 500; allowed: at least one weight above 0" });
    }).optional().meta({
        description: `Canary or blue-green split: stateless apps of the stack (this one included, by its name, when it keeps a share) and their weights, 0 to ${MAX_BACKEND_WEIGHT}; each gets weight / sum of the requests.`,
        default: "every request to this app",
    }),
};

/** A stack's route: what the config writes; the stack adds the other apps' ports (see httpRouteSchema). */
export const httpRouteConfigSchema = z.strictObject(httpRouteShape).meta({ title: "HTTP route" });

export const httpRouteSchema = z.strictObject({
    ...httpRouteShape,
    backendPorts: z.record(serviceName, port).optional().meta({
        description: "The Service port of each other app that `weights` names (a stack fills it in from those apps' config).",
    }),
}).meta({ title: "HTTP route" });

export type HttpRouteArgs = z.infer<typeof httpRouteSchema>;

/** The apps of `weights` other than `app` itself that have no port in `backendPorts`. */
export function missingBackendPorts(app: string, route: HttpRouteArgs | undefined): string[] {
    return Object.keys(route?.weights ?? {}).filter((name) => name !== app && route?.backendPorts?.[name] === undefined);
}

/** An app has an Ingress or an HTTPRoute, not both: two front doors with their own hosts and TLS drift apart. */
export function ingressOrRoute(app: PortArgs & { ingress?: unknown; route?: unknown }, ctx: z.RefinementCtx): void {
    if (app.ingress !== undefined && app.route !== undefined) {
        ctx.addIssue({ code: "custom", path: ["route"], message: "is set beside ingress; allowed: one of ingress (an Ingress) or route (a Gateway API HTTPRoute)" });
    }
    // Both send HTTP to the app's first port, which the API server would take over UDP too: no request would arrive.
    const first = primaryPort(app);
    const routed = app.route !== undefined ? "route" : app.ingress !== undefined ? "ingress" : undefined;
    if (routed !== undefined && first.protocol !== "TCP") {
        ctx.addIssue({ code: "custom", path: [routed], message: `sends HTTP to the app's first port ${JSON.stringify(first.name)}, which is ${first.protocol}; allowed: a first port over TCP (list it first in ports)` });
    }
}

/**
 * The app's HTTPRoute, named like it: one rule whose matches send requests to the app's Service, or split them by
 * `weights` between Services of the stack's apps.
 */
export function httpRouteObject(app: string, namespace: string, labels: Record<string, string>, servicePort: number, args: HttpRouteArgs): KubeObject {
    const missing = missingBackendPorts(app, args);
    if (missing.length > 0) throw new Error(`internal error: the route of ${app} names ${missing.join(", ")} without a port`);
    const portOf = (name: string) => (name === app ? servicePort : args.backendPorts![name]);
    // This app first, then the others by name: config maps reach the program with their keys in no order of the file's.
    const named = Object.keys(args.weights ?? {}).sort((a, b) => (a === app ? -1 : b === app ? 1 : a < b ? -1 : a > b ? 1 : 0));
    const backendRefs = args.weights
        ? named.map((name) => ({ name, port: portOf(name), weight: args.weights![name] }))
        : [{ name: app, port: servicePort }];
    const matches = (args.matches ?? [{}]).map((m) => compact({
        path: { type: m.path?.type ?? DEFAULT_ROUTE_PATH.type, value: m.path?.value ?? DEFAULT_ROUTE_PATH.value },
        headers: m.headers?.map((h) => ({ name: h.name, value: h.value, type: h.type ?? DEFAULT_HEADER_MATCH_TYPE })),
        method: m.method,
    }));
    return {
        apiVersion: "gateway.networking.k8s.io/v1",
        kind: "HTTPRoute",
        metadata: { name: app, namespace, labels },
        spec: compact({
            parentRefs: [compact({ name: args.gateway.name, namespace: args.gateway.namespace, sectionName: args.gateway.sectionName })],
            hostnames: args.hostnames,
            rules: [{ matches, backendRefs }],
        }),
    };
}
