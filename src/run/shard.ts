// Shards of a run (`vc run --shard K/N`): which steps one of N worker processes runs. A step belongs to
// the shard its id hashes to; step ids are already sha256 prefixes of (segment, model, item, context,
// sample), so the slice is uniform, a model's steps spread evenly over the shards, and a re-planned
// spec gives every step the same shard. An adaptive segment chooses its items from earlier answers,
// so it is kept whole: the shard its id hashes to runs all of it.

import * as crypto from "node:crypto";
import type { Plan, PlanStep } from "../core/plan.js";
import { stepId } from "../compile/steps.js";

/** Shard `index` (0-based) of `count`. Shown to users 1-based: "2/3". */
export interface ShardSpec {
  index: number;
  count: number;
}

export type ShardParse = { ok: true; shard: ShardSpec } | { ok: false; message: string };

/** The environment variables `--shard auto` reads. */
export interface ShardEnv {
  [name: string]: string | undefined;
}

/** "K/N" with 1 ≤ K ≤ N (as users count shards). */
export function parseShardText(text: string, what = "--shard"): ShardParse {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  if (!m) return { ok: false, message: `${what} expects K/N (shard K of N, counting from 1) or auto, got '${text}'` };
  const k = Number(m[1]);
  const n = Number(m[2]);
  if (n < 1) return { ok: false, message: `${what} ${text}: the number of shards must be at least 1` };
  if (k < 1 || k > n) return { ok: false, message: `${what} ${text}: K counts from 1 to ${n}` };
  return { ok: true, shard: { index: k - 1, count: n } };
}

/**
 * `--shard auto`: the index and count from the engine that started this process. Kubernetes Indexed
 * Jobs set JOB_COMPLETION_INDEX (0-based) and the manifest passes the count as VC_SHARD_COUNT (the Job
 * API has no variable for it); Slurm job arrays set SLURM_ARRAY_TASK_ID/COUNT (the id counted from
 * SLURM_ARRAY_TASK_MIN, 0 when unset); anything else can set VC_SHARD=K/N.
 */
export function shardFromEnv(env: ShardEnv): ShardParse {
  const vc = env["VC_SHARD"];
  if (vc !== undefined && vc !== "") return parseShardText(vc, "VC_SHARD");
  const k8s = env["JOB_COMPLETION_INDEX"];
  if (k8s !== undefined && k8s !== "") {
    const count = env["VC_SHARD_COUNT"];
    if (count === undefined || count === "") {
      return { ok: false, message: "--shard auto: JOB_COMPLETION_INDEX is set but VC_SHARD_COUNT is not (set it to the Job's completions)" };
    }
    return fromIndex(k8s, count, "JOB_COMPLETION_INDEX", "VC_SHARD_COUNT", 0);
  }
  const slurm = env["SLURM_ARRAY_TASK_ID"];
  if (slurm !== undefined && slurm !== "") {
    const count = env["SLURM_ARRAY_TASK_COUNT"];
    if (count === undefined || count === "") return { ok: false, message: "--shard auto: SLURM_ARRAY_TASK_ID is set but SLURM_ARRAY_TASK_COUNT is not" };
    const min = env["SLURM_ARRAY_TASK_MIN"];
    const base = min !== undefined && /^\d+$/.test(min) ? Number(min) : 0;
    return fromIndex(slurm, count, "SLURM_ARRAY_TASK_ID", "SLURM_ARRAY_TASK_COUNT", base);
  }
  return {
    ok: false,
    message: "--shard auto: none of VC_SHARD, JOB_COMPLETION_INDEX (+ VC_SHARD_COUNT), SLURM_ARRAY_TASK_ID (+ SLURM_ARRAY_TASK_COUNT) is set",
  };
}

function fromIndex(indexText: string, countText: string, indexName: string, countName: string, base: number): ShardParse {
  if (!/^\d+$/.test(indexText)) return { ok: false, message: `${indexName} must be a whole number, got '${indexText}'` };
  if (!/^\d+$/.test(countText) || Number(countText) < 1) return { ok: false, message: `${countName} must be a whole number ≥ 1, got '${countText}'` };
  const index = Number(indexText) - base;
  const count = Number(countText);
  if (index < 0 || index >= count) {
    return { ok: false, message: `${indexName}=${indexText} is outside the ${count} shards of ${countName}${base > 0 ? ` (counting from ${base})` : ""}` };
  }
  return { ok: true, shard: { index, count } };
}

/** "2/3" for shard index 1 of 3. */
export function shardLabel(shard: ShardSpec): string {
  return `${shard.index + 1}/${shard.count}`;
}

/** The shard a step id belongs to: its first 52 bits (ids are hex sha256 prefixes) modulo the count. */
export function shardOfStep(id: string, count: number): number {
  if (count <= 1) return 0;
  return Number.parseInt(id.slice(0, 13), 16) % count;
}

/** The shard that runs the whole of an adaptive segment. */
export function shardOfSegment(segmentId: string, count: number): number {
  if (count <= 1) return 0;
  const hex = crypto.createHash("sha256").update(`adaptive:${segmentId}`).digest("hex");
  return Number.parseInt(hex.slice(0, 13), 16) % count;
}

/** The steps of `steps` that belong to `shard` (lazily, in their order). */
export function* shardSteps(steps: Iterable<PlanStep>, shard: ShardSpec): Generator<PlanStep> {
  for (const step of steps) if (shardOfStep(step.id, shard.count) === shard.index) yield step;
}

/** How many static steps belong to `shard`, from the step ids alone (no template is rendered). */
export function shardStepCount(plan: Pick<Plan, "segments">, shard: ShardSpec): number {
  let n = 0;
  for (const segment of plan.segments) {
    if (segment.kind !== "static") continue;
    for (const model of segment.models) {
      for (const item of segment.items) {
        for (const context of segment.contexts) {
          for (let sample = 0; sample < segment.samples; sample++) {
            if (shardOfStep(stepId(segment.id, model, item.id, context, sample), shard.count) === shard.index) n++;
          }
        }
      }
    }
  }
  return n;
}
