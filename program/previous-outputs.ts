import * as pulumi from "@pulumi/pulumi";

/** What the stack exported about each app last time (see `AppOutput`), read back to plan transitions. */
export interface AppOutput {
    kind: "stateless" | "stateful";
    serviceName: string;
    servicePort: number;
    dnsName: string;
    /** The fixed replica count, or undefined when an autoscaler owns it. */
    replicas?: number;
}

/**
 * The `apps` output of this very stack's last update. A fixed-replica app that is now autoscaled needs its old count to
 * hand `spec.replicas` over to the autoscaler without falling back to one pod (see StatelessAppArgs.previousReplicas).
 * A stack that was never deployed has no outputs: every app then starts fresh.
 */
export async function previousAppOutputs(stack: string): Promise<Record<string, AppOutput>> {
    const self = new pulumi.StackReference(`${pulumi.getOrganization()}/${pulumi.getProject()}/${stack}`);
    const details = await self.getOutputDetails("apps");
    return (details.value ?? details.secretValue ?? {}) as Record<string, AppOutput>;
}
