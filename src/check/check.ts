// The checker proper: resolve every name of a loaded program, type every value, read every data and
// template file, and produce the CheckedSpec — or diagnostics saying why not. Passes run in dependency
// order (params before values that read them, systems before items, items before the scorers whose
// expressions read item fields, everything before template uses and the unused-declaration warnings).

import { basename, extname } from "node:path";
import type { Span } from "../core/diagnostic.js";
import type { Scale } from "../core/scale.js";
import { CheckCodes } from "./codes.js";
import type { CheckContext } from "./context.js";
import { collectDeclarations, type Declarations } from "./decls.js";
import { checkAdaptive, checkBaseline } from "./extras.js";
import { checkGoldSet } from "./gold.js";
import { checkReport } from "./reports.js";
import type { Program } from "./imports.js";
import { checkItemSet, type ItemSetInfo } from "./items.js";
import { kindNamed } from "./kinds.js";
import { checkParams } from "./params.js";
import { checkRun, NO_CONTEXT } from "./run.js";
import { SchemaLoader } from "./schemas.js";
import { checkGate } from "./gate.js";
import { checkSelection, type SelectOptions } from "./select.js";
import { checkRules, checkScorer, scorerScale, type ScorerInfo } from "./scorers.js";
import { ANY, contextShape, itemShape, rootShape, type Shape } from "./shapes.js";
import { goldItem } from "../core/gold.js";
import type { PlanGoldSet } from "../core/plan.js";
import type { CheckedAdaptive, CheckedBaseline, CheckedCulture, CheckedReport, CheckedSpec, CheckedSystem, CheckedUsecase } from "./spec.js";
import { checkCulture, checkSystem, checkUsecase } from "./systems.js";
import { checkTemplate, checkTemplateUse, type TemplateInfo } from "./templates.js";

export interface CheckOptions {
  set?: Record<string, string>;
  models?: string[];
  judge?: string;
  execJsonIo?: boolean;
  /** `--cultures`, `--limit`, …: replace the same keys of the run's `select { }`. */
  select?: SelectOptions;
}

const ITEM_FIXED_FIELDS = ["id", "text", "dimension", "difficulty", "reverse", "expect"];

