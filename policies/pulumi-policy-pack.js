// The entry point Pulumi runs for the policy pack (package.json `main`): index.ts, from its prebuilt bundle in .build/
// (the `pulumi` set of scripts/build.js), rebuilt first when any of its sources changed, and started from V8's code
// cache as the program is (bin/load-bundle.js).
"use strict";
const { loadBundle, writeCodeCaches } = require("../bin/load-bundle.js");

loadBundle("policies", "pulumi");
// The engine ends the pack with a signal, which fires no exit event: the cache is written once the pack is loaded.
writeCodeCaches();
