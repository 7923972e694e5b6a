import { defineConfig } from "vitest/config";

// The integration tests deploy with the real Pulumi engine onto the local cluster (npm run cluster:up first; see
// docs/local-cluster.md and docs/testing.md, Running the integration tests).
export default defineConfig({
    test: {
        include: ["test/integration/**/*.test.ts"],
        testTimeout: 20 * 60_000,
        hookTimeout: 10 * 60_000,
        // One file at a time: they share one cluster, and the machine has 2 cores.
        fileParallelism: false,
        pool: "forks",
        // Every project copy gets the prebuilt program (.build/) as it is here: built once here when stale.
        globalSetup: ["test/support/build-once.ts"],
    },
});
