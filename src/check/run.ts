// The run block: which models, which judge, sampling, samples, which contexts are crossed, limits.
// `--model` replaces the model list and `--judge` the judge; both are validated like spec values.

import { NO_SPAN, type Span } from "../core/diagnostic.js";
import { defaultPlanModel } from "../core/model.js";
import type { ModelDecl, RunDecl, Value } from "../syntax/ast.js";
import { CheckCodes } from "./codes.js";
import { suggestionNotes, where, type CheckContext } from "./context.js";
import type { Table } from "./decls.js";
import type { Located } from "./imports.js";
import { isAttributeKey, readAttributes, sortedKeys } from "./model-attributes.js";
import { modelIdNotes, parseModelId } from "./model-id.js";
import { COMMAND_LINE } from "./params.js";
import { RUN_DEFAULTS, type CheckedModel, type CheckedRun, type ContextKind, type ModelOverrides } from "./spec.js";
import {
  PropertyBag,
  readBool,
  readNumber,
  readObject,
  readRef,
  readString,
  readStringList,
  resolveNameParams,
  resolveParams,
  type NumberRange,
} from "./values.js";
import { BLOCKS } from "../syntax/vocabulary.js";

export const RANGES = {
  temperature: { min: 0, max: 2 },
  top_p: { min: 0, max: 1 },
  seed: { integer: true },
  max_tokens: { min: 1, max: 1_000_000, integer: true },
  samples: { min: 1, max: 1000, integer: true },
  concurrency: { min: 1, max: 1024, integer: true },
  rate_limit: { min: 0, minExclusive: true },
  timeout: { min: 0, minExclusive: true },
  retries: { min: 0, max: 20, integer: true },
} satisfies Record<string, NumberRange>;

// The keys a run block and a run's model block accept are the parser's (one list, in vocabulary.ts).
const RUN_KEYS = BLOCKS.run.properties;
const MODEL_KEYS = BLOCKS.model.properties;

export interface RunOptions {
  models?: string[];
  judge?: string;
  execJsonIo?: boolean;
}

export interface RunResult {
  run: CheckedRun;
  /** Where the run block is (for notes), when there is one. */
  at: { file: string; span: Span } | null;
}

