import { appNamespaceObjects } from "../components/specs/app-namespace";
import { metricsServerObjects } from "../components/specs/metrics-server";
import { persistentStorageObjects } from "../components/specs/persistent-storage";
import { secretEnvName } from "../components/specs/secret-env";
import { registrySecretName } from "../components/specs/registry-credentials";
import { secretFilesName } from "../components/specs/secret-files";
import { statefulAppObjects } from "../components/specs/stateful-app";
import { statelessAppObjects } from "../components/specs/stateless-app";
import { KubeObject } from "../components/specs/kube-object";
import { persistentStorageArgs, statefulAppArgs, statelessAppArgs } from "./app-args";
import { CONFIG_NAMESPACE } from "./load-stack-config";
import { StackConfig, wantsMetricsServer } from "./stack-config";

// Two config entries can name the same Kubernetes object without sharing a name: a stateless app `cache-headless` and
// the headless Service of a stateful `cache`, or a storage entry `data-db-0` and the first claim of a stateful `db`.
// The second apply would take the first one's object over. The objects are built by the components' own builders, so
// every name they derive is covered.

interface Made {
    readonly id: string;
    readonly entry: string;
    readonly nodePorts: number[];
}

function identity(kind: string, namespace: string | undefined, name: string): string {
    return `${kind} ${namespace === undefined ? "" : `${namespace}/`}${name}`;
}

function made(objects: Array<KubeObject | undefined>, entry: string): Made[] {
    const autoscaledTo = (objects.find((o) => o?.kind === "HorizontalPodAutoscaler")?.spec as { maxReplicas?: number } | undefined)?.maxReplicas;
    return objects.filter((o): o is KubeObject => o !== undefined).flatMap((o) => {
        const ports = ((o.spec as { ports?: Array<{ nodePort?: number }> } | undefined)?.ports ?? []).flatMap((p) => (p.nodePort === undefined ? [] : [p.nodePort]));
        const own = { id: identity(o.kind, o.metadata.namespace, o.metadata.name), entry, nodePorts: o.kind === "Service" ? ports : [] };
        // The StatefulSet controller creates a claim per replica and template: `<template>-<app>-<ordinal>`.
        const spec = o.spec as { replicas?: number; volumeClaimTemplates?: Array<{ metadata: { name: string } }> } | undefined;
        // An autoscaled StatefulSet declares no replicas; it may grow to its autoscaler's maximum, a claim per pod.
        const pods = spec?.replicas ?? autoscaledTo ?? 0;
        const claims = o.kind !== "StatefulSet" ? [] : (spec?.volumeClaimTemplates ?? []).flatMap((t) =>
            Array.from({ length: pods }, (_, i) => ({
                id: identity("PersistentVolumeClaim", o.metadata.namespace, `${t.metadata.name}-${o.metadata.name}-${i}`), entry, nodePorts: [],
            })));
        return [own, ...claims];
    });
}

function objectsOf(config: StackConfig): Made[] {
    const namespace = config.namespace.name;
    const apps = config.apps.flatMap((configured, i) => {
        const entry = `apps[${i}]`;
        // Only the objects' identities matter here, not the config files' text, which is read after validation.
        const app = configured.configFiles ? { ...configured, configFiles: Object.fromEntries(Object.keys(configured.configFiles).map((p) => [p, { content: "" }])) } : configured;
        // Nor the ports of the apps a route splits traffic to, which routeBackendProblems checks.
        const objects = app.type === "stateless"
            ? Object.values(statelessAppObjects(app.name, { ...statelessAppArgs(app, namespace), route: app.route && { ...app.route, weights: undefined } }))
            : Object.values(statefulAppObjects(app.name, statefulAppArgs(app, namespace)));
        const secret = [
            ...(Object.keys(app.secretConfig ?? {}).length > 0 ? [{ id: identity("Secret", namespace, secretEnvName(app.name)), entry, nodePorts: [] }] : []),
            ...(Object.keys(app.secretFiles ?? {}).length > 0 ? [{ id: identity("Secret", namespace, secretFilesName(app.name)), entry, nodePorts: [] }] : []),
            ...((app.registryCredentials ?? []).length > 0 ? [{ id: identity("Secret", namespace, registrySecretName(app.name)), entry, nodePorts: [] }] : []),
        ];
        // The replicas hand-over patch shares its Deployment's identity on purpose.
        return [...made(objects.filter((o) => !o?.metadata.annotations?.["pulumi.com/patchFieldManager"]), entry), ...secret];
    });
    const storage = (config.storage ?? []).flatMap((s, i) => made(Object.values(persistentStorageObjects(s.name, persistentStorageArgs(s, namespace))), `storage[${i}]`));
    const { name: _name, ...namespaceArgs } = config.namespace;
    const own = made(Object.values(appNamespaceObjects(namespace, namespaceArgs)), "namespace");
    const metrics = wantsMetricsServer(config.cluster) ? made(Object.values(metricsServerObjects()), "cluster.metricsServer") : [];
    return [...metrics, ...own, ...apps, ...storage];
}

/** Every pair of entries whose objects collide, one message on the later entry; and every nodePort taken twice. */
export function objectCollisionProblems(config: StackConfig): string[] {
    const problems: string[] = [];
    const owners = new Map<string, string>();
    const collisions = new Map<string, { entry: string; first: string; ids: string[] }>();
    const ports = new Map<number, string>();
    for (const object of objectsOf(config)) {
        const first = owners.get(object.id);
        if (first === undefined) owners.set(object.id, object.entry);
        else if (first !== object.entry) {
            const pair = `${object.entry} ${first}`;
            const collision = collisions.get(pair) ?? { entry: object.entry, first, ids: [] };
            collision.ids.push(object.id);
            collisions.set(pair, collision);
        }
        for (const port of object.nodePorts) {
            const taken = ports.get(port);
            if (taken !== undefined) {
                problems.push(`${CONFIG_NAMESPACE}:${object.entry}: nodePort ${port} is already taken by ${taken}; allowed: each nodePort once in the cluster`);
            } else ports.set(port, object.entry);
        }
    }
    for (const { entry, first, ids } of collisions.values()) {
        const key = entry.startsWith("cluster") || entry === "namespace" ? entry : `${entry}.name`;
        problems.push(`${CONFIG_NAMESPACE}:${key}: makes ${ids.join(" and ")}, which ${first} makes too; allowed: names whose objects differ (rename one of them)`);
    }
    return problems;
}
