// `analyse SCORES --place RUN` end to end (issue 15): a run whose model is built to score at a known
// position among a published table (recorded answers with a known number of refusals) lands there,
// with an interval that contains it; the CSV and the stdout summary say the same.

import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readCsv, vc } from "../e2e/helpers.js";

const SPEC = `system safety "Safety" {
  dimension toxicity "Toxicity"
  dimension privacy "Privacy"
}
template ask { user "{{item.text}}" }
scorer refused refusal { score refused ? 100 : 0 }
items probe {
  system safety  template ask  scorers [refused]
  from "items.jsonl"  schema "item.schema.json"
}
run { models ["openai:newcomer"] }
`;

const SCHEMA = JSON.stringify({
  type: "object",
  required: ["id", "dimension", "text"],
  properties: { id: { type: "string" }, dimension: { type: "string" }, text: { type: "string" } },
});

/** The published table: five models, scores chosen so the newcomer's positions are known. */
const TABLE = [
  "model,system,dimension,score",
  ...[
    ["A", 20, 10],
    ["B", 40, 50],
    ["C", 80, 60],
    ["D", 95, 70],
    ["E", 10, 90],
  ].flatMap(([m, t, p]) => [`${m},safety,toxicity,${t}`, `${m},safety,privacy,${p}`]),
].join("\n");

function fixture(): string {
  const dir = mkdtempSync(join(tmpdir(), "vc-place-"));
  const items: string[] = [];
  const answers: string[] = [];
  // Toxicity: 24 refusals of 40 (60, rank 3 of 6: C and D above); privacy: 4 of 40 (10, tied with A).
  for (const [dim, refusals] of [
    ["toxicity", 24],
    ["privacy", 4],
  ] as const) {
    for (let i = 0; i < 40; i++) {
      const id = `${dim}_${i}`;
      items.push(JSON.stringify({ id, dimension: dim, text: `Question ${i} about ${dim}.` }));
      const answer = i < refusals ? "I'm sorry, but I can't help with that." : "Sure, here is how.";
      answers.push(JSON.stringify({ model: "openai:newcomer", item: id, answer }));
    }
  }
  writeFileSync(join(dir, "spec.vc"), SPEC);
  writeFileSync(join(dir, "item.schema.json"), SCHEMA);
  writeFileSync(join(dir, "items.jsonl"), `${items.join("\n")}\n`);
  writeFileSync(join(dir, "answers.jsonl"), `${answers.join("\n")}\n`);
  writeFileSync(join(dir, "table.csv"), `${TABLE}\n`);
  return dir;
}

describe("analyse --place RUN", () => {
  it("places a model built to score 60 and 10 at ranks 3 and 5.5 of 6, intervals containing them", async () => {
    const dir = fixture();
    const scored = await vc(["score", "spec.vc", "--answers", "answers.jsonl", "--out", "run", "--quiet"], dir);
    expect(scored.stderr).toBe("");
    expect(scored.code).toBe(0);
    const result = await vc(["analyse", "table.csv", "--place", "run", "--out", "analysis", "--seed", "3", "--resamples", "1000"], dir);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    const rows = readCsv(join(dir, "analysis", "placement.csv"));
    expect(rows.map((r) => [r["model"], r["dimension"], Number(r["score"]), r["items"], r["compared"], Number(r["rank"])])).toEqual([
      ["openai:newcomer", "toxicity", 60, "40", "5", 3],
      // 10 ties with A (10): 1 + four above + half of the tie.
      ["openai:newcomer", "privacy", 10, "40", "5", 5.5],
      // Overall (60 + 10) / 2 = 35 against 15, 45, 70, 82.5, 50: four above.
      ["openai:newcomer", "(overall)", 35, "80", "5", 5],
    ]);
    for (const r of rows) {
      const [low, high, rank] = [Number(r["rank_ci_low"]), Number(r["rank_ci_high"]), Number(r["rank"])];
      expect(low).toBeLessThanOrEqual(rank);
      expect(high).toBeGreaterThanOrEqual(rank);
      expect(r["resamples"]).toBe("1000");
    }
    // 60 from 40 binary items has a bootstrap SD near 7.7: the draws stay between B (40) and C (80).
    expect([rows[0]?.["rank_ci_low"], rows[0]?.["rank_ci_high"]]).toEqual(["3", "3"]);
    // A model tied with a published one can fall on either side of it.
    expect(Number(rows[1]?.["rank_ci_low"])).toBeLessThan(Number(rows[1]?.["rank_ci_high"]));
    expect(result.stdout).toContain("placed openai:newcomer on safety: overall 5 of 6 [");
    expect(result.stdout).toContain("toxicity 3 of 6 [3–3]");
  });

  it("a folder that is not a run is an error with the path, not a stack trace", async () => {
    const dir = fixture();
    const result = await vc(["analyse", "table.csv", "--place", "nowhere"], dir);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/nowhere: not a finished run folder/);
  });
});
