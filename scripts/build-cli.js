// Builds the command line as plain JavaScript: one esbuild bundle per entry in bin-out/ (main, and one per subcommand,
// which main requires only when that subcommand runs), so running `kube-appstack` compiles nothing and `check` never
// loads render's modules. `npm ci` and `npm install` run it (the `prepare` script), `npm run build` by hand, and
// bin/load-bundle.js whenever a bundle is older than one of its sources.
//
// Plain CommonJS, not TypeScript: it runs before anything is compiled.
"use strict";
const fs = require("node:fs");
const path = require("node:path");
const { CACHE_DIR, fingerprint, OUT, ROOT, STAMP } = require("../bin/load-bundle.js");

const ENTRIES = ["main", "check", "render", "rules"];
/**
 * Files that change what the build writes besides the sources esbuild reads. npm rewrites
 * node_modules/.package-lock.json on every install, so it stands for the bundled packages' own files.
 */
const BUILD_FILES = ["scripts/build-cli.js", "tsconfig.json", "package.json", "node_modules/.package-lock.json"];

/** Writes `content` so that a concurrent reader sees the old file or the new one, never a part. */
function writeAtomically(file, content) {
    const temporary = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(temporary, content);
    fs.renameSync(temporary, file);
}

/** cli/main.ts's import("./check") stays a require of the check bundle at run time instead of a copy of it. */
const separateSubcommands = {
    name: "separate-subcommands",
    setup(build) {
        build.onResolve({ filter: /^\.\/[a-z-]+$/ }, (args) => {
            const name = args.path.slice(2);
            const isEntry = ENTRIES.includes(name) && path.join(args.resolveDir, `${name}.ts`) === path.join(ROOT, "cli", `${name}.ts`);
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

/** Bundles the entries into bin-out/ and records, per bundle, the files it was made from. */
async function build() {
    // A file modified from here on may have changed after esbuild read it (a millisecond early, for coarse clocks).
    const started = Date.now() - 1;
    const esbuild = require("esbuild");
    const result = await esbuild.build({
        absWorkingDir: ROOT,
        entryPoints: Object.fromEntries(ENTRIES.map((name) => [name, `cli/${name}.ts`])),
        outdir: OUT,
        bundle: true,
        platform: "node",
        target: "node20",
        format: "cjs",
        // import() of a bundle would go through Node's ES module loader, which first scans a CommonJS file for its
        // exports; require() loads it directly.
        supported: { "dynamic-import": false },
        // Less text to parse on every start; identifiers keep their names, so stack traces still read.
        minifyWhitespace: true,
        minifySyntax: true,
        sourcemap: "linked",
        metafile: true,
        write: false,
        logLevel: "silent",
        plugins: [separateSubcommands, englishOnlyZod],
    });
    fs.mkdirSync(OUT, { recursive: true });
    // Code caches of earlier bundles (bin/load-bundle.js) would only pile up.
    fs.rmSync(CACHE_DIR, { recursive: true, force: true });
    for (const file of result.outputFiles) writeAtomically(file.path, file.contents);
    const stamp = Object.fromEntries(ENTRIES.map((name) => {
        const output = result.metafile.outputs[path.relative(ROOT, path.join(OUT, `${name}.js`))];
        const sources = Object.keys(output.inputs).filter((file) => !file.split("/").includes("node_modules"));
        // A source saved while esbuild ran may not be what it read: stamped as never seen, it rebuilds on the next run.
        const stamped = (file) => {
            const print = fingerprint(file);
            return print !== null && print[0] >= started ? [0, -1] : print;
        };
        return [name, Object.fromEntries([...sources, ...BUILD_FILES].sort().map((file) => [file, stamped(file)]))];
    }));
    writeAtomically(STAMP, `${JSON.stringify(stamp, null, 1)}\n`);
    // esbuild's account of what went into each bundle, packages included (test/cli/build.test.ts reads it).
    writeAtomically(path.join(OUT, "meta.json"), JSON.stringify(result.metafile));
}

module.exports = { build, ENTRIES };

if (require.main === module) {
    build().catch((error) => {
        // esbuild's message lists each error with its file, line and column.
        process.stderr.write(`${error.message}\n`);
        process.exitCode = 1;
    });
}
