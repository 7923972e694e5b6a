// A worker thread of `kube-appstack check` (cli/check-threads.ts starts it): the built check-worker bundle, run once,
// its code cache written when it is done (a worker's end fires no exit event of the process).
"use strict";
const { loadBundle, writeCodeCaches } = require("./load-bundle.js");

loadBundle("check-worker").run();
writeCodeCaches();
