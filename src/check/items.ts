// Items blocks: which system and template, which scorers, which contexts, and the items themselves
// (inline `item` blocks and rows of a data file). Every item's dimension must belong to the block's
// system, and item ids are unique within a block.

import type { Span } from "../core/diagnostic.js";
import { itemModels, namesModel } from "../core/item-models.js";
import type { Json } from "../core/plan.js";
import type { ItemDecl, ItemsDecl, StringValue, Value } from "../syntax/ast.js";
import { CheckCodes } from "./codes.js";
import { suggestionNotes, where, type CheckContext } from "./context.js";
import { readDataFile, type DataRow } from "./data.js";
import type { Table } from "./decls.js";
import type { Located } from "./imports.js";
import { readOutputSchema } from "./outputs.js";
import { contextName, readContextRefs } from "./run.js";
import type { SchemaLoader } from "./schemas.js";
import type { CheckedItem, CheckedItemSet, CheckedRun, CheckedSystem } from "./spec.js";
import { PropertyBag, describeValue, readBool, readJson, readNumber, readRef, readString, readStringNode, resolveParams, type NameRef } from "./values.js";
import { BLOCKS } from "../syntax/vocabulary.js";

const ITEMS_KEYS = BLOCKS.items.properties;
const ITEM_FIXED = ["dimension", "text", "difficulty", "reverse", "expect"];

export interface ItemSetInfo {
  set: CheckedItemSet;
  decl: Located<ItemsDecl>;
  /** False when some items could not be read (errors already reported). */
  complete: boolean;
  templateRef: NameRef | null;
  scorerRefs: NameRef[];
  /**
   * Every scorer the block can be scored with: the ones it names, and every scorer a `$param` in its
   * list may select (the param's `one of` values, else its value). The checker checks the block
   * against all of them, so `--set` cannot uncover new errors, and none of them is "unused".
   */
  scorerCandidates: string[];
  /** Effective contexts: null when the kind is not crossed; a null entry is `none`. */
  cultures: Array<string | null> | null;
  usecases: Array<string | null> | null;
}

export interface ItemTables {
  systems: Map<string, CheckedSystem>;
  systemTable: Table<unknown>;
  templates: Table<unknown>;
  scorers: Table<unknown>;
  cultures: Table<unknown>;
  usecases: Table<unknown>;
  run: CheckedRun;
  /** Problems with a param's value are reported once, not once per items block that uses it. */
  reportedParamProblems: Set<string>;
}

/**
 * `scorers [harmless, $scoring]`: scorer names, and params whose value is a scorer name or a list of
 * them. A name a param gives that is not a scorer is reported where the value comes from: the param's
 * default (or one of its `one of` values) in the spec, or `<command line>` after --set.
 */
