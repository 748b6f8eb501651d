// The checker beyond the golden cases: what it resolves (imports, params, overrides, data files,
// templates, expressions) and what it accepts, asserted on the CheckedSpec it returns.

import { describe, expect, it } from "vitest";
import { join } from "node:path";
import { loadSpec } from "../../src/check/load.js";
import { kinds } from "../kinds.js";
import { BASE, checkFiles, repoRoot } from "./helpers.js";

describe("the example spec", () => {
  it("checks with no errors and no warnings", async () => {
    const result = await loadSpec("specs/example.vc", { kinds, cwd: repoRoot });
    expect(result.diagnostics).toEqual([]);
    expect(result.spec).not.toBeNull();
  });

  it("uses every scorer kind, every report kind, all three roles, CSV and JSONL items, and an adaptive block", async () => {
    const { spec } = await loadSpec("specs/example.vc", { kinds, cwd: repoRoot });
    if (!spec) throw new Error("example spec did not check");
    expect(new Set(spec.scorers.map((s) => s.kind))).toEqual(new Set(kinds.scorers.map((k) => k.name)));
    expect(new Set(spec.reports.map((r) => r.kind))).toEqual(new Set(kinds.reports.map((k) => k.name)));
    const roles = new Set(spec.templates.flatMap((t) => t.messages.map((m) => m.role)));
    expect(roles).toEqual(new Set(["system", "user", "assistant"]));
    expect(spec.templates.some((t) => t.messages.some((m) => m.from !== null))).toBe(true);
    const origins = new Set(spec.itemSets.flatMap((s) => s.items.map((i) => i.origin.file.split(".").pop())));
    expect(origins).toEqual(new Set(["csv", "jsonl", "vc"]));
    expect(spec.adaptive).toHaveLength(1);
    expect(spec.inputs.map((i) => i.path)).toContain("lib/example-common.vc");
    expect(spec.scorers.find((s) => s.id === "harmless")?.rules.map((r) => r.name)).toEqual(["adult_ok", "german_note", "strict_general"]);
  });
});

describe("files and imports", () => {
  it("reports a missing entry spec without throwing", async () => {
    const r = await checkFiles({}, {}, "nope.vc");
    expect(r.codes).toEqual(["VC1003"]);
    expect(r.spec).toBeNull();
  });

  it("shows paths relative to cwd with / separators, even for an absolute entry", async () => {
    const r = await checkFiles({ "specs/main.vc": BASE.replace('"mock:echo"', '"bogus"') }, {}, "specs/main.vc");
    const again = await loadSpec(join(r.dir, "specs/main.vc"), { kinds, cwd: r.dir });
    expect(again.diagnostics.map((d) => d.file)).toEqual(["specs/main.vc"]);
    expect(again.sources.has("specs/main.vc")).toBe(true);
  });

  it("expands a diamond import once and keeps declaration order", async () => {
    const r = await checkFiles({
      "main.vc": `import "b.vc"\nimport "c.vc"\ntemplate t { user "{{item.text}}" }\nitems last { system s  template t  item z { dimension d1  text "z" } }\nrun { models ["mock:echo"] }\n`,
      "b.vc": `import "d.vc"\nitems from_b { system s  template t  item x { dimension d1  text "x" } }\n`,
      "c.vc": `import "d.vc"\nitems from_c { system s  template t  item y { dimension d1  text "y" } }\n`,
      "d.vc": `system s "S" { dimension d1 "D1" }\n`,
    });
    expect(r.errors).toEqual([]);
    expect(r.spec?.itemSets.map((s) => s.id)).toEqual(["from_b", "from_c", "last"]);
    expect(r.spec?.inputs.map((i) => i.path)).toEqual(["b.vc", "c.vc", "d.vc", "main.vc"]);
  });

  it("reports a syntax error and stops before checking names", async () => {
    const r = await checkFiles({ "main.vc": `${BASE}items broken { system nope template }\n` });
    expect(r.codes.length).toBeGreaterThan(0);
    expect(r.codes.every((c) => c.startsWith("VC0"))).toBe(true);
  });
});

