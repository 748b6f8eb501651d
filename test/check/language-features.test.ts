// The language features on top of the base checker: scorer selection by param (`one of`), `none` as a
// context, report settings checked against the report code, the adaptive block in the shape the run
// reads, and the scorer settings the scorers read. Each asserts on the CheckedSpec, the compiled plan
// or the code that consumes them (src/adaptive/bank.ts, src/report/report-tables.ts, src/score/).

import { describe, expect, it } from "vitest";
import { catSettingsFromPlan } from "../../src/adaptive/bank.js";
import { DEFAULT_CAT_SETTINGS } from "../../src/adaptive/cat.js";
import { compilePlan } from "../../src/compile/compile.js";
import type { AdaptiveSegment, Json } from "../../src/core/plan.js";
import { iterateSteps } from "../../src/compile/steps.js";
import { settingStrings } from "../../src/report/report-tables.js";
import { scoreStep } from "../../src/score/index.js";
import { BLOCKS } from "../../src/syntax/vocabulary.js";
import { kinds } from "../kinds.js";
import { input, noJudge } from "../score/fixtures.js";
import { checkFiles, repoRoot, type Checked } from "./helpers.js";

const codesOf = (r: Checked) => r.errors.map((e) => e.slice(0, 6));

// ---------------------------------------------------------------------------------------------------
// Scorer selection by param

describe("scorers selected by a param", () => {
  const spec = (param: string, scorers = "[$scoring]") => `system s "S" { dimension d1 "D1" }
template t { user "{{item.text}}" }
scorer refused refusal { }
scorer apology keywords { any ["sorry"] }
scorer polite keywords { any ["please"] }
${param}
items i { system s  template t  scorers ${scorers}  item x { dimension d1  text "hello"  answer "A" } }
run { models ["mock:echo"] }
`;
  const choices = 'param scoring = "refused" one of ["refused", "apology", ["refused", "polite"]]';

  const cases: Array<{ name: string; param: string; scorers?: string; set?: Record<string, string>; expect: string[] }> = [
    { name: "the default", param: choices, expect: ["refused"] },
    { name: "--set switches", param: choices, set: { scoring: "apology" }, expect: ["apology"] },
    { name: "a list value", param: choices, set: { scoring: '["refused", "polite"]' }, expect: ["refused", "polite"] },
    { name: "without brackets", param: choices, scorers: "$scoring", expect: ["refused"] },
    { name: "beside names, counted once", param: choices, scorers: "[refused, $scoring, polite]", expect: ["refused", "polite"] },
    { name: "no one of", param: 'param scoring = "apology"', scorers: "[$scoring, refused, polite]", expect: ["apology", "refused", "polite"] },
  ];
  it.each(cases)("resolves $name", async (c) => {
    const r = await checkFiles({ "main.vc": spec(c.param, c.scorers) }, c.set ? { set: c.set } : {});
    expect(r.errors).toEqual([]);
    expect(r.spec?.itemSets[0]?.scorers).toEqual(c.expect);
    // Every scorer the param can select counts as used: no VC1903.
    expect(r.warnings).toEqual([]);
  });

  const errors: Array<{ name: string; param: string; set?: Record<string, string>; code: string; file: string }> = [
    { name: "a --set value outside one of", param: choices, set: { scoring: "polite" }, code: "VC1305", file: "<command line>" },
    { name: "a default outside one of", param: 'param scoring = "polite" one of ["refused", "apology"]', code: "VC1305", file: "main.vc" },
    { name: "a choice that is no scorer", param: 'param scoring = "refused" one of ["refused", "nope"]', code: "VC1102", file: "main.vc" },
    { name: "a default that is no scorer", param: 'param scoring = "nope"', code: "VC1102", file: "main.vc" },
    { name: "a --set value that is no scorer", param: 'param scoring = "refused"', set: { scoring: "nope" }, code: "VC1102", file: "<command line>" },
    { name: "a number", param: "param scoring = 3", code: "VC1204", file: "main.vc" },
  ];
  it.each(errors)("rejects $name", async (c) => {
    const r = await checkFiles({ "main.vc": spec(c.param) }, c.set ? { set: c.set } : {});
    const found = r.diagnostics.filter((d) => d.severity === "error");
    expect(found.map((d) => `${d.code} ${d.file}`)).toEqual([`${c.code} ${c.file}`]);
    expect(r.spec).toBeNull();
  });

  it("points a bad default at the param's value, once for all the items blocks that use it", async () => {
    const two = spec('param scoring = "nope"').replace(
      "run {",
      'items j { system s  template t  scorers [$scoring]  item y { dimension d1  text "bye" } }\nrun {',
    );
    const r = await checkFiles({ "main.vc": two });
    const d = r.diagnostics.filter((x) => x.code === "VC1102");
    expect(d).toHaveLength(1);
    expect(d[0]?.span.start.line).toBe(6);
    expect(d[0]?.notes?.some((n) => n.includes("used at main.vc:7:"))).toBe(true);
  });

  it("checks every selectable scorer against the items, not only the current one", async () => {
    const r = await checkFiles({
      "main.vc": spec(choices).replace(
        'scorer polite keywords { any ["please"] }',
        'scorer polite keywords { any ["please"]  rule r when item.nofield = 1 { score 0 } }',
      ),
    });
    expect(codesOf(r)).toEqual(["VC1504"]);
  });

  it("warns about a scorer outside the param's choices, with a hint", async () => {
    const r = await checkFiles({ "main.vc": spec('param scoring = "refused" one of ["refused", "apology"]') });
    expect(r.errors).toEqual([]);
    const unused = r.diagnostics.filter((d) => d.code === "VC1903");
    expect(unused.map((d) => d.message)).toEqual(["scorer 'polite' is not used by any items block"]);
    expect(unused[0]?.notes?.[0]).toContain('one of [..., "polite"]');
  });

  it("switches the scorer of every safety items block with one --set", async () => {
    const { loadSpec } = await import("../../src/check/load.js");
    for (const scoring of ["judge", "refusal", "guard"]) {
      const r = await loadSpec("specs/safety.vc", { kinds, cwd: repoRoot, set: { scoring } });
      expect(r.diagnostics).toEqual([]);
      const sets = r.spec?.itemSets ?? [];
      expect(sets).toHaveLength(8);
      for (const s of sets) expect(s.scorers).toEqual([scoring]);
    }
  });
});

