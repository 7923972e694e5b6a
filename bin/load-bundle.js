// Loads the command line's bundles from bin-out/ (built by scripts/build-cli.js): fresh, and fast to start.
//
// Fresh: the build records every file a bundle was made from with its modification time and size. A bundle whose
// files changed since is rebuilt before it is loaded, so a developer who edits cli/*.ts (or anything it imports) runs
// the new code, never a stale bundle. Checking costs one stat per source file of that bundle.
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

const ROOT = path.join(__dirname, "..");
const OUT = path.join(ROOT, "bin-out");
/** Per bundle, every file it was built from (relative to the repository) with the modification time and size it had. */
const STAMP = path.join(OUT, "build-inputs.json");
const CACHE_DIR = path.join(OUT, "code-cache");
const BUILD_SCRIPT = path.join(ROOT, "scripts", "build-cli.js");

/** A file's modification time and size, null when it is gone. */
function fingerprint(file) {
    const stat = fs.statSync(path.join(ROOT, file), { throwIfNoEntry: false });
    return stat === undefined ? null : [stat.mtimeMs, stat.size];
}

let stamp;
function readStamp() {
    try {
        stamp ??= JSON.parse(fs.readFileSync(STAMP, "utf8"));
    } catch {
        stamp = {};
    }
    return stamp;
}

/** The files of bundle `name` that changed since it was built (a reason when it was never built). */
function staleInputs(name) {
    const inputs = readStamp()[name];
    if (inputs === undefined || !fs.existsSync(path.join(OUT, `${name}.js`))) return [`bin-out/${name}.js is not built`];
    return Object.keys(inputs).filter((file) => {
        const now = fingerprint(file);
        const then = inputs[file];
        return now === null || then === null ? now !== then : now[0] !== then[0] || now[1] !== then[1];
    });
}

/** Rebuilds every bundle, in a child process, when bundle `name` is stale; esbuild's errors go to stderr. */
function ensureBuilt(name) {
    if (staleInputs(name).length === 0) return;
    try {
        // Required here, not on every start: loading child_process costs a few milliseconds.
        require("node:child_process").execFileSync(process.execPath, [BUILD_SCRIPT], { stdio: ["ignore", "ignore", "inherit"] });
    } catch {
        throw Object.assign(new Error(`kube-appstack: building bin-out/ failed (see above); fix the error or run npm ci`), { buildFailed: true });
    }
    stamp = undefined;
}

const unwritten = [];
process.once("exit", () => {
    for (const { script, file } of unwritten) {
        try {
            fs.mkdirSync(path.dirname(file), { recursive: true });
            const temporary = `${file}.${process.pid}.tmp`;
            fs.writeFileSync(temporary, script.createCachedData());
            fs.renameSync(temporary, file);
        } catch {
            // Only the next start is slower.
        }
    }
});

/**
 * The exports of bundle `name` (bin-out/<name>.js), built first if stale. Its require("./<other>.js") of another
 * bundle, which cli/main.ts's import("./<subcommand>") becomes, is loaded the same way.
 */
function loadBundle(name) {
    ensureBuilt(name);
    const file = path.join(OUT, `${name}.js`);
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
    const cacheFile = path.join(CACHE_DIR, `${name}-${version}.bin`);
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
        return bundle === null ? nodeRequire(id) : loadBundle(bundle[1]);
    };
    script.runInThisContext().call(module.exports, module.exports, bundleRequire, module, file, OUT);
    return module.exports;
}

module.exports = { loadBundle, ensureBuilt, staleInputs, fingerprint, ROOT, OUT, STAMP, CACHE_DIR };
