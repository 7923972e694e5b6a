// Loads prebuilt bundles (scripts/build.js): the command line's and the kind plugin's from bin-out/ (the `cli` set), the
// Pulumi program from .build/ (the `pulumi` set): fresh, and fast to start.
//
// Fresh: a bundle whose sources changed since it was built is rebuilt before it is loaded (scripts/build.js,
// ensureBuilt), so a developer who edits cli/*.ts (or anything it imports) runs the new code, never a stale bundle.
//
// Fast: V8's code cache (Node 20 has no module.enableCompileCache) holds the bytecode of the functions a run compiled,
// so the next run does not parse and compile the same hundreds of kilobytes again. The first run after a build writes
// it, on exit. It is named after the bundle file's inode and modification time: V8 itself checks only the source's
// length, and a rebuilt bundle of the same length must not get the old bytecode (the build renames a new file over a
// bundle, it never writes into one). A cache that cannot be written (a read-only install) only makes starts slower.
"use strict";
const fs = require("node:fs");
const Module = require("node:module");
const path = require("node:path");
const vm = require("node:vm");
const { codeCacheDirOf, ensureBuilt } = require("../scripts/build.js");

const unwritten = [];

/**
 * Writes the code caches the bundles loaded so far are still missing, holding what has been compiled up to now. A
 * command calls it on exit; a server that only ends by a signal (the kind plugin, the policy pack: the engine stops them
 * with SIGINT and SIGKILL, which fire no exit event) calls it once it has started.
 */
function writeCodeCaches() {
    if (unwritten.length === 0) return;
    // Loaded here, not on every start: it costs a start about 2 ms.
    const { threadId } = require("node:worker_threads");
    for (const { script, file } of unwritten.splice(0)) {
        try {
            fs.mkdirSync(path.dirname(file), { recursive: true });
            // Threads of one process (check's workers) may write the same cache at once.
            const temporary = `${file}.${process.pid}-${threadId}.tmp`;
            fs.writeFileSync(temporary, script.createCachedData());
            fs.renameSync(temporary, file);
        } catch {
            // Only the next start is slower.
        }
    }
}
process.once("exit", writeCodeCaches);

/**
 * The exports of bundle `name` of `set` (bin-out/<name>.js for the cli set), built first if stale. Its
 * require("./<other>.js") of another bundle of the set, which cli/main.ts's import("./<subcommand>") becomes, is loaded
 * the same way.
 */
function loadBundle(name, set = "cli") {
    const file = ensureBuilt(set, name);
    const fd = fs.openSync(file, "r");
    let source;
    let version;
    try {
        const stat = fs.fstatSync(fd);
        version = `${stat.ino}-${stat.mtimeMs}`;
        source = fs.readFileSync(fd, "utf8");
    } finally {
        fs.closeSync(fd);
    }
    const cacheFile = path.join(codeCacheDirOf(set), `${name}-${version}.bin`);
    let cachedData;
    try {
        cachedData = fs.readFileSync(cacheFile);
    } catch {
        cachedData = undefined;
    }
    const script = new vm.Script(Module.wrap(source), { filename: file, cachedData });
    if (cachedData === undefined || script.cachedDataRejected) unwritten.push({ script, file: cacheFile });
    const module = { exports: {} };
    const nodeRequire = Module.createRequire(file);
    const bundleRequire = (id) => {
        const bundle = /^\.\/([a-z-]+)\.js$/.exec(id);
        return bundle === null ? nodeRequire(id) : loadBundle(bundle[1], set);
    };
    script.runInThisContext().call(module.exports, module.exports, bundleRequire, module, file, path.dirname(file));
    return module.exports;
}

module.exports = { loadBundle, writeCodeCaches };
