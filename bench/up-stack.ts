/**
 * The workload of the `up` cases: N stateless apps (ServiceAccount, Deployment, Service, PodDisruptionBudget each) in one namespace of
 * the live local cluster, as a stack config in the shape of Pulumi.<stack>.yaml. Two fixed replicas, not an autoscaler:
 * with one, a Deployment starts at 1 pod and the autoscaler adds the second whenever its next sync comes, so the change
 * step would roll out one pod or two depending on how long the fresh step took. Requests are small so that N = 50 apps
 * fit the cluster's two worker nodes (4 CPU each).
 */
import { CONFIG_NAMESPACE } from "../config/load-stack-config";

/** Kubernetes objects per app: ServiceAccount, Deployment, Service, PodDisruptionBudget. */
export const OBJECTS_PER_APP = 4;

/** The name of app `i`; the one-field change edits app 0. */
export const appName = (i: number) => `app-${i}`;

/**
 * The `config:` map for `n` apps in `namespace` on the cluster of `kubeconfig`/`context`. `revision` is the value of
 * app 0's BENCH_REVISION env var: changing it is the one-field change (a new pod template, so a rollout).
 */
export function upStackConfig(n: number, namespace: string, cluster: { kubeconfig: string; context: string }, revision = 1): Record<string, unknown> {
    const apps = Array.from({ length: n }, (_, i) => ({
        name: appName(i),
        type: "stateless",
        image: "nginxinc/nginx-unprivileged:1.27.3-alpine",
        port: 8080,
        env: { BENCH_REVISION: String(i === 0 ? revision : 1) },
        resources: { requests: { cpu: "20m", memory: "32Mi" }, limits: { cpu: "100m", memory: "64Mi" } },
        readinessProbe: { type: "http", path: "/" },
        livenessProbe: { type: "http", path: "/" },
        replicas: 2,
    }));
    const ns = CONFIG_NAMESPACE;
    return {
        [`${ns}:protectData`]: false,
        [`${ns}:cluster`]: { kubeconfig: { context: cluster.context, path: cluster.kubeconfig } },
        [`${ns}:namespace`]: { name: namespace },
        [`${ns}:apps`]: apps,
    };
}
