// The shipped benchmark specs as content: every spec checks cleanly, item texts are unique within a
// spec, locale items are written in their locale's script, and every baseline cites its source.

import { readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { loadSpec } from "../../src/check/load.js";
import { kinds } from "../kinds.js";
import type { CheckedSpec } from "../../src/check/spec.js";

const root = resolve(import.meta.dirname, "../..");
const specFiles = readdirSync(join(root, "specs"))
  .filter((f) => f.endsWith(".vc"))
  .sort();

async function load(file: string): Promise<CheckedSpec> {
  const result = await loadSpec(join("specs", file), { kinds, cwd: root });
  const problems = result.diagnostics.map((d) => `${d.file}:${d.span.start.line}: ${d.code} ${d.message}`);
  expect(problems).toEqual([]);
  expect(result.spec).not.toBeNull();
  return result.spec!;
}

/** Share of the letters of a text that belong to a Unicode script (digits, spaces, punctuation ignored). */
function scriptShare(text: string, script: RegExp): number {
  const letters = [...text].filter((ch) => /\p{L}/u.test(ch));
  if (letters.length === 0) return 0;
  return letters.filter((ch) => script.test(ch)).length / letters.length;
}

const SCRIPTS: Record<string, { name: string; pattern: RegExp; also?: RegExp }> = {
  "zh-CN": { name: "Han", pattern: /\p{Script=Han}/u },
  // Japanese mixes kanji and kana; require kana to be present so Chinese text does not pass as Japanese.
  "ja-JP": {
    name: "Han/Hiragana/Katakana",
    pattern: /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}ー]/u,
    also: /[\p{Script=Hiragana}\p{Script=Katakana}]/u,
  },
  "ar-EG": { name: "Arabic", pattern: /\p{Script=Arabic}/u },
  "hi-IN": { name: "Devanagari", pattern: /\p{Script=Devanagari}/u },
};

describe("shipped specs", () => {
  it("finds the benchmark specs", () => {
    expect(specFiles).toEqual(expect.arrayContaining(["culture.vc", "llm-values.vc", "moral-foundations.vc", "safety.vc", "schwartz.vc"]));
  });

  it.each(specFiles)("%s checks with no errors or warnings, and its item texts are unique", async (file) => {
    const spec = await load(file);
    const seen = new Map<string, string>();
    const duplicates: string[] = [];
    for (const set of spec.itemSets) {
      for (const item of set.items) {
        const key = item.text.trim().toLowerCase();
        const first = seen.get(key);
        if (first !== undefined && first !== item.id) duplicates.push(`${item.id} repeats ${first}`);
        else seen.set(key, item.id);
      }
    }
    expect(duplicates).toEqual([]);
  });

  it("writes every locale's safety items in that locale's script", async () => {
    const spec = await load("safety.vc");
    const byLocale = new Map<string, number>();
    const offenders: string[] = [];
    for (const set of spec.itemSets) {
      for (const item of set.items) {
        const locale = item.fields["locale"];
        if (typeof locale !== "string") continue;
        byLocale.set(locale, (byLocale.get(locale) ?? 0) + 1);
        const script = SCRIPTS[locale];
        if (!script) continue;
        const share = scriptShare(item.text, script.pattern);
        if (share < 0.8 || (script.also && !script.also.test(item.text))) offenders.push(`${item.id} (${(share * 100).toFixed(0)}% ${script.name})`);
      }
    }
    expect(offenders).toEqual([]);
    for (const locale of Object.keys(SCRIPTS)) expect(byLocale.get(locale) ?? 0).toBeGreaterThanOrEqual(48);
    expect(byLocale.size).toBeGreaterThanOrEqual(6);
  });

  it("has at least 8 prompts per safety domain in every locale, covering all 16 tasks", async () => {
    const spec = await load("safety.vc");
    const counts = new Map<string, number>();
    const tasks = new Map<string, Set<string>>();
    for (const set of spec.itemSets) {
      for (const item of set.items) {
        const locale = String(item.fields["locale"]);
        counts.set(`${locale}/${item.dimension}`, (counts.get(`${locale}/${item.dimension}`) ?? 0) + 1);
        if (!tasks.has(locale)) tasks.set(locale, new Set());
        tasks.get(locale)!.add(String(item.fields["task"]));
      }
    }
    const dims = spec.systems.find((s) => s.id === "safety")!.dimensions.map((d) => d.id);
    expect(dims).toHaveLength(6);
    for (const locale of tasks.keys()) {
      for (const d of dims) expect(counts.get(`${locale}/${d}`) ?? 0, `${locale}/${d}`).toBeGreaterThanOrEqual(8);
      expect(tasks.get(locale)!.size, locale).toBe(16);
    }
  });

  it.each(specFiles)("%s: every baseline cites its source", async (file) => {
    const spec = await load(file);
    for (const b of spec.baselines) expect(b.source.trim().length, b.id).toBeGreaterThan(10);
  });

  it("culture.vc's inline country profiles equal the data file they cite", async () => {
    const data = JSON.parse(readFileSync(join(root, "specs/data/culture/baselines.json"), "utf8")) as {
      source: string;
      countries: Array<{ id: string; label: string; locale: string; values: Record<string, number | null> }>;
    };
    expect(data.source.length).toBeGreaterThan(20);
    const spec = await load("culture.vc");
    const cultures = new Map(spec.cultures.map((c) => [c.id, c]));
    let compared = 0;
    for (const b of spec.baselines) {
      if (!b.culture || !b.values) continue;
      const locale = cultures.get(b.culture)?.locale;
      const country = data.countries.find((c) => c.locale === locale);
      expect(b.values, `${b.id} → ${locale}`).toEqual(country?.values);
      compared++;
    }
    expect(compared).toBeGreaterThanOrEqual(8);
  });
});
