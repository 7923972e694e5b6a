import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { assertValidArgs, persistentStorageArgsSchema } from "./component-args";
import { childOptions } from "./child-options";
import { declareObjects } from "./kube-resource";
import { PersistentStorageArgs, persistentStorageObjects } from "./specs/persistent-storage";

export interface PersistentStorageComponentArgs extends PersistentStorageArgs {
    /** Mark the volume and the claim `protect: true` (no `pulumi destroy` or replacement can delete them). @default false */
    protect?: boolean;
}

/** A PersistentVolume with `Retain` reclaim policy and the PersistentVolumeClaim bound to it. */
export class PersistentStorage extends pulumi.ComponentResource {
    public readonly persistentVolume: k8s.core.v1.PersistentVolume;
    public readonly persistentVolumeClaim: k8s.core.v1.PersistentVolumeClaim;
    /** Name of the claim, to mount in an app (`volumes: [{ claimName }]`). */
    public readonly claimName: string;

    constructor(name: string, args: PersistentStorageComponentArgs, opts: pulumi.ComponentResourceOptions = {}) {
        assertValidArgs("PersistentStorage", name, persistentStorageArgsSchema, args);
        super("kube-appstack:index:PersistentStorage", name, {}, opts);
        const objects = persistentStorageObjects(name, args);
        const declared = declareObjects({ ...objects }, { ...childOptions(this, opts), protect: args.protect ?? false });
        this.persistentVolume = declared.persistentVolume as k8s.core.v1.PersistentVolume;
        this.persistentVolumeClaim = declared.persistentVolumeClaim as k8s.core.v1.PersistentVolumeClaim;
        this.claimName = name;
        this.registerOutputs({ claimName: this.claimName, volumeName: objects.persistentVolume.metadata.name });
    }
}
