// The package as a new user gets it: `npm pack` in a copy of the project, the tarball installed into an
// empty folder, and the installed `value-compass` command (and its alias) run from there on specs that
// live outside the repository, with nothing in node_modules but what the tarball brings.

import { spawnSync, type SpawnSyncReturns } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const root = resolve(import.meta.dirname, "..", "..");
const version = (JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { version: string }).version;

// What a fresh clone does not have: `npm pack` must build dist/ itself (the `prepare` script).
const NOT_IN_A_CLONE = new Set(["node_modules", "dist", "outputs", ".git", ".vc-cache", ".scratch", "tmp", ".vitest-results.json"]);

let work = "";
let install = "";
let entries: string[] = [];

/**
 * The environment of the npm and npx children: the npm_* variables an enclosing `npm test` sets (its
 * prefix, local prefix and package) would point them at this repository, so only the user's own
 * cache and config survive. The compile cache goes to a private folder of the test.
 */
function childEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!/^npm_/i.test(key) || /^npm_config_(cache|userconfig)$/i.test(key)) env[key] = value;
  }
  return { ...env, VC_COMPILE_CACHE: join(work, "compile-cache"), npm_config_update_notifier: "false", NO_COLOR: "1" };
}

function sh(command: string, args: string[], cwd: string): SpawnSyncReturns<string> {
  return spawnSync(command, args, { cwd, env: childEnv(), encoding: "utf8", timeout: 300_000, maxBuffer: 256 * 1024 * 1024 });
}

function ok(result: SpawnSyncReturns<string>, what: string): SpawnSyncReturns<string> {
  const tail = (text: string | null) => (text ?? "").slice(-4000);
  if (result.status !== 0)
    throw new Error(`${what} exited with ${result.status ?? result.error?.message ?? result.signal}:\n${tail(result.stderr)}\n${tail(result.stdout)}`);
  return result;
}

/**
 * The installed command, as a user types it; `--yes=false` so that npx never downloads a package of
 * that name instead (`--no` would take the command name as its value).
 */
