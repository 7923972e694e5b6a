import { z } from "zod";
import { dnsSubdomain } from "../../kube/schemas";

export const SNAPSHOT_API_GROUP = "snapshot.storage.k8s.io";

/**
 * Claims that start as a copy of a CSI VolumeSnapshot. Only a claim that is created gets it: the CSI provisioner fills
 * a new volume from the snapshot, while a claim that exists keeps its data (docs/configuration.md, Restoring a snapshot).
 */
export const restoreFromSchema = z.strictObject({
    snapshot: dnsSubdomain.meta({ description: "Name of a VolumeSnapshot in the app's namespace (`kubectl get volumesnapshots`)." }),
}).meta({ title: "Restore from" });

export type RestoreFromArgs = z.infer<typeof restoreFromSchema>;

/** The claim's `dataSource`: the provisioner fills the new volume from the snapshot. */
export function snapshotDataSource(restoreFrom: RestoreFromArgs): Record<string, string> {
    return { apiGroup: SNAPSHOT_API_GROUP, kind: "VolumeSnapshot", name: restoreFrom.snapshot };
}
