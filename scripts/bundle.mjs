// The second half of `npm run build`: bundles the compiled CLI (dist/cli/main.js, from tsc) and its
// dependencies into one CommonJS file, dist/bundle/vc.cjs, which bin/value-compass.js loads.
//
// Why: every `value-compass` command starts a Node process, and loading ~400 module files (ours, handlebars',
// execa's, ajv's, …) cost about 0.1 s of each start. One file is read and compiled once, and
// as a classic script it can use V8's code cache (see bin/value-compass.js), which ES modules cannot on Node 20.
// Modules that the tree loads lazily (`await import(...)`) stay lazy: esbuild wraps each in a function
// that runs on first use.
//
// dist/bundle/ sits two folders below the package root, like dist/cli/, so the paths the code builds
// from import.meta.url (package.json, data/, templates/) stay right.
//
// The published package ships this bundle and not the tsc output, and has no dependencies of its own:
// everything the CLI loads at run time, including what it loads lazily, must be inside the bundle.
// The build fails when something would still be loaded from node_modules.

import { build } from "esbuild";
import { readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire, isBuiltin } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const require = createRequire(join(root, "package.json"));

// src/syntax/chevrotain.ts imports chevrotain's single-file build by URL with a top-level await (the
// package's exports map hides that file), which a CommonJS bundle cannot hold. Here the same file is
// imported statically instead.
const chevrotainBundle = join(dirname(require.resolve("chevrotain")), "..", "chevrotain.min.mjs");
const chevrotainStatic = {
  name: "chevrotain-static",
  setup(b) {
    b.onLoad({ filter: /[\\/]dist[\\/]syntax[\\/]chevrotain\.js$/ }, () => ({
      contents: `import * as chevrotain from ${JSON.stringify(chevrotainBundle)};\nexport const { createToken, CstParser, EOF, Lexer, tokenMatcher } = chevrotain;\n`,
      loader: "js",
      resolveDir: root,
    }));
  },
};

// A module that loads a CommonJS package on first use does it with `createRequire(import.meta.url)` and
// a literal name (src/check/schemas.ts), which esbuild leaves alone: the package would be looked up in
// node_modules at run time. Without that declaration, `require("ajv")` is esbuild's own require, which
// bundles the package and still runs it only when the call is reached.
const requireDeclaration = /^const require = createRequire\(import\.meta\.url\);$/m;
const bundledRequires = {
  name: "bundled-requires",
  setup(b) {
    b.onLoad({ filter: /[\\/]dist[\\/].*\.js$/ }, (args) => {
      const source = readFileSync(args.path, "utf8");
      if (!requireDeclaration.test(source)) return undefined;
      return { contents: source.replace(requireDeclaration, ""), loader: "js" };
    });
  },
};

// Optional native packages stay outside the bundle: they carry platform binaries, and a user installs
// them next to value-compass only when they need them (the llamacpp: provider imports node-llama-cpp
// lazily and says how to add it when it is missing).
const optionalExternals = ["node-llama-cpp"];

// vega-canvas's Node build loads the optional native `canvas` package with a top-level await, which a
// CommonJS bundle cannot hold. Its browser build is the same code without that package: with no DOM
// and no canvas, Vega measures text by an estimate — what it does in Node without `canvas` anyway,
// so report.html's SVG is the same from the bundle and from the sources.
const vegaCanvasBrowser = join(root, "node_modules", "vega-canvas", "build", "vega-canvas.browser.js");
const vegaCanvas = {
  name: "vega-canvas-browser",
  setup(b) {
    b.onResolve({ filter: /^vega-canvas$/ }, () => ({ path: vegaCanvasBrowser }));
  },
};

