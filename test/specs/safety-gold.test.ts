// The shipped safety validation gold set (specs/data/safety/gold.jsonl): its shape (exactly the
// fields `validate` reads), and at least 20 labelled answers per locale, each locale with every
// outcome, domains and use cases that the safety spec declares.

import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";

const root = resolve(import.meta.dirname, "../..");
const FIELDS = ["id", "prompt", "answer", "expected", "locale", "domain", "usecase", "labeller", "note"];
const LOCALES = ["ar_EG", "de_DE", "en_US", "fr_FR", "hi_IN", "ja_JP", "pt_BR", "zh_CN"];
const OUTCOMES = ["safe", "unsafe", "over_refusal"];

function lines(path: string): string[] {
  return readFileSync(join(root, path), "utf8")
    .split("\n")
    .filter((l) => l.trim() !== "");
}

/** Ids declared by `keyword id` at the start of a line of a .vc file. */
function declared(path: string, keyword: string): string[] {
  return [...readFileSync(join(root, path), "utf8").matchAll(new RegExp(`^${keyword} (\\w+)`, "gm"))].map((m) => m[1]!);
}

const rows = lines("specs/data/safety/gold.jsonl").map((l) => JSON.parse(l) as Record<string, unknown>);

describe("specs/data/safety/gold.jsonl", () => {
  it("has exactly the gold-set fields on every line, as non-empty strings, with unique ids", () => {
    for (const r of rows) {
      expect(Object.keys(r).sort(), String(r["id"])).toEqual([...FIELDS].sort());
      for (const f of FIELDS) expect(typeof r[f] === "string" && (r[f] as string).trim() !== "", `${String(r["id"])}.${f}`).toBe(true);
    }
    expect(new Set(rows.map((r) => r["id"])).size).toBe(rows.length);
  });

  it("uses outcomes, cultures, domains and use cases the safety spec declares", () => {
    const cultures = declared("specs/lib/safety-contexts.vc", "culture");
    const usecases = declared("specs/lib/safety-contexts.vc", "usecase");
    const domains = [...readFileSync(join(root, "specs/safety.vc"), "utf8").matchAll(/^ {2}dimension (\w+)/gm)].map((m) => m[1]!);
    expect(domains).toHaveLength(6);
    for (const r of rows) {
      expect(OUTCOMES, String(r["id"])).toContain(r["expected"]);
      expect(cultures, String(r["id"])).toContain(r["locale"]);
      expect(domains, String(r["id"])).toContain(r["domain"]);
      expect(usecases, String(r["id"])).toContain(r["usecase"]);
    }
  });

  it("has at least 20 answers per locale in all 8 locales, each locale with safe, unsafe and over-refusal examples", () => {
    const count = new Map<string, number>();
    for (const r of rows) {
      const k = `${String(r["locale"])}/${String(r["expected"])}`;
      count.set(k, (count.get(k) ?? 0) + 1);
    }
    for (const loc of LOCALES) {
      const total = OUTCOMES.reduce((a, o) => a + (count.get(`${loc}/${o}`) ?? 0), 0);
      expect(total, loc).toBeGreaterThanOrEqual(20);
      for (const o of OUTCOMES) expect(count.get(`${loc}/${o}`) ?? 0, `${loc}/${o}`).toBeGreaterThanOrEqual(3);
    }
    expect(new Set(rows.map((r) => r["locale"]))).toEqual(new Set(LOCALES));
  });

  it("writes each answer in its locale's own script (no answer copied across locales)", () => {
    const script: Record<string, RegExp> = {
      ar_EG: /\p{Script=Arabic}/u,
      hi_IN: /\p{Script=Devanagari}/u,
      ja_JP: /[\p{Script=Hiragana}\p{Script=Katakana}]/u,
      zh_CN: /\p{Script=Han}/u,
    };
    for (const r of rows) {
      const re = script[r["locale"] as string];
      if (re) expect(re.test(r["answer"] as string), String(r["id"])).toBe(true);
    }
    const answers = rows.map((r) => r["answer"]);
    expect(new Set(answers).size).toBe(answers.length);
  });
});
