/** A worker thread of `kube-appstack check` (see cli/check-threads.ts): reads the files it takes and sends them back as JSON. */
import { workerData } from "node:worker_threads";
import type { EnabledRule } from "../policies/check";
import { rules } from "../policies/rules";
import { STDIN } from "./check-report";
import { DONE, type WorkerData } from "./check-threads";
import { type ManifestInput, readManifestInput } from "./manifest-input";

/** Input bytes per batch sent: large enough that messages are few, small enough that the main thread is never idle long. */
const BATCH_BYTES = 1024 * 1024;

export function run(): void {
    const { files, next, rules: settings, port } = workerData as WorkerData;
    const byName = new Map(rules.map((rule) => [rule.name, rule]));
    const enabled: EnabledRule[] = settings.map(([name, level, params]) => {
        const rule = byName.get(name);
        if (rule === undefined) throw new Error(`internal error: no rule ${name} in the worker thread`);
        return { rule, level, params };
    });
    let batch: Array<[number, ManifestInput]> = [];
    let bytes = 0;
    for (let i = Atomics.add(next, 0, 1); i < files.length; i = Atomics.add(next, 0, 1)) {
        if (files[i] === STDIN) continue;
        const input = readManifestInput(files[i], enabled);
        batch.push([i, input]);
        bytes += input.bytes;
        if (bytes >= BATCH_BYTES) {
            port.postMessage(JSON.stringify(batch));
            batch = [];
            bytes = 0;
        }
    }
    if (batch.length > 0) port.postMessage(JSON.stringify(batch));
    port.postMessage(DONE);
    port.close();
}
