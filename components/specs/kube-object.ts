// The plain shape every spec builder returns: a Kubernetes object as it would appear in a manifest. Keeping the core in
// plain objects (not Pulumi resources) lets tests, the policy rules and the engine-free renderer share one source of truth.

export interface KubeObject {
    apiVersion: string;
    kind: string;
    metadata: ObjectMeta;
    // The rest of the object (spec, data, rules, ...) differs per kind; builders type it at construction.
    [field: string]: unknown;
}

export interface ObjectMeta {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
}

/** Removes keys whose value is undefined, so rendered objects never carry `field: undefined` noise. */
export function compact<T extends object>(value: T): T {
    return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
