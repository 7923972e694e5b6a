import { metricsServerObjects } from "../components/specs/metrics-server";
import { appNamespaceObjects } from "../components/specs/app-namespace";
import { KubeObject } from "../components/specs/kube-object";
import { persistentStorageObjects } from "../components/specs/persistent-storage";
import { secretEnvObject, withSecretEnvRefs } from "../components/specs/secret-env";
import { dockerConfigJson, registrySecretObject } from "../components/specs/registry-credentials";
import { secretFilesObject } from "../components/specs/secret-files";
import { statefulAppObjects } from "../components/specs/stateful-app";
import { statelessAppObjects } from "../components/specs/stateless-app";
import { StackConfig, wantsMetricsServer } from "../config/stack-config";
import { PlannedApp, StackPlan } from "./stack-plan";

/** Stands in for a secret value in rendered output: secrets are never written in clear. */
export const SECRET_PLACEHOLDER = "<secret: set by pulumi from config>";

function appObjects(app: PlannedApp, namespace: string): KubeObject[] {
    const variables = [...Object.keys(app.secretConfig), ...Object.keys(app.secretEnv)];
    const files = Object.keys(app.secretFiles);
    const secrets = [
        ...(variables.length > 0 ? [secretEnvObject(app.name, namespace, Object.fromEntries(variables.map((v) => [v, SECRET_PLACEHOLDER])))] : []),
        ...(files.length > 0 ? [secretFilesObject(app.name, namespace, Object.fromEntries(files.map((f) => [f, SECRET_PLACEHOLDER])))] : []),
        ...(app.registryCredentials.length > 0
            ? [registrySecretObject(app.name, namespace, dockerConfigJson(app.registryCredentials.map((c) => ({ ...c, password: SECRET_PLACEHOLDER }))))]
            : []),
    ];
    const pullSecretFromCredentials = app.registryCredentials.length > 0 || undefined;
    const secretFilePaths = files.length > 0 ? files : undefined;
    // No previous replica count: the hand-over patch only exists against a live Deployment, never in rendered manifests.
    const objects = app.type === "stateless"
        ? statelessAppObjects(app.name, withSecretEnvRefs(app.name, { ...app.args, previousReplicas: undefined, secretFilePaths, pullSecretFromCredentials }, variables))
        : statefulAppObjects(app.name, withSecretEnvRefs(app.name, { ...app.args, previousReplicas: undefined, secretFilePaths, pullSecretFromCredentials }, variables));
    return [...secrets, ...Object.values(objects).filter((o): o is KubeObject => o !== undefined)];
}

/**
 * Every Kubernetes object a stack applies, in the order the program declares them, built by the same spec builders as
 * the components. The engine-free renderer writes these; a test checks they equal what the program declares.
 */
export function stackObjects(plan: StackPlan, cluster: StackConfig["cluster"]): KubeObject[] {
    const namespace = plan.namespace.name;
    const metrics = wantsMetricsServer(cluster) ? Object.values(metricsServerObjects()) : [];
    return [
        ...metrics,
        ...Object.values(appNamespaceObjects(namespace, plan.namespace.args)).filter((o): o is KubeObject => o !== undefined),
        ...plan.storage.flatMap((s) => Object.values(persistentStorageObjects(s.name, s.args))),
        ...plan.apps.flatMap((a) => appObjects(a, namespace)),
    ];
}
