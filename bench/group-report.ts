/** What a group of the benchmark that summarizes itself (the engine cases, the command's starts) adds to a run's report. */
import type { Target } from "./target";

export interface GroupReport {
    /** Its keys in the one JSON object of `npm run bench -- --json`. */
    readonly keys: Record<string, unknown>;
    readonly targets: Target[];
    /** Its part of the readable report. */
    readonly text: string;
}
