// A stateful app's backup under the program: its objects are the app's children, and the CronJob waits for its grant.
import { describe, expect, it } from "vitest";
import { runProgram } from "../support/run-program";

const resources = { requests: { cpu: "250m", memory: "128Mi" }, limits: { cpu: "500m", memory: "256Mi" } };
const config = {
    "kube-appstack:cluster": { kubeconfig: { context: "staging" } },
    "kube-appstack:namespace": { name: "apps" },
    "kube-appstack:apps": [{ name: "db", type: "stateful", image: "redis:7.4.1-alpine", resources, storage: { size: "1Gi" }, backup: { retain: 3 } }],
};

describe("a stateful app's backup in the program", () => {
    it("declares the CronJob under the app, after the account, Role and RoleBinding it runs with", async () => {
        const run = await runProgram("staging", config);
        const cronJob = run.get("kubernetes:batch/v1:CronJob", "db-backup");
        const grant = ["kubernetes:core/v1:ServiceAccount", "kubernetes:rbac.authorization.k8s.io/v1:Role", "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding"]
            .map((type) => run.get(type, "db-backup"));
        expect(cronJob.dependencies).toEqual(expect.arrayContaining(grant.map((r) => r.urn)));
        for (const r of [cronJob, ...grant]) expect(r.parent).toMatch(/::kube-appstack:index:StatefulApp::db$/);
    });
});
