import fc from "fast-check";
import { z } from "zod";
import { defOf } from "../../kube/schema-problems";

// fast-check arbitraries drawn from a zod schema's own shape: objects with their optional keys, unions, lists, maps,
// enums and literals as declared, and the Kubernetes primitives (names, quantities, label maps, images) by the `type`
// their schema's `.meta()` names, within the grammar the schema states. A schema change changes what is drawn.

interface Checks { _zod: { def: { check: string; minimum?: number } } }
const minLength = (schema: z.ZodType): number =>
    ((defOf(schema) as unknown as { checks?: Checks[] }).checks ?? []).find((c) => c._zod.def.check === "min_length")?._zod.def.minimum ?? 0;
const metaType = (schema: z.ZodType): string | undefined => (z.globalRegistry.get(schema) as { type?: string } | undefined)?.type;

const DNS_LABEL = /^[a-z]([a-z0-9-]{0,8}[a-z0-9])?$/;
const LABEL_NAME = /^[A-Za-z0-9]([-A-Za-z0-9_.]{0,6}[A-Za-z0-9])?$/;

const labelKeys = fc.oneof(fc.stringMatching(LABEL_NAME), fc.tuple(fc.constantFrom("example.com", "team.io"), fc.stringMatching(LABEL_NAME)).map(([p, n]) => `${p}/${n}`));
const labelValues = fc.oneof(fc.constant(""), fc.stringMatching(LABEL_NAME));

/** Leaves by the meta type their schema declares: what a config author plausibly writes, valid by our grammar. */
const LEAVES: Record<string, () => fc.Arbitrary<unknown>> = {
    "DNS-1123 label": () => fc.stringMatching(DNS_LABEL),
    "DNS-1035 label": () => fc.stringMatching(DNS_LABEL),
    "DNS-1123 subdomain": () => fc.array(fc.stringMatching(DNS_LABEL), { minLength: 1, maxLength: 2 }).map((labels) => labels.join(".")),
    "quantity above zero": () => LEAVES.quantity(),
    quantity: () => fc.oneof(
        fc.constantFrom("1", "0.5", "100m", "250m", "2", "64Mi", "128Mi", "1Gi", "500M", "1e3", "1.5Gi"),
        fc.tuple(fc.integer({ min: 1, max: 4096 }), fc.constantFrom("", "m", "Ki", "Mi", "Gi", "k", "M", "G")).map(([n, unit]) => `${n}${unit}`),
    ),
    "pinned image reference": () => fc.constantFrom(
        "nginxinc/nginx-unprivileged:1.27.3-alpine", "redis:7.4.1-alpine", "registry.k8s.io/pause:3.10",
        `ghcr.io/example/app@sha256:${"a1".repeat(32)}`, "localhost:5000/team/app:v1.2.3",
    ),
    'integer or percentage ("25%")': () => fc.oneof(fc.integer({ min: 0, max: 5 }), fc.integer({ min: 0, max: 100 }).map((n) => `${n}%`)),
    'integer or percentage up to "100%"': () => LEAVES['integer or percentage ("25%")'](),
    "host name": () => fc.tuple(fc.constantFrom("", "*."), LEAVES["DNS-1123 subdomain"]()).map(([wildcard, name]) => `${wildcard}${name}`),
    "URL path": () => fc.oneof(fc.constant("/"), LEAVES["absolute path"]()),
    "absolute path": () => fc.array(fc.stringMatching(/^[a-z0-9][a-z0-9._-]{0,6}$/), { minLength: 1, maxLength: 3 }).map((parts) => `/${parts.join("/")}`),
    "label key": () => labelKeys,
    "label value": () => labelValues,
    "map of label key to value": () => fc.dictionary(labelKeys, labelValues, { maxKeys: 3 }),
    "map of annotation key to value": () => fc.dictionary(labelKeys, fc.string({ maxLength: 12 }), { maxKeys: 3 }),
    "API version": () => fc.constantFrom("v1", "apps/v1", "networking.k8s.io/v1", "example.com/v1beta1"),
    kind: () => fc.constantFrom("Ingress", "Service", "Deployment", "Queue"),
    "ConfigMap or Secret key": () => fc.stringMatching(/^[A-Za-z0-9_][-._A-Za-z0-9]{0,7}$/),
    "port name": () => fc.stringMatching(/^[a-z]([a-z0-9-]{0,6}[a-z0-9])?$/).filter((name) => !name.includes("--")),
    "app protocol": () => fc.constantFrom("http", "grpc", "kubernetes.io/h2c", "kubernetes.io/ws", "example.com/custom"),
    // Prometheus durations, zero included (a `for` takes it; an interval or window refuses it).
    duration: () => fc.oneof(
        { arbitrary: fc.constant("0"), weight: 1 },
        { arbitrary: fc.tuple(fc.integer({ min: 1, max: 90 }), fc.constantFrom("ms", "s", "m", "h", "d")).map(([n, unit]) => `${n}${unit}`), weight: 10 },
        { arbitrary: fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 59 })).map(([h, m]) => `${h}h${m}m`), weight: 5 },
    ),
    "resource name": () => fc.constantFrom("requests.cpu", "requests.memory", "limits.cpu", "limits.memory", "pods", "count/deployments.apps"),
};