function readScorers(ctx: CheckContext, f: string, value: Value, what: string, tables: ItemTables): { refs: NameRef[]; candidates: string[] } {
  const refs: NameRef[] = [];
  const candidates: string[] = [];
  const addCandidate = (name: string) => {
    if (!candidates.includes(name)) candidates.push(name);
  };
  const entries: Value[] = value.kind === "List" ? value.items : [value];
  for (const e of entries) {
    if (e.kind === "Ref") {
      if (!tables.scorers.resolve(ctx, e.name, f, e.span)) continue;
      if (refs.some((s) => s.name === e.name)) {
        ctx.error(CheckCodes.DUPLICATE, `scorer '${e.name}' is listed twice`, f, e.span);
        continue;
      }
      refs.push({ name: e.name, span: e.span });
      addCandidate(e.name);
      continue;
    }
    if (e.kind !== "Param") {
      ctx.error(CheckCodes.WRONG_TYPE, `each entry of scorers must be a scorer name or a $param, got ${describeValue(e)}`, f, e.span);
      continue;
    }
    const param = ctx.params.get(e.name);
    if (!param) {
      resolveParams(ctx, f, e); // reports the undefined param
      continue;
    }
    const names = scorerNames(param.value);
    if (names === null) {
      ctx.error(
        CheckCodes.WRONG_TYPE,
        `$${e.name} must be a scorer name (a string) or a list of them to be used in scorers, got ${JSON.stringify(param.value)}`,
        f,
        e.span,
      );
      continue;
    }
    const once = (key: string, report: () => void) => {
      if (tables.reportedParamProblems.has(key)) return;
      tables.reportedParamProblems.add(key);
      report();
    };
    for (const name of names) {
      // With `one of`, the value is one of the choices (else VC1305 said so) and the choices are checked below.
      if (!tables.scorers.has(name) && param.choices !== null) continue;
      if (!tables.scorers.has(name)) {
        once(`${e.name}\u0000value\u0000${name}`, () =>
          ctx.error(
            CheckCodes.UNDEFINED,
            `no scorer named '${name}' (the value of $${e.name}, used in the scorers of ${what})`,
            param.origin.file,
            param.origin.span,
            [...suggestionNotes(name, tables.scorers.names, "scorers"), `used at ${where(f, e.span)}`],
          ),
        );
        continue;
      }
      addCandidate(name);
      // A param may repeat a name listed beside it (`[judge, $scoring]` with scoring=judge): counted once.
      if (!refs.some((s) => s.name === name)) refs.push({ name, span: e.span });
    }
    for (const choice of param.choices ?? []) {
      const choiceNames = scorerNames(choice.value);
      if (choiceNames === null) {
        once(`${e.name}\u0000choice\u0000${JSON.stringify(choice.value)}`, () =>
          ctx.error(
            CheckCodes.WRONG_TYPE,
            `$${e.name} is used in scorers, so each of its values must be a scorer name or a list of them, got ${JSON.stringify(choice.value)}`,
            param.decl.file,
            choice.span,
          ),
        );
        continue;
      }
      for (const name of choiceNames) {
        if (tables.scorers.has(name)) addCandidate(name);
        else {
          once(`${e.name}\u0000choice\u0000${name}`, () =>
            ctx.error(
              CheckCodes.UNDEFINED,
              `no scorer named '${name}' (an allowed value of $${e.name}, used in the scorers of ${what})`,
              param.decl.file,
              choice.span,
              suggestionNotes(name, tables.scorers.names, "scorers"),
            ),
          );
        }
      }
    }
  }
  return { refs, candidates };
}

function scorerNames(v: Json): string[] | null {
  if (typeof v === "string") return [v];
  if (Array.isArray(v) && v.every((x): x is string => typeof x === "string")) return v;
  return null;
}