export async function checkProgram(ctx: CheckContext, program: Program, entryAbs: string, options: CheckOptions): Promise<CheckedSpec | null> {
  const decls = collectDeclarations(ctx, program);
  const params = checkParams(ctx, decls.params, options.set ?? {});
  // `none` in a cultures / usecases list means "without one"; a context of that name would be ambiguous.
  for (const table of [decls.cultures, decls.usecases]) {
    const clash = table.get(NO_CONTEXT);
    if (!clash) continue;
    ctx.error(
      CheckCodes.RESERVED_CONTEXT_NAME,
      `a ${table.what} cannot be named '${NO_CONTEXT}'`,
      clash.file.display,
      (clash.node as { name: { span: Span } }).name.span,
      [`in ${table.what === "culture" ? "cultures" : "usecases"} lists '${NO_CONTEXT}' stands for "no ${table.what}"; choose another name`],
    );
  }

  const systems = new Map<string, CheckedSystem>();
  for (const s of decls.systems.entries) systems.set(s.node.name.name, checkSystem(ctx, s));
  const cultures: CheckedCulture[] = decls.cultures.entries.map((c) => checkCulture(ctx, c));
  const usecases: CheckedUsecase[] = decls.usecases.entries.map((u) => checkUsecase(ctx, u));

  const { run } = checkRun(ctx, decls.runs, decls.cultures, decls.usecases, {
    ...(options.models !== undefined ? { models: options.models } : {}),
    ...(options.judge !== undefined ? { judge: options.judge } : {}),
    ...(options.execJsonIo ? { execJsonIo: true } : {}),
  });

  const runDecl = decls.runs[0];
  const runProp = (key: string) => {
    const p = runDecl?.node.properties.find((q) => q.key === key);
    return p && runDecl ? { file: runDecl.file.display, value: p.value, keySpan: p.keySpan } : null;
  };
  const selection = checkSelection(ctx, runProp("select"), options.select ?? {}, { cultures: decls.cultures, usecases: decls.usecases, systems }, run.seed);
  const gate = checkGate(ctx, runProp("gate"));

  const templates = new Map<string, TemplateInfo>();
  for (const t of decls.templates.entries) templates.set(t.node.name.name, await checkTemplate(ctx, t));

  const schemas = new SchemaLoader(ctx);
  const itemSets = new Map<string, ItemSetInfo>();
  const reportedParamProblems = new Set<string>();
  for (const i of decls.items.entries) {
    itemSets.set(
      i.node.name.name,
      await checkItemSet(
        ctx,
        i,
        {
          systems,
          systemTable: decls.systems,
          templates: decls.templates,
          scorers: decls.scorers,
          cultures: decls.cultures,
          usecases: decls.usecases,
          run,
          reportedParamProblems,
        },
        schemas,
      ),
    );
  }

  // Scorers: their expressions may read the fields of the items they score.
  const dimensions = new Set<string>();
  for (const s of systems.values()) for (const d of s.dimensions) dimensions.add(d.id);
  const fieldSet = (fixed: readonly string[], records: ReadonlyArray<{ fields: Record<string, unknown> }>) => {
    const out = new Set(fixed);
    for (const r of records) for (const k of Object.keys(r.fields)) out.add(k);
    return out;
  };
  const itemFieldsFor = (scorer: string): ReadonlySet<string> | null => {
    const users = [...itemSets.values()].filter((s) => s.scorerCandidates.includes(scorer));
    if (users.length === 0 || users.some((s) => !s.complete)) return null;
    return fieldSet(
      ITEM_FIXED_FIELDS,
      users.flatMap((s) => s.set.items),
    );
  };
  const scorerEnv = {
    cultures: decls.cultures.names,
    usecases: decls.usecases.names,
    dimensions,
    systems: decls.systems.names,
    cultureFields: fieldSet(["id", "label", "locale", "language", "country", "norms"], cultures),
    usecaseFields: fieldSet(["id", "label", "description", "policy"], usecases),
    itemFieldsFor,
  };
  const scorers = new Map<string, ScorerInfo>();
  for (const s of decls.scorers.entries) {
    const info = await checkScorer(ctx, s, { templates: decls.templates, judge: run.judge, env: scorerEnv, schemas });
    if (info) scorers.set(s.node.name.name, info);
  }
  for (const { file, node } of decls.rules) {
    if (!node.scorer) {
      ctx.error(CheckCodes.MISSING_PROPERTY, `rule '${node.name.name}' is outside a scorer, so it needs 'for SCORER'`, file.display, node.name.span);
      continue;
    }
    if (!decls.scorers.resolve(ctx, node.scorer.name, file.display, node.scorer.span)) continue;
    const info = scorers.get(node.scorer.name);
    if (!info) continue; // the scorer itself has errors
    info.scorer.rules.push(...checkRules(ctx, file, [node], info.env, `scorer '${info.scorer.id}'`, info.ruleNames));
  }

  const baselines = new Map<string, CheckedBaseline>();
  for (const b of decls.baselines.entries) {
    const checked = await checkBaseline(ctx, b, systems, decls.systems, decls.cultures);
    if (checked) baselines.set(checked.id, checked);
  }
  const scales = new Map<string, Scale>();
  for (const [id, info] of scorers) {
    const kind = kindNamed(ctx.kinds.scorers, info.scorer.kind);
    if (kind) scales.set(id, scorerScale(kind, info.scorer.config));
  }
  const reports: CheckedReport[] = [];
  for (const r of decls.reports.entries) {
    const checked = checkReport(ctx, r, {
      systems: decls.systems,
      baselines: decls.baselines,
      checkedBaselines: baselines,
      scorers: decls.scorers,
      run,
      scales,
    });
    if (checked) reports.push(checked);
  }
  const adaptive: CheckedAdaptive[] = [];
  for (const a of decls.adaptive.entries) {
    const checked = checkAdaptive(ctx, a, decls.items, itemSets, decls.scorers, run);
    if (checked) adaptive.push(checked);
  }

  const gold: PlanGoldSet[] = [];
  for (const g of decls.gold.entries) {
    const checked = await checkGoldSet(ctx, g, {
      scorers,
      scorerNames: decls.scorers.names,
      systems,
      cultures,
      usecases,
      systemsScoredBy: (scorer) => [...itemSets.values()].filter((s) => s.scorerCandidates.includes(scorer)).map((s) => s.set.system),
    });
    if (checked) gold.push(checked);
  }

  checkTemplateUses(ctx, templates, itemSets, scorers, cultures, usecases, run.cross, run.cultures, run.usecases, params);
  checkGoldTemplates(ctx, templates, scorers, gold, cultures, usecases, params);
  warnUnused(ctx, decls, systems, templates, itemSets, scorers, adaptive);

  if (ctx.errorCount() > 0) return null;
  return {
    name: basename(entryAbs, extname(entryAbs)),
    inputs: ctx.files.inputs(),
    params,
    systems: [...systems.values()],
    templates: [...templates.values()].map((t) => ({
      id: t.id,
      messages: t.messages.map((m) => ({ role: m.role, source: m.source, from: m.from })),
      variables: [...t.variables].sort(),
    })),
    itemSets: [...itemSets.values()].map((i) => i.set),
    cultures,
    usecases,
    scorers: [...scorers.values()].map((s) => s.scorer),
    baselines: [...baselines.values()],
    run,
    reports,
    adaptive,
    gold,
    ...(selection !== null ? { selection } : {}),
    ...(gate.length > 0 ? { gate } : {}),
  };
}

