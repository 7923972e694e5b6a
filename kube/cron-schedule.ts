// The schedule grammar of a CronJob as the API server and the CronJob controller read it (robfig/cron v3's
// ParseStandard: five fields or a descriptor) and its time zone as the API server checks it, so a schedule the API
// server would refuse is refused before anything is deployed.
import { z } from "zod";

/** The descriptors ParseStandard takes besides five fields. `@every <duration>` is left out: it is no calendar time. */
export const CRON_DESCRIPTORS = ["@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly"] as const;

const MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];
const WEEKDAYS = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];

interface Field { name: string; min: number; max: number; names?: readonly string[]; firstName?: number }

/** minute hour day-of-month month day-of-week, with the bounds the controller enforces (Sunday is 0, and only 0). */
const FIELDS: readonly Field[] = [
    { name: "minute", min: 0, max: 59 },
    { name: "hour", min: 0, max: 23 },
    { name: "day of month", min: 1, max: 31 },
    { name: "month", min: 1, max: 12, names: MONTHS, firstName: 1 },
    { name: "day of week", min: 0, max: 6, names: WEEKDAYS, firstName: 0 },
];

export const CRON_HELP = `five fields "minute hour day-of-month month day-of-week" (e.g. "30 2 * * *"; each a list of *, ?, n or n-m, optionally /step; months jan-dec, weekdays sun-sat with Sunday 0) or one of ${CRON_DESCRIPTORS.join(", ")}`;

function fieldValue(text: string, field: Field): number | string {
    const named = field.names?.indexOf(text.toLowerCase()) ?? -1;
    if (named >= 0) return named + (field.firstName ?? 0);
    if (!/^\d{1,4}$/.test(text)) return `"${text}" is not a number${field.names ? " or name" : ""}`;
    return Number(text);
}

/** What is wrong with one comma-separated part of a field, or undefined. */
function rangeProblem(part: string, field: Field): string | undefined {
    const [span, step, ...moreSteps] = part.split("/");
    if (moreSteps.length > 0) return `"${part}" has more than one "/"`;
    if (step !== undefined && (!/^\d{1,4}$/.test(step) || Number(step) === 0)) return `"${part}" has step "${step}"; a step is a positive integer`;
    if (span === "*" || span === "?") return undefined;
    const [low, high, ...moreHyphens] = span.split("-");
    if (moreHyphens.length > 0) return `"${part}" has more than one "-"`;
    const start = fieldValue(low, field);
    const end = high === undefined ? start : fieldValue(high, field);
    for (const value of [start, end]) if (typeof value === "string") return value;
    if ((start as number) < field.min || (end as number) > field.max) return `"${part}" is outside ${field.min}-${field.max}`;
    if ((start as number) > (end as number)) return `"${part}" starts after it ends`;
    return undefined;
}

/** Why the API server would refuse `schedule`, or undefined when it takes it. */
export function cronScheduleProblem(schedule: string): string | undefined {
    // The API server refuses a time zone inside the schedule; it belongs in the CronJob's own timeZone field.
    if (schedule.includes("TZ")) return "names a time zone (TZ=/CRON_TZ=); set timeZone instead";
    // Only a schedule that starts with "@" is a descriptor, matched as written: " @daily" and "@daily " are refused.
    if (schedule.startsWith("@")) {
        return (CRON_DESCRIPTORS as readonly string[]).includes(schedule) ? undefined : "is no known descriptor";
    }
    const trimmed = schedule.trim();
    const fields = trimmed === "" ? [] : trimmed.split(/\s+/);
    if (fields.length !== FIELDS.length) return `has ${fields.length} field${fields.length === 1 ? "" : "s"}, not 5`;
    for (const [i, text] of fields.entries()) {
        for (const part of text.split(",")) {
            const problem = part === "" ? `"${text}" has an empty list entry` : rangeProblem(part, FIELDS[i]);
            if (problem !== undefined) return `${FIELDS[i].name}: ${problem}`;
        }
    }
    return undefined;
}

/** One part of a zone name, as the API server allows it (it guards the path into the zone database). */
const ZONE_PART = /^[A-Za-z._+0-9-]{1,14}$/;

/**
 * Whether the zone database knows `zone` by this very name: ICU's (Node's) stands in for Go's, which the API server
 * reads. ICU takes any letter case and Go's file lookup does not, so a name that differs from ICU's only in case is not.
 * An alias ICU resolves to another zone (`US/Eastern`, `GMT`) cannot be compared so; every IANA name starts each part
 * with an upper-case letter, which refuses the usual wrong case (`us/eastern`, `etc/utc`, `gmt`), though not `US/EASTERN`.
 */
function knownZone(zone: string): boolean {
    try {
        const resolved = new Intl.DateTimeFormat("en-US", { timeZone: zone }).resolvedOptions().timeZone;
        return resolved === zone || (resolved.toLowerCase() !== zone.toLowerCase() && zone.split("/").every((part) => /^[A-Z]/.test(part)));
    } catch {
        return false;
    }
}

export const TIME_ZONE_HELP = 'an IANA time zone name such as "Europe/Berlin", "America/New_York" or "UTC"';

/** Why the API server would refuse `timeZone` (empty, `Local`, or no zone of the database), or undefined. */
export function timeZoneProblem(timeZone: string): string | undefined {
    if (timeZone.toLowerCase() === "local") return "is the node's local time, which differs from node to node";
    const partsValid = timeZone.split("/").every((part) => ZONE_PART.test(part) && part !== "." && part !== ".." && !part.startsWith("-"));
    return partsValid && knownZone(timeZone) ? undefined : "is no IANA time zone";
}

export const cronSchedule = z.string().superRefine((schedule, ctx) => {
    const problem = cronScheduleProblem(schedule);
    if (problem !== undefined) ctx.addIssue({ code: "custom", message: `${JSON.stringify(schedule)} ${problem}; allowed: ${CRON_HELP}` });
}).meta({ type: "cron schedule" });

export const timeZone = z.string().superRefine((zone, ctx) => {
    const problem = timeZoneProblem(zone);
    if (problem !== undefined) ctx.addIssue({ code: "custom", message: `${JSON.stringify(zone)} ${problem}; allowed: ${TIME_ZONE_HELP}` });
}).meta({ type: "IANA time zone" });
