import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { appContainerNameProblems } from "./specs/init-containers";
import { assertValidArgs, DEFAULT_PROTECT, protectSchema, registryCredentialsSchema, secretFilesSchema, secretValuesSchema } from "./component-args";
import { childOptions, readyWaitOptions } from "./child-options";
import { declareIdentity, declareMonitoring, declareObjects } from "./kube-resource";
import { withConfigFileContents } from "./read-config-files";
import { withSecretValues } from "./secret-env";
import { withSecretFiles } from "./secret-files";
import { withRegistryCredentials } from "./registry-credentials";
import { serviceDnsName } from "./specs/service";
import { statefulAppArgsSchema, statefulAppName, statefulAppObjects, statefulAppServiceName } from "./specs/stateful-app";
import { backupOwnerName } from "./specs/volume-backup";
import { declareVolumeBackup, type VolumeBackupResources } from "./volume-backup";

const COMPONENT = "StatefulApp";

export const statefulAppComponentArgsSchema = statefulAppArgsSchema.extend({
    secretValues: secretValuesSchema,
    secretFiles: secretFilesSchema,
    registryCredentials: registryCredentialsSchema,
    protect: protectSchema("the StatefulSet (its claims are retained anyway, see `claimRetention`)"),
});
export type StatefulAppComponentArgs = z.infer<typeof statefulAppComponentArgsSchema>;

/** A stateful app: StatefulSet with per-replica volumes + headless Service (+ optional client Service) + PDB. */
export class StatefulApp extends pulumi.ComponentResource {
    public readonly statefulSet: k8s.apps.v1.StatefulSet;
    public readonly serviceAccount: k8s.core.v1.ServiceAccount;
    public readonly role?: k8s.rbac.v1.Role;
    public readonly roleBinding?: k8s.rbac.v1.RoleBinding;
    public readonly headlessService: k8s.core.v1.Service;
    public readonly clientService?: k8s.core.v1.Service;
    public readonly autoscaler?: k8s.autoscaling.v2.HorizontalPodAutoscaler;
    public readonly disruptionBudget?: k8s.policy.v1.PodDisruptionBudget;
    public readonly networkPolicy?: k8s.networking.v1.NetworkPolicy;
    /** The scheduled snapshots of the claims (with `backup`). */
    public readonly backup?: VolumeBackupResources;
    /** With `monitoring.prometheusOperator`: the ServiceMonitor, the PrometheusRule and the Grafana dashboard ConfigMap. */
    public readonly serviceMonitor?: k8s.apiextensions.CustomResource;
    public readonly prometheusRule?: k8s.apiextensions.CustomResource;
    public readonly dashboard?: k8s.core.v1.ConfigMap;
    /** In-cluster DNS name clients use: the client Service when there is one, else the headless Service. */
    public readonly serviceDnsName: string;

    constructor(name: string, args: StatefulAppComponentArgs, opts: pulumi.ComponentResourceOptions = {}) {
        // The app container is named like the component, which its args do not know.
        assertValidArgs(COMPONENT, name, statefulAppComponentArgsSchema, args, args?.backup ? backupOwnerName(statefulAppName) : statefulAppName, appContainerNameProblems);
        super("kube-appstack:index:StatefulApp", name, {}, opts);
        const files = withSecretFiles(name, withConfigFileContents(COMPONENT, name, args), childOptions(this, opts));
        const registry = withRegistryCredentials(name, files.specArgs, childOptions(this, opts));
        const { specArgs, secret } = withSecretValues(name, registry.specArgs, childOptions(this, opts));
        const objects = statefulAppObjects(name, specArgs);
        // Every object of the app waits at most that long; it matters for the StatefulSet and for a client Service,
        // which the provider holds until none of its endpoints is unready.
        const wait = readyWaitOptions(args.readyTimeoutSeconds);
        const identity = declareIdentity(objects, childOptions(this, opts));
        this.serviceAccount = identity.serviceAccount;
        this.role = identity.role;
        this.roleBinding = identity.roleBinding;
        const { configFiles } = declareObjects({ configFiles: objects.configFiles }, childOptions(this, opts));
        // Pods of an account that does not exist yet are refused until it does; the rollout waits for the grant and the
        // config files too.
        // The hand-over patch must co-own spec.replicas before the StatefulSet stops declaring it (see StatelessApp).
        const handover = objects.replicasHandover && new k8s.apps.v1.StatefulSetPatch(
            `${name}-replicas-handover`, objects.replicasHandover as never, { ...childOptions(this, opts), retainOnDelete: true },
        );
        const { statefulSet } = declareObjects(
            { statefulSet: objects.statefulSet },
            { ...childOptions(this, opts, [secret, files.secret, registry.secret, handover, configFiles, ...identity.all].filter((r) => r !== undefined)), ...wait, protect: args.protect ?? DEFAULT_PROTECT },
        );
        const rest = declareObjects(
            { headlessService: objects.headlessService, clientService: objects.clientService, autoscaler: objects.autoscaler, disruptionBudget: objects.disruptionBudget, networkPolicy: objects.networkPolicy },
            { ...childOptions(this, opts), ...wait },
        );
        this.statefulSet = statefulSet as k8s.apps.v1.StatefulSet;
        this.headlessService = rest.headlessService as k8s.core.v1.Service;
        this.clientService = rest.clientService as k8s.core.v1.Service | undefined;
        this.autoscaler = rest.autoscaler as k8s.autoscaling.v2.HorizontalPodAutoscaler | undefined;
        this.disruptionBudget = rest.disruptionBudget as k8s.policy.v1.PodDisruptionBudget | undefined;
        this.networkPolicy = rest.networkPolicy as k8s.networking.v1.NetworkPolicy | undefined;
        this.backup = declareVolumeBackup(objects, this, opts);
        // Scraping and alerting wait for nothing: they describe the app, and report on it whatever its state.
        ({ serviceMonitor: this.serviceMonitor, prometheusRule: this.prometheusRule, dashboard: this.dashboard } = declareMonitoring(objects, childOptions(this, opts)));
        this.serviceDnsName = serviceDnsName(statefulAppServiceName(name, args), args.namespace);
        this.registerOutputs({ serviceDnsName: this.serviceDnsName });
    }
}
