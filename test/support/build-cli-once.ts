// vitest globalSetup: brings bin-out/ up to date once, before test files running in parallel would each find it stale
// and rebuild it at the same time.
import { createRequire } from "node:module";

// bin/ and scripts/ are plain CommonJS (they run before anything is compiled).
const requireJs = createRequire(__filename);
const { ensureBuilt } = requireJs("../../bin/load-bundle.js") as { ensureBuilt(name: string): void };
const { ENTRIES } = requireJs("../../scripts/build-cli.js") as { ENTRIES: string[] };

export default function setup(): void {
    for (const name of ENTRIES) ensureBuilt(name);
}