/** Overrides by key path (`apps[].tolerations`): leaves the schema cannot describe precisely enough to draw. */
export type Overrides = Record<string, fc.Arbitrary<unknown>>;

export function arbitraryOf(schema: z.ZodType, overrides: Overrides = {}, at = ""): fc.Arbitrary<unknown> {
    if (overrides[at]) return overrides[at];
    const def = defOf(schema) as ReturnType<typeof defOf> & { entries?: Record<string, string>; values?: unknown[]; keyType?: z.ZodType };
    const leaf = metaType(schema);
    const integerRange = leaf && /^integer, (-?\d+) to (-?\d+)$/.exec(leaf);
    if (integerRange) return fc.integer({ min: Number(integerRange[1]), max: Math.min(Number(integerRange[2]), Number(integerRange[1]) + 100) });
    if (leaf && LEAVES[leaf]) return LEAVES[leaf]();
    switch (def.type) {
        case "optional": return arbitraryOf(def.innerType!, overrides, at);
        case "object": {
            const shape = def.shape!;
            const fields = Object.fromEntries(Object.entries(shape).map(([key, field]) => [key, arbitraryOf(field, overrides, at === "" ? key : `${at}.${key}`)]));
            const requiredKeys = Object.keys(shape).filter((key) => defOf(shape[key]).type !== "optional");
            return fc.record(fields, { requiredKeys });
        }
        case "union": return fc.oneof(...def.options!.map((o) => arbitraryOf(o, overrides, at)));
        case "array": {
            const element = arbitraryOf(def.element!, overrides, `${at}[]`);
            const size = { minLength: minLength(schema), maxLength: 3 };
            // A list of choices (access modes, capabilities) names each choice once.
            return defOf(def.element!).type === "enum" ? fc.uniqueArray(element, size) : fc.array(element, size);
        }
        case "record": return fc.dictionary(arbitraryOf(def.keyType!, overrides, `${at}.<key>`) as fc.Arbitrary<string>, arbitraryOf(def.valueType!, overrides, `${at}.<value>`), { maxKeys: 3 });
        case "enum": return fc.constantFrom(...Object.values(def.entries!));
        case "literal": return fc.constantFrom(...def.values!);
        case "boolean": return fc.boolean();
        case "number": return fc.integer({ min: 0, max: 10 });
        // Env names, keys and free text: printable ASCII, as Kubernetes takes it.
        case "string": return fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,7}$/);
        default: throw new Error(`no arbitrary for a ${def.type} schema at ${at || "the root"}: add an override`);
    }
}
