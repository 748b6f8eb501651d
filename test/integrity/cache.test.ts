// Finding 6 of issue 13: the response cache cannot be supplied by a cloned repository, a hand-edited
// entry is a miss with a warning (never the model's answer), and --resume keeps --no-cache.
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { manifestOf, project, readCsv, vc } from "../e2e/helpers.js";
import { SMALL_SPEC } from "./spec.js";

const POISON = "POISONED ANSWER FROM THE REPOSITORY";

/** Every cache entry file under `dir`. */
function entries(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, encoding: "utf8" })
    .filter((f) => f.endsWith(".json"))
    .map((f) => join(dir, f));
}

describe("a cache users can trust", () => {
  it("lives in the user's cache folder, not in the spec's project, and ignores a .vc-cache the project ships", async () => {
    const dir = project({ "main.vc": SMALL_SPEC });
    const first = await vc(["run", "main.vc", "--quiet"], dir);
    expect(first.code).toBe(0);
    const userCache = join(dir, ".xdg-cache", "value-compass");
    const written = entries(userCache);
    expect(written.length).toBe(3);
    expect(existsSync(join(dir, ".vc-cache"))).toBe(false);

    // A repository ships a .vc-cache with "answers" under the very keys a run asks for.
    for (const file of written) {
      const rel = file.slice(userCache.length + 1);
      const entry = JSON.parse(readFileSync(file, "utf8")) as { response: { text: string } };
      entry.response.text = POISON;
      mkdirSync(join(dir, ".vc-cache", rel, ".."), { recursive: true });
      writeFileSync(join(dir, ".vc-cache", rel), JSON.stringify(entry));
    }
    const other = await vc(["run", "main.vc", "--quiet"], dir, { XDG_CACHE_HOME: join(dir, "fresh-cache") });
    expect(other.code).toBe(0);
    const rows = readCsv(join(other.dir ?? "", "responses.csv"));
    expect(rows.map((r) => r["cached"])).toEqual(["false", "false", "false"]);
    expect(rows.some((r) => (r["response"] ?? "").includes(POISON))).toBe(false);
  });

  it("a hand-edited entry is a miss with a warning, counted in the manifest, never served", async () => {
    const dir = project({ "main.vc": SMALL_SPEC });
    expect((await vc(["run", "main.vc", "--quiet"], dir)).code).toBe(0);
    const [file] = entries(join(dir, ".xdg-cache", "value-compass"));
    const entry = JSON.parse(readFileSync(file ?? "", "utf8")) as { response: { text: string } };
    entry.response.text = POISON;
    writeFileSync(file ?? "", JSON.stringify(entry));

    const again = await vc(["run", "main.vc", "--quiet"], dir);
    expect(again.code).toBe(0);
    expect(again.stderr).toContain("1 cache entry was edited or corrupted (digest mismatch) and ignored");
    expect(again.stderr).toContain(file);
    const rows = readCsv(join(again.dir ?? "", "responses.csv"));
    expect(rows.some((r) => (r["response"] ?? "").includes(POISON))).toBe(false);
    expect(rows.filter((r) => r["cached"] === "true")).toHaveLength(2);
    const session = manifestOf(again.dir ?? "").sessions.at(-1);
    expect(session).toMatchObject({ cacheHits: 2, cacheRejected: 1 });
  });

  it("--resume keeps the run's --no-cache", async () => {
    const dir = project({ "main.vc": SMALL_SPEC });
    expect((await vc(["run", "main.vc", "--quiet"], dir)).code).toBe(0); // fills the cache
    const noCache = await vc(["run", "main.vc", "--no-cache", "--out", "nc", "--quiet"], dir);
    expect(noCache.code).toBe(0);
    // Forget two answers, as if the run had been interrupted, and resume it.
    const journal = join(dir, "nc", "journal.jsonl");
    writeFileSync(journal, `${readFileSync(journal, "utf8").split("\n")[0]}\n`);
    const resumed = await vc(["run", "--resume", "nc", "--quiet"], dir);
    expect(resumed.code).toBe(0);
    const rows = readCsv(join(dir, "nc", "responses.csv"));
    expect(rows.map((r) => r["cached"])).toEqual(["false", "false", "false"]);
    const m = manifestOf(join(dir, "nc"));
    expect(m.invocation.cache).toBe(false);
    expect(m.sessions.at(-1)?.cacheHits).toBe(0);
  });
});
