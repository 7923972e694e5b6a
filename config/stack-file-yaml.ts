/**
 * A stack file's YAML read as Pulumi reads it, so that `kube-appstack render` (and the program's tests under mocks)
 * see the numbers `pulumi up` sees. Pulumi reads Pulumi.<stack>.yaml with go-yaml v3, whose plain scalars that start
 * with a digit (after an optional sign) lose their underscores and then go through Go's strconv.ParseInt with base 0:
 * `replicas: 010` is 8 there (a leading 0 is still octal in v3), `1_000` is 1000, `0b101` is 5, `-0x10` is -16, where
 * the `yaml` package's YAML 1.2 core schema reads 10, the text "1_000", the text "0b101" and the text "-0x10". What
 * ParseInt refuses is a float if it looks like one, and text otherwise (a date stays text, as go-yaml v3 keeps a
 * timestamp read into an untyped value). Merge keys (`<<`) apply, as go-yaml v3 applies them; aliases stay bounded.
 */
import { parse, type ScalarTag } from "yaml";

/**
 * YAML aliases let a few hundred bytes expand to gigabytes (a "billion laughs"); real stack files need few, if any. The
 * `yaml` package bounds each anchor: its uses times the aliases nested in it may not pass this.
 */
export const MAX_STACK_FILE_ALIASES = 100;

// Go's integer literals with base 0, once go-yaml has taken the underscores out.
const GO_INTEGER = /^([-+]?)(?:0[xX]([0-9a-fA-F]+)|0[oO]([0-7]+)|0[bB]([01]+)|0([0-7]*)|([1-9][0-9]*))$/;
// go-yaml v3's yamlStyleFloat.
const YAML_STYLE_FLOAT = /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$/;

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const UINT64_MAX = 2n ** 64n - 1n;

/** What go-yaml v3 makes of a plain scalar that starts with a digit, after an optional sign. */
export function goYamlV3Number(source: string): number | string {
    const plain = source.replaceAll("_", "");
    const integer = GO_INTEGER.exec(plain);
    if (integer !== null) {
        const [, sign, hex, octal, binary, legacyOctal, decimal] = integer;
        const prefix = hex !== undefined ? "0x" : octal !== undefined || legacyOctal !== undefined ? "0o" : binary !== undefined ? "0b" : "";
        const magnitude = BigInt(prefix + (hex ?? octal ?? binary ?? (legacyOctal !== undefined ? legacyOctal || "0" : decimal)));
        const value = sign === "-" ? -magnitude : magnitude;
        // ParseInt takes int64; ParseUint, tried next, takes no sign and up to 2^64 - 1.
        if ((value >= INT64_MIN && value <= INT64_MAX) || (sign === "" && value <= UINT64_MAX)) return Number(value);
        // Beyond both, a decimal (or a legacy octal's digits, read as decimal) is read as a float next; the rest is text.
    }
    if (!YAML_STYLE_FLOAT.test(plain)) return source;
    // ParseFloat fails out of range (1e999), and go-yaml then keeps the text.
    const float = Number(plain);
    return Number.isFinite(float) ? float : source;
}

const goNumber: ScalarTag = {
    tag: "tag:yaml.org,2002:int",
    default: true,
    // Tried before the core schema's own numbers; whatever go-yaml would keep as text comes back as the text.
    test: /^[-+]?[0-9][0-9A-Za-z_.+-]*$/,
    resolve: goYamlV3Number,
};

/** The value of a stack file's text; throws the `yaml` package's error for YAML that does not parse. */
export function parseStackFile(text: string): unknown {
    return parse(text, { maxAliasCount: MAX_STACK_FILE_ALIASES, merge: true, customTags: (tags) => [goNumber, ...tags] });
}
