// The entry point Pulumi runs (Pulumi.yaml `main`): the program of index.ts, from its prebuilt bundle (scripts/bundle.js),
// rebuilt first when any of its sources changed.
"use strict";
module.exports = require("./scripts/bundle").loadBundle("program");
