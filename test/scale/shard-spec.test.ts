// --shard K/N and --shard auto: parsing, the engines' environment variables, and the slice itself
// (every step in exactly one shard, a plan's steps spread over all shards).
import { describe, expect, it } from "vitest";
import { parseShardText, shardFromEnv, shardOfStep, shardSteps } from "../../src/run/shard.js";
import type { PlanStep } from "../../src/core/plan.js";
import { createHash } from "node:crypto";

describe("shard options", () => {
  it("reads K/N counting from 1 and refuses what is not a shard", () => {
    expect(parseShardText("2/3")).toEqual({ ok: true, shard: { index: 1, count: 3 } });
    for (const bad of ["0/3", "4/3", "1/0", "x", "1-3"]) expect(parseShardText(bad).ok).toBe(false);
    const zero = parseShardText("0/3");
    expect(!zero.ok && zero.message).toContain("K counts from 1 to 3");
  });

  it("takes the index and count from Kubernetes, Slurm or VC_SHARD", () => {
    expect(shardFromEnv({ JOB_COMPLETION_INDEX: "0", VC_SHARD_COUNT: "4" })).toEqual({ ok: true, shard: { index: 0, count: 4 } });
    expect(shardFromEnv({ SLURM_ARRAY_TASK_ID: "3", SLURM_ARRAY_TASK_COUNT: "3", SLURM_ARRAY_TASK_MIN: "1" })).toEqual({
      ok: true,
      shard: { index: 2, count: 3 },
    });
    expect(shardFromEnv({ SLURM_ARRAY_TASK_ID: "2", SLURM_ARRAY_TASK_COUNT: "5" })).toEqual({ ok: true, shard: { index: 2, count: 5 } });
    expect(shardFromEnv({ VC_SHARD: "5/5", JOB_COMPLETION_INDEX: "0" })).toEqual({ ok: true, shard: { index: 4, count: 5 } });
    const noCount = shardFromEnv({ JOB_COMPLETION_INDEX: "1" });
    expect(!noCount.ok && noCount.message).toContain("VC_SHARD_COUNT");
    const outside = shardFromEnv({ SLURM_ARRAY_TASK_ID: "7", SLURM_ARRAY_TASK_COUNT: "3" });
    expect(outside.ok).toBe(false);
    const none = shardFromEnv({});
    expect(!none.ok && none.message).toContain("none of VC_SHARD");
  });

  it("puts every step in exactly one shard, with every shard given a fair share", () => {
    const steps = Array.from({ length: 3000 }, (_, i) => ({ id: createHash("sha256").update(String(i)).digest("hex").slice(0, 16), index: i }) as PlanStep);
    const counts = [0, 1, 2, 3].map((index) => [...shardSteps(steps, { index, count: 4 })].length);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(3000);
    for (const c of counts) expect(Math.abs(c - 750)).toBeLessThan(120);
    for (const s of steps) expect(shardOfStep(s.id, 1)).toBe(0);
  });
});
