import { defineConfig } from "vitest/config";

export default defineConfig({
    test: {
        include: ["test/**/*.test.ts"],
        // Engine tests drive the real Pulumi CLI and have their own command (npm run test:engine).
        exclude: ["test/engine/**", "test/integration/**", "node_modules/**"],
        // Pulumi's mocks are process-global (pulumi.runtime.setMocks), so each test file gets its own process.
        pool: "forks",
        // The CLI tests run the built command (bin-out/), the engine the prebuilt program (.build/): built once here when
        // stale. The CRDs that custom resources are validated against come in Go modules, downloaded here once.
        globalSetup: ["test/support/build-once.ts", "test/support/crd-modules.ts"],
        testTimeout: 30_000,
    },
});
