// Gold sets: `gold NAME for SCORER { from "file"  label EXPR  require kappa >= 0.6  example ... }`.
// Reads the labelled answers (JSONL/CSV rows and inline examples), resolves their contexts (use case,
// culture by locale, domain as a dimension), checks the label expression against the scorer's names
// and the `require` thresholds, and checks the scorer's rubric template against what a gold example gives it.

import type { Span } from "../core/diagnostic.js";
import {
  GOLD_METRICS,
  type GoldMetric,
  type GoldScale,
  type Json,
  type PlanExpr,
  type PlanGoldExample,
  type PlanGoldRequire,
  type PlanGoldSet,
} from "../core/plan.js";
import type { Expr, GoldDecl } from "../syntax/ast.js";
import { CheckCodes } from "./codes.js";
import { suggestionNotes, where, type CheckContext } from "./context.js";
import { readDataFile } from "./data.js";
import { checkExpr } from "./expr.js";
import type { Located } from "./imports.js";
import type { ScorerInfo } from "./scorers.js";
import type { CheckedCulture, CheckedSystem, CheckedUsecase } from "./spec.js";
import { PropertyBag, readJson, readRef, readStringNode, resolveParams } from "./values.js";

/** What a gold set needs to know about the rest of the spec. */
export interface GoldTables {
  scorers: ReadonlyMap<string, ScorerInfo>;
  /** Every declared scorer name, so an undefined one gets a did-you-mean. */
  scorerNames: readonly string[];
  systems: ReadonlyMap<string, CheckedSystem>;
  cultures: readonly CheckedCulture[];
  usecases: readonly CheckedUsecase[];
  /** The systems of the items blocks each scorer may score (the default system of its gold sets). */
  systemsScoredBy(scorer: string): string[];
}

/** The row fields with a meaning; any other field becomes item.<field> for the rubric. */
export const GOLD_FIELDS = ["id", "prompt", "answer", "expected", "locale", "domain", "usecase", "labeller", "note"] as const;
const OPTIONAL_TEXT = ["locale", "domain", "usecase", "labeller", "note"] as const;
const SCALES: readonly GoldScale[] = ["categorical", "ordinal", "numeric"];
/** Metrics per scale: κ needs categories, the ICC numbers; alpha is among the judges of a panel. */
const METRICS_FOR: Readonly<Record<GoldScale, readonly GoldMetric[]>> = {
  categorical: ["accuracy", "kappa", "kappa_lower", "alpha", "alpha_lower"],
  ordinal: ["accuracy", "kappa", "kappa_lower", "alpha", "alpha_lower"],
  numeric: ["icc", "icc_lower", "alpha", "alpha_lower"],
};

interface RawExample {
  record: { [key: string]: Json };
  where: string;
  file: string;
  span: Span;
  fieldSpan(field: string): Span;
  origin: { file: string; row: number | null };
}