export async function checkItemSet(ctx: CheckContext, located: Located<ItemsDecl>, tables: ItemTables, schemas: SchemaLoader): Promise<ItemSetInfo> {
  const { file, node } = located;
  const f = file.display;
  const id = node.name.name;
  const what = `items '${id}'`;
  const props = new PropertyBag(ctx, f, node.properties, ITEMS_KEYS, what);
  let complete = true;

  const systemProp = props.require("system", node.name.span, "e.g. system schwartz");
  const systemRef = systemProp ? readRef(ctx, f, systemProp.value, "system") : undefined;
  const system = systemRef && tables.systemTable.resolve(ctx, systemRef.name, f, systemRef.span) ? tables.systems.get(systemRef.name) : undefined;
  if (!system) complete = false;

  const templateProp = props.require("template", node.name.span, "e.g. template ask");
  const templateRef = (templateProp && readRef(ctx, f, templateProp.value, "template")) ?? null;
  if (templateRef) tables.templates.resolve(ctx, templateRef.name, f, templateRef.span);

  const scorersProp = props.get("scorers");
  const { refs: scorerRefs, candidates: scorerCandidates } = scorersProp ? readScorers(ctx, f, scorersProp.value, what, tables) : { refs: [], candidates: [] };

  // Contexts: a block may narrow the run's cultures / usecases.
  type Contexts = Array<string | null>;
  const restrict = (kind: "culture" | "usecase"): { restriction: Contexts | null; effective: Contexts | null } => {
    const key = kind === "culture" ? "cultures" : "usecases";
    const crossed = tables.run.cross.includes(kind);
    const runList = kind === "culture" ? tables.run.cultures : tables.run.usecases;
    const p = props.get(key);
    if (!p) return { restriction: null, effective: crossed ? runList : null };
    const refs = readContextRefs(ctx, f, p.value, key, kind === "culture" ? tables.cultures : tables.usecases);
    if (refs === undefined) return { restriction: null, effective: crossed ? runList : null };
    if (!crossed) {
      ctx.warn(CheckCodes.RESTRICTION_WITHOUT_CROSS, `${what} lists ${key}, but the run does not cross ${kind}, so the list has no effect`, f, p.keySpan, [
        `add ${kind} to the run's cross list`,
      ]);
      return { restriction: refs.map((r) => r.name), effective: null };
    }
    for (const r of refs) {
      if (!runList.includes(r.name)) {
        ctx.error(CheckCodes.CONTEXT_NOT_CROSSED, `${kind} '${contextName(r.name)}' is not among the run's ${key}`, f, r.span, [
          `the run crosses: ${runList.map(contextName).join(", ")}`,
          ...(r.name === null ? [`add ${contextName(null)} to the run's ${key} to have combinations without a ${kind}`] : []),
        ]);
      }
    }
    const names = refs.map((r) => r.name);
    return { restriction: names, effective: runList.filter((c) => names.includes(c)) };
  };
  const cultures = restrict("culture");
  const usecases = restrict("usecase");

  // Per-model item sets: `only models [...]` here, a `models` field on items (both matched by namesModel).
  const runModels = tables.run.models.map((m) => m.id);
  const onlyModels = readOnlyModels(ctx, f, node, runModels, what);
  const checkItemModels = (item: CheckedItem, at: { file: string; span: Span }) => {
    const value = item.fields["models"];
    if (value === undefined || value === null) return;
    const isNames = typeof value === "string" || (Array.isArray(value) && value.every((v) => typeof v === "string"));
    if (!isNames) {
      ctx.error(
        CheckCodes.WRONG_TYPE,
        `the models field of item '${item.id}' must be a list of model names or one string of them, got ${JSON.stringify(value)}`,
        at.file,
        at.span,
      );
      return;
    }
    for (const name of itemModels(item) ?? []) {
      if (!runModels.some((m) => namesModel(name, m))) {
        ctx.warn(CheckCodes.MODEL_NOT_IN_RUN, `item '${item.id}' is for model '${name}', which the run does not evaluate`, at.file, at.span, [
          ...suggestionNotes(name, runModels, "run models"),
          "the item is not asked of it; an item none of whose models is in the run makes no steps",
        ]);
      } else if (onlyModels !== null && !onlyModels.some((m) => namesModel(name, m))) {
        ctx.warn(CheckCodes.MODEL_NOT_IN_RUN, `item '${item.id}' is for model '${name}', which ${what} leave out with only models`, at.file, at.span, [
          `only models: ${onlyModels.join(", ")}`,
          "an item is asked of the models its field and the block's only models both name",
        ]);
      }
    }
  };

  // Structured output of the evaluated model.
  let responseFormat: CheckedItemSet["responseFormat"] = null;
  const outputProp = props.get("output");
  if (outputProp) {
    const out = await readOutputSchema(ctx, file, outputProp.value, schemas, `output of ${what}`);
    if (out) responseFormat = { name: id, schema: out.schema };
  }

  // Items: inline first, then the data file (both in written order).
  const items: CheckedItem[] = [];
  const firstSeen = new Map<string, { file: string; span: Span }>();
  const addItem = (item: CheckedItem, at: { file: string; span: Span }) => {
    const prev = firstSeen.get(item.id);
    if (prev) {
      ctx.error(CheckCodes.DUPLICATE_ITEM, `item id '${item.id}' is used twice in ${what}`, at.file, at.span, [`first used at ${where(prev.file, prev.span)}`]);
      complete = false;
      return;
    }
    firstSeen.set(item.id, at);
    items.push(item);
    checkItemModels(item, at);
  };
  const dimCheck = (dimension: string, file: string, span: Span, prefix: string): boolean => {
    if (!system) return true;
    if (system.dimensions.some((d) => d.id === dimension)) return true;
    const other = [...tables.systems.values()].find((s) => s.dimensions.some((d) => d.id === dimension));
    if (other) {
      ctx.error(
        CheckCodes.WRONG_SYSTEM,
        `${prefix}dimension '${dimension}' belongs to system '${other.id}', but ${what} are items of '${system.id}'`,
        file,
        span,
      );
    } else {
      ctx.error(
        CheckCodes.UNDEFINED,
        `${prefix}no dimension '${dimension}' in system '${system.id}'`,
        file,
        span,
        suggestionNotes(
          dimension,
          system.dimensions.map((d) => d.id),
          "dimensions",
        ),
      );
    }
    return false;
  };

  const specRelative = ctx.files.specRelative(file.abs);
  for (const decl of node.items) {
    const item = inlineItem(ctx, f, decl, specRelative, dimCheck);
    if (item) addItem(item, { file: f, span: decl.name.span });
    else complete = false;
  }

  const fromProp = props.get("from");
  const schemaProp = props.get("schema");
  if (fromProp) {
    const fromRef = readStringNode(ctx, f, fromProp.value, "from");
    let schemaRef: StringValue | undefined;
    if (!schemaProp) {
      ctx.error(CheckCodes.MISSING_PROPERTY, `${what} reads items from a file, so it needs 'schema'`, f, fromProp.keySpan, [
        'each data row is validated against it: schema "schemas/my-items.json"',
      ]);
    } else schemaRef = readStringNode(ctx, f, schemaProp.value, "schema");
    const schema = schemaRef ? await schemas.load(file.abs, f, schemaRef) : null;
    if (fromRef && schemaRef && schema) {
      const data = await readDataFile(ctx, file.abs, f, fromRef, schema);
      if (!data?.complete) complete = false;
      for (const row of data?.rows ?? []) {
        const item = rowItem(ctx, data!.display, data!.specRelative, row, dimCheck);
        if (item) addItem(item, { file: data!.display, span: row.span });
        else complete = false;
      }
    } else complete = false;
  } else if (schemaProp) {
    ctx.error(CheckCodes.CONFLICTING_PROPERTIES, `'schema' validates data rows, but ${what} has no 'from' file`, f, schemaProp.keySpan);
  }
  if (node.items.length === 0 && !fromProp) {
    ctx.error(CheckCodes.MISSING_PROPERTY, `${what} has no items`, f, node.name.span, [
      'add inline `item NAME { ... }` blocks or read them with `from "data/x.jsonl"`',
    ]);
  }

  return {
    set: {
      id,
      system: system?.id ?? systemRef?.name ?? "",
      template: templateRef?.name ?? "",
      scorers: scorerRefs.map((r) => r.name),
      items,
      cultures: cultures.restriction,
      usecases: usecases.restriction,
      models: onlyModels,
      responseFormat,
      adaptive: null,
    },
    decl: located,
    complete,
    templateRef,
    scorerRefs,
    scorerCandidates,
    cultures: cultures.effective,
    usecases: usecases.effective,
  };
}

