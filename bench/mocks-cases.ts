/**
 * Case (a): N app stacks declared under Pulumi's mocks, through our components and through the raw
 * @pulumi/kubernetes classes. Both sides declare the same objects (built by our spec builders) through one explicit
 * provider; the raw side gets them ready-made before the clock starts, so it measures the SDK alone (the floor) and
 * the difference is exactly what the component layer costs: its spec building, component resources and options.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as settings from "@pulumi/pulumi/runtime/settings";
import { PersistentStorage, StatefulApp, StatelessApp } from "../components";
import { withApplyAnnotations } from "../components/kube-resource";
import { KubeObject } from "../components/specs/kube-object";
import { persistentStorageObjects } from "../components/specs/persistent-storage";
import { statefulAppObjects } from "../components/specs/stateful-app";
import { statelessAppObjects } from "../components/specs/stateless-app";
import { StackPlan } from "../program/stack-plan";
import { READ_STACK_OUTPUTS } from "../program/previous-outputs";
import { BENCH_STACK } from "./bench-stack";

/** What the mock engine received, to check that both sides declared the same resources. */
export interface MockRegistrations {
    /** Type token and name of every Kubernetes resource (providers excluded), in registration order. */
    kubernetes: Array<{ type: string; name: string; inputs: Record<string, unknown> }>;
}

/**
 * Pulumi's mocks as the program's tests use them: every resource is created with its inputs as its state.
 * With `keepInputs` the Kubernetes registrations keep their inputs (for tests); otherwise only type and name.
 */
export async function useMocks(keepInputs = false): Promise<MockRegistrations> {
    const seen: MockRegistrations = { kubernetes: [] };
    await pulumi.runtime.setMocks({
        newResource: (args) => {
            if (args.type.startsWith("kubernetes:")) {
                seen.kubernetes.push({ type: args.type, name: args.name, inputs: keepInputs ? args.inputs : {} });
            }
            return { id: `${args.name}-id`, state: args.inputs };
        },
        // The program reads its own stack's last outputs: a stack that was never deployed has none.
        call: (args) => (args.token === READ_STACK_OUTPUTS ? { name: args.inputs.name, outputs: {}, secretOutputNames: [] } : args.inputs),
    }, "kube-appstack", BENCH_STACK, false, "organization");
    return seen;
}

/** Resolves once every registration has reached the mock monitor (an internal SDK helper, not in the typings). */
export function settled(): Promise<void> {
    return (settings as unknown as { waitForRPCs(): Promise<void> }).waitForRPCs();
}

function kubernetesProvider(): k8s.Provider {
    return new k8s.Provider("bench", { context: "bench", clusterIdentifier: "bench" });
}

/** Our components, as the program declares them. */
export function declareComponents(plan: StackPlan): void {
    const opts = { provider: kubernetesProvider() };
    for (const s of plan.storage) new PersistentStorage(s.name, { ...s.args, protect: plan.protect }, opts);
    for (const app of plan.apps) {
        if (app.type === "stateless") new StatelessApp(app.name, app.args, opts);
        else new StatefulApp(app.name, { ...app.args, protect: plan.protect }, opts);
    }
}

type Objects<F extends (...args: never[]) => unknown> = ReturnType<F>;

/** The objects of every app stack, built before the clock starts for the raw case. */
export interface RawObjects {
    storage: Array<Objects<typeof persistentStorageObjects>>;
    stateless: Array<Objects<typeof statelessAppObjects>>;
    stateful: Array<Objects<typeof statefulAppObjects>>;
}

/** The objects with the annotations the provider reads, as our components hand them over. */
function forProvider<T extends object>(objects: T): T {
    return Object.fromEntries(Object.entries(objects).map(([role, o]) => [role, o && withApplyAnnotations(o as KubeObject)])) as T;
}

export function rawObjects(plan: StackPlan): RawObjects {
    return {
        storage: plan.storage.map((s) => forProvider(persistentStorageObjects(s.name, s.args))),
        stateless: plan.apps.flatMap((a) => (a.type === "stateless" ? [forProvider(statelessAppObjects(a.name, a.args))] : [])),
        stateful: plan.apps.flatMap((a) => (a.type === "stateful" ? [forProvider(statefulAppObjects(a.name, a.args))] : [])),
    };
}

/** A component that only groups resources: what any component layer costs in the SDK, with no logic of its own. */
class Group extends pulumi.ComponentResource {
    constructor(type: string, name: string, opts: pulumi.ComponentResourceOptions, declareChildren: (parent: Group) => void) {
        super(`kube-appstack-bench:index:${type}`, name, {}, opts);
        declareChildren(this);
        this.registerOutputs({});
    }
}

/**
 * The same objects, written against the SDK by hand: one typed class per object, through the one provider. With
 * `grouped`, each app's objects are children of an empty component (as our components parent them), which is the floor
 * of any component layer: the SDK's own cost of component resources.
 */
export function declareRaw(objects: RawObjects, protect: boolean, grouped = false): void {
    const provider = { provider: kubernetesProvider() };
    const scope = (type: string, name: string, body: (opts: pulumi.CustomResourceOptions, keep: pulumi.CustomResourceOptions) => void) => {
        const declare = (opts: pulumi.CustomResourceOptions) => body(opts, { ...opts, protect });
        if (grouped) new Group(type, name, provider, (parent) => declare({ parent }));
        else declare(provider);
    };
    for (const { persistentVolume: pv, persistentVolumeClaim: pvc } of objects.storage) {
        scope("PersistentStorage", pvc.metadata.name, (_opts, keep) => {
            new k8s.core.v1.PersistentVolume(pv.metadata.name, pv as never, keep);
            new k8s.core.v1.PersistentVolumeClaim(pvc.metadata.name, pvc as never, keep);
        });
    }
    for (const { serviceAccount, deployment, service, autoscaler, disruptionBudget } of objects.stateless) {
        scope("StatelessApp", deployment.metadata.name, (opts) => {
            new k8s.core.v1.ServiceAccount(serviceAccount.metadata.name, serviceAccount as never, opts);
            new k8s.apps.v1.Deployment(deployment.metadata.name, deployment as never, opts);
            new k8s.core.v1.Service(service.metadata.name, service as never, opts);
            if (autoscaler) new k8s.autoscaling.v2.HorizontalPodAutoscaler(autoscaler.metadata.name, autoscaler as never, opts);
            if (disruptionBudget) new k8s.policy.v1.PodDisruptionBudget(disruptionBudget.metadata.name, disruptionBudget as never, opts);
        });
    }
    for (const { serviceAccount, statefulSet, headlessService, clientService, disruptionBudget } of objects.stateful) {
        scope("StatefulApp", statefulSet.metadata.name, (opts, keep) => {
            new k8s.core.v1.ServiceAccount(serviceAccount.metadata.name, serviceAccount as never, opts);
            new k8s.apps.v1.StatefulSet(statefulSet.metadata.name, statefulSet as never, keep);
            new k8s.core.v1.Service(headlessService.metadata.name, headlessService as never, opts);
            if (clientService) new k8s.core.v1.Service(clientService.metadata.name, clientService as never, opts);
            if (disruptionBudget) new k8s.policy.v1.PodDisruptionBudget(disruptionBudget.metadata.name, disruptionBudget as never, opts);
        });
    }
}
