import { z } from "zod";
import { isImageReference, isPinnedImage } from "./image";
import { CONFIG_KEY_HELP, DNS_1035_HELP, DNS_LABEL_HELP, DNS_SUBDOMAIN_HELP, isConfigKey, isDns1035Label, isDnsLabel, isDnsSubdomain, isLabelKey, isLabelValue, isPortName, LABEL_KEY_HELP, LABEL_VALUE_HELP, PORT_NAME_HELP } from "./names";
import { parseQuantity, QUANTITY_HELP } from "./quantity";

// Schemas of Kubernetes primitives, shared by every component's args and so by the stack config. Their messages quote
// the value given and say what is allowed, as every schema problem does (see schema-problems.ts).

/** A value as a message quotes it. */
export const show = (value: unknown): string => (value === undefined ? "nothing" : JSON.stringify(value));

/** A default as the generated references print it: the value in code font. */
export const code = (value: unknown): string => `\`${JSON.stringify(value)}\``;

/** The indexes of keys seen before, in one pass: a hostile list of 100000 entries must not cost quadratic time. */
export function repeatedIndexes(keys: readonly string[]): number[] {
    const seen = new Set<string>();
    return keys.flatMap((key, i) => (seen.has(key) ? [i] : (seen.add(key), [])));
}

export const dnsLabel = z.string().refine(isDnsLabel, {
    error: (iss) => `${show(iss.input)} is not a valid name; allowed: ${DNS_LABEL_HELP}`,
}).meta({ type: "DNS-1123 label" });

/** A name that also names a Service (an app's name): a DNS-1035 label, so it starts with a letter. */
export const serviceName = z.string().refine(isDns1035Label, {
    error: (iss) => `${show(iss.input)} is not a valid name; allowed: ${DNS_1035_HELP} (it names the app's Service)`,
}).meta({ type: "DNS-1035 label" });

/** Names of cluster objects such as StorageClasses and PriorityClasses. */
export const dnsSubdomain = z.string().refine(isDnsSubdomain, {
    error: (iss) => `${show(iss.input)} is not a valid name; allowed: ${DNS_SUBDOMAIN_HELP}`,
}).meta({ type: "DNS-1123 subdomain" });

export const intIn = (min: number, max: number) => z.number().refine((v) => Number.isInteger(v) && v >= min && v <= max, {
    error: (iss) => `${show(iss.input)} is out of range; allowed: an integer from ${min} to ${max}`,
}).meta({ type: `integer, ${min} to ${max}` });

export const port = intIn(1, 65535);

/** A container or Service port name (IANA_SVC_NAME), as the API server checks it. */
export const portName = z.string().refine(isPortName, {
    error: (iss) => `${show(iss.input)} is not a valid port name; allowed: ${PORT_NAME_HELP}`,
}).meta({ type: "port name" });

/** A key of a ConfigMap or Secret. */
export const configKey = z.string().refine(isConfigKey, {
    error: (iss) => `${show(iss.input)} is not a valid key; allowed: ${CONFIG_KEY_HELP}`,
}).meta({ type: "ConfigMap or Secret key" });

/** A port as probes and Services refer to one: by number, or by the name of a container port. */
export const portOrName = z.union([port, portName], {
    error: (iss) => `${show(iss.input)} is not a port; allowed: a number from 1 to 65535, or ${PORT_NAME_HELP} (naming a port of the container)`,
});

/** A quantity as stack config writes it (YAML reads `cpu: 1` as a number), carried on as the string manifests hold. */
export const quantity = z.union([z.string(), z.number()]).refine((v) => !/^[+-]/.test(String(v)) && parseQuantity(v) !== undefined, {
    error: (iss) => `${show(iss.input)} is not a valid quantity; allowed: ${QUANTITY_HELP}`,
}).transform(String).meta({ type: "quantity" });

/** A size that must be above zero (a volume's capacity, a claim's request): the API server refuses `0`. */
export const positiveQuantity = quantity.refine((v) => (parseQuantity(v) ?? 0n) > 0n, {
    error: (iss) => `${show(iss.input)} is not above zero; allowed: a size above zero, such as "1Gi"`,
}).meta({ type: "quantity above zero" });

export const intOrPercent = z.union([z.number().int().min(0), z.string().regex(/^\d+%$/)], {
    error: (iss) => `${show(iss.input)} is not a count or percentage; allowed: an integer >= 0 or a percentage such as "25%"`,
}).meta({ type: 'integer or percentage ("25%")' });

/**
 * A count or a percentage of at most 100%: the API server refuses more for a Deployment's maxUnavailable and a
 * PodDisruptionBudget's minAvailable and maxUnavailable (IsNotMoreThan100Percent); a maxSurge may exceed it.
 */
export const intOrPercentUpTo100 = intOrPercent.refine((v) => typeof v === "number" || Number(v.slice(0, -1)) <= 100, {
    error: (iss) => `${show(iss.input)} is above 100%; allowed: an integer >= 0 or a percentage from "0%" to "100%"`,
}).meta({ type: 'integer or percentage up to "100%"' });

