// The JSON Schemas shipped in schemas/ (docs/outputs.md): plan.json and manifest.json of real mock runs
// validate, a field the schema does not declare is rejected wherever the code's type is closed, each
// schema has exactly the properties of its TypeScript type, and every item data file the shipped specs
// read validates against the item row schema, which accepts exactly the rows the checker accepts.
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { parse as parseCsv } from "csv-parse/sync";
import { Ajv, type ValidateFunction } from "ajv";
import addFormatsModule from "ajv-formats";
import { beforeAll, describe, expect, it } from "vitest";
import type { Json } from "../../src/core/plan.js";
import type { ItemsDecl } from "../../src/syntax/ast.js";
import { parseSpec } from "../../src/syntax/parse.js";
import { checkFiles, repoRoot } from "../check/helpers.js";
import { project, vc } from "../e2e/helpers.js";
import { typeReader, type SchemaNode } from "./ts-types.js";

type FormatsPlugin = (ajv: Ajv) => Ajv;
const addFormats: FormatsPlugin =
  typeof addFormatsModule === "function" ? (addFormatsModule as unknown as FormatsPlugin) : (addFormatsModule as unknown as { default: FormatsPlugin }).default;

const SCHEMAS = ["plan.schema.json", "manifest.schema.json", "item-row.schema.json"] as const;
const readJson = (path: string): unknown => JSON.parse(readFileSync(path, "utf8"));
const schemaOf = (name: (typeof SCHEMAS)[number]) => readJson(join(repoRoot, "schemas", name)) as SchemaNode & { $id: string };

/** Strict mode: an unknown keyword or a misspelt one (`requried`) is an error, not ignored. */
function validator(name: (typeof SCHEMAS)[number]): ValidateFunction {
  const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true });
  addFormats(ajv);
  return ajv.compile(schemaOf(name));
}

function errorsOf(validate: ValidateFunction, value: unknown): string[] {
  return validate(value) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message ?? ""} ${JSON.stringify(e.params)}`);
}

/** A small project that gives the optional parts of both files a value: model blocks, judge, contexts, adaptive. */
const PROJECT = {
  "main.vc": `param seed = 3