/**
 * `only models ["ollama:llama3.2", ...]`: the run's models (in run order) that answer the block's items;
 * null without the clause. A name that stands for no run model is a warning (VC1909), not an error, so
 * a replay spec keeps working when `--model` evaluates fewer models; an empty list is an error (VC1404).
 */
function readOnlyModels(ctx: CheckContext, f: string, node: ItemsDecl, runModels: readonly string[], what: string): string[] | null {
  const [clause, ...extra] = node.only;
  for (const e of extra) {
    ctx.error(
      CheckCodes.DUPLICATE_PROPERTY,
      `only models is given twice in ${what}`,
      f,
      e.keySpan,
      clause ? [`first given at ${where(f, clause.keySpan)}`] : [],
    );
  }
  if (!clause) return null;
  if (clause.list.items.length === 0) {
    ctx.error(CheckCodes.EMPTY_CONTEXT_LIST, `only models [] in ${what} selects no model, so the block would make no steps`, f, clause.keySpan, [
      "leave the clause out to ask every run model",
    ]);
    return null;
  }
  const names: string[] = [];
  for (const v of clause.list.items) {
    // Model ids hold ':' and so are strings; a bare word (`only models [llama3]`) is accepted as its text.
    const name = v.kind === "Ref" ? v.name : v.kind === "String" ? v.value : null;
    if (name === null) {
      ctx.error(CheckCodes.WRONG_TYPE, `each entry of only models must be a model id (a string), got ${describeValue(v)}`, f, v.span);
      continue;
    }
    if (names.includes(name)) {
      ctx.error(CheckCodes.DUPLICATE, `model '${name}' is listed twice in only models`, f, v.span);
      continue;
    }
    names.push(name);
    if (!runModels.some((m) => namesModel(name, m))) {
      ctx.warn(CheckCodes.MODEL_NOT_IN_RUN, `only models names '${name}', which the run does not evaluate`, f, v.span, [
        ...suggestionNotes(name, [...runModels], "run models"),
        "no step is made for it",
      ]);
    }
  }
  return runModels.filter((m) => names.some((n) => namesModel(n, m)));
}