/**
 * A judge's rubric is rendered for each gold example with the example as the item (prompt as
 * item.text, other row fields as item.<field>) and its use case and culture: check it against that.
 */
function checkGoldTemplates(
  ctx: CheckContext,
  templates: Map<string, TemplateInfo>,
  scorers: Map<string, ScorerInfo>,
  gold: readonly PlanGoldSet[],
  cultures: CheckedCulture[],
  usecases: CheckedUsecase[],
  params: CheckedSpec["params"],
): void {
  for (const g of gold) {
    const scorer = scorers.get(g.scorer);
    const rubric = scorer?.templateRef ? templates.get(scorer.templateRef.name) : undefined;
    if (!rubric) continue;
    const items = g.examples.map((e) => goldItem(e, g.system));
    const usedCultures = cultures.filter((c) => g.examples.some((e) => e.culture === c.id));
    const usedUsecases = usecases.filter((u) => g.examples.some((e) => e.usecase === u.id));
    const why = (kind: string) => `some examples of gold set '${g.id}' name no ${kind}`;
    checkTemplateUse(
      ctx,
      rubric,
      rootShape({
        item: itemShape(items),
        culture: contextShape(
          "culture",
          usedCultures,
          cultures,
          why("locale of a declared culture"),
          g.examples.some((e) => e.culture === null),
        ),
        usecase: contextShape(
          "usecase",
          usedUsecases,
          usecases,
          why("usecase"),
          g.examples.some((e) => e.usecase === null),
        ),
        params: Object.fromEntries(params.map((p) => [p.name, p.value])),
        judge: true,
      }),
      `as the rubric of judge '${g.scorer}' for gold set '${g.id}'`,
    );
  }
}

function checkTemplateUses(
  ctx: CheckContext,
  templates: Map<string, TemplateInfo>,
  itemSets: Map<string, ItemSetInfo>,
  scorers: Map<string, ScorerInfo>,
  cultures: CheckedCulture[],
  usecases: CheckedUsecase[],
  cross: readonly string[],
  runCultures: ReadonlyArray<string | null>,
  runUsecases: ReadonlyArray<string | null>,
  params: CheckedSpec["params"],
): void {
  const paramValues = Object.fromEntries(params.map((p) => [p.name, p.value]));
  // null ids: the kind is not crossed; a null id among them: `none`, a combination without one.
  const shapeFor = (kind: "culture" | "usecase", records: ReadonlyArray<CheckedCulture | CheckedUsecase>, ids: ReadonlyArray<string | null> | null): Shape =>
    contextShape(
      kind,
      ids === null ? null : records.filter((r) => ids.includes(r.id)),
      records,
      ids === null
        ? `the run does not cross ${kind}`
        : `${NO_CONTEXT} is among the ${kind === "culture" ? "cultures" : "usecases"} these items are crossed with`,
      ids?.includes(null),
    );
  const cultureShape = (ids: ReadonlyArray<string | null> | null): Shape => shapeFor("culture", cultures, ids);
  const usecaseShape = (ids: ReadonlyArray<string | null> | null): Shape => shapeFor("usecase", usecases, ids);
  const used = new Set<string>();
  const judgeUsed = new Set<string>();
  for (const info of itemSets.values()) {
    const base = {
      item: itemShape(info.complete ? info.set.items : null),
      culture: cultureShape(info.cultures),
      usecase: usecaseShape(info.usecases),
      params: paramValues,
    };
    const t = info.templateRef ? templates.get(info.templateRef.name) : undefined;
    if (t) {
      used.add(t.id);
      checkTemplateUse(ctx, t, rootShape({ ...base, judge: false }), `as used by items '${info.set.id}'`);
    }
    for (const s of info.scorerCandidates) {
      const scorer = scorers.get(s);
      const rubric = scorer?.templateRef ? templates.get(scorer.templateRef.name) : undefined;
      if (!scorer || !rubric) continue;
      used.add(rubric.id);
      judgeUsed.add(scorer.scorer.id);
      checkTemplateUse(ctx, rubric, rootShape({ ...base, judge: true }), `as the rubric of judge '${scorer.scorer.id}' for items '${info.set.id}'`);
    }
  }
  // A judge no items block uses is still checked, against what the run would give it.
  for (const scorer of scorers.values()) {
    if (judgeUsed.has(scorer.scorer.id) || !scorer.templateRef) continue;
    const rubric = templates.get(scorer.templateRef.name);
    if (!rubric) continue;
    used.add(rubric.id);
    checkTemplateUse(
      ctx,
      rubric,
      rootShape({
        item: itemShape(null),
        culture: cultureShape(cross.includes("culture") ? runCultures : null),
        usecase: usecaseShape(cross.includes("usecase") ? runUsecases : null),
        params: paramValues,
        judge: true,
      }),
      `as the rubric of judge '${scorer.scorer.id}'`,
    );
  }
  // Unused templates: only the names they read can be checked.
  for (const t of templates.values()) {
    if (used.has(t.id)) continue;
    checkTemplateUse(ctx, t, rootShape({ item: ANY, culture: ANY, usecase: ANY, params: paramValues, judge: true }), "(not used by any items block or judge)");
  }
}

