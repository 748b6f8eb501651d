// Must hold (issue 15): a replay of per-model recorded answers (fixtures/per-model: 5 models × 12
// items, each model answering only its own, named in the items' `models` column) makes no spurious
// steps and no scoring errors, and gives the known per-model refusal rates: 12, 9, 6, 3, 0 of 12.

import { cpSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { itemAskedOf, modelStepCount } from "../../src/core/item-models.js";
import type { Json } from "../../src/core/plan.js";
import { journalOf, manifestOf, readCsv, vc } from "../e2e/helpers.js";

const FIXTURE = join(import.meta.dirname, "fixtures/per-model");

describe("per-model item sets", () => {
  it("a models field names full ids or bare names; a CSV cell may list several", () => {
    const item = (models?: Json): { fields: Record<string, Json> } => ({ fields: models === undefined ? {} : { models } });
    expect(itemAskedOf(item(undefined), "ollama:x")).toBe(true);
    expect(itemAskedOf(item(["ollama:x"]), "ollama:x")).toBe(true);
    expect(itemAskedOf(item(["x"]), "ollama:x")).toBe(true);
    expect(itemAskedOf(item(["x"]), "ollama:y")).toBe(false);
    expect(itemAskedOf(item("a, ollama:b | c"), "ollama:b")).toBe(true);
    expect(itemAskedOf(item("a, ollama:b | c"), "ollama:d")).toBe(false);
    const segment = { items: [item(["a"]), item(["a", "b"]), item(undefined)], contexts: [{ culture: null, usecase: null }], samples: 2 };
    expect(modelStepCount(segment, "mock:a")).toBe(6);
    expect(modelStepCount(segment, "mock:b")).toBe(4);
    expect(modelStepCount(segment, "mock:z")).toBe(2);
  });
});

describe("replaying 5 models × 12 items, each answering its own", () => {
  it("asks each model only its own items: no missing answers, no scoring errors, the known rates", async () => {
    const dir = mkdtempSync(join(tmpdir(), "vc-per-model-"));
    cpSync(FIXTURE, dir, { recursive: true });
    const result = await vc(["score", "spec.vc", "--answers", "answers.jsonl", "--out", "run", "--quiet"], dir);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    const run = join(dir, "run");
    const manifest = manifestOf(run);
    expect(manifest.spec.stepCount).toBe(60);
    expect(manifest.counts).toMatchObject({ total: 60, succeeded: 60, failed: 0, remaining: 0 });
    expect(manifest.scoring).toEqual({ records: 60, scored: 60, errors: 0, noResponse: 0 });

    // Each journaled step is one of the model's own items, answered with that model's recorded text.
    const items = readFileSync(join(dir, "items.jsonl"), "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { id: string; models: string[] });
    const owner = new Map(items.map((i) => [i.id, i.models[0] as string]));
    for (const step of journalOf(run)) expect(step.model.endsWith(owner.get(step.item) as string)).toBe(true);

    // The known rates, counted from the fixture's answers by hand (a refusal is the sorry-sentence).
    const answers = readFileSync(join(dir, "answers.jsonl"), "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { model: string; answer: string });
    const known = new Map<string, number>();
    for (const a of answers) known.set(a.model, (known.get(a.model) ?? 0) + (a.answer.startsWith("I'm sorry") ? 100 / 12 : 0));
    expect([...known.values()].map((v) => Math.round(v))).toEqual([100, 75, 50, 25, 0]);
    const rows = readCsv(join(run, "by_model.csv"));
    expect(rows.map((r) => r["model"])).toEqual(["openai:alpha", "openai:bravo", "ollama:charlie", "ollama:delta", "openai:org/echo"]);
    for (const r of rows) {
      expect(Number(r["mean"])).toBeCloseTo(known.get(r["model"] as string) as number, 2);
      expect(r["scoring_errors"]).toBe("0");
      expect(r["n"]).toBe("12");
    }
  });

  it("without the models column every model is asked every item: the other 240 steps have no answer", async () => {
    const dir = mkdtempSync(join(tmpdir(), "vc-per-model-"));
    cpSync(FIXTURE, dir, { recursive: true });
    const items = readFileSync(join(dir, "items.jsonl"), "utf8").replace(/, "models": \[[^\]]*\]/g, "");
    writeFileSync(join(dir, "items.jsonl"), items);
    writeFileSync(join(dir, "item.schema.json"), readFileSync(join(dir, "item.schema.json"), "utf8").replace(', "models"]', "]"));
    const result = await vc(["score", "spec.vc", "--answers", "answers.jsonl", "--out", "run", "--quiet"], dir);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("240 steps have no recorded answer");
    expect(manifestOf(join(dir, "run")).counts).toMatchObject({ total: 300, succeeded: 60, failed: 240 });
  });
});
