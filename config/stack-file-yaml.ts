/**
 * A stack file's YAML read as Pulumi reads it, so that `kube-appstack render` (and the program's tests under mocks)
 * see the numbers `pulumi up` sees. Pulumi reads Pulumi.<stack>.yaml with go-yaml v3, whose plain scalars that start
 * with a digit (after an optional sign) read as kube/go-yaml-number.ts says (underscores out, then Go's ParseInt):
 * `replicas: 010` is 8 there (a leading 0 is still octal in v3), `1_000` is 1000, `0b101` is 5, `-0x10` is -16, where
 * the `yaml` package's YAML 1.2 core schema reads 10, the text "1_000", the text "0b101" and the text "-0x10". What
 * ParseInt refuses is a float if it looks like one, and text otherwise (a date stays text, as go-yaml v3 keeps a
 * timestamp read into an untyped value). Merge keys (`<<`) apply, as go-yaml v3 applies them; aliases stay bounded.
 */
import { parse, type ScalarTag } from "yaml";
import { goYamlNumber } from "../kube/go-yaml-number";

/**
 * YAML aliases let a few hundred bytes expand to gigabytes (a "billion laughs"); real stack files need few, if any. The
 * `yaml` package bounds each anchor: its uses times the aliases nested in it may not pass this.
 */
export const MAX_STACK_FILE_ALIASES = 100;

const goNumber: ScalarTag = {
    tag: "tag:yaml.org,2002:int",
    default: true,
    // Tried before the core schema's own numbers; whatever go-yaml would keep as text comes back as the text.
    test: /^[-+]?[0-9][0-9A-Za-z_.+-]*$/,
    resolve: (source) => goYamlNumber(source) ?? source,
};

/** The value of a stack file's text; throws the `yaml` package's error for YAML that does not parse. */
export function parseStackFile(text: string): unknown {
    return parse(text, { maxAliasCount: MAX_STACK_FILE_ALIASES, merge: true, customTags: (tags) => [goNumber, ...tags] });
}
