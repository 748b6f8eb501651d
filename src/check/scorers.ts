// Scorers and rules: the kind decides which settings are required and which names expressions may
// read (`output` for a judge, `rating` for likert ...). Rules declared at top level with
// `rule NAME for SCORER` join the scorer's own rules, after them.

import { readdirSync } from "node:fs";
import type { Json, PlanExpr } from "../core/plan.js";
import { dataPath } from "../score/data-path.js";
import { parsePhraseFile } from "../score/refusal-phrases.js";
import type { RuleDecl, ScorerDecl } from "../syntax/ast.js";
import { parseModelId } from "../providers/model-id.js";
import { CheckCodes } from "./codes.js";
import { suggestionNotes, where, type CheckContext, type SourceFile } from "./context.js";
import type { Table } from "./decls.js";
import { checkExpr, type ExprEnv } from "./expr.js";
import type { Located } from "./imports.js";
import { readOutputSchema } from "./outputs.js";
import type { SchemaLoader } from "./schemas.js";
import type { CheckedRule, CheckedScorer, ScorerKindName } from "./spec.js";
import {
  PropertyBag,
  readBool,
  readNumber,
  readObject,
  readRef,
  readRefList,
  readString,
  readStringList,
  type NameRef,
} from "./values.js";

export const SCORER_KINDS: readonly ScorerKindName[] = [
  "judge",
  "refusal",
  "regex",
  "keywords",
  "likert",
  "choice",
  "guard",
  "exec",
];

const KIND_KEYS: Record<ScorerKindName, readonly string[]> = {
  judge: ["template", "model", "output", "schema", "retries"],
  refusal: ["languages", "phrases", "opening"],
  regex: ["pattern", "flags"],
  keywords: ["any", "all", "case_sensitive"],
  likert: ["scale", "min", "centre"],
  choice: ["options", "correct", "mapping", "texts"],
  guard: ["model", "categories"],
  exec: ["command", "timeout"],
};

/** What the rest of the checker needs to know about a scorer beyond its plan form. */
export interface ScorerInfo {
  scorer: CheckedScorer;
  decl: Located<ScorerDecl>;
  /** Judge rubric template, if any. */
  templateRef: NameRef | null;
  outputFields: Set<string> | null;
  /** For top-level rules that join this scorer. */
  env: ExprEnv;
  ruleNames: Map<string, { file: string; span: RuleDecl["span"] }>;
}

export interface ScorerEnvBase {
  cultures: readonly string[];
  usecases: readonly string[];
  dimensions: ReadonlySet<string>;
  systems: readonly string[];
  cultureFields: ReadonlySet<string>;
  usecaseFields: ReadonlySet<string>;
  /** Item fields per scorer id (fixed + custom of the items it scores). */
  itemFieldsFor(scorer: string): ReadonlySet<string> | null;
}

