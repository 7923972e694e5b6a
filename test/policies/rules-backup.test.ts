// statefulset-backed-up: a StatefulSet that keeps data has a backup CronJob in its namespace, found by the label the
// components put on it; advisory by default, mandatory in prod and staging, off in dev (no snapshot controller there).
import { describe, expect, it } from "vitest";
import { statefulAppObjects } from "../../components/specs/stateful-app";
import { KubeObject as SpecObject } from "../../components/specs/kube-object";
import { checkObjects } from "../../policies/check";
import type { KubeObject } from "../../policies/kube-object";
import { defaultPolicyConfig, parsePolicyConfig } from "../../policies/policy-config";
import { statefulSet, withFields, workloadOfKind } from "./objects";

const RULE = "statefulset-backed-up";
const on = parsePolicyConfig({ [RULE]: "mandatory" }, "test");
const messages = (...objects: KubeObject[]) => checkObjects(objects, on).filter((v) => v.policy === RULE).map((v) => v.message);
const backupOf = (app: string, namespace = "shop") => withFields(workloadOfKind("CronJob", `${app}-backup`, namespace), { "metadata.labels": { "backup.kube-appstack.io/app": app } });

describe(RULE, () => {
    it("fires for a StatefulSet with claim templates and no backup CronJob in its namespace", () => {
        expect(messages(statefulSet())).toEqual(['keeps data in claims (volumeClaimTemplates) but no CronJob in namespace "shop" labelled backup.kube-appstack.io/app: db backs it up']);
    });

    it("accepts one backed up by a CronJob labelled with its name, in its namespace, not suspended", () => {
        expect(messages(statefulSet(), backupOf("db"))).toEqual([]);
        expect(messages(statefulSet(), backupOf("db", "other"))).toHaveLength(1);
        expect(messages(statefulSet(), backupOf("cache"))).toHaveLength(1);
        expect(messages(statefulSet(), withFields(backupOf("db"), { "spec.suspend": true }))).toHaveLength(1);
    });

    it("leaves a StatefulSet without claim templates alone", () => {
        expect(messages(withFields(statefulSet(), { "spec.volumeClaimTemplates": undefined }))).toEqual([]);
    });

    it("finds the backup kube-appstack's stateful apps make", () => {
        const objects = (backup: object | undefined) => Object.values(statefulAppObjects("db", {
            namespace: "apps", image: "redis:7.4.1-alpine", storage: { size: "1Gi" }, backup,
            resources: { requests: { cpu: "100m", memory: "64Mi" }, limits: { cpu: "100m", memory: "64Mi" } },
        })).filter((o): o is SpecObject => o !== undefined) as KubeObject[];
        expect(messages(...objects({}))).toEqual([]);
        expect(messages(...objects(undefined))).toHaveLength(1);
    });

    it("is advisory by default", () => {
        expect(checkObjects([statefulSet()], defaultPolicyConfig()).filter((v) => v.policy === RULE).map((v) => v.level)).toEqual(["advisory"]);
    });
});
