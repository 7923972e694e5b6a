#!/usr/bin/env node
// Runs the command line as plain JavaScript from bin-out/ (scripts/build.js builds it during `npm ci`; a bundle
// older than its sources is rebuilt before it runs).
"use strict";
const { loadBundle } = require("./load-bundle.js");

Promise.resolve()
    .then(() => loadBundle("main").main(process.argv.slice(2)))
    .then(
        (status) => {
            process.exitCode = status;
        },
        (error) => {
            if (error.buildFailed) console.error(error.message);
            else console.error(error);
            process.exitCode = 2;
        },
    );
