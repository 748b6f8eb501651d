// The second half of `npm run build`: bundles the compiled CLI (dist/cli/main.js, from tsc) and its
// dependencies into one CommonJS file, dist/bundle/vc.cjs, which bin/vc.js loads.
//
// Why: every `vc` command starts a Node process, and loading ~400 module files (ours, handlebars',
// execa's, ajv's, …) cost about 0.1 s of each start. One file is read and compiled once, and
// as a classic script it can use V8's code cache (see bin/vc.js), which ES modules cannot on Node 20.
// Modules that the tree loads lazily (`await import(...)`) stay lazy: esbuild wraps each in a function
// that runs on first use.
//
// dist/bundle/ sits two folders below the package root, like dist/cli/, so the paths the code builds
// from import.meta.url (package.json, data/, templates/) stay right.

import { build } from "esbuild";
import { rmSync } from "node:fs";
import { createRequire } from "node:module";
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

rmSync(join(root, "dist", "bundle"), { recursive: true, force: true });
const result = await build({
  entryPoints: [join(root, "dist", "cli", "main.js")],
  outfile: join(root, "dist", "bundle", "vc.cjs"),
  bundle: true,
  platform: "node",
  format: "cjs",
  target: "node20",
  // import.meta.url of every bundled module becomes the bundle's own URL (see the note on paths above).
  define: { "import.meta.url": "__vcBundleUrl" },
  banner: { js: 'const __vcBundleUrl = require("node:url").pathToFileURL(__filename).href;' },
  plugins: [chevrotainStatic],
  logLevel: "warning",
  metafile: true,
});

const inputs = Object.keys(result.metafile.inputs).length;
const bytes = Object.values(result.metafile.outputs).reduce((sum, o) => sum + o.bytes, 0);
process.stdout.write(`bundled ${inputs} modules into dist/bundle/vc.cjs (${(bytes / 1024 / 1024).toFixed(1)} MB)\n`);
