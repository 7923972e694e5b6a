/** A worker thread of `kube-appstack check` (see cli/check-threads.ts): reads the files it takes and sends them back as JSON. */
import { workerData } from "node:worker_threads";
import type { EnabledRule } from "../policies/check";
import { rules } from "../policies/rules";
import { STDIN } from "./check-report";
import { DONE, type Message, type WorkerData } from "./check-threads";
import { type ManifestInput, readManifestInput } from "./manifest-input";

/** JSON characters per batch sent: large enough that messages are few, small enough that the main thread is never idle long. */
const BATCH_CHARS = 1024 * 1024;

/**
 * How much larger than its file a file's JSON may be before the main thread reads the file itself. Manifests are smaller
 * as JSON than as YAML, or about as large; only aliases repeat text (one anchored string a hundred times), and the main
 * thread keeps aliased nodes shared, where JSON would copy each, and copy again into the main thread.
 */
const MAX_JSON_PER_BYTE = 16;

export function run(): void {
    const { files, next, rules: settings, port } = workerData as WorkerData;
    const byName = new Map(rules.map((rule) => [rule.name, rule]));
    const enabled: EnabledRule[] = settings.map(([name, level, params]) => {
        const rule = byName.get(name);
        if (rule === undefined) throw new Error(`internal error: no rule ${name} in the worker thread`);
        return { rule, level, params };
    });
    let batch: string[] = [];
    let length = 0;
    const send = (): void => {
        port.postMessage(batch satisfies Message);
        batch = [];
        length = 0;
    };
    for (let i = Atomics.add(next, 0, 1); i < files.length; i = Atomics.add(next, 0, 1)) {
        if (files[i] === STDIN) continue;
        const entry = entryOf(i, readManifestInput(files[i], enabled));
        batch.push(entry);
        length += entry.length;
        if (length >= BATCH_CHARS) send();
    }
    if (batch.length > 0) send();
    port.postMessage(DONE satisfies Message);
    port.close();
}

/**
 * File `index`'s input as JSON text, or with null for the main thread to read it again when its JSON is far larger
 * than the file (MAX_JSON_PER_BYTE), up to longer than the longest string V8 makes.
 */
function entryOf(index: number, input: ManifestInput): string {
    let entry: string | undefined;
    try {
        entry = JSON.stringify([index, input]);
    } catch (error) {
        if (!(error instanceof RangeError)) throw error;
    }
    return entry !== undefined && entry.length <= MAX_JSON_PER_BYTE * input.bytes + BATCH_CHARS ? entry : JSON.stringify([index, null]);
}
