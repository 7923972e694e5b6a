import * as fs from "node:fs";
import { REPO } from "../support/run-program";

/**
 * Stacks that CI neither previews, renders nor deploys, each with the reason (docs/gitops.md says the same). Every
 * other Pulumi.<stack>.yaml is an environment stack, and the workflows must cover it: a new stack file fails
 * test/gitops until it is added to the workflows' stack lists or here.
 */
export const NOT_IN_CI: Readonly<Record<string, string>> = {
    dev: "each developer's own kind cluster, created by `pulumi up` on their machine with Docker; its state stays there",
    local: "each developer's own local control plane (npm run cluster:up), on their machine without Docker; its state stays there",
};

/** The stacks of the Pulumi.<stack>.yaml files in the repository, sorted. */
export function stackFiles(): string[] {
    return fs.readdirSync(REPO).flatMap((file) => /^Pulumi\.(.+)\.yaml$/.exec(file)?.[1] ?? []).sort();
}

/** The stacks CI previews, renders and deploys: every stack file except those in NOT_IN_CI, sorted. */
export function environmentStacks(): string[] {
    return stackFiles().filter((stack) => !(stack in NOT_IN_CI));
}
