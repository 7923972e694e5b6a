// Builds everything that runs as plain JavaScript instead of TypeScript, with esbuild, in two sets:
//
// - `cli`, into bin-out/: the command line and the kind provider plugin, one bundle per entry (main, and one per
//   subcommand, which main requires only when that subcommand runs), packages included, so running `kube-appstack`
//   compiles nothing and `check` never loads render's modules. bin/load-bundle.js loads them.
// - `pulumi`, into .build/: the Pulumi program (index.ts) and the CrossGuard policy pack (policies/index.ts), the
//   Pulumi packages left to node_modules. Pulumi's own TypeScript path (ts-node with the compiler and a type check on
//   every run) cost seconds per preview, more on a machine whose ts-node cache is cold, as every CI runner's is.
//   pulumi-program.js (through bin/load-bundle.js) and policies/pulumi-policy-pack.js load them. Types are checked by
//   `npm run typecheck` instead.
//
// A bundle never runs stale: the build records every file a bundle was made from with its modification time and size,
// and ensureBuilt() rebuilds its set first when one of them changed (or is gone), so an edited source is what the very
// next run uses. Checking costs one stat per source file. `npm ci` and `npm install` build both sets (the `prepare`
// script), so a fresh checkout does not build inside its first run; `npm run build` does it by hand.
//
//   node scripts/build.js [set...]     build these sets (default: all)
//
// Plain CommonJS, not TypeScript: it runs before anything is compiled.
"use strict";
const fs = require("node:fs");
const path = require("node:path");

const ROOT = path.join(__dirname, "..");
const BUILD_SCRIPT = __filename;
/** Files besides the sources esbuild reads that change what every set's build writes. */
const BUILD_FILES = [path.relative(ROOT, __filename), "tsconfig.json"];

/** cli/main.ts's import("./check") stays a require of the check bundle at run time instead of a copy of it. */
const separateSubcommands = {
    name: "separate-subcommands",
    setup(build) {
        build.onResolve({ filter: /^\.\/[a-z-]+$/ }, (args) => {
            const name = args.path.slice(2);
            const isEntry = name in SETS.cli.entries && path.join(args.resolveDir, `${name}.ts`) === path.join(ROOT, SETS.cli.entries[name]);
            return args.kind === "dynamic-import" && isEntry ? { path: `./${name}.js`, external: true } : undefined;
        });
    },
};

/**
 * zod exports all of its 50 locales as `z.locales`, which nothing here reads (its default messages come from its English
 * locale, imported on its own): they would be 40 % of every bundle, parsed on every start. Only `en` is kept.
 */
const englishOnlyZod = {
    name: "english-only-zod",
    setup(build) {
        build.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) =>
            (args.importer.includes(`${path.sep}node_modules${path.sep}zod${path.sep}`) ? { path: path.join(args.resolveDir, "..", "locales", "en.js"), namespace: "zod-locales" } : undefined));
        build.onLoad({ filter: /./, namespace: "zod-locales" }, (args) => ({
            contents: `export { default as en } from ${JSON.stringify(args.path)};`,
            resolveDir: path.dirname(args.path),
        }));
    },
};

/** The sets of bundles: where they go, their entry points (name -> source), and how each set differs from the other. */
const SETS = {
    cli: {
        outDir: "bin-out",
        // check-worker: a worker thread of `check` (bin/check-worker.js). kind-plugin: the kube-appstack-kind provider
        // plugin the engine starts (bin/pulumi-resource-kube-appstack-kind).
        entries: {
            main: "cli/main.ts", check: "cli/check.ts", "check-worker": "cli/check-worker.ts", render: "cli/render.ts", rules: "cli/rules.ts",
            "kind-plugin": "plugin/kind-plugin.ts",
        },
        // The bundles hold the packages' code too. npm rewrites node_modules/.package-lock.json on every install, so it
        // stands for the bundled packages' own files.
        buildFiles: ["package.json", "node_modules/.package-lock.json"],
        options: {
            // import() of a bundle would go through Node's ES module loader, which first scans a CommonJS file for its
            // exports; require() loads it directly.
            supported: { "dynamic-import": false },
            // Less text to parse on every start; identifiers keep their names, so stack traces still read.
            minifyWhitespace: true,
            minifySyntax: true,
            sourcemap: "linked",
            plugins: [separateSubcommands, englishOnlyZod],
        },
    },
    pulumi: {
        outDir: ".build",
        entries: { program: "index.ts", policies: "policies/index.ts" },
        buildFiles: ["package.json", "node_modules/.package-lock.json"],
        options: {
            // The engine's SDK must be the one instance the language host and the policy analyzer load from node_modules;
            // the other packages (zod, yaml) are bundled, English-only zod as in the cli set.
            external: ["@pulumi/*"],
            plugins: [englishOnlyZod],
            // No source map: the SDK formats the whole call stack of every resource it registers, and its
            // source-map-support maps each frame through the bundle's map (parsed on every run): 0.1 to 0.2 s of every
            // preview. The bundle is not minified, so a stack trace's functions and lines read as the sources do.
            sourcemap: false,
        },
    },
};

