import * as pulumi from "@pulumi/pulumi";
import type { AppOutput } from "./stack-plan";

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
