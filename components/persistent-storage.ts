import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { assertValidArgs, DEFAULT_PROTECT, protectSchema } from "./component-args";
import { childOptions } from "./child-options";
import { declareObjects } from "./kube-resource";
import { persistentStorageArgsSchema, persistentStorageObjects } from "./specs/persistent-storage";

export const persistentStorageComponentArgsSchema = persistentStorageArgsSchema.extend({ protect: protectSchema("the volume and the claim") });
export type PersistentStorageComponentArgs = z.infer<typeof persistentStorageComponentArgsSchema>;

/** A PersistentVolume with `Retain` reclaim policy and the PersistentVolumeClaim bound to it. */
export class PersistentStorage extends pulumi.ComponentResource {
    public readonly persistentVolume: k8s.core.v1.PersistentVolume;
    public readonly persistentVolumeClaim: k8s.core.v1.PersistentVolumeClaim;
    /** Name of the claim, to mount in an app (`volumes: [{ claimName }]`). */
    public readonly claimName: string;

    constructor(name: string, args: PersistentStorageComponentArgs, opts: pulumi.ComponentResourceOptions = {}) {
        assertValidArgs("PersistentStorage", name, persistentStorageComponentArgsSchema, args);
        super("kube-appstack:index:PersistentStorage", name, {}, opts);
        const objects = persistentStorageObjects(name, args);
        const declared = declareObjects({ ...objects }, { ...childOptions(this, opts), protect: args.protect ?? DEFAULT_PROTECT });
        this.persistentVolume = declared.persistentVolume as k8s.core.v1.PersistentVolume;
        this.persistentVolumeClaim = declared.persistentVolumeClaim as k8s.core.v1.PersistentVolumeClaim;
        this.claimName = name;
        this.registerOutputs({ claimName: this.claimName, volumeName: objects.persistentVolume.metadata.name });
    }
}
