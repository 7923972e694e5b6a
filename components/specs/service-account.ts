import { z } from "zod";
import { annotationMap, show } from "../../kube/schemas";
import { KubeObject } from "./kube-object";

/** The verbs a namespaced Role may grant; wildcards are refused so that every grant is written out. */
export const RBAC_VERBS = ["get", "list", "watch", "create", "update", "patch", "delete", "deletecollection"] as const;

const noWildcard = (what: string) => z.string().min(1).refine((value) => !value.includes("*"), {
    error: (iss) => `${show(iss.input)} is a wildcard; allowed: ${what} named one by one, so the app gets only what it needs`,
});

const policyRuleSchema = z.strictObject({
    apiGroups: z.array(z.string().refine((g) => !g.includes("*"), {
        error: (iss) => `${show(iss.input)} is a wildcard; allowed: API groups named one by one ("" is the core group)`,
    })).min(1).meta({ description: 'API groups of the resources (`""` is the core group: pods, configmaps, secrets, ...).' }),
    resources: z.array(noWildcard("resources")).min(1).meta({ description: 'Resources, e.g. `["configmaps"]` or a subresource `["pods/log"]`.' }),
    verbs: z.array(z.enum(RBAC_VERBS)).min(1).meta({ description: `Allowed verbs: ${RBAC_VERBS.join(", ")}.` }),
    resourceNames: z.array(z.string().min(1)).min(1).optional().meta({ description: "Limit the rule to objects of these names.", default: "every object of the resources" }),
}).meta({ title: "RBAC rule" });

export const serviceAccountSchema = z.strictObject({
    automountToken: z.boolean().optional().meta({
        description: "Mount an API token into the pods. Apps that never call the Kubernetes API should not carry one.",
        default: "`true` when `rules` grant the app something to call, else `false`",
    }),
    rules: z.array(policyRuleSchema).min(1).optional().meta({
        description: "Namespaced RBAC rules for the app: a Role and a RoleBinding of the app's name grant them to its ServiceAccount, in the app's namespace only.",
        default: "none: the ServiceAccount may do nothing",
    }),
    annotations: annotationMap.optional().meta({
        description: "Annotations on the ServiceAccount, e.g. a cloud workload identity (`eks.amazonaws.com/role-arn`, `iam.gke.io/gcp-service-account`).",
    }),
}).meta({ title: "Service account" });

export type ServiceAccountArgs = z.infer<typeof serviceAccountSchema>;

/** Whether the pods get an API token: when asked, or when rules grant them something to call. */
export function automountToken(args: ServiceAccountArgs | undefined): boolean {
    return args?.automountToken ?? args?.rules !== undefined;
}

export interface IdentityObjects {
    serviceAccount: KubeObject;
    role?: KubeObject;
    roleBinding?: KubeObject;
}

/**
 * The identity of an app's pods: its own ServiceAccount, named like the app (never the namespace's `default`, which
 * every other pod there shares), and a Role and RoleBinding of the same name when it has rules.
 */
export function identityObjects(name: string, namespace: string, labels: Record<string, string>, args: ServiceAccountArgs | undefined): IdentityObjects {
    const metadata = { name, namespace, labels };
    const rules = args?.rules;
    return {
        serviceAccount: {
            apiVersion: "v1",
            kind: "ServiceAccount",
            metadata: args?.annotations ? { ...metadata, annotations: args.annotations } : metadata,
            automountServiceAccountToken: automountToken(args),
        },
        role: rules && {
            apiVersion: "rbac.authorization.k8s.io/v1",
            kind: "Role",
            metadata,
            rules,
        },
        roleBinding: rules && {
            apiVersion: "rbac.authorization.k8s.io/v1",
            kind: "RoleBinding",
            metadata,
            roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name },
            subjects: [{ kind: "ServiceAccount", name, namespace }],
        },
    };
}