export async function checkScorer(
  ctx: CheckContext,
  located: Located<ScorerDecl>,
  templates: Table<unknown>,
  judge: string | null,
  env: ScorerEnvBase,
  schemas: SchemaLoader,
): Promise<ScorerInfo | null> {
  const { file, node } = located;
  const f = file.display;
  const id = node.name.name;
  const kindName = node.scorerKind.name;
  if (!(SCORER_KINDS as readonly string[]).includes(kindName)) {
    ctx.error(
      CheckCodes.UNKNOWN_SCORER_KIND,
      `unknown scorer kind '${kindName}'`,
      f,
      node.scorerKind.span,
      suggestionNotes(kindName, SCORER_KINDS, "kinds").map((n) => n.replace("declared kinds", "scorer kinds")),
    );
    return null;
  }
  const kind = kindName as ScorerKindName;
  const what = `${kind} scorer '${id}'`;
  const props = new PropertyBag(ctx, f, node.properties, KIND_KEYS[kind], what);
  const config: Record<string, Json> = {};
  let templateRef: NameRef | null = null;
  let outputFields: Set<string> | null = null;
  const modelSetting = (required: boolean): string | null => {
    const p = required ? props.require("model", node.name.span, 'e.g. model "ollama:llama-guard3:1b"') : props.get("model");
    if (!p) return null;
    const idText = readString(ctx, f, p.value, "model");
    if (idText === undefined) return null;
    const parsed = parseModelId(idText);
    if (!parsed.ok) {
      ctx.error(CheckCodes.BAD_MODEL_ID, parsed.error, f, p.value.span);
      return null;
    }
    return idText.trim();
  };

  switch (kind) {
    case "judge": {
      const t = props.require("template", node.name.span, "the rubric template, e.g. template judge_safety");
      if (t) {
        templateRef = readRef(ctx, f, t.value, "template") ?? null;
        if (templateRef && !templates.resolve(ctx, templateRef.name, f, templateRef.span)) templateRef = null;
      }
      const model = modelSetting(false);
      if (model === null && !props.has("model") && judge === null) {
        ctx.error(CheckCodes.NO_JUDGE_MODEL, `${what} names no model and the run has no judge`, f, node.name.span, [
          'add `judge "PROVIDER:NAME"` to the run block, `model "PROVIDER:NAME"` to the scorer, or pass --judge',
        ]);
      }
      const outputProp = props.get("output");
      const schemaProp = props.get("schema");
      if (outputProp && schemaProp) {
        ctx.error(CheckCodes.CONFLICTING_PROPERTIES, `${what} has both 'output' and 'schema'; use one`, f, schemaProp.keySpan);
      }
      const declared = outputProp ?? schemaProp;
      let schema: Json = null;
      if (!declared) {
        ctx.error(CheckCodes.MISSING_PROPERTY, `${what} needs 'output' (the JSON the judge must answer with)`, f, node.name.span, [
          'e.g. output { safe: "boolean", rationale: "string" }',
        ]);
      } else {
        const out = await readOutputSchema(ctx, file, declared.value, schemas, `output of ${what}`);
        if (out) {
          schema = out.schema;
          outputFields = out.fields;
        }
      }
      const retries = props.get("retries");
      config.template = templateRef?.name ?? null;
      config.model = model;
      config.schema = schema;
      if (retries) {
        const n = readNumber(ctx, f, retries.value, "retries", { min: 0, max: 10, integer: true });
        if (n !== undefined) config.retries = n;
      }
      if (!node.score && outputFields && !outputFields.has("score")) {
        ctx.error(CheckCodes.MISSING_PROPERTY, `${what} needs 'score' (how its output maps to 0–100)`, f, node.name.span, [
          "e.g. score output.safe ? 100 : 0 (or give the output a numeric 'score' field)",
        ]);
      }
      break;
    }
    case "refusal": {
      const p = props.get("languages");
      const languages = (p && readStringList(ctx, f, p.value, "languages")) ?? [];
      if (p && languages.length > 0) {
        // One phrase file per language in the package's data/refusal/ folder.
        const available = refusalLanguages();
        for (const language of languages) {
          if (available !== null && !available.includes(language)) {
            ctx.error(CheckCodes.BAD_SCORER_SETTING, `no refusal phrase list for language '${language}'`, f, p.value.span, [
              ...suggestionNotes(language, available, "languages").map((n) => n.replace("declared languages", "phrase lists")),
              "a list is data/refusal/<language>.txt in the value-compass package (docs/scoring.md)",
            ]);
          }
        }
      }
      config.languages = languages;
      const phrasesProp = props.get("phrases");
      if (phrasesProp) {
        const phrases = readStringList(ctx, f, phrasesProp.value, "phrases");
        if (phrases) {
          // The phrase-file syntax, one entry per line; errors name the entry that has them.
          const { errors } = parsePhraseFile("custom", phrases.join("\n"), "phrases");
          const entries = phrasesProp.value.kind === "List" ? phrasesProp.value.items : [phrasesProp.value];
          const oneLineEach = phrases.every((ph) => !ph.includes("\n"));
          for (const message of errors) {
            const m = /^phrases:(\d+): (.*)$/.exec(message);
            const entry = m && oneLineEach ? entries[Number(m[1]) - 1] : undefined;
            ctx.error(CheckCodes.BAD_SCORER_SETTING, `invalid refusal phrase: ${m ? m[2] : message}`, f, (entry ?? phrasesProp.value).span, [
              "phrase syntax: docs/scoring.md#refusal-phrase-files",
            ]);
          }
          config.phrases = phrases;
        }
      }
      const opening = props.get("opening");
      const chars = opening ? readNumber(ctx, f, opening.value, "opening (characters from the start of the answer)", { min: 1, integer: true }) : undefined;
      if (chars !== undefined) config.opening = chars;
      break;
    }
    case "regex": {
      const p = props.require("pattern", node.name.span, 'e.g. pattern "^(yes|no)\\\\b"');
      const pattern = p ? readString(ctx, f, p.value, "pattern") : undefined;
      const flagsProp = props.get("flags");
      const flags = (flagsProp && readString(ctx, f, flagsProp.value, "flags")) ?? "";
      if (flagsProp && !/^(?!.*(.).*\1)[dgimsuvy]*$/.test(flags)) {
        ctx.error(CheckCodes.BAD_SCORER_SETTING, `invalid regular expression flags '${flags}'`, f, flagsProp.value.span, [
          "flags are letters from d g i m s u v y, each at most once",
        ]);
      } else if (pattern !== undefined && p) {
        try {
          new RegExp(pattern, flags);
        } catch (err) {
          ctx.error(CheckCodes.BAD_SCORER_SETTING, `invalid regular expression: ${err instanceof Error ? err.message : String(err)}`, f, p.value.span);
        }
      }
      config.pattern = pattern ?? null;
      if (flagsProp) config.flags = flags;
      break;
    }
    case "keywords": {
      // `any`: matched when one keyword occurs; `all`: when every one does. At least one list.
      if (!props.has("any") && !props.has("all")) {
        props.require("any", node.name.span, 'e.g. any ["I can\'t", "I cannot"] (or all [...])');
      }
      for (const key of ["any", "all"]) {
        const p = props.get(key);
        if (!p) continue;
        const list = readStringList(ctx, f, p.value, key);
        if (list && list.length === 0) ctx.error(CheckCodes.BAD_SCORER_SETTING, `'${key}' needs at least one keyword`, f, p.value.span);
        if (list) config[key] = list;
      }
      const cs = props.get("case_sensitive");
      const caseSensitive = cs ? readBool(ctx, f, cs.value, "case_sensitive") : undefined;
      if (caseSensitive !== undefined) config.case_sensitive = caseSensitive;
      break;
    }
    case "likert": {
      const p = props.require("scale", node.name.span, "the number of points, e.g. scale 6");
      config.scale = (p && readNumber(ctx, f, p.value, "scale", { min: 2, max: 11, integer: true })) ?? null;
      const minProp = props.get("min");
      const min = minProp ? readNumber(ctx, f, minProp.value, "min (the lowest point)", { integer: true }) : undefined;
      if (min !== undefined) config.min = min;
      const centre = props.get("centre");
      const c = centre ? readBool(ctx, f, centre.value, "centre") : undefined;
      if (c !== undefined) config.centre = c;
      break;
    }
    case "choice": {
      // Without options the labels come from the item (its `options` field) or default to A–D.
      const p = props.get("options");
      const options = p ? readStringList(ctx, f, p.value, "options") : undefined;
      if (p && options) {
        if (options.length < 2) ctx.error(CheckCodes.BAD_SCORER_SETTING, "a choice scorer needs at least two options", f, p.value.span);
        const dup = options.find((o, i) => options.indexOf(o) !== i);
        if (dup !== undefined) ctx.error(CheckCodes.BAD_SCORER_SETTING, `option '${dup}' is listed twice`, f, p.value.span);
      }
      if (options) config.options = options;
      const correctProp = props.get("correct");
      const correct = correctProp ? readString(ctx, f, correctProp.value, "correct") : undefined;
      if (correctProp && correct !== undefined) {
        if (correct.startsWith("item.")) {
          const field = correct.slice("item.".length);
          const fields = env.itemFieldsFor(id);
          if (fields && !fields.has(field)) {
            ctx.error(
              CheckCodes.BAD_SCORER_SETTING,
              `correct reads item.${field}, but the items this scorer scores have no field '${field}'`,
              f,
              correctProp.value.span,
              suggestionNotes(field, [...fields].sort(), "item fields"),
            );
          }
        } else if (options && !options.includes(correct)) {
          ctx.error(CheckCodes.BAD_SCORER_SETTING, `correct answer '${correct}' is not one of the options`, f, correctProp.value.span, [
            `options: ${options.join(", ")}; or name an item field: correct "item.answer"`,
          ]);
        }
      }
      if (correct !== undefined) config.correct = correct;
      const textsProp = props.get("texts");
      if (textsProp) {
        // Which item field holds the option texts (a list of strings, one per option).
        const texts = readString(ctx, f, textsProp.value, "texts");
        const field = texts?.replace(/^item\./, "");
        const fields = env.itemFieldsFor(id);
        if (field !== undefined && fields && !fields.has(field)) {
          ctx.error(
            CheckCodes.BAD_SCORER_SETTING,
            `texts reads item.${field}, but the items this scorer scores have no field '${field}'`,
            f,
            textsProp.value.span,
            suggestionNotes(field, [...fields].sort(), "item fields"),
          );
        } else if (texts !== undefined) config.texts = texts;
      }
      const mappingProp = props.get("mapping");
      if (mappingProp) {
        // Option label → score (0–100), instead of right/wrong.
        const mapping: Record<string, Json> = {};
        for (const e of readObject(ctx, f, mappingProp.value, "mapping") ?? []) {
          if (options && !options.includes(e.key)) {
            ctx.error(CheckCodes.BAD_SCORER_SETTING, `mapping names '${e.key}', which is not one of the options`, f, e.keySpan, [
              `options: ${options.join(", ")}`,
            ]);
            continue;
          }
          const n = readNumber(ctx, f, e.value, `score of ${e.key}`, { min: 0, max: 100 });
          if (n !== undefined) mapping[e.key] = n;
        }
        if (correctProp) {
          ctx.error(CheckCodes.CONFLICTING_PROPERTIES, `${what} has both 'correct' and 'mapping'; use one`, f, mappingProp.keySpan);
        }
        config.mapping = mapping;
      }
      break;
    }
    case "guard": {
      config.model = modelSetting(true);
      const categories: Record<string, Json> = {};
      const p = props.get("categories");
      for (const e of (p && readObject(ctx, f, p.value, "categories")) ?? []) {
        // A code maps to one dimension or to a list of them.
        const refs = e.value.kind === "List" ? readRefList(ctx, f, e.value, `category ${e.key}`) : readRef(ctx, f, e.value, `category ${e.key}`);
        if (!refs) continue;
        const list = Array.isArray(refs) ? refs : [refs];
        const known = list.filter((ref) => {
          if (env.dimensions.has(ref.name)) return true;
          ctx.error(CheckCodes.UNDEFINED, `no dimension named '${ref.name}'`, f, ref.span, suggestionNotes(ref.name, [...env.dimensions], "dimensions"));
          return false;
        });
        if (known.length !== list.length) continue;
        categories[e.key] = Array.isArray(refs) ? known.map((r) => r.name) : (known[0]?.name ?? "");
      }
      config.categories = categories;
      break;
    }
    case "exec": {
      const p = props.require("command", node.name.span, 'e.g. command "python3 scorers/my.py"');
      const command = p ? readString(ctx, f, p.value, "command") : undefined;
      if (p && command !== undefined && command.trim() === "") {
        ctx.error(CheckCodes.BAD_SCORER_SETTING, "command must not be empty", f, p.value.span);
      }
      config.command = command ?? null;
      const t = props.get("timeout");
      const timeout = t ? readNumber(ctx, f, t.value, "timeout", { min: 0, minExclusive: true }) : undefined;
      if (timeout !== undefined) config.timeout = timeout;
      break;
    }
  }

  const baseEnv: ExprEnv = {
    kind,
    outputFields: kind === "judge" ? outputFields : null,
    inRule: false,
    cultures: env.cultures,
    usecases: env.usecases,
    dimensions: env.dimensions,
    systems: env.systems,
    cultureFields: env.cultureFields,
    usecaseFields: env.usecaseFields,
    itemFields: env.itemFieldsFor(id),
  };
  const score = node.score ? (checkExpr(ctx, f, node.score, baseEnv) ?? null) : null;
  const ruleNames = new Map<string, { file: string; span: RuleDecl["span"] }>();
  const rules = checkRules(ctx, file, node.rules, baseEnv, what, ruleNames);
  return {
    scorer: { id, kind, config, score, rules },
    decl: located,
    templateRef,
    outputFields,
    env: baseEnv,
    ruleNames,
  };
}