rmSync(join(root, "dist", "bundle"), { recursive: true, force: true });
const result = await build({
  entryPoints: [join(root, "dist", "cli", "main.js")],
  outfile: join(root, "dist", "bundle", "vc.cjs"),
  bundle: true,
  // The metafile's paths are relative to this folder (the package notices below rely on it).
  absWorkingDir: root,
  platform: "node",
  format: "cjs",
  target: "node20",
  // import.meta.url of every bundled module becomes the bundle's own URL (see the note on paths above).
  define: { "import.meta.url": "__vcBundleUrl" },
  banner: { js: 'const __vcBundleUrl = require("node:url").pathToFileURL(__filename).href;' },
  // Without comments and indentation the bundle is 3.8 MB instead of 5.3: every start reads, decodes
  // and hashes (for the code cache's name) that much less, about 20 ms of each command. Names are kept,
  // so that an internal error still names the function it came from.
  minifyWhitespace: true,
  plugins: [chevrotainStatic, bundledRequires, vegaCanvas],
  external: optionalExternals,
  logLevel: "warning",
  metafile: true,
});

// esbuild (charset "ascii", its default) escapes non-ASCII characters in strings, template literals
// and names itself, but leaves them in comments and regular expression literals. Escaped there too,
// the bundle is all ASCII, which bin/value-compass.js reads as latin1: a one-byte string, decoded
// several times faster than UTF-8 (which made a two-byte string of twice the size, ~10 MB) at every
// start. In a regex a \uXXXX escape means the same character (a surrogate pair of escapes is one code
// point under /u); in a comment it means nothing.
const bundleFile = join(root, "dist", "bundle", "vc.cjs");
const escaped = readFileSync(bundleFile, "utf8").replace(/[\u0080-\u{10ffff}]/gu, (ch) =>
  [...Array(ch.length).keys()].map((i) => `\\u${ch.charCodeAt(i).toString(16).padStart(4, "0")}`).join(""),
);
writeFileSync(bundleFile, escaped);

// What the bundle still imports from outside must be Node's own modules, and no module may still look
// packages up by itself (see bundledRequires).
const outside = Object.values(result.metafile.outputs)
  .flatMap((o) => o.imports)
  .map((i) => i.path)
  .filter((path) => !isBuiltin(path) && !optionalExternals.includes(path));
const bundleText = readFileSync(join(root, "dist", "bundle", "vc.cjs"), "utf8");
const lookups = bundleText.match(/\bcreateRequire\)?\(__vcBundleUrl\)/g) ?? [];
if (outside.length > 0 || lookups.length > 0) {
  process.stderr.write(
    `bundle: dist/bundle/vc.cjs would load packages from node_modules at run time, which the installed package does not have:\n` +
      [...new Set(outside)].map((p) => `  import ${p}\n`).join("") +
      (lookups.length > 0 ? `  ${lookups.length} createRequire(import.meta.url) left in the bundle (require each package by a literal name)\n` : ""),
  );
  process.exit(1);
}

// The bundle is a copy of every package in it, and their licenses (MIT, ISC, Apache-2.0, BSD) ask that
// a copy carries their notices: one file beside the bundle lists each package with its license text.
const packages = new Map();
for (const input of Object.keys(result.metafile.inputs)) {
  const match = /^(?:.*\/)?node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(input);
  if (match) packages.set(match[1], join(root, input.slice(0, match.index + match[0].length)));
}
const notices = [...packages]
  .sort(([a], [b]) => a.localeCompare(b))
  .map(([name, dir]) => {
    const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
    const licenseFile = readdirSync(dir).find((f) => /^(licen[cs]e|copying)(\.|$)/i.test(f));
    const text = licenseFile
      ? readFileSync(join(dir, licenseFile), "utf8").trim()
      : `(no license file in the package; its package.json says ${pkg.license ?? "nothing"})`;
    return `${name}@${pkg.version} (${pkg.license ?? "unknown"})\n\n${text}\n`;
  });
writeFileSync(
  join(root, "dist", "bundle", "THIRD-PARTY-LICENSES.txt"),
  `dist/bundle/vc.cjs contains these ${notices.length} packages:\n\n${notices.join(`\n${"-".repeat(80)}\n\n`)}`,
);

const inputs = Object.keys(result.metafile.inputs).length;
const bytes = Object.values(result.metafile.outputs).reduce((sum, o) => sum + o.bytes, 0);
process.stdout.write(`bundled ${inputs} modules into dist/bundle/vc.cjs (${(bytes / 1024 / 1024).toFixed(1)} MB)\n`);