type DimCheck = (dimension: string, file: string, span: Span, prefix: string) => boolean;

function inlineItem(ctx: CheckContext, f: string, decl: ItemDecl, specRelative: string, dimCheck: DimCheck): CheckedItem | null {
  const id = decl.name.name;
  const what = `item '${id}'`;
  const props = new PropertyBag(ctx, f, decl.properties, null, what);
  const before = ctx.errorCount();
  let dimension = "";
  const dimProp = props.require("dimension", decl.name.span);
  if (dimProp) {
    const v = dimProp.value;
    if (v.kind === "Ref") dimension = v.name;
    else dimension = readString(ctx, f, v, `${what} dimension`) ?? "";
    if (dimension) dimCheck(dimension, f, v.span, "");
  }
  const textProp = props.require("text", decl.name.span);
  const text = textProp ? (readString(ctx, f, textProp.value, `${what} text`) ?? "") : "";
  const diffProp = props.get("difficulty");
  const revProp = props.get("reverse");
  const expProp = props.get("expect");
  const difficulty = diffProp ? (readNumber(ctx, f, diffProp.value, "difficulty") ?? null) : null;
  const reverse = revProp ? (readBool(ctx, f, revProp.value, "reverse") ?? false) : false;
  const expect = expProp ? (readString(ctx, f, expProp.value, "expect") ?? null) : null;
  const fields: Record<string, Json> = {};
  for (const p of props.ordered) {
    if (ITEM_FIXED.includes(p.key)) continue;
    if (p.key === "id") {
      ctx.error(CheckCodes.UNKNOWN_PROPERTY, `'id' cannot be set as a property: the item's name is its id`, f, p.keySpan);
      continue;
    }
    const v = readJson(ctx, f, p.value);
    if (v !== undefined) fields[p.key] = v;
  }
  if (ctx.errorCount() > before) return null;
  return { id, dimension, text, difficulty, reverse, expect, fields, origin: { file: specRelative, row: null } };
}

function rowItem(ctx: CheckContext, display: string, specRelative: string, row: DataRow, dimCheck: DimCheck): CheckedItem | null {
  const r = row.record;
  const prefix = `row ${row.line}: `;
  const bad = (field: string, message: string): null => {
    ctx.error(CheckCodes.DATA_BAD_FIELD, `${prefix}${message}`, display, r[field] === undefined ? row.span : row.fieldSpan(field));
    return null;
  };
  const rawId = r.id;
  const id = typeof rawId === "string" && rawId.trim() !== "" ? rawId : typeof rawId === "number" && Number.isInteger(rawId) ? String(rawId) : null;
  if (id === null) return bad("id", rawId === undefined ? "every item needs an 'id'" : "'id' must be a non-empty string");
  if (typeof r.dimension !== "string" || r.dimension === "") {
    return bad("dimension", r.dimension === undefined ? "every item needs a 'dimension'" : "'dimension' must be a string");
  }
  if (typeof r.text !== "string") return bad("text", r.text === undefined ? "every item needs a 'text'" : "'text' must be a string");
  const difficulty = r.difficulty ?? null;
  if (difficulty !== null && (typeof difficulty !== "number" || !Number.isFinite(difficulty))) {
    return bad("difficulty", "'difficulty' must be a number");
  }
  const reverse = r.reverse ?? false;
  if (typeof reverse !== "boolean") return bad("reverse", "'reverse' must be true or false");
  const expect = r.expect ?? null;
  if (expect !== null && typeof expect !== "string") return bad("expect", "'expect' must be a string");
  if (!dimCheck(r.dimension, display, row.fieldSpan("dimension"), prefix)) return null;
  const fields: Record<string, Json> = {};
  for (const [k, v] of Object.entries(r)) {
    if (k === "id" || ITEM_FIXED.includes(k)) continue;
    fields[k] = v;
  }
  return {
    id,
    dimension: r.dimension,
    text: r.text,
    difficulty: typeof difficulty === "number" ? difficulty : null,
    reverse,
    expect: typeof expect === "string" ? expect : null,
    fields,
    origin: { file: specRelative, row: row.line },
  };
}
