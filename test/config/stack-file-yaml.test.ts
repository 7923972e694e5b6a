import { describe, expect, it } from "vitest";
import { parseStackFile } from "../../config/stack-file-yaml";

describe("a stack file read as Pulumi (go-yaml v3) reads it", () => {
    // go-yaml v3 (resolve.go): underscores out, then strconv.ParseInt(plain, 0, 64), then yamlStyleFloat, else text.
    it.each([
        ["10", 10], ["010", 8], ["0", 0], ["-017", -15], ["08", 8], ["1_000", 1000], ["0b101", 5], ["0B11", 3], ["0o17", 15],
        ["0x1F", 31], ["0X1f", 31], ["-0x10", -16], ["+12", 12], ["1.5", 1.5], ["1e3", 1000], ["1_0.5", 10.5], ["1.", 1],
        ["2024-01-01", "2024-01-01"], ["1:20", "1:20"], ["1.2.3", "1.2.3"], ["0x", "0x"], ["12abc", "12abc"], ["1.20", 1.2], ["0755", 493],
        // At the edges of 64 bits: ParseUint takes up to 2^64 - 1 unsigned; past it a decimal or a legacy octal's digits
        // are read as a decimal float, a prefixed number stays text, and so does a float out of range.
        ["18446744073709551615", 18446744073709551615], ["0x10000000000000000", "0x10000000000000000"], ["-0x8000000000000001", "-0x8000000000000001"],
        ["07777777777777777777777", 7777777777777777777777], ["1e999", "1e999"], ["-1e999", "-1e999"],
    ])("%s is %s", (text, value) => {
        expect(parseStackFile(`v: ${text}\n`)).toEqual({ v: value });
    });

    it("leaves quoted numbers, booleans, nulls and the special floats as the core schema has them", () => {
        expect(parseStackFile('a: "010"\nb: true\nc: ~\nd: .inf\ne: -.5\nf: .5\ng: 0o17\n')).toEqual({ a: "010", b: true, c: null, d: Infinity, e: -0.5, f: 0.5, g: 15 });
    });

    it("applies merge keys, the mapping's own keys winning, and still bounds aliases", () => {
        expect(parseStackFile("base: &b {type: stateless, replicas: 2}\napp:\n  <<: *b\n  replicas: 3\n")).toEqual({ base: { type: "stateless", replicas: 2 }, app: { type: "stateless", replicas: 3 } });
        const levels = Array.from({ length: 12 }, (_, i) => `l${i + 1}: &l${i + 1} [${Array(10).fill(`*l${i}`).join(", ")}]`);
        expect(() => parseStackFile(["l0: &l0 [lol]", ...levels, ""].join("\n"))).toThrow(/alias/i);
        // The bound is per anchor (docs/rendering.md): 100 uses of one refused, 60 of each of two taken.
        const uses = (anchor: string, n: number) => `${anchor}: &${anchor} x\nuse-${anchor}: [${Array(n).fill(`*${anchor}`).join(", ")}]\n`;
        expect(() => parseStackFile(uses("a", 100))).toThrow(/alias/i);
        expect(parseStackFile(uses("a", 60) + uses("b", 60))).toMatchObject({ a: "x", b: "x" });
    });
});