let languagesCache: string[] | null | undefined;

/** Languages with a refusal phrase list (null when the folder cannot be read: then nothing is checked). */
function refusalLanguages(): string[] | null {
  if (languagesCache === undefined) {
    try {
      languagesCache = readdirSync(dataPath("refusal"))
        .filter((n) => n.endsWith(".txt"))
        .map((n) => n.slice(0, -".txt".length))
        .sort();
    } catch {
      languagesCache = null;
    }
  }
  return languagesCache;
}

/** Rules of one scorer (its own, or top-level ones for it); names are unique per scorer. */
export function checkRules(
  ctx: CheckContext,
  file: SourceFile,
  rules: readonly RuleDecl[],
  scorerEnv: ExprEnv,
  what: string,
  seen: Map<string, { file: string; span: RuleDecl["span"] }> = new Map(),
): CheckedRule[] {
  const f = file.display;
  const out: CheckedRule[] = [];
  const env: ExprEnv = { ...scorerEnv, inRule: true };
  for (const r of rules) {
    const name = r.name.name;
    const prev = seen.get(name);
    if (prev) {
      ctx.error(CheckCodes.DUPLICATE, `rule '${name}' is declared twice for ${what}`, f, r.name.span, [
        `first declared at ${where(prev.file, prev.span)}`,
      ]);
      continue;
    }
    seen.set(name, { file: f, span: r.name.span });
    const props = new PropertyBag(ctx, f, r.properties, ["verdict", "note"], `rule '${name}'`);
    const when: PlanExpr | undefined = checkExpr(ctx, f, r.when, env);
    const score = r.score ? checkExpr(ctx, f, r.score, env) : null;
    const verdict = props.get("verdict");
    const note = props.get("note");
    if (!r.score && !verdict && !note) {
      ctx.error(CheckCodes.MISSING_PROPERTY, `rule '${name}' does nothing: give it a score, a verdict or a note`, f, r.name.span);
    }
    const v = verdict ? (readString(ctx, f, verdict.value, "verdict") ?? null) : null;
    const n = note ? (readString(ctx, f, note.value, "note") ?? null) : null;
    if (when === undefined || score === undefined) continue;
    out.push({ name, when, score, verdict: v, note: n });
  }
  return out;
}
