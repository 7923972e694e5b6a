import { describe, expect, it } from "vitest";
import { statelessAppArgsSchema, statelessAppObjects, StatelessAppArgs } from "../../components/specs/stateless-app";
import { validateAgainstOpenApi } from "../support/openapi";

/* eslint-disable @typescript-eslint/no-explicit-any */
const args = (extra: Partial<StatelessAppArgs> = {}): StatelessAppArgs => ({
    namespace: "apps",
    image: "nginxinc/nginx-unprivileged:1.27.3-alpine",
    resources: { requests: { cpu: "250m", memory: "128Mi" }, limits: { cpu: "500m", memory: "256Mi" } },
    ...extra,
});
const pod = (o: ReturnType<typeof statelessAppObjects>) => (o.deployment as any).spec.template.spec;
const container = (o: ReturnType<typeof statelessAppObjects>) => pod(o).containers[0];

describe("statelessAppObjects", () => {
    it("rolls out without ever going below the desired count, by default", () => {
        const spec = (statelessAppObjects("web", args()).deployment as any).spec;
        expect(spec.strategy).toEqual({ type: "RollingUpdate", rollingUpdate: { maxSurge: "25%", maxUnavailable: 0 } });
        expect(spec).toMatchObject({ replicas: 2, minReadySeconds: 5, progressDeadlineSeconds: 600, revisionHistoryLimit: 5 });
    });

    it("takes rollout overrides", () => {
        const spec = (statelessAppObjects("web", args({ rollout: { maxSurge: 1, maxUnavailable: "10%", minReadySeconds: 0 } })).deployment as any).spec;
        expect(spec.strategy.rollingUpdate).toEqual({ maxSurge: 1, maxUnavailable: "10%" });
        expect(spec.minReadySeconds).toBe(0);
    });

    it("meets the restricted Pod Security Standard by default, with a writable /tmp", () => {
        const o = statelessAppObjects("web", args());
        expect(pod(o).securityContext).toEqual({ runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } });
        expect(container(o).securityContext).toEqual({
            runAsNonRoot: true, allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] },
        });
        expect(container(o).volumeMounts).toEqual([{ name: "tmp", mountPath: "/tmp" }]);
        expect(pod(o).volumes).toEqual([{ name: "tmp", emptyDir: {} }]);
        expect(pod(o).automountServiceAccountToken).toBe(false);
    });

    it("relaxes each security default only by explicit opt-out", () => {
        const o = statelessAppObjects("web", args({
            security: { readOnlyRootFilesystem: false, tmpVolume: false, dropAllCapabilities: false, seccompRuntimeDefault: false, addCapabilities: ["NET_BIND_SERVICE"], runAsUser: 101 },
        }));
        expect(container(o).securityContext).toEqual({
            runAsNonRoot: true, allowPrivilegeEscalation: false, readOnlyRootFilesystem: false, capabilities: { add: ["NET_BIND_SERVICE"] },
        });
        expect(pod(o).securityContext).toEqual({ runAsNonRoot: true, runAsUser: 101 });
        expect(pod(o)).not.toHaveProperty("volumes");
    });

    it("probes the app port over TCP by default, and takes http, exec and startup probes", () => {
        const o = statelessAppObjects("web", args({ port: 9000 }));
        expect(container(o).readinessProbe).toEqual({ tcpSocket: { port: 9000 }, initialDelaySeconds: 0, periodSeconds: 10, timeoutSeconds: 2, failureThreshold: 3 });
        expect(container(o).livenessProbe.initialDelaySeconds).toBe(10);
        expect(container(o)).not.toHaveProperty("startupProbe");
        const custom = statelessAppObjects("web", args({
            readinessProbe: { type: "http", path: "/ready" },
            livenessProbe: { type: "exec", command: ["/bin/check"] },
            startupProbe: { type: "http", path: "/started" },
        }));
        expect(container(custom).readinessProbe.httpGet).toEqual({ path: "/ready", port: 8080 });
        expect(container(custom).livenessProbe.exec).toEqual({ command: ["/bin/check"] });
        expect(container(custom).startupProbe).toMatchObject({ httpGet: { path: "/started", port: 8080 }, failureThreshold: 30 });
    });

    it("targets the container port from Service port 80, and takes NodePort", () => {
        const o = statelessAppObjects("web", args({ service: { type: "NodePort", nodePort: 30080 } }));
        expect((o.service as any).spec).toMatchObject({ type: "NodePort", ports: [{ port: 80, targetPort: 8080, nodePort: 30080 }] });
    });

    it("autoscales on CPU at 70% by default, or on the given targets, with behavior", () => {
        const cpuOnly = statelessAppObjects("web", args({ autoscaling: { maxReplicas: 5 } })).autoscaler as any;
        expect(cpuOnly.spec).toEqual({
            scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "web" },
            minReplicas: 2, maxReplicas: 5,
            metrics: [{ type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 70 } } }],
        });
        const memoryOnly = statelessAppObjects("web", args({
            autoscaling: { maxReplicas: 5, memoryUtilization: 80, behavior: { scaleDown: { stabilizationWindowSeconds: 600 } } },
        })).autoscaler as any;
        expect(memoryOnly.spec.metrics.map((m: any) => m.resource.name)).toEqual(["memory"]);
        expect(memoryOnly.spec.behavior).toEqual({ scaleDown: { stabilizationWindowSeconds: 600 } });
    });

    it("creates a PDB exactly when the app can run 2+ pods", () => {
        expect(statelessAppObjects("web", args({ replicas: 1 })).disruptionBudget).toBeUndefined();
        expect((statelessAppObjects("web", args({ replicas: 1, autoscaling: { minReplicas: 1, maxReplicas: 3 } })).disruptionBudget as any).spec.maxUnavailable).toBe(1);
        expect((statelessAppObjects("web", args({ disruption: { minAvailable: "50%" } })).disruptionBudget as any).spec).toEqual({
            minAvailable: "50%", selector: { matchLabels: { "app.kubernetes.io/name": "web", "app.kubernetes.io/instance": "web" } },
        });
    });

    it("spreads pods across nodes only when there can be several, and takes scheduling constraints", () => {
        expect(pod(statelessAppObjects("web", args({ replicas: 1 })))).not.toHaveProperty("topologySpreadConstraints");
        const o = statelessAppObjects("web", args({
            scheduling: { nodeSelector: { pool: "web" }, tolerations: [{ key: "dedicated", operator: "Exists" }], priorityClassName: "high" },
        }));
        expect(pod(o).topologySpreadConstraints[0]).toMatchObject({ topologyKey: "kubernetes.io/hostname", whenUnsatisfiable: "ScheduleAnyway" });
        expect(pod(o)).toMatchObject({ nodeSelector: { pool: "web" }, priorityClassName: "high", tolerations: [{ key: "dedicated", operator: "Exists" }] });
        expect(pod(statelessAppObjects("web", args({ scheduling: { spreadAcrossNodes: false } })))).not.toHaveProperty("topologySpreadConstraints");
    });

    it("wires env, secret refs, envFrom, PVC volumes and Prometheus annotations", () => {
        const o = statelessAppObjects("web", args({
            env: { MODE: "prod" },
            secretEnv: { TOKEN: { secretName: "api", key: "token" } },
            envFrom: [{ configMap: "settings" }, { secret: "creds" }],
            volumes: [{ name: "shared", mountPath: "/srv", claimName: "shared-data", readOnly: true }],
            monitoring: { port: 9090 },
        }));
        expect(container(o).env).toEqual([
            { name: "MODE", value: "prod" },
            { name: "TOKEN", valueFrom: { secretKeyRef: { name: "api", key: "token" } } },
        ]);
        expect(container(o).envFrom).toEqual([{ configMapRef: { name: "settings" } }, { secretRef: { name: "creds" } }]);
        expect(pod(o).volumes[0]).toEqual({ name: "shared", persistentVolumeClaim: { claimName: "shared-data", readOnly: true } });
        expect((o.deployment as any).spec.template.metadata.annotations).toEqual({
            "prometheus.io/scrape": "true", "prometheus.io/path": "/metrics", "prometheus.io/port": "9090",
        });
    });

    it("builds objects valid against the Kubernetes OpenAPI schema", () => {
        const o = statelessAppObjects("web", args({ autoscaling: { maxReplicas: 4 }, previousReplicas: 3 }));
        for (const object of [o.deployment, o.service, o.autoscaler!, o.disruptionBudget!]) validateAgainstOpenApi(object);
    });
});

