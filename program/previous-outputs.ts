import * as pulumi from "@pulumi/pulumi";
import type { AppOutput } from "./stack-plan";

/**
 * The engine's built-in function behind StackReference. Called as a function, a failed read is the program's to retry;
 * as a StackReference resource, it fails the whole update at once.
 */
export const READ_STACK_OUTPUTS = "pulumi:pulumi:readStackOutputs";

/**
 * Tries of the read, and the wait before the second (doubled for each further one): about 3 s in all. The read is of
 * this very stack while the engine saves its checkpoint, and on a file backend (`pulumi login --local`, `file://`)
 * the save rewrites a metadata file in place, so a read that meets it fails with "failed to load checkpoint: EOF".
 * Seen in CI on the first `pulumi up` of a stack; a read a moment later succeeds.
 */
export const READ_TRIES = 5;
export const FIRST_RETRY_DELAY_MS = 200;

/**
 * What a read that met the checkpoint being written says. Only that is tried again: any other failure (an update
 * being cancelled, a state that does not decrypt) would fail the same way 3 s later.
 */
const CHECKPOINT_RACE = /failed to load checkpoint/;

/**
 * The `apps` output of this very stack's last update: an autoscaled app's last fixed replica count (to hand
 * `spec.replicas` over to the autoscaler without falling back to one pod, see StatelessAppArgs.previousReplicas) and a
 * stateful app's last `restoredFrom`. A stack that was never deployed has no outputs: every app then starts fresh.
 */
export async function previousAppOutputs(stack: string): Promise<Record<string, AppOutput>> {
    const name = `${pulumi.getOrganization()}/${pulumi.getProject()}/${stack}`;
    for (let attempt = 1; ; attempt++) {
        try {
            const read = (await pulumi.runtime.invoke(READ_STACK_OUTPUTS, { name })) as { outputs?: { apps?: unknown } };
            // A secret `apps` arrives as its plain value: the SDK unwraps an invoke's result at every depth.
            return (read.outputs?.apps as Record<string, AppOutput> | undefined) ?? {};
        } catch (error) {
            const message = error instanceof Error ? error.message : String(error);
            if (attempt === READ_TRIES || !CHECKPOINT_RACE.test(message)) {
                const tries = attempt === 1 ? "" : ` after ${attempt} tries`;
                throw new pulumi.RunError(`could not read the last outputs of stack ${name} (the apps' replica counts and restored snapshots)${tries}: ${message}`);
            }
            await new Promise((resolve) => setTimeout(resolve, FIRST_RETRY_DELAY_MS * 2 ** (attempt - 1)));
        }
    }
}
