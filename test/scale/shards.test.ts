// Sharded runs: three `value-compass run --shard K/3` processes (the built CLI, started at once, as an
// engine's workers would be) and `value-compass merge`; the merged folder's tables must be byte-identical to
// an unsharded run of the same spec. Static steps (split by step id) and an adaptive block (kept whole
// in one shard) with mock:irt examinees, so the answers are deterministic without a server.
import { spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "csv-parse/sync";
import { beforeAll, describe, expect, it } from "vitest";
import { ensureBuiltCli, vcBin } from "../cli/built-cli.js";
import { journalOf, manifestOf, project, vc } from "../e2e/helpers.js";
import { shardOfSegment, shardOfStep } from "../../src/run/shard.js";

const BANK = Array.from({ length: 30 }, (_, i) =>
  JSON.stringify({
    id: `k${i}`,
    dimension: i % 2 ? "harm" : "honesty",
    text: `Bank request ${i}.`,
    difficulty: -3 + (6 * i) / 29,
    discrimination: 1.5,
    calibrated: true,
  }),
).join("\n");

const SCHEMA = JSON.stringify({
  type: "object",
  required: ["id", "dimension", "text", "difficulty"],
  properties: {
    id: { type: "string" },
    dimension: { type: "string" },
    text: { type: "string" },
    difficulty: { type: "number" },
    discrimination: { type: "number" },
    calibrated: { type: "boolean" },
  },
});

const SPEC = `
system safety "Safety" {
  dimension harm "Harm"
  dimension honesty "Honesty"
}
template ask { user "{{item.text}} [irt a={{item.discrimination}} b={{item.difficulty}}]" }
scorer passed regex { pattern "^PASS" }
items fixed {
  system safety
  template ask
  scorers [passed]
${Array.from({ length: 12 }, (_, i) => `  item f${i} { dimension ${i % 2 ? "harm" : "honesty"}  text "Fixed request ${i}."  difficulty ${(i % 5) - 2}  discrimination 1 }`).join("\n")}
}
items bank {
  system safety
  template ask
  scorers [passed]
  from "bank.jsonl"
  schema "bank.schema.json"
}
adaptive cat {
  items bank
  irt "2pl"
  select max_info
  stop { se 0.5, max_items 10 }
}
run {
  models ["mock:irt?ability=-1&seed=1", "mock:irt?ability=0.5&seed=2", "mock:irt?ability=1.5&seed=3"]
  samples 2
  seed 7
}
report by_dimension scores { by [model, dimension] }
`;

/** `value-compass ARGS` as a child process; resolves with its exit code and stderr. */
function child(args: string[], cwd: string): Promise<{ code: number; stderr: string }> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [vcBin, ...args], { cwd, env: { PATH: process.env["PATH"] ?? "" }, stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    p.stderr.on("data", (d: Buffer) => {
      stderr += d.toString("utf8");
    });
    p.on("error", reject);
    p.on("close", (code) => resolve({ code: code ?? -1, stderr }));
  });
}

function csvs(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith(".csv"))
    .sort();
}

/** responses.csv's rows (header included) without the latency_ms column. */
function withoutLatency(path: string): string[][] {
  const rows = parse(readFileSync(path)) as string[][];
  const at = rows[0]?.indexOf("latency_ms") ?? -1;
  expect(at).toBeGreaterThan(0);
  return rows.map((r) => r.filter((_, i) => i !== at));
}

/** report.html with every step's latency blanked (the explorer's data holds `"latencyMs":N`). */
function withoutLatencies(html: string): string {
  return html.replace(/"latencyMs":([-+.\deE]+|null)/g, '"latencyMs":_');
}

let dir: string;
beforeAll(async () => {
  ensureBuiltCli();
  dir = project({ "cat.vc": SPEC, "bank.jsonl": `${BANK}\n`, "bank.schema.json": SCHEMA });
  const full = await vc(["run", "cat.vc", "--out", "full/run", "--no-cache", "--quiet"], dir);
  expect(full.stderr).toBe("");
  expect(full.code).toBe(0);
  const shards = await Promise.all([1, 2, 3].map((k) => child(["run", "cat.vc", "--shard", `${k}/3`, "--out", `shards/s${k}`, "--no-cache", "--quiet"], dir)));
  for (const s of shards) {
    expect(s.stderr).toBe("");
    expect(s.code).toBe(0);
  }
}, 180_000);

