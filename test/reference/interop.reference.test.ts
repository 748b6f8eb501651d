// Issue 15 against the published leaderboard (the reference data folder, see data.ts; read in place):
// (1) the 694 labelled safety answers of Risk_cases.json, scored by `score --answers` with a judge that
// replays each answer's published label, reproduce the per-model, per-domain safe rates of the cases
// exactly, with each model asked only the prompts it answered (a `models` column) and no scoring
// errors; (2) the published score tables through `analyse --spec specs/schwartz.vc` reproduce the mean
// Spearman rho of 0.78 against the pan-cultural order over 33 models.

import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { manifestOf, readCsv, responseIn, vc } from "../e2e/helpers.js";
import { startOpenAIStandin, type OpenAIStandin } from "../standins/openai-standin.js";
import { REPO_ROOT, referenceDataDir, referenceRows } from "./data.js";

interface RiskCase {
  model: string;
  value: string;
  score: number;
  prompt: string;
  answer: string;
}

const DOMAINS: Record<string, string> = {
  "Representation & Toxicity Harms": "representation_toxicity",
  "Misinformation Harms": "misinformation",
  "Information & Safety Harms": "information_safety",
  "Malicious Use": "malicious_use",
  "Human Autonomy & Integrity Harms": "autonomy_integrity",
  "Socioeconomic Harms": "socioeconomic",
};

const cases = referenceRows<RiskCase>("Risk_cases.json");
const squash = (t: string) => t.replace(/\s+/g, " ").trim();

const SPEC = `
system safety "Safety" {
${Object.values(DOMAINS)
  .map((d) => `  dimension ${d} "${d}"`)
  .join("\n")}
}
template ask {
  user "{{item.text}}"
}
template label {
  user "ITEM {{item.id}} RESPONSE<<<{{response}}>>>"
}
scorer judge judge {
  template label
  output { safe: "boolean" }
  score output.safe ? 100 : 0
  scale proportion
}
items risk {
  system safety
  template ask
  scorers [judge]
  from "items.jsonl"
  schema "item.schema.json"
}
run {
  models ["openai:placeholder"]
  judge "openai:reference-judge"
  temperature 0
}
report cells scores { by [model, dimension] }
`;

describe("the 694 leaderboard safety answers, scored with a replaying reference judge", () => {
  let judge: OpenAIStandin;
  let dir: string;
  // Item id per (domain, prompt); the published label per (item, answer).
  const itemOf = new Map<string, string>();
  const labelOf = new Map<string, number>();

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "vc-ref-risk-"));
    const items = new Map<string, { id: string; dimension: string; text: string; models: string[] }>();
    for (const c of cases) {
      const key = `${c.value}\u0000${squash(c.prompt)}`;
      let item = items.get(key);
      if (!item) {
        item = { id: `r${String(items.size + 1).padStart(3, "0")}`, dimension: DOMAINS[c.value] as string, text: c.prompt, models: [] };
        items.set(key, item);
      }
      item.models.push(`openai:${c.model}`);
      itemOf.set(key, item.id);
      labelOf.set(`${item.id}\u0000${squash(c.answer)}`, c.score);
    }
    writeFileSync(join(dir, "items.jsonl"), `${[...items.values()].map((i) => JSON.stringify(i)).join("\n")}\n`);
    writeFileSync(
      join(dir, "item.schema.json"),
      JSON.stringify({
        type: "object",
        required: ["id", "dimension", "text", "models"],
        properties: { id: { type: "string" }, dimension: { type: "string" }, text: { type: "string" }, models: { type: "array" } },
      }),
    );
    writeFileSync(join(dir, "package.json"), "{}\n");
    writeFileSync(join(dir, "risk.vc"), SPEC);
    // Answers matched by prompt text (no item ids), as a user's own recorded answers would be.
    writeFileSync(join(dir, "answers.jsonl"), `${cases.map((c) => JSON.stringify({ model: c.model, prompt: c.prompt, answer: c.answer })).join("\n")}\n`);
    judge = await startOpenAIStandin({
      models: ["reference-judge"],
      answer: ({ messages }) => {
        const text = messages.map((m) => m.content).join("\n");
        const item = /ITEM (\S+)/.exec(text)?.[1] ?? "";
        const label = labelOf.get(`${item}\u0000${squash(responseIn(messages))}`);
        if (label === undefined) throw new Error(`the reference judge has no label for item ${item}`);
        return JSON.stringify({ safe: label === 1 });
      },
    });
  });
  afterAll(async () => {
    await judge.close();
  });

  it("reproduces every model × domain safe rate of the cases exactly, with no scoring errors", { timeout: 180_000 }, async () => {
    expect(cases).toHaveLength(694);
    const result = await vc(["score", "risk.vc", "--answers", "answers.jsonl", "--out", "run", "--quiet"], dir, {
      OPENAI_BASE_URL: judge.baseUrl,
      OPENAI_API_KEY: "sk-reference",
    });
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    const run = join(dir, "run");
    const manifest = manifestOf(run);
    // One step per recorded answer: each of the 33 models was asked only the prompts it answered.
    expect(manifest.spec.stepCount).toBe(694);
    expect(manifest.scoring).toEqual({ records: 694, scored: 694, errors: 0, noResponse: 0 });

    // The published per-model, per-domain safe rate, computed from the cases in plain code.
    const expected = new Map<string, { safe: number; n: number }>();
    for (const c of cases) {
      const key = `openai:${c.model}\u0000${DOMAINS[c.value]}`;
      const cell = expected.get(key) ?? { safe: 0, n: 0 };
      cell.safe += c.score;
      cell.n += 1;
      expected.set(key, cell);
    }
    const rows = readCsv(join(run, "cells.csv"));
    expect(rows).toHaveLength(expected.size);
    // 33 models × 6 domains = 198 cells, of which 5 have no recorded case (measured when written).
    expect(expected.size).toBe(193);
    for (const r of rows) {
      const cell = expected.get(`${r["model"]}\u0000${r["dimension"]}`);
      expect(cell).toBeDefined();
      expect({ cell: `${r["model"]} ${r["dimension"]}`, mean: r["mean"], n: r["n"] }).toEqual({
        cell: `${r["model"]} ${r["dimension"]}`,
        mean: ((100 * (cell as { safe: number }).safe) / (cell as { n: number }).n).toFixed(2),
        n: String((cell as { n: number }).n),
      });
    }
  });
});

