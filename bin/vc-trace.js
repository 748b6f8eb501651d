#!/usr/bin/env node
// The `value-compass` launcher (also installed as `vcmp`). It loads the bundled CLI (dist/bundle/vc.cjs,
// built by `npm run build`, which `npm ci` / `npm install` in a clone and `npm pack` run; the published
// package ships only that bundle, with every dependency inside it) with V8's code cache: the bytecode of
// the functions a command ran is kept per command in the user's cache folder, so the next start
// compiles almost nothing. That saves about a quarter of the time the command needs before it does any
// work; on Node 20 only classic scripts can use the cache, which is why the bundle is CommonJS.
//
// The cache is only an optimisation: a missing, stale or unreadable cache file, or a folder that cannot
// be written, changes nothing but the speed. VC_COMPILE_CACHE=DIR chooses the folder, VC_COMPILE_CACHE=off
// turns the cache off. A file is named by a hash of the bundle's bytes, the Node version and the command,
// because V8 itself only checks the source's length.

import { isAscii } from "node:buffer";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import Module, { createRequire } from "node:module";
import { homedir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import vm from "node:vm";

const bundlePath = fileURLToPath(new URL("../dist/bundle/vc-trace.cjs", import.meta.url));

// EXIT_INTERNAL of src/cli/exit-codes.ts, which lists every exit code; this file cannot import it,
// because it is needed before (and without) the bundle.
const EXIT_INTERNAL = 70;

function cacheFolder() {
  const setting = process.env.VC_COMPILE_CACHE;
  if (setting === "off" || setting === "0") return null;
  if (setting) return setting;
  const base = process.env.XDG_CACHE_HOME || join(homedir(), ".cache");
  return join(base, "value-compass", "compile-cache");
}

/**
 * Bytecode from the cache runs as code, so the cache is only read from a folder and files that no
 * one else may write: owned by this user, not group- or world-writable (a VC_COMPILE_CACHE pointed at
 * a shared folder such as /tmp is not used). Where there are no user ids (Windows), the OS's own
 * per-user folders are relied on.
 */
function ownedByMe(path) {
  if (typeof process.getuid !== "function") return true;
  try {
    const stat = statSync(path);
    return stat.uid === process.getuid() && (stat.mode & 0o022) === 0;
  } catch {
    return false;
  }
}

function loadCli() {
  let bytes;
  try {
    bytes = readFileSync(bundlePath);
  } catch {
    process.stderr.write(`value-compass: ${bundlePath} is missing; run \`npm run build\` in the value-compass folder\n`);
    process.exit(EXIT_INTERNAL);
  }
  let folder = cacheFolder();
  if (folder && existsSync(folder) && !ownedByMe(folder)) folder = null;
  const command = /^[a-z]+$/.test(process.argv[2] ?? "") ? process.argv[2] : "other";
  const cacheFile =
    folder && join(folder, `${command}-${createHash("sha1").update(bytes).update(`${process.version} ${process.arch}`).digest("hex").slice(0, 16)}.bin`);
  let cachedData;
  if (cacheFile && ownedByMe(cacheFile)) {
    try {
      cachedData = readFileSync(cacheFile);
    } catch {
      cachedData = undefined;
    }
  }
  // The bundle is built all ASCII (scripts/bundle.mjs), where latin1 reads the same text as UTF-8,
  // several times faster and as a one-byte string; anything else is read as UTF-8.
  const source = isAscii(bytes) ? bytes.toString("latin1") : bytes.toString("utf8");
  const script = new vm.Script(Module.wrap(source), {
    filename: bundlePath,
    cachedData,
    importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
  });
  const module = { exports: {} };
  script.runInThisContext()(module.exports, createRequire(bundlePath), module, bundlePath, dirname(bundlePath));
  const state = cachedData === undefined ? "miss" : script.cachedDataRejected ? "rejected" : "hit";
  if (process.env.VC_DEBUG_COMPILE_CACHE) {
    process.stderr.write(
      `value-compass: compile cache ${state}${cacheFile ? ` (${cacheFile})` : folder === null && cacheFolder() ? " (folder not private to this user: not used)" : ""}\n`,
    );
  }
  /** After the command: keep the bytecode of everything it compiled, when there was no usable cache. */
  const save = () => {
    if (!cacheFile || state === "hit") return;
    try {
      const folder = dirname(cacheFile);
      mkdirSync(folder, { recursive: true, mode: 0o700 });
      const temp = `${cacheFile}.${process.pid}.tmp`;
      writeFileSync(temp, script.createCachedData(), { mode: 0o600 });
      renameSync(temp, cacheFile);
      // The same command's files for earlier builds or Node versions will not be read again.
      for (const name of readdirSync(folder)) {
        if (name.startsWith(`${command}-`) && name.endsWith(".bin") && join(folder, name) !== cacheFile) rmSync(join(folder, name), { force: true });
      }
    } catch {
      // A read-only home or a full disk: the next start compiles again, nothing else changes.
    }
  };
  return { main: module.exports.main, save };
}

/**
 * Exit as soon as the command is done and stdout and stderr have been written out. Waiting for Node's
 * own exit (idle keep-alive sockets, tearing down the heap) cost 15-30 ms of every `value-compass run`; the
 * command itself has awaited everything it does. The empty writes call back after every earlier write
 * (pipes are asynchronous on macOS).
 */
function exitWhenFlushed(code) {process.stderr.write("T exit "+performance.now().toFixed(0)+"\n");
  process.exitCode = code;
  let pending = 2;
  const done = () => {
    if (--pending === 0) process.exit(code);
  };
  process.stdout.write("", done);
  process.stderr.write("", done);
}

// Optional packages with native parts (node-llama-cpp) stay outside the bundle and are ES modules. The
// bundle runs as a classic script, where import() does not work on Node 20 once the code cache is used,
// so this module lends its own import(): it resolves from this package's folder up, like a dependency.
globalThis[Symbol.for("value-compass.import")] = (specifier) => import(specifier);

const { main, save } = loadCli();
main(process.argv.slice(2)).then(
  (code) => {
    save();
    exitWhenFlushed(code);
  },
  (error) => {
    // The CLI catches its own errors; reaching here is a bug, but never print a raw stack to users.
    process.stderr.write(`value-compass: internal error: ${error instanceof Error ? error.message : String(error)}\n`);
    exitWhenFlushed(EXIT_INTERNAL);
  },
);
