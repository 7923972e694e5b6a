/**
 * Plain scalars as numbers, the way go-yaml reads them: v2 (sigs.k8s.io/yaml), which kubectl and the API server read
 * manifests with, and v3, which Pulumi reads stack files with, resolve numbers alike (resolve.go in both).
 */

// Numbers as go-yaml's resolve() reads a plain scalar (resolve.go, the same in v2 and v3): underscores are
// dropped, then Go's strconv.ParseInt(s, 0, 64) (a sign, then 0x/0X hex, 0o/0O or a leading 0 octal, 0b/0B binary,
// else decimal), then ParseUint, then ParseFloat when the text looks like a YAML float; `.inf` and `.nan` come from its
// table; a scalar starting with "." is a float when ParseFloat takes it. So `hostPort: 8_0` is 80, `017` is 15 and
// `0X1BB` is 443, where YAML 1.2 would read strings or 17. Go's int64/uint64 ranges are kept; JavaScript numbers lose
// precision above 2^53, which no field a rule reads comes near.
const GO_INT = /^[-+]?(?:0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)$/;
const YAML_STYLE_FLOAT = /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$/;
const DOT_FLOAT = /^\.(?:[0-9]+(?:[eE][-+]?[0-9]+)?)$/;
const SPECIAL_FLOATS = new Map<string, number>([
    ...[".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF"].map((t) => [t, Infinity] as const),
    ...["-.inf", "-.Inf", "-.INF"].map((t) => [t, -Infinity] as const),
    ...[".nan", ".NaN", ".NAN"].map((t) => [t, NaN] as const),
]);
const INT64_MIN = -(2n ** 63n);
const UINT64_MAX = 2n ** 64n - 1n;

function goInteger(text: string): number | undefined {
    if (!GO_INT.test(text)) return undefined;
    const negative = text.startsWith("-");
    const body = text.replace(/^[-+]/, "");
    const digits = /^0[oO]/.test(body) ? `0o${body.slice(2)}` : /^0[0-7]+$/.test(body) ? `0o${body.slice(1)}` : body;
    const value = BigInt(digits) * (negative ? -1n : 1n);
    return value < INT64_MIN || value > UINT64_MAX ? undefined : Number(value);
}

/** go-yaml's reading of a plain scalar as a number, or undefined when it is not one. */
export function goYamlNumber(text: string): number | undefined {
    const special = SPECIAL_FLOATS.get(text);
    if (special !== undefined) return special;
    const first = text.charAt(0);
    if (first === ".") return DOT_FLOAT.test(text) ? goFloat(text) : undefined;
    if (!/[-+0-9]/.test(first)) return undefined;
    const plain = text.replace(/_/g, "");
    return goInteger(plain) ?? (YAML_STYLE_FLOAT.test(plain) ? goFloat(plain) : undefined);
}

/** Go's ParseFloat of a float's text: beyond float64's range it fails (ErrRange), and go-yaml keeps the text a string. */
function goFloat(text: string): number | undefined {
    const float = Number(text);
    return Number.isFinite(float) ? float : undefined;
}