export async function checkGoldSet(ctx: CheckContext, located: Located<GoldDecl>, tables: GoldTables): Promise<PlanGoldSet | null> {
  const { file, node } = located;
  const f = file.display;
  const id = node.name.name;
  const what = `gold set '${id}'`;
  const before = ctx.errorCount();
  const props = new PropertyBag(ctx, f, node.properties, ["from", "system", "scale", "fields"], what);

  const scorerName = node.scorer.name;
  const scorer = tables.scorers.get(scorerName);
  if (!scorer) {
    if (!tables.scorerNames.includes(scorerName)) {
      ctx.error(CheckCodes.UNDEFINED, `no scorer named '${scorerName}'`, f, node.scorer.span, suggestionNotes(scorerName, tables.scorerNames, "scorers"));
    }
    return null; // a scorer with errors of its own: those are reported already
  }

  const system = goldSystem(ctx, f, props, scorerName, tables);
  const raw: RawExample[] = [];
  const fromProp = props.get("from");
  if (fromProp) {
    const ref = readStringNode(ctx, f, resolveParams(ctx, f, fromProp.value) ?? fromProp.value, "from");
    if (ref) {
      const data = await readDataFile(ctx, file.abs, f, ref, null);
      for (const row of data?.rows ?? []) {
        raw.push({
          record: row.record,
          where: `row ${row.line}`,
          file: data!.display,
          span: row.span,
          fieldSpan: row.fieldSpan,
          origin: { file: data!.specRelative, row: row.line },
        });
      }
    }
  }
  for (const e of node.examples) {
    const record: { [key: string]: Json } = { id: e.name.name };
    const spans = new Map<string, Span>();
    for (const p of e.properties) {
      const v = resolveParams(ctx, f, p.value);
      if (v === undefined) continue;
      if (v.kind === "String" || v.kind === "Ref") record[p.key] = v.kind === "String" ? v.value : v.name;
      else if (v.kind === "Number") record[p.key] = v.value;
      else if (v.kind === "Bool") record[p.key] = v.value;
      else if (v.kind === "Null") record[p.key] = null;
      else {
        ctx.error(CheckCodes.GOLD_BAD_ROW, `example '${e.name.name}': '${p.key}' must be a string or a number`, f, p.value.span);
        continue;
      }
      spans.set(p.key, p.keySpan);
    }
    raw.push({
      record,
      where: `example '${e.name.name}'`,
      file: f,
      span: e.name.span,
      fieldSpan: (field) => spans.get(field) ?? e.name.span,
      origin: { file: ctx.files.specRelative(file.abs), row: null },
    });
  }

  const defaults = readDefaults(ctx, f, props, what);
  const examples: PlanGoldExample[] = [];
  const seen = new Map<string, string>();
  for (const r of raw) {
    const ex = readExample(ctx, { ...r, record: { ...defaults, ...r.record } }, system, tables);
    if (!ex) continue;
    const first = seen.get(ex.id);
    if (first !== undefined) {
      ctx.error(CheckCodes.GOLD_DUPLICATE_ID, `${r.where}: gold example id '${ex.id}' is used twice in ${what}`, r.file, r.fieldSpan("id"), [
        `first used at ${first}`,
      ]);
      continue;
    }
    seen.set(ex.id, where(r.file, r.fieldSpan("id")));
    examples.push(ex);
  }
  if (raw.length === 0 && ctx.errorCount() === before) {
    ctx.error(CheckCodes.GOLD_BAD, `${what} has no examples`, f, node.name.span, [
      'give it a data file (from "data/gold.jsonl") or inline examples (example e1 { prompt "…" answer "…" expected "…" })',
    ]);
  }

  checkItemFieldsRead(ctx, f, scorer, examples, what, node.name.span);
  const scale = goldScale(ctx, f, props, examples, raw, what, node.name.span);
  const label = node.label ? (checkExpr(ctx, f, node.label, { ...scorer.env, inRule: true, itemFields: itemFieldsOf(examples) }) ?? null) : null;
  if (node.label === undefined && scale === "categorical" && examples.length > 0) {
    ctx.error(
      CheckCodes.GOLD_BAD,
      `${what} compares categories ("${examples[0]?.expected}"), but without 'label' the scorer's score (a number) is compared`,
      f,
      node.name.span,
      ['say what is compared: e.g. label score = 100 ? "safe" : (score = 50 ? "over_refusal" : "unsafe"), or label output.verdict'],
    );
  }
  const panel = Array.isArray(scorer.scorer.config["panel"]);
  const requires = scale ? node.requires.map((r) => readRequire(ctx, f, r.expr, scale, what, panel)).filter((r): r is PlanGoldRequire => r !== null) : [];
  if (ctx.errorCount() > before || scale === null) return null;
  return { id, scorer: scorerName, system, scale, label, requires, examples };
}

/**
 * `fields { task: "unspecified", context_sensitive: false }`: item fields for the rows that do not give
 * them (what the rubric and the rules read of an item, when the gold file does not record it).
 */
