import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { serviceName } from "../kube/schemas";
import { appContainerNameProblems } from "./specs/init-containers";
import { assertValidArgs, InvalidArgsError, registryCredentialsSchema, secretFilesSchema, secretValuesSchema } from "./component-args";
import { childOptions, readyWaitOptions } from "./child-options";
import { declareIdentity, declareMonitoring, declareObjects } from "./kube-resource";
import { withConfigFileContents } from "./read-config-files";
import { withSecretValues } from "./secret-env";
import { withSecretFiles } from "./secret-files";
import { withRegistryCredentials } from "./registry-credentials";
import { missingBackendPorts } from "./specs/http-route";
import { serviceDnsName } from "./specs/service";
import { statelessAppArgsSchema, statelessAppObjects } from "./specs/stateless-app";

const COMPONENT = "StatelessApp";

export const statelessAppComponentArgsSchema = statelessAppArgsSchema.extend({ secretValues: secretValuesSchema, secretFiles: secretFilesSchema, registryCredentials: registryCredentialsSchema });
export type StatelessAppComponentArgs = z.infer<typeof statelessAppComponentArgsSchema>;

/**
 * A stateless app: Deployment + Service + HorizontalPodAutoscaler (autoscaling/v2) + PodDisruptionBudget, with safe
 * defaults (requests and limits, probes, zero-downtime rolling updates, restricted pod security).
 */
export class StatelessApp extends pulumi.ComponentResource {
    public readonly serviceAccount: k8s.core.v1.ServiceAccount;
    public readonly role?: k8s.rbac.v1.Role;
    public readonly roleBinding?: k8s.rbac.v1.RoleBinding;
    public readonly deployment: k8s.apps.v1.Deployment;
    public readonly service: k8s.core.v1.Service;
    public readonly autoscaler?: k8s.autoscaling.v2.HorizontalPodAutoscaler;
    public readonly disruptionBudget?: k8s.policy.v1.PodDisruptionBudget;
    public readonly networkPolicy?: k8s.networking.v1.NetworkPolicy;
    public readonly ingress?: k8s.networking.v1.Ingress;
    public readonly httpRoute?: k8s.apiextensions.CustomResource;
    /** With `monitoring.prometheusOperator`: the ServiceMonitor, the PrometheusRule and the Grafana dashboard ConfigMap. */
    public readonly serviceMonitor?: k8s.apiextensions.CustomResource;
    public readonly prometheusRule?: k8s.apiextensions.CustomResource;
    public readonly dashboard?: k8s.core.v1.ConfigMap;
    /** In-cluster DNS name of the Service. */
    public readonly serviceDnsName: string;

    constructor(name: string, args: StatelessAppComponentArgs, opts: pulumi.ComponentResourceOptions = {}) {
        // The app container is named like the component, which its args do not know.
        assertValidArgs(COMPONENT, name, statelessAppComponentArgsSchema, args, serviceName, appContainerNameProblems);
        // Only the app's name tells which apps of `route.weights` are others, whose Service ports the route needs.
        const missing = missingBackendPorts(name, args.route);
        if (missing.length > 0) {
            throw new InvalidArgsError(`${COMPONENT} "${name}" has invalid args:\n  - args.route.backendPorts: no port for ${missing.map((m) => JSON.stringify(m)).join(", ")}; allowed: the Service port of each app in route.weights other than "${name}"`);
        }
        super("kube-appstack:index:StatelessApp", name, {}, opts);
        const files = withSecretFiles(name, withConfigFileContents(COMPONENT, name, args), childOptions(this, opts));
        const registry = withRegistryCredentials(name, files.specArgs, childOptions(this, opts));
        const { specArgs, secret } = withSecretValues(name, registry.specArgs, childOptions(this, opts));
        const objects = statelessAppObjects(name, specArgs);
        // The hand-over patch must co-own spec.replicas before the Deployment stops declaring it (see StatelessAppArgs);
        // deleting the patch later must not release the field either, or the app would drop to 1 pod.
        const handover = objects.replicasHandover && new k8s.apps.v1.DeploymentPatch(
            `${name}-replicas-handover`, objects.replicasHandover as never, { ...childOptions(this, opts), retainOnDelete: true },
        );
        const identity = declareIdentity(objects, childOptions(this, opts));
        this.serviceAccount = identity.serviceAccount;
        this.role = identity.role;
        this.roleBinding = identity.roleBinding;
        const { configFiles } = declareObjects({ configFiles: objects.configFiles }, childOptions(this, opts));
        // Pods of an account that does not exist yet are refused until it does; the rollout waits for the grant and the
        // config files too.
        const waitFor = [secret, files.secret, registry.secret, handover, configFiles, ...identity.all].filter((r) => r !== undefined);
        // Every object of the app waits at most that long; it matters for the Deployment and for the Service, which the
        // provider holds until none of its endpoints is unready.
        const wait = readyWaitOptions(args.readyTimeoutSeconds);
        const { deployment } = declareObjects({ deployment: objects.deployment }, { ...childOptions(this, opts, waitFor), ...wait });
        const rest = declareObjects(
            {
                service: objects.service, autoscaler: objects.autoscaler, disruptionBudget: objects.disruptionBudget, networkPolicy: objects.networkPolicy,
                ingress: objects.ingress, httpRoute: objects.httpRoute,
            },
            { ...childOptions(this, opts), ...wait },
        );
        this.deployment = deployment as k8s.apps.v1.Deployment;
        this.service = rest.service as k8s.core.v1.Service;
        this.autoscaler = rest.autoscaler as k8s.autoscaling.v2.HorizontalPodAutoscaler | undefined;
        this.disruptionBudget = rest.disruptionBudget as k8s.policy.v1.PodDisruptionBudget | undefined;
        this.networkPolicy = rest.networkPolicy as k8s.networking.v1.NetworkPolicy | undefined;
        this.ingress = rest.ingress as k8s.networking.v1.Ingress | undefined;
        this.httpRoute = rest.httpRoute as k8s.apiextensions.CustomResource | undefined;
        // Scraping and alerting wait for nothing: they describe the app, and report on it whatever its state.
        ({ serviceMonitor: this.serviceMonitor, prometheusRule: this.prometheusRule, dashboard: this.dashboard } = declareMonitoring(objects, childOptions(this, opts)));
        this.serviceDnsName = serviceDnsName(name, args.namespace);
        // Plain values known at construction: no Output to track per app.
        this.registerOutputs({ serviceName: objects.service.metadata.name, serviceDnsName: this.serviceDnsName });
    }
}
