// restoreFrom of a deployed stateful app cannot change: the API server refuses a changed claim template, and the claims
// that exist would keep their data, so the program refuses it before anything is declared. The stack's own last
// outputs say which snapshot each app started from.
import { describe, expect, it } from "vitest";
import { runProgram } from "../support/run-program";

/* eslint-disable @typescript-eslint/no-explicit-any */
const resources = { requests: { cpu: "250m", memory: "128Mi" }, limits: { cpu: "500m", memory: "256Mi" } };
const db = (extra: Record<string, unknown> = {}) => ({ name: "db", type: "stateful", image: "redis:7.4.1-alpine", resources, storage: { size: "1Gi" }, ...extra });
const restored = (snapshot: string) => db({ storage: { size: "1Gi", restoreFrom: { snapshot } } });
const config = (...apps: Array<Record<string, unknown>>) => ({
    "kube-appstack:cluster": { kubeconfig: { context: "staging" } },
    "kube-appstack:namespace": { name: "apps" },
    "kube-appstack:apps": apps,
});
const deployed = (extra: Record<string, unknown> = {}) => ({ apps: { db: { kind: "stateful", serviceName: "db-headless", servicePort: 8080, dnsName: "x", replicas: 1, ...extra } } });

describe("restoreFrom of a deployed stateful app", () => {
    it("is recorded in the stack outputs, so the next update knows it", async () => {
        const run = await runProgram("staging", config(restored("snap-1")));
        expect((run.outputs.apps as any).db.restoredFrom).toBe("snap-1");
        expect((await runProgram("staging", config(db()))).outputs.apps as any).not.toHaveProperty("db.restoredFrom");
    });

    it("may be set on an app that is not deployed yet, and kept as it is on one that is", async () => {
        await expect(runProgram("staging", config(restored("snap-1")), { previousOutputs: { apps: {} } })).resolves.toBeDefined();
        await expect(runProgram("staging", config(restored("snap-1")), { previousOutputs: deployed({ restoredFrom: "snap-1" }) })).resolves.toBeDefined();
        await expect(runProgram("staging", config(db()), { previousOutputs: deployed() })).resolves.toBeDefined();
    });

    it.each([
        ["added", restored("snap-1"), deployed(), "no restoreFrom"],
        ["changed", restored("snap-2"), deployed({ restoredFrom: "snap-1" }), 'restoreFrom: { snapshot: "snap-1" }'],
        ["removed", db(), deployed({ restoredFrom: "snap-1" }), 'restoreFrom: { snapshot: "snap-1" }'],
    ])("is refused when %s, naming the key, what is deployed and the way to restore", async (_what, app, previousOutputs, was) => {
        await expect(runProgram("staging", config(db({ name: "other" }), app), { previousOutputs })).rejects.toThrow(
            `kube-appstack:apps[1].storage.restoreFrom: app "db" is deployed with ${was}, and a StatefulSet's claim templates cannot change (its claims data-db-<ordinal> exist and would keep their data); `
            + `allowed: ${was} here; to restore, add the app under a new name with restoreFrom, or remove it, delete its claims and add it back (docs/configuration.md, Restoring a snapshot)`,
        );
    });
});
