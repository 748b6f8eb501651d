// `vc run` as users run it: the built CLI (bin/value-compass.js → dist/bundle/) in a child process, against
// stand-in servers on 127.0.0.1.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawn, type ChildProcess } from "node:child_process";
import { appendFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "csv-parse/sync";
import { startOllamaStandin } from "../standins/ollama-standin.js";
import { startOpenAIStandin } from "../standins/openai-standin.js";
import { ensureBuiltCli, vcBin } from "../cli/built-cli.js";

const suiteDir = mkdtempSync(join(tmpdir(), "vc-cli-suite-"));

beforeAll(() => ensureBuiltCli(), 120_000);

interface SpecOptions {
  model: string;
  items: number;
  samples?: number;
  concurrency?: number;
}

function project(options: SpecOptions): { dir: string; spec: string } {
  const dir = mkdtempSync(join(tmpdir(), "vc-cli-"));
  const items = Array.from({ length: options.items }, (_, i) => `  item q${i} { dimension care  text "Question ${i}: is it right to help a stranger?" }`);
  const spec = [
    'system ethics "Ethics" {',
    '  dimension care "Care"',
    "}",
    "template ask {",
    '  system "Answer briefly."',
    '  user "{{item.text}}"',
    "}",
    "items questions {",
    "  system ethics",
    "  template ask",
    ...items,
    "}",
    "run {",
    `  models ["${options.model}"]`,
    "  temperature 0",
    "  seed 7",
    `  samples ${options.samples ?? 1}`,
    `  concurrency ${options.concurrency ?? 2}`,
    "  timeout 30",
    "  retries 1",
    "}",
    "",
  ].join("\n");
  writeFileSync(join(dir, "package.json"), "{}\n");
  writeFileSync(join(dir, "study.vc"), spec);
  return { dir, spec: "study.vc" };
}

interface Done {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

function startVc(args: string[], cwd: string, env: Record<string, string>): { child: ChildProcess; done: Promise<Done> } {
  const child = spawn(process.execPath, [vcBin, "run", ...args], {
    cwd,
    env: { PATH: process.env["PATH"] ?? "", HOME: process.env["HOME"] ?? "", VC_COMPILE_CACHE: join(suiteDir, "compile-cache"), ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (c: Buffer) => (stdout += c.toString()));
  child.stderr?.on("data", (c: Buffer) => (stderr += c.toString()));
  const done = new Promise<Done>((resolvePromise) => child.once("close", (code, signal) => resolvePromise({ code, signal, stdout, stderr })));
  return { child, done };
}

const vc = (args: string[], cwd: string, env: Record<string, string>) => startVc(args, cwd, env).done;

function journalLines(runDir: string): Array<{ stepId: string; error: unknown }> {
  const path = join(runDir, "journal.jsonl");
  if (!existsSync(path)) return [];
  return readFileSync(path, "utf8")
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((l) => JSON.parse(l) as { stepId: string; error: unknown });
}

function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  // outputs/<spec>/latest is a symlink to a run folder that is walked anyway.
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isSymbolicLink() ? [] : e.isDirectory() ? filesUnder(join(dir, e.name)) : [join(dir, e.name)],
  );
}

const ollama = await startOllamaStandin({ latencyMs: 0 });
afterAll(async () => {
  await ollama.close();
});

describe("value-compass run (child process)", () => {
  it("writes the run directory, prints only its path on stdout, and a re-run makes no model calls", async () => {
    const { dir, spec } = project({ model: "ollama:standin", items: 4, samples: 2 });
    const env = { OLLAMA_HOST: ollama.url };
    const before = ollama.requestsTo("/api/chat").length;
    const first = await vc([spec, "--quiet"], dir, env);
    expect(first.stderr).toBe("");
    expect(first.code).toBe(0);
    const runDir = join(dir, first.stdout.trim());
    expect(first.stdout).toMatch(/^outputs\/study\/\d{8}T\d{6}Z-[0-9a-f]{8}\n$/);
    // No scorer in this spec: no scores.jsonl, but every run gets its tables (here with no scores).
    expect(readdirSync(runDir).sort()).toEqual([
      "dimensions.csv",
      "journal.jsonl",
      "leaderboard.csv",
      "manifest.json",
      "plan.json",
      "report.html",
      "responses.csv",
      "scores.csv",
      "value_hierarchy.csv",
      "value_hierarchy_ranks.csv",
    ]);
    expect(ollama.requestsTo("/api/chat").length - before).toBe(8);
    const rows = parse(readFileSync(join(runDir, "responses.csv"), "utf8"), { columns: true }) as Array<Record<string, string>>;
    expect(rows).toHaveLength(8);
    expect(rows[0]).toMatchObject({ model: "ollama:standin", item: "q0", sample: "0", cached: "false", error: "" });
    expect(rows[0]?.["prompt"]).toBe("Question 0: is it right to help a stranger?");
    expect(rows[0]?.["response"]).not.toBe("");
    const manifest = JSON.parse(readFileSync(join(runDir, "manifest.json"), "utf8")) as {
      status: string;
      models: Array<{ digest: string | null; endpoint: string }>;
    };
    expect(manifest.status).toBe("completed");
    expect(manifest.models[0]?.digest).toMatch(/^[0-9a-f]{12,}|sha256:/);
    expect(manifest.models[0]?.endpoint).toBe(ollama.url.replace(/\/$/, ""));

    const second = await vc([spec, "--quiet"], dir, env);
    expect(second.code).toBe(0);
    expect(ollama.requestsTo("/api/chat").length - before).toBe(8); // zero new calls
    const again = parse(readFileSync(join(dir, second.stdout.trim(), "responses.csv"), "utf8"), { columns: true }) as Array<Record<string, string>>;
    expect(again.map((r) => r["cached"])).toEqual(Array(8).fill("true"));
    expect(again.map((r) => r["response"])).toEqual(rows.map((r) => r["response"]));
  });

  it("an unreachable server stops the run before any step, with one message", async () => {
    const port = await new Promise<number>((resolvePort) => {
      const s = createServer();
      s.listen(0, "127.0.0.1", () => {
        const p = (s.address() as { port: number }).port;
        s.close(() => resolvePort(p));
      });
    });
    const { dir, spec } = project({ model: "ollama:standin", items: 3 });
    const r = await vc([spec], dir, { OLLAMA_HOST: `127.0.0.1:${port}` });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    const lines = r.stderr.trim().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(`cannot reach ollama at http://127.0.0.1:${port}`);
    expect(lines[0]).toContain("ollama serve");
    expect(existsSync(join(dir, "outputs"))).toBe(false);
  });

  it("a missing Ollama model: one clear error; with --pull it is pulled and the run goes on", async () => {
    const { dir, spec } = project({ model: "ollama:fresh-model", items: 2 });
    const env = { OLLAMA_HOST: ollama.url };
    const missing = await vc([spec], dir, env);
    expect(missing.code).toBe(1);
    expect(missing.stderr.trim().split("\n")).toHaveLength(1);
    expect(missing.stderr).toContain("ollama pull fresh-model");
    const pulled = await vc([spec, "--pull"], dir, env);
    expect(pulled.stderr).toContain("pull ollama:fresh-model");
    expect(pulled.code).toBe(0);
    expect(ollama.requestsTo("/api/pull").length).toBeGreaterThan(0);
  });

  it("never writes the API key: not in the run directory, the caches, stdout or stderr", async () => {
    const secret = `sk-test-SECRET-${Math.random().toString(36).slice(2)}`;
    const openai = await startOpenAIStandin({ apiKey: secret, latencyMs: 0 });
    try {
      const { dir, spec } = project({ model: "openai:standin-model", items: 3 });
      const env = { OPENAI_API_KEY: secret, OPENAI_BASE_URL: openai.baseUrl };
      const ok = await vc([spec], dir, env);
      expect(ok.code).toBe(0);
      const runDir = join(dir, ok.stdout.trim());
      const manifest = JSON.parse(readFileSync(join(runDir, "manifest.json"), "utf8")) as { models: Array<{ fingerprints: string[] }> };
      expect(manifest.models[0]?.fingerprints.length).toBeGreaterThan(0);

      // A wrong key: the stand-in echoes it in its 401 message; it must not come through either.
      const wrong = `sk-test-WRONG-${Math.random().toString(36).slice(2)}`;
      const bad = await vc([spec, "--no-cache"], dir, { ...env, OPENAI_API_KEY: wrong });
      expect(bad.code).toBe(1);
      expect(bad.stderr).toMatch(/OPENAI_API_KEY|credentials|401|key/i);

      // The run's folder and cache, and the launcher's compile cache (bytecode, but checked all the same).
      const files = [...filesUnder(dir), ...filesUnder(join(suiteDir, "compile-cache"))];
      expect(files.some((f) => f.includes(".vc-cache"))).toBe(true);
      expect(files.some((f) => f.includes("compile-cache"))).toBe(true);
      for (const file of files) {
        const text = readFileSync(file, "utf8");
        expect(text.includes(secret), file).toBe(false);
        expect(text.includes(wrong), file).toBe(false);
      }
      for (const out of [ok.stdout, ok.stderr, bad.stdout, bad.stderr]) {
        expect(out.includes(secret)).toBe(false);
        expect(out.includes(wrong)).toBe(false);
      }
    } finally {
      await openai.close();
    }
  });

  it("Ctrl-C: finishes the requests in flight, exits 130 with the resume command; the resume completes the run", async () => {
    const slow = await startOllamaStandin({ latencyMs: 150 });
    try {
      const { dir, spec } = project({ model: "ollama:standin", items: 20, concurrency: 2 });
      const env = { OLLAMA_HOST: slow.url };
      const run = startVc([spec, "--no-cache", "--out", "run1"], dir, env);
      const runDir = join(dir, "run1");
      // Interrupt once the run is under way: the server has seen a few requests, two of them open.
      await slow.waitForRequests("/api/chat", 4);
      run.child.kill("SIGINT");
      const r = await run.done;
      expect(r.code).toBe(130);
      expect(r.stderr).toContain("interrupted");
      expect(r.stderr).toContain("value-compass run --resume run1");
      expect(r.stdout.trim()).toBe("run1");
      const manifest = JSON.parse(readFileSync(join(runDir, "manifest.json"), "utf8")) as { status: string };
      expect(manifest.status).toBe("interrupted");
      const partial = journalLines(runDir);
      expect(partial.length).toBeLessThan(20);
      // Every request the server answered was journaled: nothing in flight was dropped.
      expect(slow.requestsTo("/api/chat").length).toBe(partial.length);
      expect(existsSync(join(runDir, "run.lock"))).toBe(false);

      const resumed = await vc(["--resume", "run1", "--no-cache", "--quiet"], dir, env);
      expect(resumed.code).toBe(0);
      const ids = journalLines(runDir).map((l) => l.stepId);
      expect(ids).toHaveLength(20);
      expect(new Set(ids).size).toBe(20);
      expect(slow.requestsTo("/api/chat").length).toBe(20); // no step asked twice
    } finally {
      await slow.close();
    }
  });

  it("SIGKILL mid-run, then resume: every step in the journal exactly once", async () => {
    const server = await startOllamaStandin({ latencyMs: 10 });
    try {
      const { dir, spec } = project({ model: "ollama:standin", items: 50, samples: 4, concurrency: 4 });
      const env = { OLLAMA_HOST: server.url };
      const run = startVc([spec, "--no-cache", "--out", "crash"], dir, env);
      const runDir = join(dir, "crash");
      // With 4 requests open at most, request 45 is sent only once 41 steps are written to the journal
      // (the journal is written synchronously before a step frees its place).
      await server.waitForRequests("/api/chat", 45);
      run.child.kill("SIGKILL");
      const r = await run.done;
      expect(r.signal).toBe("SIGKILL");
      const before = journalLines(runDir);
      expect(before.length).toBeLessThan(200);
      // Make the crash as bad as it gets: a torn last line, as if the kill had hit mid-write.
      const lastLine = readFileSync(join(runDir, "journal.jsonl"), "utf8").trimEnd().split("\n").pop() ?? "";
      appendFileSync(join(runDir, "journal.jsonl"), lastLine.slice(0, 60));
      expect(existsSync(join(runDir, "run.lock"))).toBe(true); // the killed run's lock is still there

      const resumed = await vc(["--resume", "crash", "--no-cache"], dir, env);
      expect(resumed.code).toBe(0);
      expect(resumed.stderr).toContain("torn line");
      const ids = journalLines(runDir).map((l) => l.stepId);
      expect(ids).toHaveLength(200);
      expect(new Set(ids).size).toBe(200);
      const rows = parse(readFileSync(join(runDir, "responses.csv"), "utf8"), { columns: true }) as unknown[];
      expect(rows).toHaveLength(200);
    } finally {
      await server.close();
    }
  });
});