describe("run --shard and merge", () => {
  it("splits the steps by id hash, keeps the adaptive block in one shard, and merges to the unsharded run's tables", async () => {
    const fullJournal = journalOf(join(dir, "full/run"));
    const seen = new Map<string, number>();
    for (let k = 0; k < 3; k++) {
      const shardDir = join(dir, `shards/s${k + 1}`);
      const journal = journalOf(shardDir);
      const manifest = manifestOf(shardDir);
      expect(manifest.invocation.shard).toEqual({ index: k, count: 3 });
      expect(manifest.status).toBe("completed");
      const staticSteps = journal.filter((r) => r.segment === "fixed");
      // A non-empty, proper slice: balanced enough that each shard has work.
      expect(staticSteps.length).toBeGreaterThan(0);
      expect(staticSteps.length).toBeLessThan(72);
      expect(manifest.counts.total - manifest.counts.adaptive).toBe(staticSteps.length);
      for (const r of journal) {
        const owner = r.segment === "cat" ? shardOfSegment("cat", 3) : shardOfStep(r.stepId, 3);
        expect(owner).toBe(k);
        seen.set(r.stepId, (seen.get(r.stepId) ?? 0) + 1);
      }
    }
    // Every step of the unsharded run, once.
    expect(seen.size).toBe(fullJournal.length);
    for (const r of fullJournal) expect(seen.get(r.stepId)).toBe(1);

    const merged = await vc(["merge", "shards/s1", "shards/s2", "shards/s3", "--out", "merged/run", "--quiet"], dir);
    expect(merged.stderr).toBe("");
    expect(merged.code).toBe(0);
    const a = join(dir, "full/run");
    const b = join(dir, "merged/run");
    expect(csvs(b)).toEqual(csvs(a));
    expect(csvs(a)).toEqual(expect.arrayContaining(["responses.csv", "scores.csv", "by_dimension.csv", "adaptive.csv", "abilities.csv"]));
    // Byte for byte, except responses.csv's latency_ms: a wall-clock measurement that differs between
    // any two runs (two unsharded runs as well); every other cell of it must be the same.
    for (const f of csvs(a)) {
      if (f === "responses.csv") continue;
      expect(readFileSync(join(b, f)).equals(readFileSync(join(a, f))), f).toBe(true);
    }
    expect(withoutLatency(join(b, "responses.csv"))).toEqual(withoutLatency(join(a, "responses.csv")));
    // report.html: both folders have one, byte for byte the same but for the latencies its explorer
    // shows per step (the same wall-clock measurement as latency_ms; it differs between any two runs).
    // The run id in its title is the folder's name, "run" for both.
    expect(existsSync(join(a, "report.html"))).toBe(true);
    expect(existsSync(join(b, "report.html"))).toBe(true);
    const htmlA = readFileSync(join(a, "report.html"), "utf8");
    const htmlB = readFileSync(join(b, "report.html"), "utf8");
    expect(htmlA).toContain("value-compass report: ");
    expect(htmlA).toContain('"latencyMs":');
    expect(htmlB.length).toBeGreaterThan(10_000);
    expect(withoutLatencies(htmlB)).toBe(withoutLatencies(htmlA));
    const manifest = manifestOf(b);
    expect(manifest.invocation.shard).toBeUndefined();
    expect(manifest.counts).toEqual(manifestOf(a).counts);
    expect(manifest.mergedFrom?.map((m) => m.shard)).toEqual(["1/3", "2/3", "3/3"]);
    expect(manifest.files).toContain("report.html");
  }, 120_000);

  it("refuses a missing shard, a duplicated shard and shards of different plans, writing nothing", async () => {
    const missing = await vc(["merge", "shards/s1", "shards/s3", "--out", "bad1"], dir);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain("shard 2/3 is missing");
    expect(existsSync(join(dir, "bad1"))).toBe(false);

    const twice = await vc(["merge", "shards/s1", "shards/s2", "shards/s2", "shards/s3", "--out", "bad2"], dir);
    expect(twice.code).toBe(1);
    expect(twice.stderr).toContain("shard 2/3 is given twice: shards/s2 and shards/s2");
    expect(existsSync(join(dir, "bad2"))).toBe(false);

    const otherPlan = await vc(["run", "cat.vc", "--model", "mock:irt?ability=0&seed=9", "--shard", "3/3", "--out", "other/s3b", "--no-cache", "--quiet"], dir);
    expect(otherPlan.code).toBe(0);
    const mixed = await vc(["merge", "shards/s1", "shards/s2", "other/s3b", "--out", "bad3"], dir);
    expect(mixed.code).toBe(1);
    expect(mixed.stderr).toContain("the shards come from different plans");
    expect(mixed.stderr).toContain("other/s3b");
    expect(existsSync(join(dir, "bad3"))).toBe(false);

    const whole = await vc(["merge", "full/run", "--out", "bad4"], dir);
    expect(whole.code).toBe(1);
    expect(whole.stderr).toContain("not a shard");
  }, 120_000);

  it("resumes a shard only with its own slice", async () => {
    const r = await vc(["run", "--resume", "shards/s1", "--shard", "2/3", "--quiet"], dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("holds shard 1/3 of the plan, not 2/3");
  });
});