function setOf(name) {
    const set = SETS[name];
    if (set === undefined) throw new Error(`unknown set of bundles "${name}"; known: ${Object.keys(SETS).join(", ")}`);
    return set;
}

const outDirOf = (name) => path.join(ROOT, setOf(name).outDir);
/** Per bundle of a set, every file it was built from (relative to the repository) with the modification time and size it had. */
const stampOf = (name) => path.join(outDirOf(name), "build-inputs.json");
/** V8 code caches of the set's bundles (bin/load-bundle.js): they belong to one build and are dropped by the next. */
const codeCacheDirOf = (name) => path.join(outDirOf(name), "code-cache");
const bundleFile = (name, entry) => path.join(outDirOf(name), `${entry}.js`);

/** esbuild's options for the bundles of set `name`, without their entry points and output. */
function esbuildOptions(name) {
    return {
        absWorkingDir: ROOT,
        bundle: true,
        platform: "node",
        target: "node20",
        format: "cjs",
        logLevel: "silent",
        ...setOf(name).options,
    };
}

/** A file's modification time and size, null when it is gone. */
function fingerprint(file) {
    const stat = fs.statSync(path.join(ROOT, file), { throwIfNoEntry: false });
    return stat === undefined ? null : [stat.mtimeMs, stat.size];
}

/** Writes `content` so that a concurrent reader sees the old file or the new one, never a part. */
function writeAtomically(file, content) {
    const temporary = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(temporary, content);
    fs.renameSync(temporary, file);
}

/** How far before a build's start a source's modification time still counts as possibly read changed. */
const FILE_CLOCK_MARGIN_MS = 20;

/** Longer than any build takes. */
const LEFT_ASIDE_MS = 10 * 60 * 1000;

/**
 * Drops the set's code caches. Two processes that find the set stale (the program and the policy pack that one
 * `pulumi preview` starts together) build it at once, and one may write a cache while the other removes them: the
 * directory is moved aside first (into a directory of its own), so the removal never meets a file written into it
 * later. What a build that was killed left aside goes with a build at least LEFT_ASIDE_MS later, when no build that is
 * still running can be using it.
 */
function removeCodeCaches(name) {
    const dir = codeCacheDirOf(name);
    const aside = fs.mkdtempSync(`${dir}-removed-`);
    try {
        fs.renameSync(dir, path.join(aside, "code-cache"));
    } catch (error) {
        if (error.code !== "ENOENT") throw error;
    }
    const removeQuietly = (file) => {
        try {
            fs.rmSync(file, { recursive: true, force: true, maxRetries: 3 });
        } catch {
            // Only disk space: a later build tries again.
        }
    };
    removeQuietly(aside);
    const prefix = `${path.basename(dir)}-removed-`;
    for (const entry of fs.readdirSync(path.dirname(dir))) {
        const file = path.join(path.dirname(dir), entry);
        if (entry.startsWith(prefix) && (fs.statSync(file, { throwIfNoEntry: false })?.mtimeMs ?? Infinity) < Date.now() - LEFT_ASIDE_MS) removeQuietly(file);
    }
}

