// vitest globalSetup: brings bin-out/ up to date once, before test files running in parallel would each find it stale
// and rebuild it at the same time.
const { ensureBuilt } = require("../../bin/load-bundle.js") as { ensureBuilt(name: string): void };
const { ENTRIES } = require("../../scripts/build-cli.js") as { ENTRIES: string[] };

export default function setup(): void {
    for (const name of ENTRIES) ensureBuilt(name);
}