describe("params and command-line overrides", () => {
  const spec = `param seed = 7\nparam label = "x"\nparam on = true\n${BASE.replace("run { models", "run { seed $seed  models")}`;

  it("applies --set with the declared type", async () => {
    const r = await checkFiles({ "main.vc": spec }, { set: { seed: "9", label: "10", on: "false" } });
    expect(r.errors).toEqual([]);
    expect(r.spec?.run.seed).toBe(9);
    expect(r.spec?.params).toEqual([
      { name: "seed", value: 9, description: null, overridden: true },
      { name: "label", value: "10", description: null, overridden: true },
      { name: "on", value: false, description: null, overridden: true },
    ]);
  });

  it("rejects a boolean --set that is not true/false", async () => {
    const r = await checkFiles({ "main.vc": spec }, { set: { on: "yes" } });
    expect(r.codes).toEqual(["VC1303"]);
  });

  it("rejects a param whose value is a name", async () => {
    const r = await checkFiles({ "main.vc": `param p = abc\n${BASE}` });
    expect(r.codes).toEqual(["VC1304"]);
  });

  it("--model replaces the model list and --judge the judge", async () => {
    const r = await checkFiles({ "main.vc": BASE }, { models: ["mock:refuse", "ollama:llama3.2:3b"], judge: "mock:judge" });
    expect(r.errors).toEqual([]);
    expect(r.spec?.run.models.map((m) => m.id)).toEqual(["mock:refuse", "ollama:llama3.2:3b"]);
    expect(r.spec?.run.models[1]?.name).toBe("llama3.2:3b");
    expect(r.spec?.run.judge).toBe("mock:judge");
  });

  it("reports a bad --model against the command line", async () => {
    const r = await checkFiles({ "main.vc": BASE }, { models: ["llama3"] });
    expect(r.codes).toEqual(["VC1401"]);
    expect(r.diagnostics[0]?.file).toBe("<command line>");
  });

  it("a --judge satisfies a judge scorer that names no model", async () => {
    const files = {
      "main.vc": `${BASE.replace("item x", "scorers [q]  item x")}template rubric { user "{{response}}" }\nscorer q judge { template rubric  output { score: "number" } }\n`,
    };
    expect((await checkFiles(files)).codes).toEqual(["VC1503"]);
    expect((await checkFiles(files, { judge: "mock:judge" })).errors).toEqual([]);
  });

  it("folds per-model settings into the model", async () => {
    const r = await checkFiles({
      "main.vc": BASE.replace(
        'run { models ["mock:echo"] }',
        'run { models ["mock:echo"]  temperature 0  model "mock:echo" { temperature 1.2  timeout 5  headers { "X-A": "b" } } }',
      ),
    });
    expect(r.errors).toEqual([]);
    const m = r.spec?.run.models[0];
    expect(m?.overrides.temperature).toBe(1.2);
    expect(m?.overrides.timeoutSeconds).toBe(5);
    expect(m?.headers).toEqual({ "X-A": "b" });
  });
});

