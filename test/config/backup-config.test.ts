// backup and restoreFrom in a stack config: schedules as the CronJob controller reads them, time zones as the API server
// checks them, the retention range and names, each refused with the key path, the value and what is allowed.
import { describe, expect, it } from "vitest";
import { StatefulApp } from "../../components";
import { StackConfigError } from "../../config/load-stack-config";
import { validateStackConfig } from "../../config/validate-stack";
import { cronScheduleProblem, timeZoneProblem } from "../../kube/cron-schedule";

const resources = { requests: { cpu: "250m", memory: "128Mi" }, limits: { cpu: "500m", memory: "256Mi" } };
const db = (extra: Record<string, unknown> = {}) => ({ name: "db", type: "stateful", image: "redis:7.4.1-alpine", resources, storage: { size: "1Gi" }, ...extra });

function problems(apps: unknown[], more: Record<string, unknown> = {}): string[] {
    try {
        validateStackConfig("test", { cluster: { kubeconfig: { context: "c" } }, namespace: { name: "apps" }, apps, ...more }, []);
    } catch (error) {
        expect(error).toBeInstanceOf(StackConfigError);
        return (error as StackConfigError).problems;
    }
    return [];
}

describe("a backup schedule", () => {
    it.each([
        "30 2 * * *", "*/15 * * * *", "0 0 1,15 * *", "0 9-17/2 * * mon-fri", "0 0 * JAN,jul SUN", "5/10 * ? * *",
        "0 0 31 12 6", "  0  3 * * *  ", "@daily", "@hourly", "@weekly", "@monthly", "@yearly", "@annually", "@midnight",
    ])("takes %j", (schedule) => {
        expect(cronScheduleProblem(schedule)).toBeUndefined();
    });

    it.each([
        ["", /has 0 fields, not 5/],
        ["0 3 * *", /has 4 fields, not 5/],
        ["0 0 3 * * *", /has 6 fields, not 5/],
        ["60 * * * *", /^minute: "60" is outside 0-59/],
        ["0 24 * * *", /^hour: "24" is outside 0-23/],
        ["0 0 0 * *", /^day of month: "0" is outside 1-31/],
        ["0 0 * 13 *", /^month: "13" is outside 1-12/],
        // The controller counts Sunday as 0 only.
        ["0 0 * * 7", /^day of week: "7" is outside 0-6/],
        ["0 5-3 * * *", /^hour: "5-3" starts after it ends/],
        ["*/0 * * * *", /^minute: "\*\/0" has step "0"; a step is a positive integer/],
        ["0 0 * * monday", /^day of week: "monday" is not a number or name/],
        ["0,,5 * * * *", /^minute: "0,,5" has an empty list entry/],
        ["1-2-3 * * * *", /more than one "-"/],
        ["@every 1h", /^is no known descriptor$/],
        ["CRON_TZ=UTC 0 3 * * *", /names a time zone .*set timeZone instead/],
        // The parser matches a descriptor as written: the API server refuses these two (checked on the local cluster).
        [" @daily", /has 1 field, not 5/],
        ["@daily ", /^is no known descriptor$/],
    ])("refuses %j", (schedule, message) => {
        expect(cronScheduleProblem(schedule)).toMatch(message);
    });

    it("is refused with the key path, the value and the grammar allowed", () => {
        expect(problems([db({ backup: { schedule: "0 25 * * *" } })])).toEqual([
            expect.stringMatching(/^kube-appstack:apps\[0\]\.backup\.schedule: "0 25 \* \* \*" hour: "25" is outside 0-23; allowed: five fields "minute hour day-of-month month day-of-week"/),
        ]);
        // The value once, not twice.
        expect(problems([db({ backup: { schedule: "@reboot" } })])).toEqual([
            expect.stringMatching(/^kube-appstack:apps\[0\]\.backup\.schedule: "@reboot" is no known descriptor; allowed: five fields/),
        ]);
    });
});

