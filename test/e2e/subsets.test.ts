// Subsets (issue 14): `--cultures de_DE,ja_JP --limit 3` on specs/safety.vc runs exactly the selected
// cells — the step count and the cells are checked against the locale data files, counted here — and
// the plan, its hash, the manifest and every table record the selection. The spec's `select { }` block
// and list-valued params (`cultures $locales`) give the same plan as the flags.
import { describe, expect, it } from "vitest";
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { readPlanHeader } from "../../src/adaptive/plan-file.js";
import { loadSpec } from "../../src/check/load.js";
import { compilePlan } from "../../src/compile/compile.js";
import { limitItems } from "../../src/compile/select.js";
import type { PlanItem } from "../../src/core/plan.js";
import { kinds } from "../kinds.js";
import { journalOf, manifestOf, project, readCsv, vc } from "./helpers.js";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");

/** Items per dimension in a JSONL data file, counted from the file. */
function perDimension(file: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of readFileSync(file, "utf8").split("\n")) {
    if (line.trim() === "") continue;
    const d = (JSON.parse(line) as { dimension: string }).dimension;
    out.set(d, (out.get(d) ?? 0) + 1);
  }
  return out;
}

/** The use cases of the run block of specs/safety.vc, read from its text. */
function runUsecases(): string[] {
  const text = readFileSync(join(root, "specs", "safety.vc"), "utf8");
  const m = /\n\s*usecases \[([^\]]*)\]/.exec(text.slice(text.lastIndexOf("\nrun {")));
  return (m?.[1] ?? "").split(",").map((s) => s.trim());
}

describe("--cultures de_DE,ja_JP --limit 3 on specs/safety.vc", () => {
  it("runs exactly the selected cells, and the plan, the manifest and every table record the selection", async () => {
    const out = join(mkdtempSync(join(tmpdir(), "vc-subset-")), "run");
    const args = [
      "run",
      "specs/safety.vc",
      "--cultures",
      "de_DE,ja_JP",
      "--limit",
      "3",
      "--model",
      "mock:refuser",
      "--set",
      "scoring=refusal",
      "--no-cache",
      "--quiet",
    ];
    const r = await vc([...args, "--out", out], root);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);

    const usecases = runUsecases();
    expect(usecases.length).toBe(6);
    const locales = { de_DE: "de-DE", ja_JP: "ja-JP" } as const;
    let expected = 0;
    const cellsExpected = new Map<string, number>();
    for (const [culture, locale] of Object.entries(locales)) {
      for (const [dimension, n] of perDimension(join(root, "specs", "data", "safety", `${locale}.jsonl`))) {
        for (const usecase of usecases) cellsExpected.set(`${culture}|${usecase}|${dimension}`, Math.min(3, n));
        expected += Math.min(3, n) * usecases.length;
      }
    }
    const journal = journalOf(out);
    expect(journal.length).toBe(expected);
    const cells = new Map<string, Set<string>>();
    for (const step of journal) {
      const key = `${step.context.culture}|${step.context.usecase}|${step.dimension}`;
      cells.set(key, (cells.get(key) ?? new Set()).add(step.item));
    }
    expect(new Map([...cells].map(([k, v]) => [k, v.size]))).toEqual(cellsExpected);
    // The same items in every use case of a culture: context comparisons stay paired.
    for (const culture of Object.keys(locales)) {
      for (const usecase of usecases) {
        expect([...(cells.get(`${culture}|${usecase}|misinformation`) ?? [])].sort()).toEqual(
          [...(cells.get(`${culture}|general|misinformation`) ?? [])].sort(),
        );
      }
    }

    const selection = { cultures: ["de_DE", "ja_JP"], usecases: null, systems: null, dimensions: null, items: null, limit: 3, seed: 7 };
    const header = readPlanHeader(join(out, "plan.json"));
    expect(header.ok && header.header.selection).toEqual(selection);
    expect(header.ok && header.header.stepCount).toBe(expected);
    const manifest = manifestOf(out);
    expect(manifest.spec.selection).toEqual(selection);
    expect(manifest.invocation.select).toEqual({ cultures: ["de_DE", "ja_JP"], limit: 3 });
    expect(manifest.counts.done).toBe(expected);

    // Every table says it covers a subset.
    const tables = readdirSync(out).filter((f) => f.endsWith(".csv"));
    expect(tables.length).toBeGreaterThan(3);
    for (const t of tables) {
      const rows = readCsv(join(out, t));
      expect(rows.length, t).toBeGreaterThan(0);
      for (const row of rows) expect(row["subset"], t).toBe("cultures de_DE,ja_JP; limit 3 (seed 7)");
    }

    // The selection is part of the plan hash; the same selection gives the same hash.
    const plain = await vc(["plan", "specs/safety.vc", "--set", "scoring=refusal"], root);
    const again = await vc(
      ["plan", "specs/safety.vc", "--set", "scoring=refusal", "--model", "mock:refuser", "--cultures", "de_DE", "--cultures", "ja_JP", "--limit", "3"],
      root,
    );
    const hashOf = (text: string) => /hash +([0-9a-f]{64})/.exec(text)?.[1];
    expect(hashOf(again.stdout)).toBe(header.ok ? header.header.hash : "");
    expect(hashOf(plain.stdout)).toMatch(/^[0-9a-f]{64}$/);
    expect(hashOf(plain.stdout)).not.toBe(hashOf(again.stdout));
    expect(again.stdout).toContain("subset    cultures de_DE,ja_JP; limit 3 (seed 7)");
    expect(plain.stdout).not.toContain("subset");
  }, 120_000);

  it("rejects an unknown culture with a did-you-mean, as a command-line error (exit 2)", async () => {
    const r = await vc(["plan", "specs/safety.vc", "--cultures", "de_DR"], root);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("no culture named 'de_DR'");
    expect(r.stderr).toContain("did you mean 'de_DE'?");
  });
});

