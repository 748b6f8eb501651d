// `value-compass diff` (issue 14): a run against itself reports no difference and exits 0; against a run
// in which one model's answers to some items changed, it reports exactly those items (and their cells,
// with the paired difference recomputed here by hand) and exits 4. Two models on the Ollama stand-in,
// whose answers the test controls.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readFileSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import type { RunDiff } from "../../src/app/diff.js";
import { startOllamaStandin, type OllamaStandin } from "../standins/ollama-standin.js";
import { lastUser, project, readCsv, vc } from "./helpers.js";

const SPEC = `
system s "S" {
  dimension a "A"
  dimension b "B"
}
culture de_DE "Germany" { locale "de-DE" }
culture ja_JP "Japan" { locale "ja-JP" }
template ask { user "{{item.text}} ({{culture.locale}})" }
scorer yes regex { pattern "yes" }
items all {
  system s
  template ask
  scorers [yes]
${Array.from({ length: 8 }, (_, i) => `  item i${i} { dimension ${i % 2 === 0 ? "a" : "b"} text "Question ${i}?" }`).join("\n")}
}
run {
  models ["ollama:one", "ollama:two"]
  cross [culture]
}
`;

/** The answers of model two to these questions become "no" in run B. */
const CHANGED = ["Question 2?", "Question 4?", "Question 5?"];

let ollama: OllamaStandin;
let changing = false;
beforeAll(async () => {
  ollama = await startOllamaStandin({
    models: ["one", "two"],
    answer: (input) => {
      const q = lastUser(input.messages);
      return changing && input.model.startsWith("two") && CHANGED.some((c) => q.startsWith(c)) ? "no" : "yes";
    },
  });
});
afterAll(async () => {
  await ollama.close();
});

describe("value-compass diff", () => {
  it("reports no difference for a run against itself, and exactly the changed items against a changed run", async () => {
    const dir = project({ "s.vc": SPEC });
    const env = { OLLAMA_HOST: ollama.url };
    changing = false;
    const a = await vc(["run", "s.vc", "--no-cache", "--quiet", "--out", "runs/a"], dir, env);
    expect(a.code).toBe(0);
    changing = true;
    const b = await vc(["run", "s.vc", "--no-cache", "--quiet", "--out", "runs/b"], dir, env);
    expect(b.code).toBe(0);

    const same = await vc(["diff", "runs/a", "runs/a", "--json", "--quiet"], dir);
    expect(same.code).toBe(0);
    const self = JSON.parse(same.stdout) as RunDiff;
    expect(self.plan).toEqual([]);
    expect(self.items).toEqual([]);
    expect(self.shared).toBe(2 * 8 * 2);
    expect(self.cells.length).toBe(2 * 2 * 2);
    for (const c of self.cells) {
      expect(c.difference).toBe(0);
      expect(c.changed).toBe(0);
    }

    const changed = await vc(["diff", "runs/a", "runs/b", "--out", "diffs", "--quiet"], dir);
    expect(changed.stderr).toBe("");
    expect(changed.code).toBe(4);
    const items = readCsv(join(dir, "diffs", "diff_items.csv"));
    const expected = ["de_DE", "ja_JP"].flatMap((culture) => [2, 4, 5].map((i) => `ollama:two ${culture} i${i} answer+score+verdict 100.00 0.00 true`));
    expect(items.map((r) => `${r["model"]} ${r["culture"]} ${r["item"]} ${r["change"]} ${r["score_a"]} ${r["score_b"]} ${r["flipped"]}`).sort()).toEqual(
      expected.sort(),
    );
    // Cells, recomputed: dimension a has items 0,2,4,6 (two changed: −100 on 2 of 4 → −50), b has 1,3,5,7 (one: −25).
    const cells = readCsv(join(dir, "diffs", "diff.csv"));
    for (const row of cells) {
      const moved = row["model"] === "ollama:two";
      const expectedDiff = !moved ? 0 : row["dimension"] === "a" ? -50 : -25;
      expect(Number(row["difference"]), JSON.stringify(row)).toBe(expectedDiff);
      expect(Number(row["changed_items"])).toBe(!moved ? 0 : row["dimension"] === "a" ? 2 : 1);
      expect(Number(row["pairs"])).toBe(4);
    }
    expect(readCsv(join(dir, "diffs", "diff_plan.csv"))).toEqual([]);
    // A `latest` pointer is accepted where a run directory is.
    symlinkSync("b", join(dir, "runs", "latest"));
    const viaLatest = await vc(["diff", "runs/b", "runs/latest", "--quiet"], dir);
    expect(viaLatest.code).toBe(0);
    expect(readFileSync(join(dir, "diffs", "diff_items.csv"), "utf8").split("\n").length).toBe(1 + 6 + 1);
  }, 120_000);

  it("exits 1 for a folder that is not a run and 2 for a wrong command line", async () => {
    const dir = project({ "s.vc": SPEC });
    expect((await vc(["diff", ".", "."], dir)).code).toBe(1);
    expect((await vc(["diff", "."], dir)).code).toBe(2);
    expect((await vc(["diff", ".", ".", "--fail-on", "sometimes"], dir)).code).toBe(2);
  });
});