describe("a backup time zone", () => {
    it.each(["UTC", "Etc/UTC", "Europe/Berlin", "America/Argentina/Buenos_Aires", "US/Eastern", "GMT", "Zulu", "EST5EDT", "Etc/GMT+5", "Asia/Calcutta"])("takes %j", (zone) => {
        expect(timeZoneProblem(zone)).toBeUndefined();
    });

    it.each([["Local", /local time/], ["local", /local time/], ["", /no IANA/], ["Mars/Olympus", /no IANA/], ["europe/berlin", /no IANA/], ["../etc/passwd", /no IANA/],
        // Aliases in the wrong case: ICU resolves them to their zone, the API server's lookup does not (checked on the local cluster).
        ["etc/utc", /no IANA/], ["gmt", /no IANA/], ["us/eastern", /no IANA/], ["US/eastern", /no IANA/], ["zulu", /no IANA/]])("refuses %j", (zone, message) => {
        expect(timeZoneProblem(zone)).toMatch(message);
    });

    it("is refused with its key path", () => {
        expect(problems([db({ backup: { timeZone: "Berlin" } })])).toEqual([
            'kube-appstack:apps[0].backup.timeZone: "Berlin" is no IANA time zone; allowed: an IANA time zone name such as "Europe/Berlin", "America/New_York" or "UTC"',
        ]);
    });
});

describe("the rest of a backup and a restore", () => {
    it("accepts a complete backup and a restore", () => {
        expect(problems([db({
            storage: { size: "1Gi", restoreFrom: { snapshot: "data-db-0-20261130023000" } },
            backup: { schedule: "0 */6 * * *", timeZone: "Europe/Berlin", volumeSnapshotClassName: "csi-hostpath-snapclass", retain: 28 },
        })])).toEqual([]);
    });

    it.each([
        [{ backup: { retain: 0 } }, /^kube-appstack:apps\[0\]\.backup\.retain: 0 is out of range; allowed: an integer from 1 to 100$/],
        [{ backup: { retain: 101 } }, /^kube-appstack:apps\[0\]\.backup\.retain: 101 is out of range/],
        [{ backup: { retain: 2.5 } }, /^kube-appstack:apps\[0\]\.backup\.retain: 2\.5 is out of range/],
        [{ backup: { volumeSnapshotClassName: "CSI_Class" } }, /^kube-appstack:apps\[0\]\.backup\.volumeSnapshotClassName: "CSI_Class" is not a valid name; allowed: a DNS-1123 subdomain/],
        [{ backup: { image: "alpine/k8s:latest" } }, /^kube-appstack:apps\[0\]\.backup\.image: "alpine\/k8s:latest" is not pinned/],
        [{ backup: { schedul: "@daily" } }, /^kube-appstack:apps\[0\]\.backup\.schedul: unknown key \(did you mean "schedule"\?\)/],
        [{ storage: { size: "1Gi", restoreFrom: { snapshot: "Data.0" } } }, /^kube-appstack:apps\[0\]\.storage\.restoreFrom\.snapshot: "Data\.0" is not a valid name; allowed: a DNS-1123 subdomain/],
        [{ storage: { size: "1Gi", restoreFrom: "snap-1" } }, /^kube-appstack:apps\[0\]\.storage\.restoreFrom: /],
    ])("refuses %j", (extra, message) => {
        expect(problems([db(extra)])).toEqual([expect.stringMatching(message)]);
    });

    it("refuses a name that leaves the backup's CronJob no room for its Jobs' suffix, and only with backup", () => {
        const name = "d".repeat(46);
        expect(problems([db({ name, backup: {} })])).toEqual([
            `kube-appstack:apps[0].name: "${name}" has 46 characters; allowed: at most 45 with \`backup\` (its CronJob "${name}-backup" may have 52: its Jobs add 11 characters to a name that goes into a label)`,
        ]);
        expect(problems([db({ name })])).toEqual([]);
        expect(problems([db({ name: "d".repeat(45), backup: {} })])).toEqual([]);
        expect(() => new StatefulApp(name, { namespace: "apps", image: "redis:7.4.1-alpine", resources, storage: { size: "1Gi" }, backup: {} }))
            .toThrow(`StatefulApp "${name}" has invalid args:\n  - name: "${name}" has 46 characters; allowed: at most 45 with \`backup\``);
    });

    it("refuses an app whose objects the backup's would take over", () => {
        expect(problems([db({ backup: {} }), db({ name: "db-backup" })])).toEqual([
            "kube-appstack:apps[1].name: makes ServiceAccount apps/db-backup, which apps[0] makes too; allowed: names whose objects differ (rename one of them)",
        ]);
    });

    it("has no backup for a storage entry: its hostPath or local volume is no CSI volume, which snapshots need", () => {
        expect(problems([db()], { storage: [{ name: "shared", size: "1Gi", hostPath: "/d", backup: {} }] })).toEqual([
            expect.stringMatching(/^kube-appstack:storage\[0\]\.backup: unknown key/),
        ]);
    });
});