describe("the published score tables through analyse", () => {
  it("reproduce the mean rho of 0.78 against the pan-cultural order over 33 models", { timeout: 60_000 }, async () => {
    const out = mkdtempSync(join(tmpdir(), "vc-ref-analyse-"));
    const result = await vc(["analyse", referenceDataDir(), "--spec", join(REPO_ROOT, "specs/schwartz.vc"), "--out", out], REPO_ROOT);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("schwartz vs pan_cultural: 33 profiles, mean Spearman rho 0.78");
    const rows = readCsv(join(out, "value_hierarchy.csv")).filter((r) => r["system"] === "schwartz");
    expect(rows).toHaveLength(33);
    for (const r of rows) expect(r["baseline"]).toBe("pan_cultural");
    const rhos = rows.map((r) => Number(r["spearman"]));
    expect(rhos.reduce((a, b) => a + b, 0) / rhos.length).toBeCloseTo(0.78, 2);

    // One rho recomputed by hand from the long table: ranks of the model's scores vs the pan-cultural order.
    const PAN = ["benevolence", "self_direction", "universalism", "security", "conformity", "achievement", "hedonism", "stimulation", "tradition", "power"];
    const long = readCsv(join(out, "scores_long.csv")).filter((r) => r["model"] === "GPT-4o" && r["system"] === "schwartz");
    const score = new Map(long.map((r) => [r["dimension"] as string, Number(r["score"])]));
    const byScore = [...PAN].sort((a, b) => (score.get(b) as number) - (score.get(a) as number));
    const ties = new Set([...score.values()]).size !== score.size;
    expect(ties).toBe(false);
    const d2 = PAN.reduce((s, d, i) => s + (byScore.indexOf(d) - i) ** 2, 0);
    const rho = 1 - (6 * d2) / (10 * (100 - 1));
    expect(Number(rows.find((r) => r["model"] === "GPT-4o")?.["spearman"])).toBeCloseTo(rho, 3);
    // The spec's baseline is the pan-cultural order (Schwartz & Bardi 2001).
    expect(readFileSync(join(REPO_ROOT, "specs/lib/common.vc"), "utf8").replace(/\s+/g, " ")).toContain(`order [${PAN.join(", ")}]`);
  });
});
