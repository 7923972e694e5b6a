/** One performance target of the benchmark and its verdict on a run. */
import { round } from "./stats";

export interface Target {
    name: string;
    value: number;
    limit: number;
    /** "max": value must be at most limit; "min": at least. */
    kind: "max" | "min";
    met: boolean;
}

/** The target judged on `value`, or none when the value was not measured in this run. */
export function judged(name: string, value: number | undefined, limit: number, kind: Target["kind"] = "max"): Target[] {
    if (value === undefined) return [];
    return [{ name, value: round(value, 3), limit, kind, met: kind === "max" ? value <= limit : value >= limit }];
}