function warnUnused(
  ctx: CheckContext,
  decls: Declarations,
  systems: Map<string, CheckedSystem>,
  templates: Map<string, TemplateInfo>,
  itemSets: Map<string, ItemSetInfo>,
  scorers: Map<string, ScorerInfo>,
  adaptive: readonly CheckedAdaptive[],
): void {
  const sets = [...itemSets.values()];
  const usedTemplates = new Set<string>();
  for (const s of sets) if (s.templateRef) usedTemplates.add(s.templateRef.name);
  for (const s of scorers.values()) if (s.templateRef) usedTemplates.add(s.templateRef.name);
  for (const t of templates.values()) {
    if (usedTemplates.has(t.id)) continue;
    const { file, node } = t.decl;
    ctx.warn(CheckCodes.UNUSED_TEMPLATE, `template '${t.id}' is not used by any items block or judge scorer`, file.display, node.name.span);
  }

  for (const sys of systems.values()) {
    const mine = sets.filter((s) => s.set.system === sys.id);
    if (mine.length === 0 || mine.some((s) => !s.complete)) continue;
    const counts = new Map<string, number>();
    for (const s of mine) for (const i of s.set.items) counts.set(i.dimension, (counts.get(i.dimension) ?? 0) + 1);
    const decl = decls.systems.get(sys.id);
    if (!decl) continue;
    for (const d of decl.node.dimensions) {
      if ((counts.get(d.name.name) ?? 0) > 0) continue;
      ctx.warn(
        CheckCodes.EMPTY_DIMENSION,
        `dimension '${d.name.name}' of system '${sys.id}' has no items, so it will have no scores`,
        decl.file.display,
        d.name.span,
      );
    }
  }

  const usedScorers = new Set(sets.flatMap((s) => s.scorerCandidates));
  for (const a of adaptive) if (typeof a.settings.scorer === "string") usedScorers.add(a.settings.scorer);
  // When params select scorers, the likely cause is a scorer missing from the param's `one of`.
  const paramSelects = sets.some((s) => {
    const v = s.decl.node.properties.find((p) => p.key === "scorers")?.value;
    return v !== undefined && (v.kind === "Param" || (v.kind === "List" && v.items.some((i) => i.kind === "Param")));
  });
  for (const s of decls.scorers.entries) {
    if (usedScorers.has(s.node.name.name)) continue;
    ctx.warn(
      CheckCodes.UNUSED_SCORER,
      `scorer '${s.node.name.name}' is not used by any items block`,
      s.file.display,
      s.node.name.span,
      paramSelects ? [`a scorer a param may select counts as used when it is among the param's values: one of [..., "${s.node.name.name}"]`] : undefined,
    );
  }

  const crossedCultures = new Set(sets.flatMap((s) => s.cultures ?? []));
  for (const c of decls.cultures.entries) {
    if (crossedCultures.has(c.node.name.name)) continue;
    ctx.warn(CheckCodes.CULTURE_NEVER_CROSSED, `culture '${c.node.name.name}' is never crossed with any items`, c.file.display, c.node.name.span, [
      "add culture to the run's cross list (and to its cultures, if it lists them)",
    ]);
  }
  const crossedUsecases = new Set(sets.flatMap((s) => s.usecases ?? []));
  for (const u of decls.usecases.entries) {
    if (crossedUsecases.has(u.node.name.name)) continue;
    ctx.warn(CheckCodes.USECASE_NEVER_CROSSED, `usecase '${u.node.name.name}' is never crossed with any items`, u.file.display, u.node.name.span, [
      "add usecase to the run's cross list (and to its usecases, if it lists them)",
    ]);
  }
}
