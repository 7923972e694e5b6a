/**
 * The benchmark's workload: N app stacks, each a stateless app (Deployment + HPA + Service + PDB), a stateful app
 * (StatefulSet + headless Service) and a PersistentStorage (PV + PVC), as a stack config in the shape of
 * Pulumi.<stack>.yaml, so every measured path starts from the same input a user writes.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { stringify } from "yaml";
import { CONFIG_NAMESPACE } from "../config/load-stack-config";
import { validateStackConfig } from "../config/validate-stack";
import { KubeObject } from "../components/specs/kube-object";
import { StackConfig } from "../config/stack-config";
import { stackObjects } from "../program/stack-objects";
import { stackPlan, StackPlan } from "../program/stack-plan";

export const BENCH_STACK = "bench";
export const BENCH_NAMESPACE = "bench";
/** Kubernetes objects per app stack: Deployment, HPA, Service, PDB, StatefulSet, headless Service, PV, PVC. */
export const OBJECTS_PER_APP_STACK = 8;

const resources = { requests: { cpu: "250m", memory: "128Mi" }, limits: { cpu: "500m", memory: "256Mi" } };

/** The `config:` map of Pulumi.bench.yaml for `n` app stacks (keys with their namespace). */
export function benchStackConfig(n: number): Record<string, unknown> {
    const apps: unknown[] = [];
    const storage: unknown[] = [];
    for (let i = 0; i < n; i++) {
        apps.push({
            name: `web-${i}`,
            type: "stateless",
            image: "nginxinc/nginx-unprivileged:1.27.3-alpine",
            port: 8080,
            resources,
            readinessProbe: { type: "http", path: "/" },
            livenessProbe: { type: "http", path: "/" },
            autoscaling: { minReplicas: 2, maxReplicas: 5, cpuUtilization: 70 },
            volumes: [{ name: "shared", mountPath: "/usr/share/nginx/html/shared", claimName: `data-${i}`, readOnly: true }],
        });
        apps.push({
            name: `db-${i}`,
            type: "stateful",
            image: "redis:7.4.1-alpine",
            port: 6379,
            replicas: 1,
            resources,
            readinessProbe: { type: "exec", command: ["redis-cli", "ping"] },
            security: { runAsUser: 999, runAsGroup: 999, fsGroup: 999 },
            storage: { size: "500Mi", mountPath: "/data" },
        });
        storage.push({ name: `data-${i}`, size: "1Gi", hostPath: `/kube-appstack-data/data-${i}` });
    }
    const ns = CONFIG_NAMESPACE;
    return {
        [`${ns}:protectData`]: false,
        [`${ns}:cluster`]: { kubeconfig: { context: "bench" } },
        [`${ns}:namespace`]: { name: BENCH_NAMESPACE },
        [`${ns}:apps`]: apps,
        [`${ns}:storage`]: storage,
    };
}

function validBenchConfig(n: number): StackConfig {
    const config = benchStackConfig(n);
    const prefix = `${CONFIG_NAMESPACE}:`;
    const raw = Object.fromEntries(Object.entries(config).map(([k, v]) => [k.slice(prefix.length), v]));
    return validateStackConfig(BENCH_STACK, raw, Object.keys(config));
}

/** The stack plan of `n` app stacks: the component names and args both mocks cases declare. */
export function benchStackPlan(n: number): StackPlan {
    return stackPlan(validBenchConfig(n));
}

/**
 * The objects `kube-appstack render` writes for `n` app stacks, built as it builds them but from the config in memory:
 * from 1250 app stacks on, Pulumi.bench.yaml is larger than the 1 MiB render reads.
 */
export function benchStackObjects(n: number): KubeObject[] {
    const config = validBenchConfig(n);
    return stackObjects(stackPlan(config), config.cluster);
}

/** Writes Pulumi.bench.yaml for `n` app stacks into `dir` (a project directory for `render`); returns `dir`. */
export function writeBenchStackFile(dir: string, n: number): string {
    fs.mkdirSync(dir, { recursive: true });
    // Written out in full, as a person would: the apps share objects here, which YAML would otherwise turn into aliases.
    fs.writeFileSync(path.join(dir, `Pulumi.${BENCH_STACK}.yaml`), stringify({ config: benchStackConfig(n) }, { aliasDuplicateObjects: false }));
    return dir;
}