export function checkRun(
  ctx: CheckContext,
  runs: ReadonlyArray<Located<RunDecl>>,
  cultures: Table<unknown>,
  usecases: Table<unknown>,
  options: RunOptions,
): RunResult {
  const [first, ...others] = runs;
  for (const r of others) {
    ctx.error(CheckCodes.DUPLICATE_RUN, "a spec has one run block", r.file.display, r.node.span, [
      first ? `the first run block is at ${where(first.file.display, first.node.span)}` : "",
    ]);
  }
  const f = first?.file.display ?? COMMAND_LINE;
  const props = new PropertyBag(ctx, f, first?.node.properties ?? [], RUN_KEYS, "the run block");
  const num = (key: keyof typeof RANGES): number | null => {
    const p = props.get(key);
    return p ? (readNumber(ctx, f, p.value, key, RANGES[key]) ?? null) : null;
  };
  const providers = ctx.kinds.providers;
  const idNotes = modelIdNotes(providers);

  // Models: the spec's list, or --model.
  const modelDecls = new Map<string, Located<ModelDecl>>();
  for (const m of first?.node.models ?? []) {
    const id = m.id.value.trim();
    const parsed = parseModelId(id, providers);
    if (!parsed.ok) ctx.error(CheckCodes.BAD_MODEL_ID, parsed.error, f, m.id.span, idNotes);
    const prev = modelDecls.get(id);
    if (prev) {
      ctx.error(CheckCodes.DUPLICATE, `settings for model '${id}' are given twice`, f, m.id.span, [`first given at ${where(f, prev.node.id.span)}`]);
      continue;
    }
    modelDecls.set(id, { file: first!.file, node: m });
  }

  const declaredIds: Array<{ id: string; span: Span; file: string }> = [];
  if (options.models && options.models.length > 0) {
    for (const id of options.models) declaredIds.push({ id: id.trim(), span: NO_SPAN, file: COMMAND_LINE });
  } else {
    const p = props.get("models");
    if (p) {
      const v = resolveParams(ctx, f, p.value);
      const entries: Value[] = v === undefined ? [] : v.kind === "List" ? v.items : [v];
      for (const e of entries) {
        if (e.kind !== "String") {
          ctx.error(CheckCodes.WRONG_TYPE, `each model must be a string like "ollama:llama3.2:3b"`, f, e.span);
          continue;
        }
        declaredIds.push({ id: e.value.trim(), span: e.span, file: f });
      }
    }
  }
  const models: CheckedModel[] = [];
  const seenModels = new Set<string>();
  for (const { id, span, file } of declaredIds) {
    const parsed = parseModelId(id, providers);
    if (!parsed.ok) {
      ctx.error(CheckCodes.BAD_MODEL_ID, file === COMMAND_LINE ? `--model: ${parsed.error}` : parsed.error, file, span, idNotes);
      continue;
    }
    if (seenModels.has(id)) {
      ctx.error(CheckCodes.DUPLICATE, `model '${id}' is listed twice`, file, span);
      continue;
    }
    seenModels.add(id);
    const decl = modelDecls.get(id);
    models.push(checkModel(ctx, id, parsed.value.provider, parsed.value.name, decl));
  }
  // Settings for models not in the list are checked too: they may be used with --model, or be the
  // judge, a scorer's model or a generator, which need their base_url and key as much as any model.
  const modelSettings: CheckedModel[] = [];
  for (const [id, decl] of modelDecls) {
    if (seenModels.has(id)) continue;
    const parsed = parseModelId(id, providers);
    if (parsed.ok) modelSettings.push(checkModel(ctx, id, parsed.value.provider, parsed.value.name, decl));
  }

  // Judge
  let judge: string | null = null;
  if (options.judge !== undefined) {
    const parsed = parseModelId(options.judge, providers);
    if (!parsed.ok) ctx.error(CheckCodes.BAD_MODEL_ID, `--judge: ${parsed.error}`, COMMAND_LINE, NO_SPAN, idNotes);
    else judge = options.judge.trim();
  } else {
    const p = props.get("judge");
    if (p) {
      const id = readString(ctx, f, p.value, "judge");
      if (id !== undefined) {
        const parsed = parseModelId(id, providers);
        if (!parsed.ok) ctx.error(CheckCodes.BAD_MODEL_ID, parsed.error, f, p.value.span, idNotes);
        else judge = id.trim();
      }
    }
  }

  // Contexts
  const cross: ContextKind[] = [];
  const crossProp = props.get("cross");
  if (crossProp) {
    const v = resolveNameParams(ctx, f, crossProp.value) ?? { kind: "List" as const, items: [], span: crossProp.value.span };
    const entries: Value[] = v.kind === "List" ? v.items : [v];
    for (const e of entries) {
      const name = e.kind === "Ref" ? e.name : e.kind === "String" ? e.value : null;
      if (name !== "culture" && name !== "usecase") {
        ctx.error(CheckCodes.WRONG_TYPE, "cross takes culture and/or usecase", f, e.span, ["e.g. cross [culture, usecase]"]);
        continue;
      }
      if (cross.includes(name)) ctx.error(CheckCodes.DUPLICATE, `'${name}' is listed twice in cross`, f, e.span);
      else cross.push(name);
    }
  }
  const contextList = (kind: ContextKind, table: Table<unknown>): Array<string | null> => {
    const key = kind === "culture" ? "cultures" : "usecases";
    const p = props.get(key);
    if (!p) return cross.includes(kind) ? table.names : [];
    const refs = readContextRefs(ctx, f, p.value, key, table);
    if (refs === undefined) return cross.includes(kind) ? table.names : [];
    if (!cross.includes(kind)) {
      ctx.warn(CheckCodes.RESTRICTION_WITHOUT_CROSS, `the run lists ${key} but does not cross ${kind}, so the list has no effect`, f, p.keySpan, [
        `add ${kind} to cross: cross [${[...cross, kind].join(", ")}]`,
      ]);
      return [];
    }
    return refs.map((r) => r.name);
  };
  const runCultures = contextList("culture", cultures);
  const runUsecases = contextList("usecase", usecases);
  for (const kind of cross) {
    const table = kind === "culture" ? cultures : usecases;
    if (table.names.length === 0 && crossProp) {
      ctx.error(CheckCodes.MISSING_PROPERTY, `the run crosses ${kind}, but no ${kind} is declared`, f, crossProp.value.span, [
        `declare one, e.g. ${kind} ${kind === "culture" ? 'de_DE "Germany" { locale "de-DE" }' : 'general "General assistant" { }'}`,
      ]);
    }
  }

  const reference = { culture: runCultures[0] ?? null, usecase: runUsecases[0] ?? null };
  const refProp = props.get("reference");
  if (refProp) {
    for (const e of readObject(ctx, f, refProp.value, "reference") ?? []) {
      if (e.key !== "culture" && e.key !== "usecase") {
        ctx.error(CheckCodes.UNKNOWN_PROPERTY, `unknown key '${e.key}' in reference`, f, e.keySpan, ["reference takes culture and usecase"]);
        continue;
      }
      const ref = readRef(ctx, f, e.value, `reference ${e.key}`);
      if (!ref) continue;
      const table = e.key === "culture" ? cultures : usecases;
      const id = ref.name === NO_CONTEXT ? null : ref.name;
      if (id !== null && !table.resolve(ctx, id, f, ref.span)) continue;
      const crossed = e.key === "culture" ? runCultures : runUsecases;
      if (!cross.includes(e.key) || !crossed.includes(id)) {
        ctx.error(CheckCodes.CONTEXT_NOT_CROSSED, `the reference ${e.key} '${ref.name}' is not among the crossed ${e.key}s`, f, ref.span, [
          cross.includes(e.key) ? `crossed: ${crossed.map(contextName).join(", ")}` : `the run does not cross ${e.key}`,
        ]);
        continue;
      }
      reference[e.key] = id;
    }
  }

  // `--json-io` on the command line: models of the providers that read json_io (exec) get the whole
  // request as JSON on stdin.
  if (options.execJsonIo) {
    for (const m of [...models, ...modelSettings]) if (readsJsonIo(ctx, m.provider)) m.jsonIo = true;
  }

  const run: CheckedRun = {
    models,
    modelSettings,
    judge,
    temperature: num("temperature"),
    topP: num("top_p"),
    seed: num("seed"),
    maxTokens: num("max_tokens"),
    samples: num("samples") ?? RUN_DEFAULTS.samples,
    cross,
    cultures: runCultures,
    usecases: runUsecases,
    reference,
    concurrency: num("concurrency") ?? RUN_DEFAULTS.concurrency,
    rateLimitPerMinute: num("rate_limit"),
    timeoutSeconds: num("timeout") ?? RUN_DEFAULTS.timeoutSeconds,
    retries: num("retries") ?? RUN_DEFAULTS.retries,
  };
  return { run, at: first ? { file: f, span: first.node.span } : null };
}

