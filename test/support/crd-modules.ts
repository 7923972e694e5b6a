// vitest globalSetup: downloads the Go modules that carry the CRDs tests validate custom resources against
// (test/support/crd-schema.ts), before any test runs. On a cold module cache the download goes to the network, which no
// test's timeout should have to cover; on a warm one it costs a few milliseconds. Without Go, or if the download fails,
// only the tests that need the CRDs fail, each with the reason (crd-schema.ts runs the same download).
import { spawnSync } from "node:child_process";
import * as path from "node:path";

export default function setup(): void {
    const cwd = path.join(__dirname, "..", "..", "scripts", "tools", "crds");
    const result = spawnSync("go", ["mod", "download"], { cwd, encoding: "utf8", stdio: ["ignore", "inherit", "pipe"] });
    if (result.status !== 0) console.warn(`go mod download in ${cwd} failed (the CRD tests will say why): ${result.error?.message ?? result.stderr}`);
}
