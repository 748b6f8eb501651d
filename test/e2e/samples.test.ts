// Real samples (issue 11): `samples N` against the ollama and openai stand-ins answering at random.
// Unseeded samples are separate calls with separate cache entries; seeded ones carry seed + sample;
// the dimensions and leaderboard tables' sample columns are recomputed here from scores.csv.

import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { randomAnswer, requestSeed } from "../standins/common.js";
import { type OllamaStandin, startOllamaStandin } from "../standins/ollama-standin.js";
import { type OpenAIStandin, startOpenAIStandin } from "../standins/openai-standin.js";
import { journalOf, lastUser, manifestOf, project, type Row, readCsv, vc } from "./helpers.js";

// Different names, so that the two models answer differently even under the same seed.
const MODELS = ["ollama:standin", "openai:sampler"];

/** Two dimensions of four items, a 5-point Likert scorer, `samples` per item; a seed only when given. */
function spec(options: { samples: number; seed?: number; concurrency?: number }): string {
  const items = ["care", "fair"].flatMap((d) =>
    [1, 2, 3, 4].map((i) => `  item ${d}${i} { dimension ${d}  text "How much does ${d} matter in case ${i}? Rate 1 to 5." }`),
  );
  return [
    'system ethics "Ethics" {',
    '  dimension care "Care"',
    '  dimension fair "Fairness"',
    "}",
    "template ask {",
    '  user "{{item.text}}"',
    "}",
    "scorer rate likert { scale 5 }",
    "items questions {",
    "  system ethics",
    "  template ask",
    "  scorers [rate]",
    ...items,
    "}",
    "run {",
    `  models [${MODELS.map((m) => `"${m}"`).join(", ")}]`,
    "  temperature 1",
    ...(options.seed !== undefined ? [`  seed ${options.seed}`] : []),
    `  samples ${options.samples}`,
    `  concurrency ${options.concurrency ?? 3}`,
    "}",
    "",
  ].join("\n");
}

let ollama: OllamaStandin;
let openai: OpenAIStandin;
let env: Record<string, string>;
beforeAll(async () => {
  // Ratings 1–2 only: with three samples, P(an item's samples agree) = 1/4, so agreement is neither 0 nor 1.
  ollama = await startOllamaStandin({ models: ["standin"], answer: "random", randomRatings: 2 });
  openai = await startOpenAIStandin({ models: ["sampler"], answer: "random", randomRatings: 2 });
  env = { OLLAMA_HOST: ollama.url, OPENAI_BASE_URL: openai.baseUrl, OPENAI_API_KEY: "sk-standin" };
});
afterAll(async () => {
  await ollama.close();
  await openai.close();
});

const chatRequests = () => [...ollama.requestsTo("/api/chat"), ...openai.requestsTo("/v1/chat/completions")];
const key = (r: { model: string; item: string; sample: number }) => `${r.model} ${r.item} ${r.sample}`;

