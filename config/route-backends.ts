import { primaryPort, primaryServicePort } from "../components/specs/ports";
import { StatelessAppArgs } from "../components/specs/stateless-app";
import { formatPath, suggestion } from "../kube/schema-problems";
import { CONFIG_NAMESPACE } from "./load-stack-config";
import { StackConfig } from "./stack-config";

// A route's `weights` name other apps of the stack: each must be a stateless app, whose Service (named like it) the
// HTTPRoute sends its share to, on that Service's port.

/** Every `route.weights` entry names a stateless app of the stack serving TCP first: a typo, a stateful app or a UDP one would get no traffic. */
export function routeBackendProblems(config: StackConfig): string[] {
    // What a route may name: a stateless app serving TCP first (a typo's suggestion never names one refused next).
    const backends = config.apps.filter((app) => app.type === "stateless" && primaryPort(app).protocol === "TCP").map((app) => app.name);
    return config.apps.flatMap((app, i) => (app.type !== "stateless" ? [] : Object.keys(app.route?.weights ?? {}).flatMap((name) => {
        // The app's own first port is checked with its route.
        if (name === app.name) return [];
        const backend = config.apps.find((a) => a.name === name && a.type === "stateless");
        if (backend !== undefined) {
            // Its share of HTTP goes to its Service's first port, which the API server takes over UDP too: nothing would answer.
            const first = primaryPort(backend);
            return first.protocol === "TCP" ? [] : [`${formatPath(["apps", i, "route", "weights", name], `${CONFIG_NAMESPACE}:`)}: ${JSON.stringify(name)} gets HTTP on its first port ${JSON.stringify(first.name)}, which is ${first.protocol}; allowed: a stateless app whose first port is TCP (list it first in its ports)`];
        }
        const what = config.apps.some((a) => a.name === name) ? "is a stateful app, which has no Service a route may split traffic to" : `is no app of this stack${suggestion(name, backends)}`;
        return [`${formatPath(["apps", i, "route", "weights", name], `${CONFIG_NAMESPACE}:`)}: ${JSON.stringify(name)} ${what}; allowed: ${backends.map((n) => JSON.stringify(n)).join(", ")} (stateless apps whose first port is TCP)`];
    })));
}

/** The app's args with the Service port of every other app its route's weights name. */
export function withBackendPorts(args: StatelessAppArgs, config: StackConfig): StatelessAppArgs {
    if (args.route?.weights === undefined) return args;
    const ports = Object.fromEntries(config.apps.flatMap((app) => (app.type === "stateless" && app.name in args.route!.weights! ? [[app.name, primaryServicePort(app, { args: app.service })]] : [])));
    return { ...args, route: { ...args.route, backendPorts: ports } };
}
