#!/usr/bin/env node
// The CLI is TypeScript; tsx compiles it on load so the package ships no build step.
"use strict";
require("tsx/cjs");
const { main } = require("../cli/main.ts");

main(process.argv.slice(2)).then(
    (status) => {
        process.exitCode = status;
    },
    (error) => {
        console.error(error);
        process.exitCode = 2;
    },
);
