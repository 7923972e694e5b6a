// vitest globalSetup: brings every set of bundles (scripts/build.js) up to date once, before test files running in
// parallel would each find them stale and rebuild them at the same time.
import { createRequire } from "node:module";

interface Build {
    SETS: Record<string, { entries: Record<string, string> }>;
    ensureBuilt(set: string, entry: string): string;
}

// scripts/ is plain CommonJS (it runs before anything is compiled).
const { ensureBuilt, SETS } = createRequire(__filename)("../../scripts/build.js") as Build;

export default function setup(): void {
    for (const [set, { entries }] of Object.entries(SETS)) for (const entry of Object.keys(entries)) ensureBuilt(set, entry);
}