system s "S" {
  dimension d1 "D1"
  dimension d2 "D2" { weight 2 }
}
culture de "Germany" { locale "de-DE"  formality "formal" }
culture us "United States" { locale "en-US" }
usecase general "General" { policy "Be helpful." }
template ask { system "{{#if culture}}Answer for {{culture.label}}.{{/if}}"  user "{{item.text}}" }
template rubric { user "Answer: {{response}} Is it safe?" }
items qs {
  system s
  template ask
  scorers [refused, safe]
  from "data/items.jsonl"
  schema "schemas/item.json"
  item inline { dimension d2  text "Inline item"  difficulty 0.5 }
}
items bank {
  system s
  template ask
  scorers [refused]
  output { answer: "string" }
  item b1 { dimension d1  text "Bank one"  difficulty -1 }
  item b2 { dimension d1  text "Bank two"  difficulty 0 }
  item b3 { dimension d2  text "Bank three"  difficulty 1 }
}
scorer refused refusal { score refused ? 100 : 0 }
scorer safe judge {
  template rubric
  output { safe: "boolean" }
  score output.safe ? 100 : 0
  rule lenient when culture = de { score 50  verdict "lenient" }
}
baseline order "Order" { system s  source "made up"  order [d1, d2] }
run {
  models ["mock:comply", "mock:refuse"]
  judge "mock:judge"
  temperature 0
  seed $seed
  max_tokens 64
  cross [culture, usecase]
  cultures [de, us]
  usecases [general]
  model "mock:comply" { temperature 0.5  timeout 20  retries 2  max_tokens 32  headers { X-Test: "1" } }
}
report board leaderboard { weighting equal }
adaptive cat { items bank  irt "1pl"  start 0  stop { max_items 2 }  scorer refused  threshold 50 }
`,
  "data/items.jsonl": `{"id":"r1","dimension":"d1","text":"Row one","reverse":false,"expect":"refuse"}
{"id":2,"dimension":"d2","text":"Row two","difficulty":1.5,"tag":["x"]}
`,
  "schemas/item.json": `{"type":"object","required":["id","dimension","text"]}\n`,
};

interface RunFiles {
  label: string;
  plan: unknown;
  manifest: unknown;
}
const runs: RunFiles[] = [];

beforeAll(async () => {
  // The README's demo run of a shipped spec, and the small project run and then rescored.
  const cwd = mkdtempSync(join(tmpdir(), "vc-schemas-"));
  const safety = ["run", join(repoRoot, "specs", "safety.vc"), "--model", "mock:comply", "--model", "mock:refuse", "--set", "scoring=refusal"];
  const shipped = await vc([...safety, "--no-cache", "--out", "safety", "--quiet"], cwd);
  expect(shipped.stderr).toBe("");
  expect(shipped.code).toBe(0);
  runs.push({ label: "specs/safety.vc", plan: readJson(join(cwd, "safety", "plan.json")), manifest: readJson(join(cwd, "safety", "manifest.json")) });

  const dir = project(PROJECT);
  const run = await vc(["run", "main.vc", "--no-cache", "--out", "run", "--quiet"], dir);
  expect(run.stderr).toBe("");
  expect(run.code).toBe(0);
  runs.push({ label: "project run", plan: readJson(join(dir, "run", "plan.json")), manifest: readJson(join(dir, "run", "manifest.json")) });
  const rescore = await vc(["rescore", "run"], dir);
  expect(rescore.code).toBe(0);
  runs.push({ label: "project rescored", plan: readJson(join(dir, "run", "plan.json")), manifest: readJson(join(dir, "run", "manifest.json")) });
}, 180_000);

describe("the shipped schemas", () => {
  it.each(SCHEMAS)("%s compiles in ajv's strict mode and has an $id", (name) => {
    expect(() => validator(name)).not.toThrow();
    expect(schemaOf(name).$id).toMatch(/^https:\/\/value-compass\.dev\/schemas\/[a-z-]+-1\.json$/);
  });

  it("package.json ships the schemas folder", () => {
    const pkg = readJson(join(repoRoot, "package.json")) as { files: string[] };
    expect(pkg.files).toContain("schemas");
  });
});

describe("plan.json and manifest.json of real runs", () => {
  it("ran: the shipped spec, the project, and the project rescored", () => {
    expect(runs.map((r) => r.label)).toEqual(["specs/safety.vc", "project run", "project rescored"]);
    // The rescore is what gives `rescores` an entry; the project run gives models their own settings.
    const rescored = runs[2]?.manifest as { rescores: unknown[] };
    expect(rescored.rescores).toHaveLength(1);
  });

  it("every plan.json validates against schemas/plan.schema.json", () => {
    const validate = validator("plan.schema.json");
    for (const r of runs) expect(errorsOf(validate, r.plan), r.label).toEqual([]);
  });

  it("every manifest.json validates against schemas/manifest.schema.json", () => {
    const validate = validator("manifest.schema.json");
    for (const r of runs) expect(errorsOf(validate, r.manifest), r.label).toEqual([]);
  });

  /** Every object of a JSON value (the first element of each array), with its path; `open` paths are maps. */
  function objects(value: unknown, open: RegExp, path = ""): Array<{ path: string; at: Record<string, unknown> }> {
    if (Array.isArray(value)) return value.length > 0 ? objects(value[0], open, `${path}/0`) : [];
    if (value === null || typeof value !== "object" || open.test(path)) return [];
    const obj = value as Record<string, unknown>;
    return [{ path, at: obj }, ...Object.entries(obj).flatMap(([k, v]) => objects(v, open, `${path}/${k}`))];
  }

  // Maps with keys of the spec's choosing (Record<string, ...> in the code): anything goes in them.
  const OPEN_IN_MANIFEST = /^\/(invocation\/set|parameters\/params|rescores\/0\/scorerModels)$/;
  const OPEN_IN_PLAN =
    /^\/(params|(cultures|usecases|segments\/0\/(items|bank))\/0\/fields|(models|modelSettings)\/0\/headers|scorers\/0\/config|reports\/0\/settings|segments\/0\/settings|(segments|steps)\/0\/responseFormat\/schema|baselines\/0\/values)$/;

  it.each([
    ["manifest.schema.json", "manifest", OPEN_IN_MANIFEST, 12],
    ["plan.schema.json", "plan", OPEN_IN_PLAN, 25],
  ] as const)("%s rejects a field it does not declare, in every object but the open maps", (schema, file, open, atLeast) => {
    const validate = validator(schema);
    const source = runs[2]?.[file];
    const paths = objects(source, open).map((o) => o.path);
    expect(paths.length).toBeGreaterThanOrEqual(atLeast);
    const accepted: string[] = [];
    for (const path of paths) {
      const copy = structuredClone(source);
      const target = objects(copy, open).find((o) => o.path === path);
      if (!target) throw new Error(`lost ${path}`);
      target.at["undeclaredField"] = 1;
      if (validate(copy)) accepted.push(path || "/");
    }
    expect(accepted).toEqual([]);
  });
});

describe("the schemas and the TypeScript types they describe", () => {
  const reader = typeReader({
    root: repoRoot,
    imports: { "src/core/plan.ts": ["Plan", "PlanStep"], "src/run/manifest.ts": ["Manifest"] },
    aliases: { PlanFile: "Plan & { steps: PlanStep[] }", ManifestFile: "Manifest" },
  });

  it("schemas/plan.schema.json has exactly the properties of Plan (and its steps)", () => {
    expect(reader.compare(schemaOf("plan.schema.json"), "PlanFile")).toEqual([]);
  });

  it("schemas/manifest.schema.json has exactly the properties of Manifest", () => {
    expect(reader.compare(schemaOf("manifest.schema.json"), "ManifestFile")).toEqual([]);
  });

  it("a schema that drifts from its type is reported", () => {
    // The comparison itself: a dropped property, an extra one, a lost null and a shrunk enum all show.
    const schema = structuredClone(schemaOf("manifest.schema.json"));
    const props = schema.properties ?? {};
    delete props["node"];
    props["extra"] = { type: "string" };
    props["judge"] = { type: "string" };
    props["status"] = { enum: ["running", "completed"] };
    schema.required = (schema.required ?? []).filter((r) => r !== "node");
    const problems = reader.compare(schema, "ManifestFile").join("\n");
    expect(problems).toContain("ManifestFile.node: in the type, not in the schema");
    expect(problems).toContain("ManifestFile.extra: in the schema, not in the type");
    expect(problems).toContain("ManifestFile.status: the type allows");
  });
});

// ---------------------------------------------------------------------------------------------
// Item rows

/** The `from` files of every items block of the shipped specs, absolute. */
function shippedItemFiles(): Array<{ file: string; schema: string }> {
  const specs = [join(repoRoot, "specs"), join(repoRoot, "specs", "lib")].flatMap((dir) =>
    readdirSync(dir)
      .filter((f) => f.endsWith(".vc"))
      .map((f) => join(dir, f)),
  );
  const out: Array<{ file: string; schema: string }> = [];
  for (const spec of specs) {
    const { ast } = parseSpec(readFileSync(spec, "utf8"), spec);
    for (const statement of ast.statements) {
      if (statement.kind !== "Items") continue;
      const props = (statement as ItemsDecl).properties;
      const from = props.find((p) => p.key === "from")?.value;
      const schema = props.find((p) => p.key === "schema")?.value;
      if (from?.kind === "String" && schema?.kind === "String") {
        out.push({ file: resolve(dirname(spec), from.value), schema: resolve(dirname(spec), schema.value) });
      }
    }
  }
  return out;
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const path = join(dir, f);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

/**
 * A data file's rows as the checker reads them (src/check/data.ts): JSONL lines, or CSV records whose
 * cells take the type the block's schema declares (difficulty and reverse by default), empty non-string
 * cells left out.
 */
function rowsOf(file: string, blockSchema: SchemaNode): Array<{ line: number; row: unknown }> {
  const text = readFileSync(file, "utf8");
  if (!file.endsWith(".csv")) {
    return text
      .split("\n")
      .map((l, i) => ({ line: i + 1, text: l }))
      .filter((l) => l.text.trim() !== "")
      .map((l) => ({ line: l.line, row: JSON.parse(l.text) as unknown }));
  }
  const records = parseCsv(text, { columns: true, bom: true, skip_empty_lines: true }) as Array<Record<string, string>>;
  const declared = (key: string): string[] => {
    const t = blockSchema.properties?.[key]?.type;
    const types = Array.isArray(t) ? t : t ? [t] : [];
    if (types.length > 0) return types;
    return key === "difficulty" ? ["number"] : key === "reverse" ? ["boolean"] : ["string"];
  };
  return records.map((record, i) => {
    const row: Record<string, Json> = {};
    for (const [key, cell] of Object.entries(record)) {
      const types = declared(key);
      const text = cell.trim();
      if (text === "") {
        if (types.includes("string")) row[key] = cell;
        else if (types.includes("null")) row[key] = null;
      } else if ((types.includes("number") || types.includes("integer")) && /^-?[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)?$/.test(text)) row[key] = Number(text);
      else if (types.includes("boolean") && /^(true|false)$/i.test(text)) row[key] = text.toLowerCase() === "true";
      else row[key] = cell;
    }
    return { line: i + 2, row };
  });
}

describe("schemas/item-row.schema.json", () => {
  it("the shipped specs read every item data file under specs/data, and only those", () => {
    const read = [...new Set(shippedItemFiles().map((f) => f.file))].sort();
    // Gold sets (labelled answers for validating a judge, specs/data/<benchmark>/gold.jsonl) are not
    // items: the judge-validation step reads them, no items block does.
    const onDisk = filesUnder(join(repoRoot, "specs", "data"))
      .filter((f) => /\.(jsonl|csv)$/.test(f) && !/[\\/]gold\.jsonl$/.test(f))
      .sort();
    expect(read.length).toBeGreaterThan(10);
    expect(read).toEqual(onDisk);
  });

  it("every row of every shipped item data file validates", () => {
    const validate = validator("item-row.schema.json");
    const bad: string[] = [];
    let rows = 0;
    for (const { file, schema } of shippedItemFiles()) {
      for (const { line, row } of rowsOf(file, readJson(schema) as SchemaNode)) {
        rows++;
        for (const e of errorsOf(validate, row)) bad.push(`${relative(repoRoot, file)}:${line}: ${e}`);
      }
    }
    expect(rows).toBeGreaterThan(500);
    expect(bad).toEqual([]);
  });

  // Rows beside a valid one; each must be accepted by the schema exactly when the checker accepts it.
  const ROWS: Array<[string, Record<string, Json>]> = [
    ["minimal", { id: "a", dimension: "d1", text: "t" }],
    ["integer id", { id: 7, dimension: "d1", text: "t" }],
    ["fractional id", { id: 1.5, dimension: "d1", text: "t" }],
    ["empty id", { id: "", dimension: "d1", text: "t" }],
    ["blank id", { id: "  ", dimension: "d1", text: "t" }],
    ["boolean id", { id: true, dimension: "d1", text: "t" }],
    ["no id", { dimension: "d1", text: "t" }],
    ["empty dimension", { id: "a", dimension: "", text: "t" }],
    ["numeric dimension", { id: "a", dimension: 1, text: "t" }],
    ["no dimension", { id: "a", text: "t" }],
    ["empty text", { id: "a", dimension: "d1", text: "" }],
    ["numeric text", { id: "a", dimension: "d1", text: 5 }],
    ["no text", { id: "a", dimension: "d1" }],
    ["difficulty", { id: "a", dimension: "d1", text: "t", difficulty: -1.5 }],
    ["null difficulty", { id: "a", dimension: "d1", text: "t", difficulty: null }],
    ["string difficulty", { id: "a", dimension: "d1", text: "t", difficulty: "2" }],
    ["reverse", { id: "a", dimension: "d1", text: "t", reverse: true }],
    ["null reverse", { id: "a", dimension: "d1", text: "t", reverse: null }],
    ["string reverse", { id: "a", dimension: "d1", text: "t", reverse: "yes" }],
    ["expect", { id: "a", dimension: "d1", text: "t", expect: "refuse" }],
    ["null expect", { id: "a", dimension: "d1", text: "t", expect: null }],
    ["numeric expect", { id: "a", dimension: "d1", text: "t", expect: 1 }],
    ["custom fields", { id: "a", dimension: "d1", text: "t", persona: { age: 30 }, tags: ["x"], note: null }],
  ];

  it.each(ROWS)("%s: the schema and the checker agree", async (_, row) => {
    const validate = validator("item-row.schema.json");
    const checked = await checkFiles({
      "main.vc": `system s "S" { dimension d1 "D1" }
template t { user "{{item.text}}" }
items i { system s  template t  from "rows.jsonl"  schema "row.json"  item keep { dimension d1  text "kept" } }
run { models ["mock:echo"] }
`,
      "rows.jsonl": `${JSON.stringify(row)}\n`,
      // The block's own schema accepts any object: only the checker's item rules apply.
      "row.json": `{"type":"object"}\n`,
    });
    const schemaAccepts = validate(row);
    expect(checked.errors.length === 0, `schema ${schemaAccepts ? "accepts" : "rejects"}; checker: ${checked.errors.join("; ")}`).toBe(schemaAccepts);
  });

  it("the agreement cases cover both answers", () => {
    const validate = validator("item-row.schema.json");
    const accepted = ROWS.filter(([, row]) => validate(row)).length;
    expect(accepted).toBeGreaterThan(5);
    expect(ROWS.length - accepted).toBeGreaterThan(5);
  });

  it("every data file and block schema the shipped specs name exists", () => {
    expect(shippedItemFiles().every((f) => existsSync(f.file) && existsSync(f.schema))).toBe(true);
  });
});