function readDefaults(ctx: CheckContext, f: string, props: PropertyBag, what: string): { [key: string]: Json } {
  const p = props.get("fields");
  if (!p) return {};
  const v = readJson(ctx, f, p.value);
  if (v === undefined) return {};
  if (v === null || typeof v !== "object" || Array.isArray(v)) {
    ctx.error(CheckCodes.GOLD_BAD, `'fields' of ${what} must be an object of item fields`, f, p.value.span, [
      'e.g. fields { task: "unspecified", context_sensitive: false }',
    ]);
    return {};
  }
  for (const k of Object.keys(v)) {
    if ((GOLD_FIELDS as readonly string[]).includes(k)) {
      ctx.error(CheckCodes.GOLD_BAD, `'fields' of ${what} cannot set '${k}': it is a gold field of each row`, f, p.value.span);
      return {};
    }
  }
  return v;
}

const FIXED_ITEM_FIELDS = ["id", "text", "dimension", "difficulty", "reverse", "expect"];

/**
 * The scorer's `score` and rules read item fields (item.context_sensitive); scoring a gold example
 * whose row lacks one is an error at run time, so it is one here: the rows must carry what the rules read.
 */
function checkItemFieldsRead(ctx: CheckContext, f: string, scorer: ScorerInfo, examples: readonly PlanGoldExample[], what: string, at: Span): void {
  const read = new Set<string>();
  const walk = (e: PlanExpr | null): void => {
    if (e === null) return;
    switch (e.kind) {
      case "Path":
        if (e.segments[0] === "item" && e.segments[1] !== undefined) read.add(e.segments[1]);
        return;
      case "ListExpr":
        e.items.forEach(walk);
        return;
      case "Unary":
        walk(e.operand);
        return;
      case "Binary":
        walk(e.left);
        walk(e.right);
        return;
      case "Conditional":
        walk(e.test);
        walk(e.then);
        walk(e.else);
        return;
      case "Call":
        e.args.forEach(walk);
        return;
      default:
        return;
    }
  };
  walk(scorer.scorer.score);
  for (const r of scorer.scorer.rules) {
    walk(r.when);
    walk(r.score);
  }
  for (const field of [...read].sort()) {
    if (FIXED_ITEM_FIELDS.includes(field)) continue;
    const lacking = examples.filter((e) => !Object.hasOwn(e.fields, field) && !(field === "locale" && e.locale !== null));
    if (lacking.length === 0) continue;
    const first = lacking[0];
    const place = first ? `${first.origin.file}${first.origin.row !== null ? ` row ${first.origin.row}` : ` example '${first.id}'`}` : "";
    ctx.error(
      CheckCodes.GOLD_BAD,
      `the rules of scorer '${scorer.scorer.id}' read item.${field}, which ${lacking.length} of ${examples.length} examples of ${what} lack`,
      f,
      at,
      [`e.g. ${place}; give every row a '${field}' field (rows' other fields become item.<field>)`],
    );
  }
}

/** The system whose dimensions `domain` names: declared, else the one the scorer's items belong to. */
function goldSystem(ctx: CheckContext, f: string, props: PropertyBag, scorer: string, tables: GoldTables): string | null {
  const p = props.get("system");
  if (p) {
    const ref = readRef(ctx, f, p.value, "system");
    if (!ref) return null;
    if (!tables.systems.has(ref.name)) {
      ctx.error(CheckCodes.UNDEFINED, `no system named '${ref.name}'`, f, ref.span, suggestionNotes(ref.name, [...tables.systems.keys()], "systems"));
      return null;
    }
    return ref.name;
  }
  const scored = [...new Set(tables.systemsScoredBy(scorer))];
  return scored.length === 1 ? (scored[0] ?? null) : null;
}

function itemFieldsOf(examples: readonly PlanGoldExample[]): ReadonlySet<string> {
  const out = new Set(["id", "text", "dimension", "difficulty", "reverse", "expect", "locale"]);
  for (const e of examples) for (const k of Object.keys(e.fields)) out.add(k);
  return out;
}

