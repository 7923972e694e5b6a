// The entry point Pulumi runs for the policy pack (package.json `main`): index.ts, from its prebuilt bundle in .build/
// (the `pulumi` set of scripts/build.js), rebuilt first when any of its sources changed.
"use strict";
require(require("../scripts/build.js").ensureBuilt("pulumi", "policies"));
