/**
 * One input of `kube-appstack check`, read and judged on its own: its bytes, its objects, and what the per-object rules
 * say of each object kubectl would apply. Plain data, so a worker thread can hand it back (cli/check-threads.ts).
 */
import * as fs from "node:fs";
import { FileReadError, readBoundedFile } from "../io/bounded-file";
import { type EnabledRule, objectFindings, type ObjectFindings } from "../policies/check";
import { objectProblem, toolConfiguration } from "../policies/coverage";
import type { KubeObject } from "../policies/kube-object";
import { type ParsedManifest, parseManifest } from "../policies/manifest";
import { STDIN } from "./check-report";
import { ManifestEncodingError, manifestText } from "./manifest-text";

export type ManifestInput =
    | { readonly unreadable: string; readonly bytes: number }
    | {
        readonly parsed: ParsedManifest;
        /** The per-object rules' findings, by index in `parsed.objects`; null for an object no rule is given (see isClusterObject). */
        readonly findings: ReadonlyArray<ObjectFindings | null>;
        readonly bytes: number;
    };

/** Far above any real manifest; a file beyond it is refused rather than read into memory. */
const MAX_FILE_BYTES = 64 * 1024 * 1024;

/** Reads, parses and judges one file (or standard input) with the enabled per-object rules. */
export function readManifestInput(file: string, enabled: readonly EnabledRule[]): ManifestInput {
    let bytes: Buffer;
    let text: string;
    try {
        bytes = file === STDIN ? fs.readFileSync(0) : readBoundedFile(file, MAX_FILE_BYTES);
        text = manifestText(bytes);
    } catch (error) {
        const unreadable = error instanceof FileReadError ? error.reason : error instanceof ManifestEncodingError ? error.message : `cannot read: ${(error as Error).message}`;
        return { unreadable, bytes: 0 };
    }
    const parsed = parseManifest(text, file);
    return { parsed, findings: parsed.objects.map((object) => (isClusterObject(object) ? objectFindings(object, enabled) : null)), bytes: bytes.length };
}

/**
 * Whether the object goes to the rules: one kubectl would apply (objectProblem finds nothing) and not another tool's
 * configuration file.
 */
function isClusterObject(object: KubeObject): boolean {
    return objectProblem(object) === undefined && toolConfiguration(object) === undefined;
}
