// The command line as users run it: the bundles in bin-out/ (scripts/build-cli.js), rebuilt first when older than
// their sources. CLI tests call this `main` so that they judge the built command, not the TypeScript it came from.
import type { main as sourceMain } from "../../cli/main";

const { loadBundle } = require("../../bin/load-bundle.js") as { loadBundle(name: string): { main: typeof sourceMain } };

export const main: typeof sourceMain = (argv, io) => loadBundle("main").main(argv, io);