// ---------------------------------------------------------------------------------------------------
// `none` as a context

describe("none in cultures and usecases", () => {
  const spec = (items: string, run: string) => `system s "S" { dimension d1 "D1" }
culture de "Germany" { language "German" }
culture fr "France" { language "French" }
usecase kids "Kids" { }
template t { user "{{item.text}}{{#if culture}} ({{culture.language}}){{/if}}" }
items i { system s  template t  ${items}  item x { dimension d1  text "hello" } }
run { models ["mock:echo"]  ${run} }
`;
  const contexts = (r: Checked) => {
    if (!r.spec) throw new Error(r.errors.join("; "));
    const seg = compilePlan(r.spec).segments[0];
    return seg?.kind === "static" ? seg.contexts.map((c) => `${c.culture ?? "-"}/${c.usecase ?? "-"}`) : [];
  };

  const cases: Array<{ name: string; items: string; run: string; contexts: string[] }> = [
    { name: "none first in the run", items: "", run: "cross [culture]  cultures [none, de, fr]", contexts: ["-/-", "de/-", "fr/-"] },
    { name: "none last", items: "", run: "cross [culture]  cultures [de, none]", contexts: ["de/-", "-/-"] },
    { name: "an items block narrowed to none", items: "cultures [none]", run: "cross [culture]  cultures [none, de, fr]", contexts: ["-/-"] },
    {
      name: "an items block narrowed to none and fr",
      items: "cultures [fr, none]",
      run: "cross [culture]  cultures [none, de, fr]",
      contexts: ["-/-", "fr/-"],
    },
    {
      name: "none of both kinds",
      items: "",
      run: "cross [culture, usecase]  cultures [none, de]  usecases [none, kids]",
      contexts: ["-/-", "-/kids", "de/-", "de/kids"],
    },
  ];
  it.each(cases)("compiles $name", async (c) => {
    const r = await checkFiles({ "main.vc": spec(c.items, c.run) });
    expect(r.diagnostics.filter((d) => d.code !== "VC1904" && d.code !== "VC1905")).toEqual([]);
    expect(contexts(r)).toEqual(c.contexts);
  });

  it("renders the none combination with culture null, and gives each its own step id", async () => {
    const r = await checkFiles({ "main.vc": spec("", "cross [culture]  cultures [none, de]") });
    const steps = [...iterateSteps(compilePlan(r.spec!))];
    expect(steps.map((s) => s.messages[0]?.content)).toEqual(["hello", "hello (German)"]);
    expect(new Set(steps.map((s) => s.id)).size).toBe(2);
  });

  it("makes none the reference, and the default reference when listed first", async () => {
    const explicit = await checkFiles({ "main.vc": spec("", "cross [culture]  cultures [de, none]  reference { culture: none }") });
    expect(explicit.spec?.run.reference).toEqual({ culture: null, usecase: null });
    const first = await checkFiles({ "main.vc": spec("", "cross [culture]  cultures [none, de]") });
    expect(first.spec?.run.reference.culture).toBeNull();
    const notCrossed = await checkFiles({ "main.vc": spec("", "cross [culture]  cultures [de]  reference { culture: none }") });
    expect(codesOf(notCrossed)).toEqual(["VC1403"]);
  });

  const errors: Array<{ name: string; items: string; run: string; codes: string[] }> = [
    { name: "an empty items list", items: "cultures []", run: "cross [culture]", codes: ["VC1404"] },
    { name: "an empty run list", items: "", run: "cross [culture]  cultures []", codes: ["VC1404"] },
    { name: "none twice", items: "", run: "cross [culture]  cultures [none, none]", codes: ["VC1101"] },
    { name: "none in a block but not in the run", items: "cultures [none]", run: "cross [culture]  cultures [de]", codes: ["VC1403"] },
    { name: "an unguarded read", items: "", run: "cross [culture]  cultures [none, de]", codes: ["VC1603"] },
  ];
  it.each(errors)("rejects $name", async (c) => {
    const text = spec(c.items, c.run).replace("{{#if culture}} ({{culture.language}}){{/if}}", c.name === "an unguarded read" ? " {{culture.language}}" : "");
    const r = await checkFiles({ "main.vc": text });
    expect(codesOf(r)).toEqual(c.codes);
  });

  it("rejects a culture or usecase named none", async () => {
    const r = await checkFiles({ "main.vc": spec("", "cross [culture]").replace('culture fr "France"', 'culture none "None"') });
    expect(codesOf(r)).toEqual(["VC1104"]);
  });

  it("reads `culture = none` in an expression as the combination without a culture", async () => {
    const r = await checkFiles({
      "main.vc": spec("scorers [sc]", "cross [culture]  cultures [none, de]").replace(
        "run {",
        "scorer sc refusal { rule plain when culture = none { score 50 } }\nrun {",
      ),
    });
    expect(r.errors).toEqual([]);
    expect(r.spec?.scorers[0]?.rules[0]?.when).toEqual({
      kind: "Binary",
      op: "=",
      left: { kind: "Path", segments: ["culture"] },
      right: { kind: "Literal", value: null },
    });
  });
});

