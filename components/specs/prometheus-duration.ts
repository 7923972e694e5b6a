import { z } from "zod";
import { show } from "../../kube/schemas";

// Durations as Prometheus writes them (units in falling order, e.g. "1h30m"), within the pattern the Prometheus
// Operator's CRDs give every interval, timeout and `for` field; a range selector `[...]` reads the same grammar.
const DURATION = /^(0|(([0-9]+)y)?(([0-9]+)w)?(([0-9]+)d)?(([0-9]+)h)?(([0-9]+)m)?(([0-9]+)s)?(([0-9]+)ms)?)$/;
const UNIT_MS: Record<string, number> = { y: 365 * 86_400_000, w: 7 * 86_400_000, d: 86_400_000, h: 3_600_000, m: 60_000, s: 1000, ms: 1 };

/** The length of a Prometheus duration in milliseconds. */
export function durationMs(duration: string): number {
    return [...duration.matchAll(/([0-9]+)(ms|[ywdhms])/g)].reduce((sum, [, n, unit]) => sum + Number(n) * UNIT_MS[unit], 0);
}

/** The longest duration Prometheus holds (a Go time.Duration, int64 nanoseconds): it refuses a longer one as out of range. */
export const MAX_DURATION_MS = Math.floor((2 ** 63 - 1) / 1e6);
const MAX_DURATION = `${Math.floor(MAX_DURATION_MS / UNIT_MS.d)}d`;

/** A Prometheus duration; `positive` refuses zero (a scrape interval or a rate window of no length). */
export const promDuration = (options: { positive: boolean }) => z.string().superRefine((value, ctx) => {
    if (value === "" || !DURATION.test(value) || (options.positive && durationMs(value) === 0)) {
        ctx.addIssue({
            code: "custom",
            message: `${show(value)} is not a ${options.positive ? "positive " : ""}Prometheus duration; allowed: a number and unit, units from y, w, d, h, m, s, ms in that order (e.g. "30s", "5m", "1h30m")${options.positive ? "" : ', or "0"'}`,
        });
    } else if (durationMs(value) > MAX_DURATION_MS) {
        // One such duration makes Prometheus refuse the whole rule file or scrape config it is in.
        ctx.addIssue({ code: "custom", message: `${show(value)} is longer than Prometheus can hold; allowed: at most ${MAX_DURATION} (about 292 years)` });
    }
}).meta({ type: "duration" });
