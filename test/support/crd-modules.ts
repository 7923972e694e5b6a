// vitest globalSetup: downloads the Go modules that carry the CRDs tests validate custom resources against
// (test/support/crd-schema.ts), before any test runs. On a cold module cache the download goes to the network, which no
// test's timeout should have to cover; on a warm one it costs a few milliseconds.
import { spawnSync } from "node:child_process";
import * as path from "node:path";

export default function setup(): void {
    const cwd = path.join(__dirname, "..", "..", "scripts", "tools", "crds");
    const result = spawnSync("go", ["mod", "download"], { cwd, encoding: "utf8", stdio: ["ignore", "inherit", "pipe"] });
    if (result.status !== 0) throw new Error(`go mod download in ${cwd} failed: ${result.error?.message ?? result.stderr}`);
}
