import { DATA_VOLUME } from "../components/specs/stateful-app";
import { CONFIG_NAMESPACE } from "../config/load-stack-config";
import type { AppOutput, StackPlan } from "./stack-plan";

const DOC = "docs/configuration.md, Restoring a snapshot";

/**
 * A deployed stateful app whose `storage.restoreFrom` is added, changed or removed. The API server refuses any change
 * to a StatefulSet's claim templates, and the claims that exist would keep their data anyway: the restore would do
 * nothing while looking done. `previous` is the stack's last `apps` output, which records each app's snapshot.
 */
export function restoreChangeProblems(plan: StackPlan, previous: Record<string, AppOutput>): string[] {
    return plan.apps.flatMap((app, i) => {
        const before = previous[app.name];
        if (app.type !== "stateful" || before?.kind !== "stateful") return [];
        const now = app.args.storage.restoreFrom?.snapshot;
        if (now === before.restoredFrom) return [];
        const was = before.restoredFrom === undefined ? "no restoreFrom" : `restoreFrom: { snapshot: ${JSON.stringify(before.restoredFrom)} }`;
        return [
            `${CONFIG_NAMESPACE}:apps[${i}].storage.restoreFrom: app ${JSON.stringify(app.name)} is deployed with ${was}, and a StatefulSet's claim templates cannot change (its claims ${DATA_VOLUME}-${app.name}-<ordinal> exist and would keep their data); `
            + `allowed: ${was} here; to restore, add the app under a new name with restoreFrom, or remove it, delete its claims and add it back (${DOC})`,
        ];
    });
}
