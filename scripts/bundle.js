// The Pulumi program and the policy pack run from prebuilt JavaScript: one esbuild bundle each, in .build/. Pulumi's own
// TypeScript path (ts-node with the compiler and a type check on every run) cost seconds per preview, and more on a
// machine whose ts-node cache is cold, as every CI runner's is. Types are checked by `npm run typecheck` instead.
//
// A bundle never runs stale: loadBundle() compares a fingerprint of every source file that went into the bundle (and of
// this file, which holds the build options) with the one recorded at build time, and rebuilds first when they differ,
// so an edited file is in the very next `pulumi preview` or `pulumi up`. `npm ci` builds both (`prepare`), so a fresh
// checkout does not build inside its first preview.
//
//   node scripts/bundle.js     build every bundle that is out of date (what `npm run build` and `prepare` run)
"use strict";
const crypto = require("node:crypto");
const fs = require("node:fs");
const path = require("node:path");

const ROOT = path.resolve(__dirname, "..");
const OUT_DIR = path.join(ROOT, ".build");

/** Name -> TypeScript entry point, relative to the repository root. */
const BUNDLES = {
    program: "index.ts",
    policies: "policies/index.ts",
};

/** The sources a bundle was built from and their fingerprint; written next to the bundle. */
const manifestFile = (name) => path.join(OUT_DIR, `${name}.sources.json`);
const bundleFile = (name) => path.join(OUT_DIR, `${name}.js`);

/** A hash of the build options (this file) and of each source's path and content; undefined when one is missing. */
function fingerprint(sources) {
    const hash = crypto.createHash("sha256").update(fs.readFileSync(__filename));
    for (const source of sources) {
        let content;
        try {
            content = fs.readFileSync(path.join(ROOT, source));
        } catch {
            return undefined;
        }
        hash.update(`\0${source}\0`).update(content);
    }
    return hash.digest("hex");
}

function isFresh(name) {
    let manifest;
    try {
        manifest = JSON.parse(fs.readFileSync(manifestFile(name), "utf8"));
        fs.accessSync(bundleFile(name));
    } catch {
        return false;
    }
    return Array.isArray(manifest.sources) && manifest.fingerprint === fingerprint(manifest.sources);
}

/** esbuild's options for one entry point: our sources in, every package external (loaded from node_modules as usual). */
function esbuildOptions(entry, outfile) {
    return {
        absWorkingDir: ROOT,
        entryPoints: [entry],
        bundle: true,
        packages: "external",
        platform: "node",
        target: "node20",
        format: "cjs",
        // Stack traces of a bug point at the TypeScript sources (the Pulumi SDK installs source-map-support).
        sourcemap: true,
        sourcesContent: false,
        outfile,
        logLevel: "silent",
    };
}

function build(name) {
    const entry = BUNDLES[name];
    // A syntax error or a missing file fails here, with esbuild's message naming the file and line.
    const result = require("esbuild").buildSync({ ...esbuildOptions(entry, bundleFile(name)), metafile: true, write: false });
    // Everything esbuild read (our .ts files) and the tsconfig.json that sets how it compiles them.
    const sources = [...Object.keys(result.metafile.inputs), "tsconfig.json"].sort();
    fs.mkdirSync(OUT_DIR, { recursive: true });
    // Written to temporary names and renamed: a concurrent `pulumi` run sees the old bundle or the new one, never half.
    const suffix = `.${process.pid}.tmp`;
    for (const file of result.outputFiles) fs.writeFileSync(file.path + suffix, file.contents);
    fs.writeFileSync(manifestFile(name) + suffix, `${JSON.stringify({ entry, fingerprint: fingerprint(sources), sources }, null, 2)}\n`);
    // The manifest last: until it is renamed, the new bundle reads as stale and is built again rather than trusted.
    for (const file of result.outputFiles) fs.renameSync(file.path + suffix, file.path);
    fs.renameSync(manifestFile(name) + suffix, manifestFile(name));
}

/** Builds the bundle when it is missing or older than any of its sources; returns its path. */
function ensureBundle(name) {
    if (!(name in BUNDLES)) throw new Error(`unknown bundle "${name}"; known: ${Object.keys(BUNDLES).join(", ")}`);
    if (!isFresh(name)) build(name);
    return bundleFile(name);
}

/** What the bundle exports, built first when stale. */
function loadBundle(name) {
    return require(ensureBundle(name));
}

module.exports = { BUNDLES, ensureBundle, esbuildOptions, isFresh, loadBundle };

if (require.main === module) {
    for (const name of Object.keys(BUNDLES)) ensureBundle(name);
}
