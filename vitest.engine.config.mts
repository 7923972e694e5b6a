import { defineConfig } from "vitest/config";

// The engine tests drive the real Pulumi CLI (see harness/pulumi-engine.ts and docs/testing.md, Running the engine tests).
export default defineConfig({
    test: {
        include: ["test/engine/**/*.test.ts"],
        // Every CLI run compiles the TypeScript program and starts plugins: minutes, not seconds.
        testTimeout: 20 * 60_000,
        hookTimeout: 10 * 60_000,
        // One file at a time: each spawns the CLI, Node and provider processes, and the machine has 2 cores.
        fileParallelism: false,
        pool: "forks",
        // The CLI tests run the built command (bin-out/), the engine the prebuilt program (.build/): built once here when stale.
        globalSetup: ["test/support/build-once.ts"],
    },
});