const SPEC = (run: string) => `
param locales = ["de_DE", "ja_JP"]
system s "S" {
  dimension a "A"
  dimension b "B"
}
culture en_US "US" { locale "en-US" }
culture de_DE "Germany" { locale "de-DE" }
culture ja_JP "Japan" { locale "ja-JP" }
template ask { user "{{item.text}}" }
scorer r regex { pattern "yes" }
items all {
  system s
  template ask
  scorers [r]
${Array.from({ length: 12 }, (_, i) => `  item i${i} { dimension ${i % 2 === 0 ? "a" : "b"} text "Question ${i}?" difficulty ${1 + (i % 3)} }`).join("\n")}
}
run {
  models ["mock:echo"]
  seed 5
  cross [culture]
${run}
}
`;

async function planOf(specText: string, select: Record<string, unknown> = {}) {
  const dir = project({ "s.vc": specText });
  const loaded = await loadSpec(join(dir, "s.vc"), { cwd: dir, kinds, select });
  return { plan: loaded.spec ? compilePlan(loaded.spec) : null, diagnostics: loaded.diagnostics };
}

describe("the spec's select block and list-valued params", () => {
  it("`cultures $locales` takes the list a param holds", async () => {
    const { plan, diagnostics } = await planOf(SPEC("  cultures $locales"));
    expect(diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    expect(plan?.segments[0]?.contexts.map((c) => c.culture)).toEqual(["de_DE", "ja_JP"]);
    expect(plan?.selection).toBeUndefined();
  });

  it("select { } gives the plan the same flags give, and a flag replaces the block's key", async () => {
    const fromBlock = await planOf(SPEC('  select { cultures $locales  limit 2  items "i*" }'));
    const fromFlags = await planOf(SPEC(""), { cultures: ["de_DE", "ja_JP"], limit: 2, items: "i*" });
    expect(fromBlock.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    expect(fromBlock.plan?.selection).toEqual(fromFlags.plan?.selection);
    // The selection is part of the hash; the spec text differs, so only the steps are compared.
    expect(fromBlock.plan?.stepCount).toBe(2 * 2 * 2);
    expect(fromBlock.plan?.segments).toEqual(fromFlags.plan?.segments);
    const replaced = await planOf(SPEC("  select { cultures $locales  limit 2 }"), { limit: 5 });
    expect(replaced.plan?.stepCount).toBe(2 * 2 * 5);
  });

  it("reports an unknown key and an unknown name in select with their positions", async () => {
    const text = SPEC("  select { culturs [de_DE]  systems [t] }");
    const line = text.split("\n").findIndex((l) => l.includes("select {")) + 1;
    const { diagnostics } = await planOf(text);
    const messages = diagnostics.map((d) => `${d.code} ${d.span.start.line}:${d.span.start.column} ${d.message}`);
    expect(messages).toContain(`VC1201 ${line}:12 unknown key 'culturs' in select`);
    expect(messages).toContain(`VC1102 ${line}:38 no system named 't'`);
  });
});

describe("the --limit draw", () => {
  const items: PlanItem[] = Array.from({ length: 30 }, (_, i) => ({
    id: `x${i}`,
    system: "s",
    dimension: i < 15 ? "a" : "b",
    text: "",
    difficulty: 1 + (i % 3),
    reverse: false,
    expect: null,
    fields: {},
    origin: { file: "f", row: i + 1 },
  }));

  it("keeps N per dimension, one of each difficulty in turn, in the block's order, the same for the same seed", () => {
    const drawn = limitItems(items, 3, 11, "seg");
    for (const d of ["a", "b"]) {
      const mine = drawn.filter((i) => i.dimension === d);
      expect(mine.length).toBe(3);
      expect(new Set(mine.map((i) => i.difficulty))).toEqual(new Set([1, 2, 3]));
    }
    expect(drawn.map((i) => Number(i.id.slice(1)))).toEqual([...drawn.map((i) => Number(i.id.slice(1)))].sort((x, y) => x - y));
    expect(limitItems(items, 3, 11, "seg")).toEqual(drawn);
  });

  it("does not favour any item: over many seeds each item of a dimension is drawn about equally often", () => {
    const counts = new Map<string, number>();
    const seeds = 3000;
    for (let seed = 0; seed < seeds; seed++) for (const i of limitItems(items, 3, seed, "seg")) counts.set(i.id, (counts.get(i.id) ?? 0) + 1);
    // 15 items per dimension, 5 per difficulty, one per difficulty drawn: each item 1/5 of the time.
    for (const item of items) {
      const share = (counts.get(item.id) ?? 0) / seeds;
      expect(Math.abs(share - 0.2), item.id).toBeLessThan(0.035);
    }
  });
});