describe("graceful shutdown and gRPC probes", () => {
    it("pauses a web app's pods before SIGTERM so endpoints drain, and extends the grace period to match", () => {
        const spec = pod(statelessAppObjects("web", args()));
        expect(spec.containers[0].lifecycle).toEqual({ preStop: { sleep: { seconds: 5 } } });
        expect(spec.terminationGracePeriodSeconds).toBe(35);
        const off = pod(statelessAppObjects("web", args({ preStopSeconds: 0 })));
        expect(off.containers[0].lifecycle).toBeUndefined();
        expect(off.terminationGracePeriodSeconds).toBe(30);
        expect(pod(statelessAppObjects("web", args({ preStopSeconds: 20, terminationGracePeriodSeconds: 60 }))).terminationGracePeriodSeconds).toBe(60);
        validateAgainstOpenApi(statelessAppObjects("web", args()).deployment);
    });

    it("refuses a grace period the pause would use up, and probe fields their type ignores", () => {
        const problems = (extra: Partial<StatelessAppArgs>) => {
            const result = statelessAppArgsSchema.safeParse(args(extra));
            return result.success ? [] : result.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
        };
        expect(problems({ terminationGracePeriodSeconds: 5 })).toEqual([
            "terminationGracePeriodSeconds: 5 leaves no time after the 5s preStop pause (the grace period includes it); allowed: more than preStopSeconds (5), or preStopSeconds: 0",
        ]);
        expect(problems({ terminationGracePeriodSeconds: 5, preStopSeconds: 0 })).toEqual([]);
        expect(problems({ readinessProbe: { path: "/ready" } })).toEqual(['readinessProbe.path: is set, but type is "tcp"; allowed: path only with type "http"']);
        expect(problems({ livenessProbe: { type: "exec", command: ["true"], port: 80 } })).toEqual(['livenessProbe.port: is set, but type is "exec"; allowed: port only with type "http" or "tcp" or "grpc"']);
    });

    it("checks a gRPC server with the gRPC health protocol", () => {
        const c = container(statelessAppObjects("api", args({ port: 9090, readinessProbe: { type: "grpc" }, livenessProbe: { type: "grpc", service: "api.v1.Orders" } })));
        expect(c.readinessProbe).toMatchObject({ grpc: { port: 9090 } });
        expect(c.livenessProbe).toMatchObject({ grpc: { port: 9090, service: "api.v1.Orders" } });
    });
});
