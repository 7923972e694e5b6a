import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { childOptions } from "./child-options";
import { declareIdentity, declareObjects } from "./kube-resource";
import type { VolumeBackupObjects } from "./specs/volume-backup";

export interface VolumeBackupResources {
    serviceAccount: k8s.core.v1.ServiceAccount;
    role?: k8s.rbac.v1.Role;
    roleBinding?: k8s.rbac.v1.RoleBinding;
    cronJob: k8s.batch.v1.CronJob;
}

/**
 * The backup's objects (components/specs/volume-backup.ts) as children of `parent`, when there are any; the CronJob
 * waits for its account and grant, so no run starts without them.
 */
export function declareVolumeBackup(
    objects: Partial<VolumeBackupObjects>,
    parent: pulumi.ComponentResource,
    opts: pulumi.ComponentResourceOptions,
): VolumeBackupResources | undefined {
    if (!objects.backupServiceAccount || !objects.backupCronJob) return undefined;
    const identity = declareIdentity({ serviceAccount: objects.backupServiceAccount, role: objects.backupRole, roleBinding: objects.backupRoleBinding }, childOptions(parent, opts));
    const { cronJob } = declareObjects({ cronJob: objects.backupCronJob }, childOptions(parent, opts, identity.all));
    return { serviceAccount: identity.serviceAccount, role: identity.role, roleBinding: identity.roleBinding, cronJob: cronJob as k8s.batch.v1.CronJob };
}