/** A context id for messages: `none` for the combination without one. */
export function contextName(id: string | null): string {
  return id ?? NO_CONTEXT;
}

function checkModel(ctx: CheckContext, id: string, provider: string, name: string, decl: Located<ModelDecl> | undefined): CheckedModel {
  const override: ModelOverrides = {
    temperature: null,
    topP: null,
    maxTokens: null,
    seed: null,
    timeoutSeconds: null,
    retries: null,
  };
  const model: CheckedModel = { ...defaultPlanModel(id, provider, name), overrides: override };
  if (!decl) return model;
  const f = decl.file.display;
  const what = `the settings of model '${id}'`;
  const props = new PropertyBag(
    ctx,
    f,
    decl.node.properties.filter((p) => !isAttributeKey(p.key)),
    MODEL_KEYS,
    what,
  );
  const attributes = readAttributes(ctx, f, decl.node.properties, what);
  if (Object.keys(attributes).length > 0) model.attributes = sortedKeys(attributes);
  const num = (key: keyof typeof RANGES): number | null => {
    const p = props.get(key);
    return p ? (readNumber(ctx, f, p.value, key, RANGES[key]) ?? null) : null;
  };
  const str = (key: string): string | null => {
    const p = props.get(key);
    return p ? (readString(ctx, f, p.value, key) ?? null) : null;
  };
  model.baseUrl = str("base_url");
  readPool(ctx, f, props, model, provider);
  const apiKeyEnv = props.get("api_key_env");
  if (apiKeyEnv) {
    const name = readString(ctx, f, apiKeyEnv.value, "api_key_env");
    if (name !== undefined && !/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
      ctx.error(CheckCodes.WRONG_TYPE, "api_key_env is the NAME of an environment variable (letters, digits, _), not the key itself", f, apiKeyEnv.value.span);
    } else if (name !== undefined) model.apiKeyEnv = name;
  }
  const headers = props.get("headers");
  if (headers) {
    for (const e of readObject(ctx, f, headers.value, "headers") ?? []) {
      const v = readString(ctx, f, e.value, `header '${e.key}'`);
      if (v !== undefined) model.headers[e.key] = v;
    }
  }
  model.concurrency = num("concurrency");
  model.rateLimitPerMinute = num("rate_limit");
  const jsonIo = props.get("json_io");
  if (jsonIo) {
    const b = readBool(ctx, f, jsonIo.value, "json_io");
    if (b !== undefined) {
      if (b && !readsJsonIo(ctx, provider)) {
        const readers = ctx.kinds.providers.filter((p) => readsJsonIo(ctx, p.name)).map((p) => `${p.name}:`);
        ctx.error(CheckCodes.WRONG_TYPE, `json_io only applies to ${readers.join(" and ")} models`, f, jsonIo.keySpan);
      } else model.jsonIo = b;
    }
  }
  override.temperature = num("temperature");
  override.topP = num("top_p");
  override.maxTokens = num("max_tokens");
  override.seed = num("seed");
  override.timeoutSeconds = num("timeout");
  override.retries = num("retries");
  return model;
}

