import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { REPLICAS_HANDOVER_MANAGER } from "../../components/specs/autoscaler";
import { READ_TRIES } from "../../program/previous-outputs";
import { CHECKPOINT_EOF, ProgramFailure, runProgram, SECRET_SIG } from "../support/run-program";

/* eslint-disable @typescript-eslint/no-explicit-any */
const web = (extra: Record<string, unknown> = {}) => ({
    name: "web",
    type: "stateless",
    image: "nginxinc/nginx-unprivileged:1.27.3-alpine",
    resources: { requests: { cpu: "250m", memory: "128Mi" }, limits: { cpu: "500m", memory: "256Mi" } },
    ...extra,
});
const config = (app: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
    "kube-appstack:cluster": { kubeconfig: { context: "staging" } },
    "kube-appstack:namespace": { name: "apps" },
    "kube-appstack:apps": [app],
    ...extra,
});
const DEPLOYMENT = "kubernetes:apps/v1:Deployment";
const PATCH = "kubernetes:apps/v1:DeploymentPatch";

describe("StatelessApp replicas and autoscaling", () => {
    it("sets spec.replicas from config when autoscaling is off, and exports it", async () => {
        const run = await runProgram("staging", config(web({ replicas: 3 })));
        expect((run.get(DEPLOYMENT, "web").inputs as any).spec.replicas).toBe(3);
        expect(run.ofType("kubernetes:autoscaling/v2:HorizontalPodAutoscaler")).toHaveLength(0);
        expect((run.outputs.apps as any).web.replicas).toBe(3);
    });

    it("leaves spec.replicas to the HPA when autoscaling is on", async () => {
        const run = await runProgram("staging", config(web({ autoscaling: { minReplicas: 2, maxReplicas: 6 } })));
        expect((run.get(DEPLOYMENT, "web").inputs as any).spec).not.toHaveProperty("replicas");
        expect((run.outputs.apps as any).web).not.toHaveProperty("replicas");
        expect(run.ofType(PATCH)).toHaveLength(0);
    });

    it("hands the previous fixed count over to the HPA before the Deployment drops spec.replicas", async () => {
        const previousOutputs = { apps: { web: { kind: "stateless", serviceName: "web", servicePort: 80, dnsName: "x", replicas: 4 } } };
        const run = await runProgram("staging", config(web({ autoscaling: { minReplicas: 2, maxReplicas: 6 } })), { previousOutputs });
        const patch = run.get(PATCH, "web-replicas-handover");
        expect(patch.inputs).toMatchObject({
            metadata: { name: "web", namespace: "apps", annotations: { "pulumi.com/patchFieldManager": REPLICAS_HANDOVER_MANAGER } },
            spec: { replicas: 4 },
        });
        // Deleting the patch on a later update must not release the field (which would drop the app to 1 pod).
        expect(patch.retainOnDelete).toBe(true);
        const deployment = run.get(DEPLOYMENT, "web");
        expect(deployment.dependencies).toContain(patch.urn);
        expect((deployment.inputs as any).spec).not.toHaveProperty("replicas");
    });

    it("never hands over fewer pods than the autoscaler's minimum", async () => {
        const previousOutputs = { apps: { web: { kind: "stateless", replicas: 1 } } };
        const run = await runProgram("staging", config(web({ autoscaling: { minReplicas: 3, maxReplicas: 6 } })), { previousOutputs });
        expect((run.get(PATCH, "web-replicas-handover").inputs as any).spec.replicas).toBe(3);
    });

    it("reads the stack's last outputs only when an app is autoscaled and the stack deploys to a cluster", async () => {
        const autoscaled = web({ autoscaling: { maxReplicas: 6 } });
        expect((await runProgram("staging", config(autoscaled))).stackOutputReads).toEqual(["organization/kube-appstack/staging"]);
        expect((await runProgram("staging", config(web({ replicas: 3 })))).stackOutputReads).toEqual([]);
        const render = { ...config(autoscaled), "kube-appstack:cluster": { renderYamlToDirectory: "rendered/staging" } };
        expect((await runProgram("staging", render)).stackOutputReads).toEqual([]);
    });

    it("tries the read of its last outputs again when it fails, and after its last try fails naming the stack, with nothing declared", async () => {
        const previousOutputs = { apps: { web: { kind: "stateless", replicas: 4 } } };
        const autoscaled = config(web({ autoscaling: { minReplicas: 2, maxReplicas: 6 } }));
        const retried = await runProgram("staging", autoscaled, { previousOutputs, failedOutputReads: 1 });
        expect(retried.stackOutputReads).toHaveLength(2);
        expect((retried.get(PATCH, "web-replicas-handover").inputs as any).spec.replicas).toBe(4);

        const failure = await runProgram("staging", autoscaled, { previousOutputs, failedOutputReads: Infinity }).catch((e: ProgramFailure) => e);
        expect(failure).toBeInstanceOf(ProgramFailure);
        expect((failure as ProgramFailure).message).toBe("could not read the last outputs of stack organization/kube-appstack/staging " +
            `(the apps' replica counts and restored snapshots) after ${READ_TRIES} tries: ${CHECKPOINT_EOF}`);
        expect((failure as ProgramFailure).stackOutputReads).toHaveLength(READ_TRIES);
        expect((failure as ProgramFailure).cause).toBeInstanceOf(pulumi.RunError);
        expect((failure as ProgramFailure).registrations.filter((r) => r.type.startsWith("kubernetes:apps/"))).toEqual([]);
    });

    it("fails at once, without trying again, when the read fails for another reason than a checkpoint being written", async () => {
        const outputReadError = "invocation of pulumi:pulumi:readStackOutputs returned an error: failed to decrypt";
        const failure = await runProgram("staging", config(web({ autoscaling: { maxReplicas: 6 } })), { failedOutputReads: Infinity, outputReadError })
            .catch((e: ProgramFailure) => e);
        expect((failure as ProgramFailure).stackOutputReads).toHaveLength(1);
        expect((failure as ProgramFailure).message).toBe("could not read the last outputs of stack organization/kube-appstack/staging " +
            `(the apps' replica counts and restored snapshots): ${outputReadError}`);
    });

    it("reads the last replica count from an `apps` output that is a secret", async () => {
        // On the wire as the engine sends it: the mocks would serialize a pulumi.secret() as its plain value.
        const previousOutputs = { apps: { [pulumi.runtime.specialSigKey]: SECRET_SIG, value: { web: { kind: "stateless", replicas: 5 } } } };
        const run = await runProgram("staging", config(web({ autoscaling: { minReplicas: 2, maxReplicas: 6 } })), { previousOutputs });
        expect((run.get(PATCH, "web-replicas-handover").inputs as any).spec.replicas).toBe(5);
    });

    it("does not hand over when the app was already autoscaled, or in render mode", async () => {
        const autoscaled = { apps: { web: { kind: "stateless" } } };
        const app = web({ autoscaling: { maxReplicas: 6 } });
        expect((await runProgram("staging", config(app), { previousOutputs: autoscaled })).ofType(PATCH)).toHaveLength(0);
        const fixed = { apps: { web: { kind: "stateless", replicas: 4 } } };
        const render = { ...config(app), "kube-appstack:cluster": { renderYamlToDirectory: "rendered/staging" } };
        expect((await runProgram("staging", render, { previousOutputs: fixed })).ofType(PATCH)).toHaveLength(0);
    });
});