// ---------------------------------------------------------------------------------------------------
// Reports

describe("reports", () => {
  const spec = (reports: string) => `system s "S" { dimension d1 "D1" }
system u "U" { dimension e1 "E1" }
culture de "Germany" { }
usecase kids "Kids" { }
template t { user "{{item.text}}" }
scorer refused refusal { }
scorer apology keywords { any ["sorry"] }
items i { system s  template t  scorers [refused, apology]  item x { dimension d1  text "hello"  difficulty 1 } }
items j { system u  template t  scorers [refused]  item y { dimension e1  text "bye" } }
baseline b "B" { system s  source "x"  order [d1] }
baseline c "C" { system s  source "x"  values { d1: 3 }  culture de }
run { models ["mock:echo"]  cross [culture, usecase] }
${reports}
`;
  // A valid value for every setting any kind reads.
  const VALUES: Record<string, string> = {
    by: "[model]",
    scorer: "refused",
    scorers: "[refused, apology]",
    system: "s",
    systems: "[s, u]",
    baseline: "b",
    baselines: "[c]",
    method: "kendall",
    weighting: "equal",
    within: "false",
    contexts: "pooled",
    combine: "{ refused: 1, apology: 1 }",
    attribute: "open_weights",
    attributes: "[open_weights, family]",
  };
  const contextBy = "[culture, usecase]";

  const settingsOf = (kind: (typeof kinds.reports)[number]): string[] => Object.keys(kind.settings.properties);

  it("the parser knows every setting some report kind reads, and nothing else", () => {
    const union = new Set(kinds.reports.flatMap(settingsOf));
    expect(new Set(BLOCKS.report.properties)).toEqual(union);
    // …and the table below has a value for exactly those settings.
    expect(new Set(Object.keys(VALUES))).toEqual(union);
  });

  const accepted = kinds.reports.flatMap((kind) => settingsOf(kind).map((key) => ({ kind: kind.name, key })));
  it.each(accepted)("$kind reports accept $key", async ({ kind, key }) => {
    // scorer/scorers and system/systems exclude each other, so each is tried on its own.
    const value = kind === "context_effects" && key === "by" ? contextBy : VALUES[key];
    const r = await checkFiles({ "main.vc": spec(`report r ${kind} { ${key} ${value} }`) });
    expect(r.errors).toEqual([]);
    expect(Object.keys(r.spec?.reports[0]?.settings ?? {})).toEqual([key]);
  });

  const rejected = kinds.reports.flatMap((kind) =>
    Object.keys(VALUES)
      .filter((key) => !settingsOf(kind).includes(key))
      .map((key) => ({ kind: kind.name, key })),
  );
  it.each(rejected)("$kind reports reject $key", async ({ kind, key }) => {
    const r = await checkFiles({ "main.vc": spec(`report r ${kind} { ${key} ${VALUES[key]} }`) });
    expect(codesOf(r)).toEqual(["VC1201"]);
  });

  it("writes settings that the report code reads back as written", async () => {
    const r = await checkFiles({
      "main.vc": spec(
        "report a culture_alignment { systems [s]  scorer apology  method pearson  baselines [c] }\nreport b leaderboard { scorers [refused, apology]  weighting weighted }",
      ),
    });
    expect(r.errors).toEqual([]);
    const [a, b] = r.spec?.reports ?? [];
    expect(a?.settings).toEqual({ systems: ["s"], scorer: "apology", method: "pearson", baselines: ["c"] });
    expect(settingStrings(a?.settings ?? {}, "scorer")).toEqual(["apology"]);
    expect(settingStrings(b?.settings ?? {}, "scorers")).toEqual(["refused", "apology"]);
    expect(b?.settings.weighting).toBe("weighted");
  });

  const errors: Array<[string, string[]]> = [
    ["report r scores { by [model, colour] }", ["VC1102"]],
    ["report r scores { by [model, system, group] }", []],
    ["report r scores { by [model, model] }", ["VC1101"]],
    ["report r context_effects { by [dimension] }", ["VC1102"]],
    ["report r culture_alignment { method pearsonn }", ["VC1205"]],
    ["report r leaderboard { weighting heavy }", ["VC1205"]],
    ["report r cross_system { within 1 }", ["VC1204"]],
    ["report r difficulty { scorer nope }", ["VC1102"]],
    ["report r difficulty { scorer refused  scorers [apology] }", ["VC1206"]],
    ["report r model_similarity { system s  systems [u] }", ["VC1206"]],
    ["report r value_hierarchy { system u  baseline b }", ["VC1103"]],
    ["report r difficultly { }", ["VC1801"]],
  ];
  it.each(errors)("%s → %j", async (report, codes) => {
    expect(codesOf(await checkFiles({ "main.vc": spec(report) }))).toEqual(codes);
  });

  it("rejects a context effect by a kind the run does not cross", async () => {
    const r = await checkFiles({ "main.vc": spec("report r context_effects { by [usecase] }").replace("cross [culture, usecase]", "cross [culture]") });
    expect(codesOf(r)).toEqual(["VC1403"]);
  });

  it.each(["responses", "scores", "leaderboard", "dimensions"])("warns that a report named %s is renamed", async (id) => {
    const r = await checkFiles({ "main.vc": spec(`report ${id} scores { }`) });
    expect(r.errors).toEqual([]);
    expect(r.warnings.filter((w) => w.startsWith("VC1907"))).toEqual([
      `VC1907 report '${id}' has the name of a built-in table, so it is written as report_${id}.csv`,
    ]);
  });
});