describe("data files", () => {
  const schema = JSON.stringify({
    type: "object",
    required: ["id", "dimension", "text"],
    properties: { difficulty: { type: "number" }, reverse: { type: "boolean" }, weight: { type: ["integer", "null"] } },
  });
  const itemsFrom = (file: string) =>
    `system s "S" { dimension d1 "D1" }\ntemplate t { user "{{item.text}}" }\nitems i { system s  template t  from "${file}"  schema "item.json" }\nrun { models ["mock:echo"] }\n`;

  it("coerces CSV cells by the schema's types and records the file line of each row", async () => {
    const r = await checkFiles({
      "main.vc": itemsFrom("items.csv"),
      "item.json": schema,
      "items.csv": 'id,dimension,text,difficulty,reverse,weight,note\nq1,d1,"multi\nline",1.5,TRUE,,hello\nq2,d1,plain,2,false,3,\n',
    });
    expect(r.errors).toEqual([]);
    const items = r.spec?.itemSets[0]?.items ?? [];
    expect(items.map((i) => [i.id, i.text, i.difficulty, i.reverse, i.origin.row])).toEqual([
      ["q1", "multi\nline", 1.5, true, 2],
      ["q2", "plain", 2, false, 4],
    ]);
    expect(items[0]?.fields).toEqual({ weight: null, note: "hello" });
    expect(items[1]?.fields).toEqual({ weight: 3, note: "" });
  });

  it("reports invalid JSON at its line and keeps the other rows' problems", async () => {
    const r = await checkFiles({
      "main.vc": itemsFrom("items.jsonl"),
      "item.json": schema,
      "items.jsonl": '{"id":"a","dimension":"d1","text":"x"}\n\n{"id":"b", oops}\n{"id":"c","dimension":"d9","text":"y"}\n',
    });
    expect(r.diagnostics.map((d) => [d.code, d.file, d.span.start.line])).toEqual([
      ["VC1701", "items.jsonl", 3],
      ["VC1102", "items.jsonl", 4],
    ]);
  });

  it("requires a schema with a data file and rejects other formats", async () => {
    const noSchema = await checkFiles({
      "main.vc": itemsFrom("items.jsonl").replace('  schema "item.json"', ""),
      "items.jsonl": '{"id":"a","dimension":"d1","text":"x"}\n',
    });
    expect(noSchema.codes).toEqual(["VC1203"]);
    const xlsx = await checkFiles({ "main.vc": itemsFrom("items.xlsx"), "item.json": schema, "items.xlsx": "" });
    expect(xlsx.codes).toEqual(["VC1707"]);
  });

  it("reports an invalid schema file at its position", async () => {
    const r = await checkFiles({ "main.vc": itemsFrom("items.jsonl"), "item.json": '{ "type": "object",\n  oops }', "items.jsonl": "" });
    expect(r.diagnostics.map((d) => [d.code, d.file, d.span.start.line])).toEqual([["VC1706", "item.json", 2]]);
  });
});

describe("templates", () => {
  const withTemplate = (template: string, extra = "", run = 'run { models ["mock:echo"] }') =>
    `system s "S" { dimension d1 "D1" }\nculture de "Germany" { language "German"  formality "Sie" }\nculture fr "France" { language "French" }\n${template}\nitems i { system s  template t  item x { dimension d1  text "hello"  tags ["a", "b"]  meta { level: 2 } }${extra} }\n${run}\n`;

  it("accepts guarded, iterated and scoped variables", async () => {
    const t = `template t { user """
      {{#if culture}}{{culture.language}}{{#if culture.formality}} {{culture.formality}}{{/if}}{{/if}}
      {{#each item.tags as |tag i|}}{{tag}} {{i}} {{@index}} {{../item.text}} {{@root.params.p}}{{/each}}
      {{#with item.meta}}{{level}}{{/with}} {{lookup item "text"}} {{sample}} {{dimension.label}} {{system.id}}
      """ }\nparam p = 1`;
    const r = await checkFiles({ "main.vc": withTemplate(t, "", 'run { models ["mock:echo"]  cross [culture] }') });
    expect(r.errors).toEqual([]);
    expect(r.spec?.templates[0]?.variables).toEqual(
      expect.arrayContaining(["culture.language", "culture.formality", "item.tags", "item.text", "item.meta.level", "params.p"]),
    );
  });

  it("requires a guard for a field only some cultures have", async () => {
    const r = await checkFiles({
      "main.vc": withTemplate('template t { user "{{culture.formality}} {{item.text}}" }', "", 'run { models ["mock:echo"]  cross [culture] }'),
    });
    expect(r.codes).toEqual(["VC1605"]);
    expect(r.errors[0]).toContain("'fr'");
  });

  it("rejects @index outside #each, unknown helpers, partials and a field of a string", async () => {
    const cases: Array<[string, string]> = [
      ['template t { user "{{@index}}" }', "VC1602"],
      ['template t { user "{{upper item.text}}" }', "VC1604"],
      ['template t { user "{{#unknown item}}x{{/unknown}}" }', "VC1604"],
      ['template t { user "{{> header}}" }', "VC1604"],
      ['template t { user "{{item.text.length}}" }', "VC1602"],
      ['template t { user "{{response}}" }', "VC1602"],
      // list elements are strings: strict mode fails on a field of `this`
      ['template t { user "{{#each item.tags}}{{name}}{{/each}}" }', "VC1602"],
      ['template t { user "{{#each item.tags as |tag|}}{{tag.name}}{{/each}}" }', "VC1602"],
    ];
    for (const [template, code] of cases) {
      const r = await checkFiles({ "main.vc": withTemplate(template) });
      expect(
        r.errors.map((e) => e.slice(0, 6)),
        template,
      ).toEqual([code]);
    }
  });

  it("gives judge rubrics response and model, and checks them against the items they score", async () => {
    const spec = withTemplate(
      'template t { user "{{item.text}}" }\ntemplate rubric { user "{{item.text}} {{item.meta.level}} {{response}} {{model}} {{item.nope}}" }\nscorer j judge { template rubric  model "mock:judge"  output { safe: "boolean" }  score output.safe ? 100 : 0 }',
      "",
    ).replace("template t  item x", "template t  scorers [j]  item x");
    const r = await checkFiles({ "main.vc": spec });
    expect(r.errors).toEqual(["VC1602 'item.nope': item has no field 'nope'"]);
  });
});