export const pinnedImage = (example: string) => z.string({
    error: (iss) => (iss.input === undefined
        ? `required; allowed: a container image pinned by tag or digest, e.g. ${show(example)}`
        : `${show(iss.input)} is not an image reference`),
}).refine(isImageReference, {
    error: (iss) => `${show(iss.input)} is not an image reference; allowed: [registry[:port]/]name[:tag][@sha256:<64 lowercase hex>], e.g. ${show(example)}`,
    abort: true,
}).refine((image) => isPinnedImage(image), {
    error: (iss) => `${show(iss.input)} is not pinned; allowed: a tag other than "latest" (e.g. "nginx:1.27.3") or a digest ("nginx@sha256:<64 hex>")`,
}).meta({ type: "pinned image reference" });

export const labelKey = z.string().refine(isLabelKey, {
    error: (iss) => `${show(iss.input)} is not a valid label key; allowed: ${LABEL_KEY_HELP}`,
}).meta({ type: "label key" });

export const labelValue = z.string().refine(isLabelValue, {
    error: (iss) => `${show(iss.input)} is not a valid label value; allowed: ${LABEL_VALUE_HELP}`,
}).meta({ type: "label value" });

/** A map of Kubernetes labels (or a nodeSelector): keys and values as the API server accepts them. */
export const labelMap = z.record(z.string(), z.string()).superRefine((labels, ctx) => {
    for (const [key, value] of Object.entries(labels)) {
        if (!isLabelKey(key)) ctx.addIssue({ code: "custom", path: [key], message: `${show(key)} is not a valid label key; allowed: ${LABEL_KEY_HELP}` });
        if (!isLabelValue(value)) ctx.addIssue({ code: "custom", path: [key], message: `${show(value)} is not a valid label value; allowed: ${LABEL_VALUE_HELP}` });
    }
}).meta({ type: "map of label key to value" });

/** Annotations Pulumi's Kubernetes provider reads when it applies an object (skipAwait, patchForce, patchFieldManager ...). */
export const PULUMI_ANNOTATION_PREFIX = "pulumi.com/";

/** Annotations: keys as label keys are, values any string (a role ARN, a JSON document). */
export const annotationMap = z.record(z.string(), z.string()).superRefine((annotations, ctx) => {
    for (const key of Object.keys(annotations)) {
        if (!isLabelKey(key)) ctx.addIssue({ code: "custom", path: [key], message: `${show(key)} is not a valid annotation key; allowed: ${LABEL_KEY_HELP}` });
        // They change how the provider applies the object, and the program sets some of them itself (an Ingress's
        // skipAwait, a hand-over patch's field manager) over what render would show.
        else if (key.startsWith(PULUMI_ANNOTATION_PREFIX)) {
            ctx.addIssue({ code: "custom", path: [key], message: `is read by Pulumi's Kubernetes provider, whose annotations the stack sets; allowed: an annotation outside ${PULUMI_ANNOTATION_PREFIX}` });
        }
    }
}).meta({ type: "map of annotation key to value" });

export const absolutePath = z.string().refine((p) => p.startsWith("/"), {
    error: (iss) => `${show(iss.input)} is not an absolute path; allowed: a path starting with "/"`,
}).meta({ type: "absolute path" });

export const ACCESS_MODES = ["ReadWriteOnce", "ReadWriteOncePod", "ReadOnlyMany", "ReadWriteMany"] as const;
/** Access modes of a volume or claim; the API server takes ReadWriteOncePod only alone. */
export const accessModes = z.array(z.enum(ACCESS_MODES)).min(1).refine((modes) => !modes.includes("ReadWriteOncePod") || modes.length === 1, {
    error: (iss) => `${show(iss.input)} combines ReadWriteOncePod with other modes; allowed: ReadWriteOncePod alone, or any of the others`,
}).refine((modes) => new Set(modes).size === modes.length, {
    error: (iss) => `${show(iss.input)} names a mode twice; allowed: each mode once`,
});

export const cpuAndMemory = z.strictObject({
    cpu: quantity.meta({ description: 'CPU in cores, e.g. "250m" or "1".' }),
    memory: quantity.meta({ description: 'Memory in bytes, e.g. "128Mi" or "1Gi".' }),
});
type CpuAndMemory = z.infer<typeof cpuAndMemory>;

/** A refinement that refuses a limit below its request, as the API server does (limits under `limitKey`). */
export function limitsNotBelowRequests<R extends string, L extends string>(requestKey: R, limitKey: L) {
    return (r: Record<R | L, CpuAndMemory>, ctx: z.RefinementCtx): void => {
        for (const resource of ["cpu", "memory"] as const) {
            const request = parseQuantity(r[requestKey][resource]);
            const limit = parseQuantity(r[limitKey][resource]);
            if (request !== undefined && limit !== undefined && limit < request) {
                ctx.addIssue({
                    code: "custom",
                    path: [limitKey, resource],
                    message: `${show(r[limitKey][resource])} is below ${requestKey}.${resource} (${show(r[requestKey][resource])}); allowed: ${limitKey}.${resource} >= ${requestKey}.${resource}`,
                });
            }
        }
    };
}