// ---------------------------------------------------------------------------------------------------
// Adaptive blocks

describe("adaptive blocks", () => {
  const spec = (adaptive: string, bank = "difficulty -1", extra = "") => `system s "S" { dimension d1 "D1" }
template t { user "{{item.text}}" }
scorer refused refusal { }
scorer strict refusal { }
items bank {
  system s
  template t
  scorers [refused, strict]
  item a { dimension d1  text "one"  ${bank} }
  item b { dimension d1  text "two"  difficulty 1  discrimination 1.7 }
}
${extra}
adaptive cat { items bank  ${adaptive} }
run { models ["mock:echo"]  judge "mock:judge"  seed 11 }
`;
  const segment = (r: Checked): AdaptiveSegment => {
    if (!r.spec) throw new Error(r.errors.join("; "));
    const seg = compilePlan(r.spec).segments.find((s) => s.kind === "adaptive");
    if (seg?.kind !== "adaptive") throw new Error("no adaptive segment");
    return seg;
  };

  it("compiles every setting into the shape catSettingsFromPlan reads", async () => {
    const r = await checkFiles({
      "main.vc": spec(`irt "1pl"  start 0.5  select max_info  estimator mle
        exposure { top_k 4, max_exposure 0.25 }  stop { se 0.2, min_items 3, max_items 12 }
        scorer strict  threshold 60
        generate { model "mock:comply", judge "mock:judge", window 0.4, min_items 2, count 5, file "data/gen.jsonl" }`),
    });
    expect(r.errors).toEqual([]);
    const seg = segment(r);
    expect(seg.settings).toEqual({
      irt: "1pl",
      start: 0.5,
      select: "max_info",
      estimator: "mle",
      exposure: { top_k: 4, max_exposure: 0.25 },
      stop: { se: 0.2, min_items: 3, max_items: 12 },
      scorer: "strict",
      threshold: 60,
      generate: { model: "mock:comply", judge: "mock:judge", window: 0.4, min_items: 2, count: 5, file: "data/gen.jsonl" },
    });
    const cat = catSettingsFromPlan(seg.settings, 11);
    expect(cat).toEqual({
      ok: true,
      notes: [],
      settings: {
        ...DEFAULT_CAT_SETTINGS,
        model: "1pl",
        start: 0.5,
        estimator: "mle",
        topK: 4,
        maxExposure: 0.25,
        stopSe: 0.2,
        minItems: 3,
        maxItems: 12,
        seed: 11,
      },
    });
  });

  const shapes: Array<{ name: string; adaptive: string; expect: Partial<typeof DEFAULT_CAT_SETTINGS> }> = [
    { name: "exposure as a number is the cap", adaptive: "exposure 0.3", expect: { maxExposure: 0.3 } },
    { name: "select random ranks nothing", adaptive: "select random  exposure { top_k 2 }", expect: { topK: Number.MAX_SAFE_INTEGER } },
    { name: "nothing set keeps the defaults", adaptive: "", expect: {} },
  ];
  it.each(shapes)("$name", async (c) => {
    const cat = catSettingsFromPlan(segment(await checkFiles({ "main.vc": spec(c.adaptive) })).settings, 11);
    expect(cat.ok && cat.settings).toEqual({ ...DEFAULT_CAT_SETTINGS, seed: 11, ...c.expect });
  });

  it("gives bank items without a discrimination a = 1 and keeps the others", async () => {
    const seg = segment(await checkFiles({ "main.vc": spec("") }));
    expect(seg.bank.map((i) => i.fields["discrimination"])).toEqual([1, 1.7]);
  });

  const errors: Array<[string, string, string[]]> = [
    ["exposure 0", "difficulty -1", ["VC1205"]],
    ["exposure 1.5", "difficulty -1", ["VC1205"]],
    ['exposure "a lot"', "difficulty -1", ["VC1204"]],
    ["exposure { top_k 1.5 }", "difficulty -1", ["VC1204"]],
    ["exposure { max_exposure 0 }", "difficulty -1", ["VC1205"]],
    ["exposure { cap 2 }", "difficulty -1", ["VC1201"]],
    ["stop { se 0 }", "difficulty -1", ["VC1205"]],
    ["stop { min_items 0 }", "difficulty -1", ["VC1205"]],
    ["stop { min_items 6, max_items 5 }", "difficulty -1", ["VC1205"]],
    ["stop { when 3 }", "difficulty -1", ["VC1201"]],
    ["threshold 101", "difficulty -1", ["VC1205"]],
    ["threshold -1", "difficulty -1", ["VC1205"]],
    ["scorer nope", "difficulty -1", ["VC1102"]],
    ['estimator "bayes"', "difficulty -1", ["VC1205"]],
    ['generate { judge "mock:judge" }', "difficulty -1", ["VC1203"]],
    ['generate { model "gpt-4" }', "difficulty -1", ["VC1401"]],
    ['generate { model "mock:comply", window 0 }', "difficulty -1", ["VC1205"]],
    ['generate { model "mock:comply", min_items 0 }', "difficulty -1", ["VC1205"]],
    ['generate { model "mock:comply", count 0 }', "difficulty -1", ["VC1205"]],
    ['generate { model "mock:comply", windows 1 }', "difficulty -1", ["VC1201"]],
    ["", "", ["VC1803"]],
    ["", "difficulty -1  discrimination 0", ["VC1803"]],
    ["", 'difficulty -1  discrimination "high"', ["VC1803"]],
  ];
  it.each(errors)("rejects `%s` (bank item: %s) → %j", async (adaptive, bank, codes) => {
    expect(codesOf(await checkFiles({ "main.vc": spec(adaptive, bank) }))).toEqual(codes);
  });

  it("needs the deciding scorer among the bank's, and a bank that is scored at all", async () => {
    const other = await checkFiles({
      "main.vc": spec(
        "scorer other",
        "difficulty -1",
        'scorer other refusal { }\nitems j { system s  template t  scorers [other]  item z { dimension d1  text "z" } }',
      ),
    });
    expect(codesOf(other)).toEqual(["VC1803"]);
    const unscored = await checkFiles({ "main.vc": spec("").replace("  scorers [refused, strict]\n", "") });
    expect(codesOf(unscored)).toEqual(["VC1803"]);
    // A bank that lists no scorers is decided by the block's own scorer, which then counts as used.
    const decided = await checkFiles({
      "main.vc": spec("scorer strict").replace("  scorers [refused, strict]\n", "").replace("scorer refused refusal { }\n", ""),
    });
    expect(decided.errors).toEqual([]);
    expect(decided.warnings).toEqual([]);
    expect(segment(decided).settings.scorer).toBe("strict");
  });

  it("needs a judge for generated items: its own or the run's", async () => {
    const noJudge = spec('generate { model "mock:comply" }').replace('  judge "mock:judge"  seed', "  seed");
    expect(codesOf(await checkFiles({ "main.vc": noJudge }))).toEqual(["VC1503"]);
    const own = await checkFiles({ "main.vc": spec('generate { model "mock:comply", judge "mock:judge" }').replace('  judge "mock:judge"  seed', "  seed") });
    expect(own.errors).toEqual([]);
    expect(segment(own).settings.generate).toEqual({ model: "mock:comply", judge: "mock:judge" });
  });
});

