// The entry point Pulumi runs (Pulumi.yaml `main`): the program of index.ts, from its prebuilt bundle in .build/
// (the `pulumi` set of scripts/build.js), rebuilt first when any of its sources changed.
"use strict";
module.exports = require(require("./scripts/build.js").ensureBuilt("pulumi", "program"));