describe("samples against stand-ins that answer at random", () => {
  it("samples 3, temperature 1, no seed: three different answers per item, none from the cache; a second run is served from the cache sample for sample", async () => {
    // One request at a time: sample 1 is asked after sample 0's answer is in the cache, so a key
    // without the sample index would serve it from there.
    const dir = project({ "study.vc": spec({ samples: 3, concurrency: 1 }) });
    const before = chatRequests().length;
    const first = await vc(["run", "study.vc", "--quiet"], dir, env);
    expect(first.stderr).toBe("");
    expect(first.code).toBe(0);
    const steps = journalOf(first.dir!);
    expect(steps).toHaveLength(2 * 8 * 3);
    expect(steps.every((s) => !s.cached && s.attempts === 1 && s.response !== null)).toBe(true);
    const sent = chatRequests().slice(before);
    expect(sent).toHaveLength(48);
    // No seed in any request (the sample index is for the cache key only), so the model samples freely.
    expect(sent.every((r) => requestSeed(r.body) === null && !JSON.stringify(r.body).includes('"sample"'))).toBe(true);
    for (const model of MODELS) {
      for (const item of new Set(steps.map((s) => s.item))) {
        const answers = steps.filter((s) => s.model === model && s.item === item).map((s) => s.response);
        expect(answers).toHaveLength(3);
        expect(new Set(answers).size).toBe(3);
      }
    }

    const second = await vc(["run", "study.vc", "--quiet"], dir, env);
    expect(second.code).toBe(0);
    expect(chatRequests().length - before).toBe(48); // zero new model calls
    const again = journalOf(second.dir!);
    expect(again).toHaveLength(48);
    expect(again.every((s) => s.cached && s.attempts === 0)).toBe(true);
    const firstAnswers = new Map(steps.map((s) => [key(s), s.response]));
    expect(new Map(again.map((s) => [key(s), s.response]))).toEqual(firstAnswers);
    expect(manifestOf(second.dir!).sessions.at(-1)).toMatchObject({ calls: 0, cacheHits: 48 });
  });

  it("with a run seed, sample k's request carries seed + k (ollama options.seed, openai seed)", async () => {
    const seed = 11;
    const dir = project({ "study.vc": spec({ samples: 3, seed }) });
    const ollamaBefore = ollama.requestsTo("/api/chat").length;
    const openaiBefore = openai.requestsTo("/v1/chat/completions").length;
    const r = await vc(["run", "study.vc", "--quiet"], dir, env);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const ollamaSent = ollama.requestsTo("/api/chat").slice(ollamaBefore);
    const openaiSent = openai.requestsTo("/v1/chat/completions").slice(openaiBefore);
    expect(ollamaSent.map((q) => (q.body as { options?: { seed?: unknown } }).options?.seed).sort()).toEqual(
      Array.from({ length: 24 }, (_, i) => seed + Math.floor(i / 8)),
    );
    expect(openaiSent.map((q) => (q.body as { seed?: unknown }).seed).sort()).toEqual(Array.from({ length: 24 }, (_, i) => seed + Math.floor(i / 8)));
    // Which request was sample k: the seeded stand-in's answer is a function of (seed, model, prompt),
    // so sample k's recorded answer must be the one for seed + k (and for no other seed).
    for (const s of journalOf(r.dir!)) {
      const messages = s.messages.map((m) => ({ role: m.role, content: m.content }));
      const answerFor = (k: number) => randomAnswer(`seed ${seed + k}`, { model: s.model.slice(s.model.indexOf(":") + 1), messages }, 2);
      expect(s.response).toBe(answerFor(s.sample));
      expect([0, 1, 2].filter((k) => answerFor(k) === s.response)).toEqual([s.sample]);
      // Every seed reached the server for this prompt on this model's wire format.
      const sent = s.model.startsWith("ollama:") ? ollamaSent : openaiSent;
      expect(
        sent.some(
          (q) =>
            requestSeed(q.body) === seed + s.sample &&
            lastUser((q.body as { messages: Array<{ role: string; content: string }> }).messages) === lastUser(messages),
        ),
      ).toBe(true);
    }
  });

  it("agreement and between-sample variance in dimensions.csv and leaderboard.csv, recomputed from scores.csv on a seeded run", async () => {
    const dir = project({ "study.vc": spec({ samples: 3, seed: 2024 }) });
    const r = await vc(["run", "study.vc", "--quiet"], dir, env);
    expect(r.code).toBe(0);
    const scores = readCsv(join(r.dir!, "scores.csv"));
    expect(scores).toHaveLength(48);

    // Plain code: items → their three scores; agree = all equal; variance with n − 1; mean over items.
    const figures = (rows: Row[]) => {
      const byItem = new Map<string, number[]>();
      for (const row of rows) {
        const id = `${row["item"]}|${row["culture"]}|${row["usecase"]}`;
        byItem.set(id, [...(byItem.get(id) ?? []), Number(row["score"])]);
      }
      let agree = 0;
      let variance = 0;
      for (const xs of byItem.values()) {
        if (xs.every((x) => x === xs[0])) agree++;
        const m = xs.reduce((a, b) => a + b, 0) / xs.length;
        variance += xs.reduce((a, x) => a + (x - m) ** 2, 0) / (xs.length - 1);
      }
      return { items: byItem.size, agreement: agree / byItem.size, variance: variance / byItem.size };
    };

    const dims = readCsv(join(r.dir!, "dimensions.csv"));
    expect(dims).toHaveLength(4);
    for (const d of dims) {
      const want = figures(scores.filter((s) => s["model"] === d["model"] && s["dimension"] === d["dimension"]));
      expect(Number(d["sampled_items"])).toBe(want.items);
      expect(d["sample_agreement"]).toBe(want.agreement.toFixed(3));
      expect(d["sample_variance"]).toBe(want.variance.toFixed(2));
    }
    const board = readCsv(join(r.dir!, "leaderboard.csv"));
    expect(board).toHaveLength(2);
    for (const b of board) {
      const want = figures(scores.filter((s) => s["model"] === b["model"]));
      expect(Number(b["sampled_items"])).toBe(8);
      expect(b["sample_agreement"]).toBe(want.agreement.toFixed(3));
      expect(b["sample_variance"]).toBe(want.variance.toFixed(2));
    }
    // The figures say something: some items agree and some do not, on this seed.
    const pooled = figures(scores);
    expect(pooled.agreement).toBeGreaterThan(0);
    expect(pooled.agreement).toBeLessThan(1);
    if (process.env["VC_PRINT_FIGURES"] === "1") {
      const cols = ["model", "dimension", "n", "mean", "sampled_items", "sample_agreement", "sample_variance"];
      console.log(
        [
          ...dims.map((d) => cols.map((c) => d[c]).join(",")),
          ...board.map((b) => [b["model"], "(overall)", b["n"], b["overall"], b["sampled_items"], b["sample_agreement"], b["sample_variance"]].join(",")),
        ].join("\n"),
      );
    }
  });

  it("with one sample the columns are there and empty", async () => {
    const dir = project({ "study.vc": spec({ samples: 1, seed: 5 }) });
    const r = await vc(["run", "study.vc", "--quiet"], dir, env);
    expect(r.code).toBe(0);
    for (const file of ["dimensions.csv", "leaderboard.csv"]) {
      const rows = readCsv(join(r.dir!, file));
      expect(rows.length).toBeGreaterThan(0);
      for (const row of rows) {
        expect(Object.keys(row)).toEqual(expect.arrayContaining(["sampled_items", "sample_agreement", "sample_variance"]));
        expect([row["sampled_items"], row["sample_agreement"], row["sample_variance"]]).toEqual(["", "", ""]);
        expect(row["mean"] ?? row["overall"]).not.toBe("");
      }
    }
  });
});
