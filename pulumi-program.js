// The entry point Pulumi runs (Pulumi.yaml `main`): the program of index.ts, from its prebuilt bundle in .build/
// (the `pulumi` set of scripts/build.js), rebuilt first when any of its sources changed, and started from V8's code
// cache as the command line is (bin/load-bundle.js).
"use strict";
module.exports = require("./bin/load-bundle.js").loadBundle("program", "pulumi");
