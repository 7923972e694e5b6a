/**
 * Kubernetes resource quantities (`500m`, `1.5Gi`, `2e3`, `1`) as exact integers of nano-units, so `0.3` and `300m`
 * compare equal without floating-point error.
 */

/**
 * Bounds that keep a hostile quantity (`1e999999999`, thousands of digits) from taking seconds and gigabytes as a
 * BigInt. Far beyond any real request: 10^30 bytes is a million exabytes.
 */
export const MAX_EXPONENT = 30;
const MAX_DIGITS = 40;

export const QUANTITY_HELP = `a Kubernetes quantity such as "250m", "0.5", "128Mi" or "1Gi" (no sign, no spaces; binary suffixes Ki Mi Gi Ti, decimal k M G T, or m for milli; an exponent such as 1e3 up to e${MAX_EXPONENT})`;

const QUANTITY = /^([+-]?(?:\d+\.?\d*|\.\d+))(?:([eE][+-]?\d+)|(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E))?$/;

const DECIMAL_EXPONENT: Readonly<Record<string, number>> = { n: -9, u: -6, m: -3, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const BINARY_POWER: Readonly<Record<string, number>> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };

/** Nano-units of a quantity (rounded up, as the API server rounds), or `undefined` when it is not a quantity. */
export function parseQuantity(value: unknown): bigint | undefined {
    const text = typeof value === "number" && Number.isFinite(value) ? String(value) : value;
    if (typeof text !== "string") return undefined;
    // No trimming: the API server refuses a quantity with spaces too.
    const match = QUANTITY.exec(text);
    if (match === null) return undefined;
    const [, number, exponent, suffix] = match;
    if (number.length > MAX_DIGITS || (exponent !== undefined && Math.abs(Number(exponent.slice(1))) > MAX_EXPONENT)) return undefined;
    const [whole, fraction = ""] = number.replace(/^[+-]/, "").split(".");
    const digits = BigInt((whole || "0") + fraction);
    let scale = 9 - fraction.length;
    let factor = 1n;
    if (exponent !== undefined) scale += Number(exponent.slice(1));
    else if (suffix !== undefined && suffix in BINARY_POWER) factor = 1n << BigInt(BINARY_POWER[suffix]);
    else if (suffix !== undefined) scale += DECIMAL_EXPONENT[suffix];
    const magnitude = scale >= 0 ? digits * factor * 10n ** BigInt(scale) : ceilDiv(digits * factor, 10n ** BigInt(-scale));
    return number.startsWith("-") ? -magnitude : magnitude;
}

function ceilDiv(dividend: bigint, divisor: bigint): bigint {
    return (dividend + divisor - 1n) / divisor;
}