describe("scorers and expressions", () => {
  const scorerSpec = (scorer: string, extra = "") =>
    `system s "S" { dimension d1 "D1" }\nusecase general "G" { }\nculture de "D" { locale "de-DE" }\ntemplate t { user "{{item.text}}" }\nitems i { system s  template t  scorers [sc]  item x { dimension d1  text "hello"  answer "B" } }\n${scorer}\n${extra}run { models ["mock:echo"]  cross [culture, usecase] }\n`;

  it("turns context ids into literals and params into values", async () => {
    const r = await checkFiles({
      "main.vc": `param bonus = 5\n${scorerSpec('scorer sc likert { scale 5  score rating * 10 + $bonus\n rule g when usecase in [general] and culture.locale = "de-DE" { score score + 1 } }')}`,
    });
    expect(r.errors).toEqual([]);
    const sc = r.spec?.scorers[0];
    expect(sc?.score).toEqual({
      kind: "Binary",
      op: "+",
      left: { kind: "Binary", op: "*", left: { kind: "Path", segments: ["rating"] }, right: { kind: "Literal", value: 10 } },
      right: { kind: "Literal", value: 5 },
    });
    expect(sc?.rules[0]?.when).toMatchObject({
      left: { op: "in", left: { kind: "Path", segments: ["usecase"] }, right: { kind: "ListExpr", items: [{ kind: "Literal", value: "general" }] } },
    });
  });

  it("reports unknown ids in lists, unknown fields, score outside rules and bad regexes", async () => {
    const r = await checkFiles({
      "main.vc": scorerSpec(
        'scorer sc keywords { any ["no"]  score score + (culture.bogus = 1 ? 0 : 1)\n rule r when usecase in [general, nope] or output.x matches "(" { score 1 } }',
      ),
    });
    expect(r.codes).toEqual(["VC1507", "VC1504", "VC1505", "VC1507", "VC1502"]);
  });

  it("checks kind-specific settings", async () => {
    const cases: Array<[string, string[]]> = [
      ['scorer sc choice { options ["A", "B"]  correct "C" }', ["VC1502"]],
      ['scorer sc choice { options ["A", "B"]  correct "item.answr" }', ["VC1502"]],
      ['scorer sc choice { options ["A", "B"]  correct "item.answer" }', []],
      ['scorer sc choice { options ["A", "B"]  mapping { A: 100, C: 0 } }', ["VC1502"]],
      ['scorer sc choice { options ["A", "B"]  mapping { A: 100, B: 20 } }', []],
      ['scorer sc choice { options ["A", "B"]  texts "item.choices" }', ["VC1502"]],
      ["scorer sc keywords { }", ["VC1203"]],
      ['scorer sc keywords { all ["x", "y"] }', []],
      ["scorer sc likert { scale 5  min 0 }", []],
      ["scorer sc likert { scale 5  min 0.5 }", ["VC1204"]],
      ['scorer sc regex { pattern "(" }', ["VC1502"]],
      ['scorer sc regex { pattern "a"  flags "ii" }', ["VC1502"]],
      ["scorer sc likert { }", ["VC1203"]],
      ["scorer sc guard { categories { S1: d9 } }", ["VC1203", "VC1102"]],
      ['scorer sc exec { command "node x.js"  timeout 0 }', ["VC1205"]],
      ['scorer sc judge { template t  model "mock:judge" }', ["VC1203"]],
      ['scorer sc judge { template t  model "mock:judge"  output { ok: "boolean" } }', ["VC1203"]],
      ['scorer sc judge { template t  model "mock:judge"  output { score: "integer" } }', []],
      ['scorer sc judge { template t  model "mock:judge"  output { ok: "maybe" }  score 1 }', ["VC1204"]],
    ];
    for (const [scorer, codes] of cases) {
      const r = await checkFiles({ "main.vc": scorerSpec(scorer) });
      expect(
        r.errors.map((e) => e.slice(0, 6)),
        scorer,
      ).toEqual(codes);
    }
  });

  it("attaches top-level rules to their scorer and rejects unknown scorers and duplicate names", async () => {
    const ok = await checkFiles({
      "main.vc": scorerSpec("scorer sc refusal { }", "rule extra for sc when refused { score 0 }\n"),
    });
    expect(ok.errors).toEqual([]);
    expect(ok.spec?.scorers[0]?.rules.map((r) => r.name)).toEqual(["extra"]);
    const bad = await checkFiles({
      "main.vc": scorerSpec(
        "scorer sc refusal { rule extra when refused { score 0 } }",
        "rule extra for sc when refused { score 1 }\nrule other for nope when refused { score 1 }\n",
      ),
    });
    expect(bad.codes).toEqual(["VC1101", "VC1102"]);
  });
});