/** Bundles set `name` and records, per bundle, the files it was made from. */
async function build(name) {
    const set = setOf(name);
    const outDir = outDirOf(name);
    // A file modified from here on may have changed after esbuild read it. File times come from the kernel's coarse
    // clock, which can lag Date.now() by a tick (10 ms at HZ=100; 3 ms was measured here): hence the margin.
    const started = Date.now() - FILE_CLOCK_MARGIN_MS;
    const esbuild = require("esbuild");
    const result = await esbuild.build({
        ...esbuildOptions(name),
        entryPoints: set.entries,
        outdir: outDir,
        metafile: true,
        write: false,
    });
    fs.mkdirSync(outDir, { recursive: true });
    removeCodeCaches(name);
    for (const file of result.outputFiles) writeAtomically(file.path, file.contents);
    // A source map an earlier build wrote, which this one no longer does, must not be taken for this bundle's.
    const written = new Set(result.outputFiles.map((file) => file.path));
    for (const entry of Object.keys(set.entries)) {
        const map = `${bundleFile(name, entry)}.map`;
        if (!written.has(map)) fs.rmSync(map, { force: true });
    }
    const stamp = Object.fromEntries(Object.keys(set.entries).map((entry) => {
        const output = result.metafile.outputs[path.relative(ROOT, bundleFile(name, entry))];
        const sources = Object.keys(output.inputs).filter((file) => !file.split("/").includes("node_modules"));
        // A source saved while esbuild ran may not be what it read: stamped as never seen, it rebuilds on the next run.
        const stamped = (file) => {
            const print = fingerprint(file);
            return print !== null && print[0] >= started ? [0, -1] : print;
        };
        return [entry, Object.fromEntries([...sources, ...BUILD_FILES, ...set.buildFiles].sort().map((file) => [file, stamped(file)]))];
    }));
    // The stamp last: until it is renamed, the new bundles read as stale and are built again rather than trusted.
    writeAtomically(stampOf(name), `${JSON.stringify(stamp, null, 1)}\n`);
    // esbuild's account of what went into each bundle, packages included (test/cli/build.test.ts reads it).
    writeAtomically(path.join(outDir, "meta.json"), JSON.stringify(result.metafile));
}

const stamps = new Map();
function readStamp(name) {
    if (!stamps.has(name)) {
        try {
            stamps.set(name, JSON.parse(fs.readFileSync(stampOf(name), "utf8")));
        } catch {
            stamps.set(name, {});
        }
    }
    return stamps.get(name);
}

/** The files of bundle `entry` of set `name` that changed since it was built (a reason when it was never built). */
function staleInputs(name, entry) {
    const inputs = readStamp(name)[entry];
    if (inputs === undefined || !fs.existsSync(bundleFile(name, entry))) return [`${setOf(name).outDir}/${entry}.js is not built`];
    return Object.keys(inputs).filter((file) => {
        const now = fingerprint(file);
        const then = inputs[file];
        return now === null || then === null ? now !== then : now[0] !== then[0] || now[1] !== then[1];
    });
}

/**
 * The path of bundle `entry` of set `name`, its set rebuilt first (in a child process: the build is asynchronous, and
 * its callers load bundles synchronously) when it is stale. A build that fails throws esbuild's errors, each with its
 * file, line and column, as its message, marked `buildFailed`.
 */
function ensureBuilt(name, entry) {
    if (staleInputs(name, entry).length > 0) {
        // Required here, not on every start: loading child_process costs a few milliseconds.
        const built = require("node:child_process").spawnSync(process.execPath, [BUILD_SCRIPT, name], { stdio: ["ignore", "ignore", "pipe"], encoding: "utf8" });
        stamps.delete(name);
        if (built.status !== 0) {
            const message = `${built.stderr}kube-appstack: building ${setOf(name).outDir}/ failed (see above); fix the error or run npm ci`;
            throw Object.assign(new Error(message), { buildFailed: true });
        }
    }
    return bundleFile(name, entry);
}

module.exports = { SETS, build, codeCacheDirOf, ensureBuilt, esbuildOptions, outDirOf, ROOT, staleInputs };

if (require.main === module) {
    (async () => {
        const names = process.argv.length > 2 ? process.argv.slice(2) : Object.keys(SETS);
        for (const name of names) await build(name);
    })().catch((error) => {
        // esbuild's message lists each error with its file, line and column.
        process.stderr.write(`${error.message}\n`);
        process.exitCode = 1;
    });
}
