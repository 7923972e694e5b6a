// The command line as users run it: the bundles in bin-out/ (the `cli` set of scripts/build.js), rebuilt first when
// older than their sources. CLI tests call this `main` so that they judge the built command, not the TypeScript it came from.
import { createRequire } from "node:module";
import type { main as sourceMain } from "../../cli/main";

// bin/ and scripts/ are plain CommonJS (they run before anything is compiled).
const requireJs = createRequire(__filename);
const { loadBundle } = requireJs("../../bin/load-bundle.js") as { loadBundle(name: string): { main: typeof sourceMain } };

export const main: typeof sourceMain = (argv, io) => loadBundle("main").main(argv, io);
