// Kubernetes resource quantities ("250m", "128Mi", "1.5", "1e3"), parsed the way the API server does so that
// config validation rejects what `kubectl apply` would reject, and limits can be compared with requests.

const QUANTITY = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+|[KMGTPE]i|[numkMGTPE])?$/;

const SUFFIX_FACTOR: Record<string, number> = {
    n: 1e-9, u: 1e-6, m: 1e-3, "": 1,
    k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18,
    Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60,
};

/** The value of a quantity in base units (cores, bytes), or undefined when it is not a valid quantity. */
export function parseQuantity(value: string | number): number | undefined {
    if (typeof value === "number") return Number.isFinite(value) ? value : undefined;
    const match = QUANTITY.exec(value);
    if (!match) return undefined;
    const [, digits, suffix = ""] = match;
    if (/^[eE]/.test(suffix)) return Number(digits) * 10 ** Number(suffix.slice(1));
    return Number(value.replace(suffix, "")) * SUFFIX_FACTOR[suffix];
}

export const QUANTITY_HELP = 'a Kubernetes quantity such as "250m", "0.5", "128Mi" or "1Gi" (no spaces; binary suffixes Ki Mi Gi Ti, decimal k M G T, or m for milli)';
