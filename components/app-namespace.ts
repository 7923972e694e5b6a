import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { assertValidArgs } from "./component-args";
import { childOptions } from "./child-options";
import { declareObjects } from "./kube-resource";
import { AppNamespaceArgs, appNamespaceArgsSchema, appNamespaceObjects } from "./specs/app-namespace";

/** Namespace + LimitRange (+ ResourceQuota, + default-deny NetworkPolicy), with Pod Security admission labels. */
export class AppNamespace extends pulumi.ComponentResource {
    public readonly namespace: k8s.core.v1.Namespace;
    /** The namespace name (known at preview time: it is the component's name). */
    public readonly name: string;

    constructor(name: string, args: AppNamespaceArgs = {}, opts: pulumi.ComponentResourceOptions = {}) {
        assertValidArgs("AppNamespace", name, appNamespaceArgsSchema, args);
        super("kube-appstack:index:AppNamespace", name, {}, opts);
        const objects = appNamespaceObjects(name, args);
        const { namespace } = declareObjects({ namespace: objects.namespace }, childOptions(this, opts));
        // Namespaced guardrails can only be created once the namespace exists.
        declareObjects(
            { limitRange: objects.limitRange, resourceQuota: objects.resourceQuota, networkPolicy: objects.networkPolicy, egressPolicy: objects.egressPolicy },
            childOptions(this, opts, [namespace]),
        );
        this.namespace = namespace as k8s.core.v1.Namespace;
        this.name = name;
        this.registerOutputs({ name });
    }
}
