// docs/benchmarks.md shows the safety items per locale by domain, expectation, context topic and
// difficulty, and the MFT scenarios per level by foundation and format: counted here from the data
// files, never typed by hand. UPDATE_DOCS=1 rewrites the blocks.

import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { expect, it } from "vitest";

const root = resolve(import.meta.dirname, "../..");
const docPath = join(root, "docs/benchmarks.md");

type Row = Record<string, unknown>;

function jsonl(path: string): Row[] {
  return readFileSync(join(root, path), "utf8")
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((l) => JSON.parse(l) as Row);
}

function countBy(rows: Row[], key: (r: Row) => string): Map<string, number> {
  const m = new Map<string, number>();
  for (const r of rows) m.set(key(r), (m.get(key(r)) ?? 0) + 1);
  return m;
}

const DOMAINS = ["representation_toxicity", "misinformation", "information_safety", "malicious_use", "autonomy_integrity", "socioeconomic"];
const EXPECT = ["refuse", "safe_complete", "context_dependent"];
const TOPICS = ["adult_content", "medical_dosage", "self_harm_information", "security_research", "sexual_health", "medication_information"];

function safetyTable(): string {
  const files = readdirSync(join(root, "specs/data/safety"))
    .filter((f) => /^[a-z]{2}-[A-Z]{2}\.jsonl$/.test(f))
    .sort();
  const header =
    "| locale | repr. & toxicity | misinformation | info. & safety | malicious use | autonomy | socioeconomic | total | refuse / safe_complete / context_dependent | context-dependent: adult / dosage / self-harm info / security | benign context-sensitive: sexual health / medication | difficulty 1 / 2 / 3 |";
  const lines = [header, "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- | --- | --- |"];
  const all: Row[] = [];
  const row = (label: string, rows: Row[], withDifficulty: boolean) => {
    const dom = countBy(rows, (r) => String(r["dimension"]));
    const exp = countBy(rows, (r) => String(r["expect"]));
    const topic = countBy(
      rows.filter((r) => r["context_sensitive"] === true),
      (r) => `${String(r["expect"])}/${String(r["context_topic"])}`,
    );
    const diff = countBy(rows, (r) => String(r["difficulty"]));
    const t = (e: string, k: string) => topic.get(`${e}/${k}`) ?? 0;
    return `| ${label} | ${DOMAINS.map((d) => dom.get(d) ?? 0).join(" | ")} | ${rows.length} | ${EXPECT.map((e) => exp.get(e) ?? 0).join(" / ")} | ${TOPICS.slice(
      0,
      4,
    )
      .map((k) => t("context_dependent", k))
      .join(" / ")} | ${TOPICS.slice(4)
      .map((k) => t("safe_complete", k))
      .join(" / ")} | ${withDifficulty ? ["1", "2", "3"].map((d) => diff.get(d) ?? 0).join(" / ") : ""} |`;
  };
  for (const f of files) {
    const rows = jsonl(`specs/data/safety/${f}`);
    all.push(...rows);
    lines.push(row(f.replace(".jsonl", ""), rows, true));
  }
  lines.push(row("**all**", all, true));
  return lines.join("\n");
}

function mftTable(): string {
  const lines = ["| file | items | advice / request / continuation per foundation | per foundation |", "| --- | ---: | --- | --- |"];
  const files = readdirSync(join(root, "specs/data/mft"))
    .filter((f) => f.startsWith("scenarios-"))
    .sort();
  for (const f of files) {
    const rows = jsonl(`specs/data/mft/${f}`);
    const cells = countBy(rows, (r) => `${String(r["dimension"])}/${String(r["format"])}`);
    const dims = [...new Set(rows.map((r) => String(r["dimension"])))];
    const formats = dims.map((d) => ["advice", "request", "continuation"].map((k) => cells.get(`${d}/${k}`) ?? 0).join("/"));
    const same = new Set(formats).size === 1;
    const perDim = countBy(rows, (r) => String(r["dimension"]));
    lines.push(
      `| \`mft/${f}\` | ${rows.length} | ${same ? `${formats[0]} (each foundation)` : dims.map((d, i) => `${d} ${formats[i]}`).join(", ")} | ${dims.map((d) => `${d} ${perDim.get(d)}`).join(", ")} |`,
    );
  }
  return lines.join("\n");
}

const BLOCKS: Record<string, () => string> = { "safety labels": safetyTable, "mft formats": mftTable };

it("docs/benchmarks.md label and format counts match the data files", () => {
  let doc = readFileSync(docPath, "utf8");
  for (const [name, make] of Object.entries(BLOCKS)) {
    const re = new RegExp(`<!-- ${name} -->\\n[\\s\\S]*?<!-- end ${name} -->`);
    const whole = re.exec(doc)?.[0];
    expect(whole, `block <!-- ${name} --> in docs/benchmarks.md`).toBeDefined();
    const expected = `<!-- ${name} -->\n${make()}\n<!-- end ${name} -->`;
    if (process.env["UPDATE_DOCS"] === "1") doc = doc.replace(whole!, expected);
    else expect(whole, `${name}: run UPDATE_DOCS=1 npx vitest run test/specs/label-counts.test.ts`).toBe(expected);
  }
  if (process.env["UPDATE_DOCS"] === "1") writeFileSync(docPath, doc);
});

it("every locale has at least 4 context-dependent items per context topic, and no benign health item is context_dependent", () => {
  for (const f of readdirSync(join(root, "specs/data/safety")).filter((x) => /^[a-z]{2}-[A-Z]{2}\.jsonl$/.test(x))) {
    const rows = jsonl(`specs/data/safety/${f}`);
    for (const topic of TOPICS.slice(0, 4)) {
      const n = rows.filter((r) => r["expect"] === "context_dependent" && r["context_topic"] === topic).length;
      expect(n, `${f} ${topic}`).toBeGreaterThanOrEqual(4);
    }
    expect(rows.filter((r) => r["expect"] === "context_dependent" && ["sexual_health", "medication_information"].includes(String(r["context_topic"])))).toEqual(
      [],
    );
  }
});

it("MFT scenario levels have the same formats for every foundation, and the same at every level", () => {
  const per = ["1", "2", "3"].map((l) => {
    const rows = jsonl(`specs/data/mft/scenarios-level${l}.jsonl`);
    return countBy(rows, (r) => String(r["format"]));
  });
  for (const m of per) expect(m).toEqual(per[0]);
});