// ---------------------------------------------------------------------------------------------------
// Scorer settings

describe("scorer settings", () => {
  const spec = (scorer: string) => `system s "S" { dimension d1 "D1" }
template t { user "{{item.text}}" }
${scorer}
items i { system s  template t  scorers [sc]  item x { dimension d1  text "hello"  options ["yes", "no"] } }
run { models ["mock:echo"] }
`;

  // Every setting docs/scoring.md says a scorer reads, with the value it compiles to.
  const settings: Array<[string, Record<string, Json>]> = [
    ['scorer sc refusal { languages ["en", "de"] }', { languages: ["en", "de"] }],
    [
      'scorer sc refusal { phrases ["i (cannot|will not) comply", "anywhere: sorry but no"] }',
      { languages: [], phrases: ["i (cannot|will not) comply", "anywhere: sorry but no"] },
    ],
    ["scorer sc refusal { opening 120 }", { languages: [], opening: 120 }],
    ['scorer sc regex { pattern "^yes" }', { pattern: "^yes" }],
    ['scorer sc regex { pattern "^yes"  flags "" }', { pattern: "^yes", flags: "" }],
    ['scorer sc regex { pattern "^yes"  flags "im" }', { pattern: "^yes", flags: "im" }],
    ['scorer sc keywords { any ["a"] }', { any: ["a"] }],
    ['scorer sc keywords { all ["a", "b"]  case_sensitive true }', { all: ["a", "b"], case_sensitive: true }],
    ["scorer sc likert { scale 6  min 0  centre true }", { scale: 6, min: 0, centre: true }],
    ['scorer sc choice { options ["A", "B"]  correct "A" }', { options: ["A", "B"], correct: "A" }],
    [
      'scorer sc choice { options ["A", "B"]  mapping { A: 100, B: 25 }  texts "item.options" }',
      { options: ["A", "B"], mapping: { A: 100, B: 25 }, texts: "item.options" },
    ],
    ['scorer sc guard { model "mock:comply"  categories { S1: d1 } }', { model: "mock:comply", categories: { S1: "d1" } }],
    ['scorer sc exec { command "node x.js"  timeout 5 }', { command: "node x.js", timeout: 5 }],
  ];
  it.each(settings)("%s", async (scorer, config) => {
    const r = await checkFiles({ "main.vc": spec(scorer) });
    expect(r.errors).toEqual([]);
    expect(r.spec?.scorers[0]?.config).toEqual(config);
  });

  it("the parser knows every property some scorer kind accepts, and nothing else", () => {
    expect(new Set(BLOCKS.scorer.properties)).toEqual(new Set(kinds.scorers.flatMap((k) => k.properties)));
  });

  it("leaves regex flags out when not written, so the scorer's case-insensitive default applies", async () => {
    const r = await checkFiles({ "main.vc": spec('scorer sc regex { pattern "^yes" }') });
    const scorer = compilePlan(r.spec!).scorers[0]!;
    expect("flags" in scorer.config).toBe(false);
    expect(await scoreStep(input({ response: "YES, gladly" }), scorer, noJudge)).toMatchObject({ score: 100, error: null });
    const explicit = await checkFiles({ "main.vc": spec('scorer sc regex { pattern "^yes"  flags "" }') });
    expect(await scoreStep(input({ response: "YES, gladly" }), compilePlan(explicit.spec!).scorers[0]!, noJudge)).toMatchObject({ score: 0, error: null });
  });

  const errors: Array<[string, string[]]> = [
    ['scorer sc refusal { languages ["en", "xx"] }', ["VC1502"]],
    ['scorer sc refusal { phrases ["(sorry"] }', ["VC1502"]],
    ['scorer sc refusal { phrases ["{who} refuses"] }', ["VC1502"]],
    ["scorer sc refusal { opening 0 }", ["VC1205"]],
    ["scorer sc refusal { opening 1.5 }", ["VC1204"]],
    ['scorer sc keywords { any ["a"]  case_sensitive "yes" }', ["VC1204"]],
    ['scorer sc regex { pattern "a"  case_sensitive true }', ["VC1201"]],
    ["scorer sc likert { scale 5  opening 3 }", ["VC1201"]],
  ];
  it.each(errors)("%s → %j", async (scorer, codes) => {
    expect(codesOf(await checkFiles({ "main.vc": spec(scorer) }))).toEqual(codes);
  });
});
