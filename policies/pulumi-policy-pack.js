// The entry point Pulumi runs for the policy pack (package.json `main`): index.ts, from its prebuilt bundle
// (scripts/bundle.js), rebuilt first when any of its sources changed.
"use strict";
require("../scripts/bundle").loadBundle("policies");
