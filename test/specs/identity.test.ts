// Each app's own ServiceAccount, its optional RBAC rules and token, and pull secrets for private images.
import { describe, expect, it } from "vitest";
import { statefulAppObjects, StatefulAppArgs } from "../../components/specs/stateful-app";
import { statelessAppObjects, StatelessAppArgs } from "../../components/specs/stateless-app";
import { validateAgainstOpenApi } from "../support/openapi";

/* eslint-disable @typescript-eslint/no-explicit-any */
const resources = { requests: { cpu: "250m", memory: "128Mi" }, limits: { cpu: "500m", memory: "256Mi" } };
const web = (extra: Partial<StatelessAppArgs> = {}): StatelessAppArgs => ({ namespace: "apps", image: "nginxinc/nginx-unprivileged:1.27.3-alpine", resources, ...extra });
const db = (extra: Partial<StatefulAppArgs> = {}): StatefulAppArgs => ({ namespace: "apps", image: "redis:7.4.1-alpine", resources, storage: { size: "1Gi" }, ...extra });
const readConfigMaps = { apiGroups: [""], resources: ["configmaps"], verbs: ["get", "list", "watch"] as Array<"get" | "list" | "watch"> };

describe("an app's identity", () => {
    it("is its own ServiceAccount, with no token in the pods and no rights, by default", () => {
        const o = statelessAppObjects("web", web());
        expect(o.serviceAccount).toEqual({
            apiVersion: "v1", kind: "ServiceAccount",
            metadata: { name: "web", namespace: "apps", labels: expect.objectContaining({ "app.kubernetes.io/name": "web" }) },
            automountServiceAccountToken: false,
        });
        expect(o.role).toBeUndefined();
        expect(o.roleBinding).toBeUndefined();
        const pod = (o.deployment as any).spec.template.spec;
        expect(pod).toMatchObject({ serviceAccountName: "web", automountServiceAccountToken: false });
        expect(pod.imagePullSecrets).toBeUndefined();
        validateAgainstOpenApi(o.serviceAccount);
    });

    it("grants namespaced rules through a Role and RoleBinding of the app's name, and mounts a token to use them", () => {
        const o = statelessAppObjects("web", web({ serviceAccount: { rules: [readConfigMaps, { ...readConfigMaps, resources: ["secrets"], verbs: ["get"], resourceNames: ["web-tls"] }] } }));
        expect(o.role).toEqual({
            apiVersion: "rbac.authorization.k8s.io/v1", kind: "Role", metadata: expect.objectContaining({ name: "web", namespace: "apps" }),
            rules: [readConfigMaps, { apiGroups: [""], resources: ["secrets"], verbs: ["get"], resourceNames: ["web-tls"] }],
        });
        expect(o.roleBinding).toMatchObject({
            kind: "RoleBinding", metadata: { name: "web", namespace: "apps" },
            roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: "web" },
            subjects: [{ kind: "ServiceAccount", name: "web", namespace: "apps" }],
        });
        expect((o.deployment as any).spec.template.spec.automountServiceAccountToken).toBe(true);
        expect(o.serviceAccount.automountServiceAccountToken).toBe(true);
        for (const object of [o.serviceAccount, o.role!, o.roleBinding!]) validateAgainstOpenApi(object);
    });

    it("mounts a token only as asked, with or without rules, and annotates the account for a cloud identity", () => {
        const noToken = statelessAppObjects("web", web({ serviceAccount: { rules: [readConfigMaps], automountToken: false } }));
        expect((noToken.deployment as any).spec.template.spec.automountServiceAccountToken).toBe(false);
        const token = statelessAppObjects("web", web({ serviceAccount: { automountToken: true, annotations: { "eks.amazonaws.com/role-arn": "arn:aws:iam::1:role/web" } } }));
        expect((token.deployment as any).spec.template.spec.automountServiceAccountToken).toBe(true);
        expect(token.serviceAccount.metadata.annotations).toEqual({ "eks.amazonaws.com/role-arn": "arn:aws:iam::1:role/web" });
    });

    it("is the same for a stateful app", () => {
        const o = statefulAppObjects("db", db({ serviceAccount: { rules: [readConfigMaps] } }));
        expect(o.serviceAccount.metadata.name).toBe("db");
        expect(o.role?.metadata.name).toBe("db");
        expect((o.statefulSet as any).spec.template.spec).toMatchObject({ serviceAccountName: "db", automountServiceAccountToken: true });
    });
});

describe("private images", () => {
    it("name the pull secrets in the pod spec", () => {
        const o = statelessAppObjects("web", web({ imagePullSecrets: ["registry-cred", "mirror.cred"] }));
        expect((o.deployment as any).spec.template.spec.imagePullSecrets).toEqual([{ name: "registry-cred" }, { name: "mirror.cred" }]);
        expect((statefulAppObjects("db", db({ imagePullSecrets: ["registry-cred"] })).statefulSet as any).spec.template.spec.imagePullSecrets).toEqual([{ name: "registry-cred" }]);
        validateAgainstOpenApi(o.deployment);
    });
});