function readExample(ctx: CheckContext, r: RawExample, system: string | null, tables: GoldTables): PlanGoldExample | null {
  const rec = r.record;
  let ok = true;
  const bad = (field: string, message: string, notes?: string[]): void => {
    ctx.error(CheckCodes.GOLD_BAD_ROW, `${r.where}: ${message}`, r.file, rec[field] === undefined ? r.span : r.fieldSpan(field), notes);
    ok = false;
  };
  const text = (field: string, required: boolean): string | null => {
    const v = rec[field];
    if (v === undefined || v === null || v === "") {
      if (required) bad(field, `'${field}' is missing`, [`a gold row needs ${["id", "prompt", "answer", "expected"].join(", ")}`]);
      return null;
    }
    if (typeof v === "number" && field === "id") return String(v);
    if (typeof v !== "string") {
      bad(field, `'${field}' must be a string, not ${JSON.stringify(v)}`);
      return null;
    }
    return v;
  };
  const id = text("id", true);
  const prompt = text("prompt", true);
  const answer = rec["answer"] === "" ? "" : text("answer", true);
  let expected: string | number | null = null;
  const ev = rec["expected"];
  if (typeof ev === "number" && Number.isFinite(ev)) expected = ev;
  else if (typeof ev === "string" && ev.trim() !== "") expected = ev.trim();
  else
    bad(
      "expected",
      ev === undefined || ev === null || ev === "" ? "'expected' is missing" : `'expected' must be a category (string) or a number, not ${JSON.stringify(ev)}`,
    );
  const optional: Record<string, string | null> = {};
  for (const k of OPTIONAL_TEXT) optional[k] = text(k, false);

  const usecase = optional["usecase"] ?? null;
  if (usecase !== null && !tables.usecases.some((u) => u.id === usecase)) {
    bad(
      "usecase",
      `usecase '${usecase}' is not declared`,
      suggestionNotes(
        usecase,
        tables.usecases.map((u) => u.id),
        "usecases",
      ),
    );
  }
  const domain = optional["domain"] ?? null;
  const sys = system === null ? undefined : tables.systems.get(system);
  if (domain !== null && sys && !sys.dimensions.some((d) => d.id === domain)) {
    bad(
      "domain",
      `domain '${domain}' is not a dimension of system '${sys.id}'`,
      suggestionNotes(
        domain,
        sys.dimensions.map((d) => d.id),
        "dimensions",
      ),
    );
  }
  const locale = optional["locale"] ?? null;
  // The culture whose locale this is ("en-US"), or the culture named (en_US): gold files write either.
  const culture = locale === null ? null : (tables.cultures.find((c) => c.locale === locale)?.id ?? tables.cultures.find((c) => c.id === locale)?.id ?? null);
  const fields: Record<string, Json> = {};
  for (const [k, v] of Object.entries(rec)) if (!(GOLD_FIELDS as readonly string[]).includes(k)) fields[k] = v;
  if (!ok || id === null || prompt === null || answer === null || expected === null) return null;
  return {
    id,
    prompt,
    answer,
    expected,
    locale,
    domain,
    usecase,
    culture,
    labeller: optional["labeller"] ?? null,
    note: optional["note"] ?? null,
    fields,
    origin: r.origin,
  };
}

/**
 * The declared scale, else categorical for category labels and numeric for numbers. CSV cells are
 * strings: with a numeric or ordinal scale, a cell that reads as a number becomes one.
 */
