/**
 * The text of a manifest's bytes, decoded as kubectl decodes a file: cli-runtime's FileVisitor reads through
 * `unicode.BOMOverride`, so a file that opens with a UTF-16 byte order mark (what Windows PowerShell's `>` writes) is
 * UTF-16, little- or big-endian as the mark says, and anything else is UTF-8 (its own mark dropped).
 */
import { isUtf8 } from "node:buffer";
import { jsonStream } from "../policies/json-stream";

/** Bytes that are not text a manifest reader takes; the message says what was found and what is allowed. */
export class ManifestEncodingError extends Error {}

const ALLOWED = "allowed: UTF-8, or UTF-16 with a byte order mark";

const REPLACEMENT_CODE = 0xfffd;

export function manifestText(bytes: Uint8Array): string {
    const encoding = byteOrderMark(bytes);
    if (encoding === undefined) {
        // YAML forbids NUL, and UTF-8 text never needs one: NUL bytes mean UTF-16 or UTF-32 that lost its mark, or no
        // text at all; the parser would only name a column.
        const nul = bytes.indexOf(0);
        if (nul >= 0) {
            throw new ManifestEncodingError(`not UTF-8 text: a NUL byte at line ${lineOf(bytes, nul)} (byte ${nul}), which YAML never allows; UTF-16 or UTF-32 without a byte order mark, or a binary file, holds them; ${ALLOWED}`);
        }
        const text = new TextDecoder("utf-8").decode(bytes);
        // kubectl reads a stream that opens with `{` as JSON, and Go's JSON decoder turns bytes that are not UTF-8 into
        // U+FFFD as the decoder here does; its YAML reader (go-yaml) refuses them, also where such a stream goes on as
        // YAML (see policies/json-stream.ts).
        if (isUtf8(bytes)) return text;
        const stream = jsonStream(text);
        if (stream !== undefined && stream.yamlFrom === undefined) return text;
        const at = firstInvalidByte(bytes, text);
        throw new ManifestEncodingError(`not UTF-8 text: a byte that is not UTF-8 at line ${lineOf(bytes, at)} (byte ${at}), which kubectl's YAML reader refuses ("invalid leading UTF-8 octet"); ${ALLOWED}`);
    }
    const text = new TextDecoder(encoding).decode(bytes);
    if (text.includes("\u0000")) {
        throw new ManifestEncodingError(`not UTF-16 text, though it opens with a ${encoding.toUpperCase()} byte order mark: it holds NUL characters (UTF-32?); ${ALLOWED}`);
    }
    return text;
}

/** The line (counting from 1) that holds byte `offset`. */
function lineOf(bytes: Uint8Array, offset: number): number {
    let line = 1;
    for (let i = bytes.indexOf(10); i >= 0 && i < offset; i = bytes.indexOf(10, i + 1)) line++;
    return line;
}

/**
 * The offset of the first byte that is not UTF-8, given the text decoded with replacements. Everything before the first
 * U+FFFD that the bytes do not spell themselves (EF BF BD) decoded as written, so the offset is counted along the text,
 * once (linear, whatever the number of U+FFFD), from after the byte order mark the decoder dropped.
 */
function firstInvalidByte(bytes: Uint8Array, decoded: string): number {
    let offset = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
    for (const character of decoded) {
        const code = character.codePointAt(0) as number;
        if (code === REPLACEMENT_CODE && !(bytes[offset] === 0xef && bytes[offset + 1] === 0xbf && bytes[offset + 2] === 0xbd)) return offset;
        offset += code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4;
    }
    return 0;
}

/** The UTF-16 encoding a byte order mark names; a UTF-8 mark or none reads as UTF-8. */
function byteOrderMark(bytes: Uint8Array): "utf-16le" | "utf-16be" | undefined {
    if (bytes[0] === 0xff && bytes[1] === 0xfe) return "utf-16le";
    if (bytes[0] === 0xfe && bytes[1] === 0xff) return "utf-16be";
    return undefined;
}