describe("StatelessApp wiring", () => {
    it("matches labels and selectors across Deployment, Service, PDB and HPA", async () => {
        const run = await runProgram("staging", config(web({ autoscaling: { maxReplicas: 4 } })));
        const deployment = run.get(DEPLOYMENT, "web").inputs as any;
        const selector = deployment.spec.selector.matchLabels;
        expect(deployment.spec.template.metadata.labels).toMatchObject(selector);
        expect((run.get("kubernetes:core/v1:Service", "web").inputs as any).spec.selector).toEqual(selector);
        expect((run.get("kubernetes:policy/v1:PodDisruptionBudget", "web").inputs as any).spec.selector.matchLabels).toEqual(selector);
        expect((run.get("kubernetes:autoscaling/v2:HorizontalPodAutoscaler", "web").inputs as any).spec.scaleTargetRef.name).toBe(deployment.metadata.name);
    });

    it("creates no PDB and no node spreading for an app that can only run one pod", async () => {
        const run = await runProgram("staging", config(web({ replicas: 1 })));
        expect(run.ofType("kubernetes:policy/v1:PodDisruptionBudget")).toHaveLength(0);
        expect((run.get(DEPLOYMENT, "web").inputs as any).spec.template.spec).not.toHaveProperty("topologySpreadConstraints");
    });

    it("keeps secret env values in a Secret, as Pulumi secrets, referenced by the container", async () => {
        const app = web({ secretConfig: { API_KEY: "apiKey" } });
        const run = await runProgram("staging", { ...config(app), "kube-appstack:apiKey": "s3cr3t-value" }, { secretKeys: ["kube-appstack:apiKey"] });
        const secret = run.get("kubernetes:core/v1:Secret", "web-secret-env");
        const stringData = JSON.parse(secret.wire).stringData;
        expect(Object.values(stringData)).toContain(SECRET_SIG);
        expect(stringData.value).toEqual({ API_KEY: "s3cr3t-value" });
        const deployment = run.get(DEPLOYMENT, "web");
        expect(deployment.wire).not.toContain("s3cr3t-value");
        expect(deployment.dependencies).toContain(secret.urn);
        expect((deployment.inputs as any).spec.template.spec.containers[0].env).toEqual([
            { name: "API_KEY", valueFrom: { secretKeyRef: { name: "web-secret-env", key: "API_KEY" } } },
        ]);
    });

    it("waits for the namespace before creating the app", async () => {
        const run = await runProgram("staging", config(web()));
        const namespace = run.get("kubernetes:core/v1:Namespace", "apps");
        const namespaceComponent = run.get("kube-appstack:index:AppNamespace", "apps");
        for (const type of [DEPLOYMENT, "kubernetes:core/v1:Service"]) {
            const deps = run.get(type, "web").dependencies;
            expect(deps.includes(namespace.urn) || deps.includes(namespaceComponent.urn), type).toBe(true);
        }
    });
});