describe("contexts, baselines, reports, adaptive", () => {
  const spec = (extra: string, run = "cross [culture]") =>
    `system s "S" { dimension d1 "D1"  dimension d2 "D2" }\nculture de "D" { }\nculture fr "F" { }\ntemplate t { user "{{item.text}}" }\nitems i { system s  template t  item x { dimension d1  text "a"  difficulty 1 }  item y { dimension d2  text "b" } }\n${extra}\nrun { models ["mock:echo"]  ${run} }\n`;

  it("restricts contexts per items block and rejects a reference that is not crossed", async () => {
    const r = await checkFiles({
      "main.vc": spec('items j { system s  template t  cultures [fr]  item z { dimension d1  text "c" } }', "cross [culture]  reference { culture: de }"),
    });
    expect(r.errors).toEqual([]);
    const bad = await checkFiles({ "main.vc": spec("", "cross [culture]  cultures [de]  reference { culture: fr }") });
    expect(bad.codes).toContain("VC1403");
  });

  it("checks baselines against their system", async () => {
    const r = await checkFiles({
      "main.vc": spec(
        'baseline b "B" { system s  source "x"  order [d1, d3, d1] }\nbaseline c "C" { system s  source "x"  order [d1]  values { d1: 1 } }\nbaseline e "E" { system s  order [d1] }',
      ),
    });
    expect(r.codes.filter((c) => c !== "VC1904")).toEqual(["VC1102", "VC1101", "VC1206", "VC1203"]);
  });

  it("checks report kinds and columns", async () => {
    const r = await checkFiles({
      "main.vc": spec("report a scores { by [model, colour] }\nreport b leaderboards { }\nreport c value_hierarchy { system s }"),
    });
    expect(r.codes).toEqual(["VC1102", "VC1801"]);
  });

  it("makes an items block an adaptive bank, which needs a difficulty on every item", async () => {
    const scored = (extra: string) =>
      spec(extra).replace("items i { system s  template t", "scorer sc refusal { }\nitems i { system s  template t  scorers [sc]");
    const r = await checkFiles({ "main.vc": scored('adaptive cat { items i  irt "3pl" }') });
    expect(r.codes).toEqual(["VC1803", "VC1205"]);
    const ok = await checkFiles({
      "main.vc": scored('adaptive cat { items i  irt "2pl"  stop { se 0.3, max_items 5 } }').replace('text "b"', 'text "b"  difficulty 2'),
    });
    expect(ok.errors).toEqual([]);
    expect(ok.spec?.itemSets[0]?.adaptive).toBe("cat");
    expect(ok.spec?.adaptive[0]?.settings).toEqual({ irt: "2pl", stop: { se: 0.3, max_items: 5 } });
  });
});
