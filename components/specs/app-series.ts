// Which time series belong to an app, as PromQL label matchers over what kube-state-metrics, the kubelet and cAdvisor
// export: series carry the pod's or claim's name, never the app's labels (kube-state-metrics exports pod labels only
// when allowlisted), so the names the controllers generate are matched exactly.

/** Characters of generated name suffixes: k8s.io/apimachinery's rand.SafeEncodeString (no vowels, no 0, 1, 3). */
const SAFE = "[bcdfghjklmnpqrstvwxz2456789]";
/** A Deployment's pod is `<replicaset>-<5 characters>`, the ReplicaSet `<deployment>-<pod-template-hash of 1 to 10>`. */
const HASH_MAX = 10;
const SUFFIX = 5;
/** The API server cuts a generateName base to 63 - 5 characters before it appends the random ones. */
const GENERATE_NAME_BASE_MAX = 58;

/** What a workload's series are matched by. */
export interface AppSeries {
    name: string;
    namespace: string;
    workload: "Deployment" | "StatefulSet";
    /** Claims the pods mount: names, and for a StatefulSet its volumeClaimTemplates' names. */
    claims: readonly string[];
    claimTemplates: readonly string[];
}

/** The app as its monitoring sees it: its series, its labels, its ports as its Services map them. */
export interface MonitoredApp extends AppSeries {
    labels: Record<string, string>;
    ports: ReadonlyArray<{ name: string; containerPort: number; protocol: string }>;
    autoscaled: boolean;
}

/** A regular expression (RE2, fully anchored as PromQL does) matching the names of the app's pods and no other app's. */
export function podNamePattern(app: Pick<AppSeries, "name" | "workload">): string {
    // A StatefulSet's pods are `<name>-<ordinal>`; its name is short enough never to be cut.
    if (app.workload === "StatefulSet") return `${app.name}-[0-9]+`;
    const base = `${app.name}-`;
    const room = GENERATE_NAME_BASE_MAX - base.length;
    if (room >= HASH_MAX + 1) return `${base}${SAFE}{1,${HASH_MAX}}-${SAFE}{${SUFFIX}}`;
    if (room <= 0) return `${base.slice(0, GENERATE_NAME_BASE_MAX)}${SAFE}{${SUFFIX}}`;
    // The hash and its dash were cut to `room` characters: a whole hash and dash, or the hash's first `room`.
    const whole = room >= 2 ? `${SAFE}{1,${room - 1}}-|` : "";
    return `${base}(${whole}${SAFE}{${room}})${SAFE}{${SUFFIX}}`;
}

/** A regular expression matching the claims the app's pods mount, or undefined when they mount none. */
export function claimNamePattern(app: Pick<AppSeries, "name" | "claims" | "claimTemplates">): string | undefined {
    const names = [...app.claimTemplates.map((t) => `${t}-${app.name}-[0-9]+`), ...app.claims];
    return names.length > 0 ? names.join("|") : undefined;
}

export type Matcher = readonly [label: string, op: "=" | "=~", value: string];

/** PromQL label matchers `{...}`: values quoted as PromQL strings (JSON's escapes are a subset of PromQL's). */
export function matchers(entries: readonly Matcher[]): string {
    return `{${entries.map(([label, op, value]) => `${label}${op}${JSON.stringify(value)}`).join(", ")}}`;
}

/** The app's pods in its namespace, and further matchers. */
export function podMatchers(app: Pick<AppSeries, "name" | "namespace" | "workload">, ...more: Matcher[]): string {
    return matchers([["namespace", "=", app.namespace], ["pod", "=~", podNamePattern(app)], ...more]);
}