const npx = (bin: string, args: string[]) => sh("npx", ["--yes=false", bin, ...args], install);

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), "vc-pack-"));
  const clone = join(work, "clone");
  cpSync(root, clone, { recursive: true, filter: (src) => !NOT_IN_A_CLONE.has(relative(root, src)) });
  // Packing builds with the project's dev dependencies; the copy builds its own dist/ so that the
  // bundle other test files are running from is never rewritten under them.
  symlinkSync(join(root, "node_modules"), join(clone, "node_modules"), "dir");
  const packs = join(work, "packs");
  mkdirSync(packs);
  ok(sh("npm", ["pack", "--pack-destination", packs], clone), "npm pack");
  const tarballs = readdirSync(packs);
  expect(tarballs).toEqual([`value-compass-${version}.tgz`]);
  const tarball = join(packs, tarballs[0]!);
  entries = ok(sh("tar", ["-tzf", tarball], work), "tar -tzf")
    .stdout.split("\n")
    .filter(Boolean)
    .map((e) => e.replace(/^package\//, ""));

  install = join(work, "user");
  mkdirSync(install);
  // The package has no dependencies (the bundle holds them all), so the install needs no network. Its one
  // optional dependency (node-llama-cpp, for llamacpp: models) is left out, as `--omit=optional` does for
  // a user who does not want it: the rest must work without it.
  ok(sh("npm", ["install", "--no-audit", "--no-fund", "--offline", "--omit=optional", tarball], install), "npm install <tarball>");
  // A user's project: the package's specs and templates copied next to it, as the README says.
  const installed = join(install, "node_modules", "value-compass");
  cpSync(join(installed, "specs"), join(install, "specs"), { recursive: true });
  cpSync(join(installed, "templates"), join(install, "templates"), { recursive: true });
}, 600_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe("npm pack", { timeout: 180_000 }, () => {
  it("ships the bundle, specs, templates, data, grammar, docs and licence, and no tsc output or sources", () => {
    for (const file of [
      "package.json",
      "README.md",
      "LICENSE",
      "bin/value-compass.js",
      "dist/bundle/vc.cjs",
      "dist/bundle/THIRD-PARTY-LICENSES.txt",
      "specs/safety.vc",
      "specs/lib/safety-contexts.vc",
      "specs/data/safety/en-US.jsonl",
      "specs/schemas/safety-item.json",
      "templates/safety-ask.hbs",
      "data/refusal/en.txt",
      "grammar/vc.ebnf",
      "grammar/diagrams.html",
      "docs/language.md",
      "schemas/plan.schema.json",
      "schemas/manifest.schema.json",
      "schemas/item-row.schema.json",
      "editors/vscode/syntaxes/vc.tmLanguage.json",
    ]) {
      expect(entries, file).toContain(file);
    }
    expect(entries.filter((e) => e.startsWith("dist/") && !e.startsWith("dist/bundle/"))).toEqual([]);
    expect(entries.filter((e) => /^(src|test|bench|scripts|node_modules|outputs)\//.test(e))).toEqual([]);
    expect(entries.filter((e) => e.endsWith(".ts") || e.endsWith(".map"))).toEqual([]);
  });

  it("declares the commands, licence, repository, engines and no dependencies to install", () => {
    const manifest = JSON.parse(readFileSync(join(install, "node_modules", "value-compass", "package.json"), "utf8")) as Record<string, unknown>;
    expect(manifest["bin"]).toEqual({ "value-compass": "bin/value-compass.js", vcmp: "bin/value-compass.js" });
    expect(manifest["license"]).toBe("MIT");
    expect(manifest["repository"]).toEqual({ type: "git", url: "git+https://github.com/value-compass/value-compass.git" });
    expect(manifest["engines"]).toEqual({ node: ">=20" });
    expect(manifest["dependencies"] ?? {}).toEqual({});
    expect(manifest["optionalDependencies"]).toEqual({ "node-llama-cpp": "3.21.1" });
    expect(readFileSync(join(install, "node_modules", "value-compass", "LICENSE"), "utf8")).toContain("Copyright (c) 2026 the value-compass authors");
  });
});

describe("the installed package", { timeout: 180_000 }, () => {
  it("brings nothing into node_modules but itself, and installs value-compass and vcmp (not vc)", () => {
    expect(readdirSync(join(install, "node_modules")).filter((name) => !name.startsWith("."))).toEqual(["value-compass"]);
    expect(readdirSync(join(install, "node_modules", ".bin")).sort()).toEqual(["value-compass", "vcmp"]);
  });

  it("prints its version under both names, and its help names the command", () => {
    expect(ok(npx("value-compass", ["--version"]), "value-compass --version").stdout).toBe(`${version}\n`);
    expect(ok(npx("vcmp", ["--version"]), "vcmp --version").stdout).toBe(`${version}\n`);
    const help = ok(npx("value-compass", ["--help"]), "value-compass --help").stdout;
    expect(help).toMatch(/^value-compass — /);
    expect(help).toContain("Usage: value-compass COMMAND [options]");
  });

  it("checks a spec copied out of the package, and the package's own specs where they were installed", () => {
    const copied = ok(npx("value-compass", ["check", "specs/safety.vc"]), "check specs/safety.vc");
    expect(copied.stdout).toBe("ok: 1 spec checked\n");

    // Every shipped spec, with its imports, data rows and JSON schemas (draft-07 and 2020-12, whose ajv
    // dialects the bundle loads only when a schema asks for them).
    const shipped = join(install, "node_modules", "value-compass", "specs");
    const specs = readdirSync(shipped).filter((f) => f.endsWith(".vc"));
    expect(specs).toContain("safety.vc");
    const all = ok(npx("vcmp", ["check", ...specs.map((f) => join(shipped, f))]), "check the shipped specs");
    expect(all.stdout).toBe(`ok: ${specs.length} specs checked\n`);

    writeFileSync(join(install, "broken.vc"), "sytem safety {}\n");
    const broken = npx("value-compass", ["check", "broken.vc"]);
    expect(broken.status).toBe(1);
    expect(broken.stderr).toContain("broken.vc:1:1: error");
    expect(broken.stderr).toContain("value-compass check: 1 of 1 spec has errors");
  });

  it("plans a spec", () => {
    const text = ok(npx("value-compass", ["plan", "specs/safety.vc"]), "plan specs/safety.vc").stdout;
    expect(text).toMatch(/^plan safety \(specs\/safety\.vc\)\n/);
    const plan = JSON.parse(ok(npx("value-compass", ["plan", "specs/safety.vc", "--json", "--model", "mock:comply"]), "plan --json").stdout) as {
      stepCount: number;
      models: unknown[];
    };
    expect(plan.stepCount).toBeGreaterThan(0);
    expect(plan.models).toHaveLength(1);
  });

  it("without the optional node-llama-cpp, a llamacpp: model is a clear error saying how to add it", () => {
    // specs/safety.vc scored by refusal detection: no command to allow and no judge, so the model is the first thing prepared.
    const run = npx("value-compass", ["run", "specs/safety.vc", "--set", "scoring=refusal", "--model", "llamacpp:models/any.gguf"]);
    expect(run.status).not.toBe(0);
    expect(run.status).not.toBe(70);
    expect(run.stderr).toContain("npm install node-llama-cpp@3.21.1");
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it("runs a spec against mock models and writes the run folder where it was started", () => {
    const models = ["--model", "mock:comply", "--model", "mock:refuse"];
    const plan = JSON.parse(ok(npx("value-compass", ["plan", "specs/safety.vc", "--json", ...models, "--set", "scoring=refusal"]), "plan --json").stdout) as {
      stepCount: number;
    };
    const run = ok(npx("value-compass", ["run", "specs/safety.vc", ...models, "--set", "scoring=refusal"]), "run");
    const runDir = join(install, run.stdout.trim().split("\n")[0]!);
    expect(relative(install, runDir)).toMatch(/^outputs\/safety\/[^/]+$/);
    for (const file of ["manifest.json", "plan.json", "journal.jsonl", "scores.jsonl", "responses.csv", "scores.csv", "leaderboard.csv", "dimensions.csv"]) {
      expect(existsSync(join(runDir, file)), file).toBe(true);
    }
    const manifest = JSON.parse(readFileSync(join(runDir, "manifest.json"), "utf8")) as { tool: { name: string; version: string } };
    expect(manifest.tool).toEqual({ name: "value-compass", version });
    expect(readFileSync(join(runDir, "journal.jsonl"), "utf8").trim().split("\n")).toHaveLength(plan.stepCount);
    const leaderboard = readFileSync(join(runDir, "leaderboard.csv"), "utf8");
    // system, culture, usecase, measure, scale, rank, model: a row per deployment and measure.
    expect(leaderboard).toMatch(/^safety,en_US,general,refusal,proportion,\d,mock:refuse,/m);
    expect(leaderboard).toMatch(/^safety,en_US,general,refusal,proportion,\d,mock:comply,/m);
    expect(run.stderr).toContain(`value-compass run: ${plan.stepCount} steps`);
    // The user's folder holds the cache; the installed package is left as it was installed.
    expect(existsSync(join(install, ".vc-cache"))).toBe(true);
    expect(readdirSync(join(install, "node_modules", "value-compass")).sort()).toEqual([
      "LICENSE",
      "README.md",
      "bin",
      "data",
      "dist",
      "docs",
      "editors",
      "grammar",
      "package.json",
      "schemas",
      "specs",
      "templates",
    ]);
  });
});