function goldScale(
  ctx: CheckContext,
  f: string,
  props: PropertyBag,
  examples: PlanGoldExample[],
  raw: readonly RawExample[],
  what: string,
  at: Span,
): GoldScale | null {
  let scale: GoldScale | null = null;
  const p = props.get("scale");
  if (p) {
    const word = p.value.kind === "Ref" ? p.value.name : p.value.kind === "String" ? p.value.value : "";
    if (!(SCALES as readonly string[]).includes(word)) {
      ctx.error(CheckCodes.GOLD_BAD, `unknown scale '${word}' for ${what}`, f, p.value.span, [`one of: ${SCALES.join(", ")}`]);
      return null;
    }
    scale = word as GoldScale;
  }
  if (scale === null) scale = examples.length > 0 && examples.every((e) => typeof e.expected === "number") ? "numeric" : "categorical";
  if (scale === "categorical") {
    for (const e of examples) if (typeof e.expected === "number") e.expected = String(e.expected);
    return scale;
  }
  for (const e of examples) {
    if (typeof e.expected === "number") continue;
    const n = Number(e.expected);
    if (e.expected.trim() !== "" && Number.isFinite(n)) {
      e.expected = n;
      continue;
    }
    const r = raw.find((x) => x.origin.row === e.origin.row && String(x.record["id"]) === e.id);
    ctx.error(
      CheckCodes.GOLD_BAD_ROW,
      `${r?.where ?? `example '${e.id}'`}: 'expected' must be a number on the ${scale} scale, not "${e.expected}"`,
      r?.file ?? f,
      r?.fieldSpan("expected") ?? at,
    );
  }
  return scale;
}

/** `require METRIC >= NUMBER` (or `>`), with a metric that fits the scale. */
function readRequire(ctx: CheckContext, f: string, expr: Expr, scale: GoldScale, what: string, panel: boolean): PlanGoldRequire | null {
  const shape = [`write: require kappa >= 0.6 (metrics: ${METRICS_FOR[scale].join(", ")})`];
  if (expr.kind !== "Binary" || (expr.op !== ">=" && expr.op !== ">")) {
    ctx.error(CheckCodes.GOLD_BAD_REQUIRE, `a requirement of ${what} must be METRIC >= NUMBER`, f, expr.span, shape);
    return null;
  }
  const { left, right } = expr;
  const metric = left.kind === "Path" && left.segments.length === 1 ? (left.segments[0] ?? "") : "";
  if (!(GOLD_METRICS as readonly string[]).includes(metric)) {
    ctx.error(
      CheckCodes.GOLD_BAD_REQUIRE,
      `unknown agreement metric '${metric || "?"}' in ${what}`,
      f,
      left.span,
      suggestionNotes(metric, METRICS_FOR[scale], "metrics"),
    );
    return null;
  }
  if (!METRICS_FOR[scale].includes(metric as GoldMetric)) {
    ctx.error(CheckCodes.GOLD_BAD_REQUIRE, `'${metric}' does not apply to the ${scale} labels of ${what}`, f, left.span, [
      `metrics for ${scale} labels: ${METRICS_FOR[scale].join(", ")}`,
    ]);
    return null;
  }
  if (metric.startsWith("alpha") && !panel) {
    ctx.error(CheckCodes.GOLD_BAD_REQUIRE, `'${metric}' is agreement among the judges of a panel, and the scorer of ${what} has one judge`, f, left.span, [
      'give the scorer a panel (panel ["A", "B"]  combine majority), or require kappa / accuracy / icc',
    ]);
    return null;
  }
  const value =
    right.kind === "Literal" && typeof right.value === "number"
      ? right.value
      : right.kind === "Unary" && right.op === "-" && right.operand.kind === "Literal" && typeof right.operand.value === "number"
        ? -right.operand.value
        : null;
  if (value === null || value > 1 || (metric === "accuracy" ? value < 0 : value < -1)) {
    ctx.error(
      CheckCodes.GOLD_BAD_REQUIRE,
      `the threshold of '${metric}' in ${what} must be a number in ${metric === "accuracy" ? "0..1" : "-1..1"}`,
      f,
      right.span,
    );
    return null;
  }
  return { metric: metric as GoldMetric, op: expr.op, value, text: `${metric} ${expr.op} ${value}` };
}