/** The pool keys and the provider each belongs to: Ollama names hosts, OpenAI-compatible servers base URLs. */
const POOL_KEYS: ReadonlyArray<{ key: string; provider: string }> = [
  { key: "hosts", provider: "ollama" },
  { key: "base_urls", provider: "openai" },
];

/** `hosts [...]` / `base_urls [...]`: an endpoint pool (docs/scale.md). */
function readPool(ctx: CheckContext, f: string, props: PropertyBag, model: CheckedModel, provider: string): void {
  for (const { key, provider: owner } of POOL_KEYS) {
    const p = props.get(key);
    if (!p) continue;
    if (provider !== owner) {
      ctx.error(
        CheckCodes.WRONG_TYPE,
        `${key} only applies to ${owner}: models (${POOL_KEYS.map((k) => `${k.key} for ${k.provider}:`).join(", ")})`,
        f,
        p.keySpan,
      );
      continue;
    }
    const list = readStringList(ctx, f, p.value, key);
    if (list === undefined) continue;
    if (list.length === 0) {
      ctx.error(CheckCodes.WRONG_TYPE, `${key} needs at least one address`, f, p.value.span);
      continue;
    }
    const twice = list.find((h, i) => list.indexOf(h) !== i);
    if (twice !== undefined) {
      ctx.error(CheckCodes.WRONG_TYPE, `${key} names '${twice}' twice: each host of a pool is one endpoint`, f, p.value.span);
      continue;
    }
    if (model.baseUrl !== null) {
      ctx.error(CheckCodes.WRONG_TYPE, `give base_url or ${key}, not both (${key} lists every endpoint of the pool)`, f, p.keySpan);
      continue;
    }
    model.hosts = list;
  }
}

/** Whether models of this provider take `json_io` (the provider kind's settings say so). */
function readsJsonIo(ctx: CheckContext, provider: string): boolean {
  return ctx.kinds.providers.find((p) => p.name === provider)?.settings.properties["json_io"] !== undefined;
}

/** The word that stands for "no context of this kind" in cultures / usecases lists and references. */
export const NO_CONTEXT = "none";

/** A context in a list: a declared id, or null for `none` (the combination without this kind). */
export interface ContextRef {
  name: string | null;
  span: Span;
}

/**
 * `[none, de_DE, en_US]`: names of declared contexts, or `none`, each once. An empty list is an
 * error: it would select no combination, so the items it applies to would yield no steps.
 */
export function readContextRefs(ctx: CheckContext, f: string, given: Value, what: string, table: Table<unknown>): ContextRef[] | undefined {
  const value = resolveNameParams(ctx, f, given);
  if (value === undefined) return undefined;
  const entries: Value[] = value.kind === "List" ? value.items : [value];
  if (value.kind === "List" && entries.length === 0) {
    ctx.error(CheckCodes.EMPTY_CONTEXT_LIST, `an empty ${what} list selects no context, so no steps would be made`, f, value.span, [
      `to evaluate without a ${table.what}, write ${what} [${NO_CONTEXT}]; to keep every ${table.what}, leave the list out`,
    ]);
    return undefined;
  }
  const out: ContextRef[] = [];
  for (const e of entries) {
    if (e.kind !== "Ref") {
      ctx.error(CheckCodes.WRONG_TYPE, `each entry of ${what} must be a name`, f, e.span);
      continue;
    }
    const name = e.name === NO_CONTEXT ? null : e.name;
    if (name !== null && !table.has(name)) {
      ctx.error(CheckCodes.UNDEFINED, `no ${table.what} named '${name}'`, f, e.span, [
        ...suggestionNotes(name, table.names, `${table.what}s`),
        `'${NO_CONTEXT}' stands for no ${table.what}`,
      ]);
      continue;
    }
    if (out.some((r) => r.name === name)) {
      ctx.error(CheckCodes.DUPLICATE, `'${e.name}' is listed twice in ${what}`, f, e.span);
      continue;
    }
    out.push({ name, span: e.span });
  }
  return out;
}
