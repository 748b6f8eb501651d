// Rendering templates into chat messages. The context a template sees is documented in
// docs/language.md and checked by src/check/handlebars.ts; this module builds exactly that context,
// for the evaluated model's prompts (steps) and for judge rubrics (scoring), from the plan alone.
//
// Templates are compiled once per plan (in an isolated Handlebars environment, so helpers registered
// elsewhere cannot change what a plan renders) with { noEscape: true, strict: true }.

import Handlebars from "handlebars";
import type { ChatMessage, ContextCombo, Json, Plan, PlanCulture, PlanItem, PlanSegment, PlanUsecase, Role } from "../core/plan.js";

/** What a template can read. Judge rubric templates also get `response` and `model`. */
export interface TemplateContext {
  item: Record<string, Json>;
  dimension: { id: string; label: string; description: string | null };
  system: { id: string; label: string; description: string | null };
  culture: Record<string, Json> | null;
  usecase: Record<string, Json> | null;
  params: Record<string, Json>;
  sample: number;
  response?: string;
  model?: string;
}

type CompiledMessage = { role: Role; render: (context: TemplateContext) => string };

interface PlanIndex {
  templates: Map<string, CompiledMessage[]>;
  systems: Map<string, TemplateContext["system"]>;
  dimensions: Map<string, TemplateContext["dimension"]>;
  cultures: Map<string, Record<string, Json>>;
  usecases: Map<string, Record<string, Json>>;
  segments: Map<string, PlanSegment>;
  items: Map<string, Map<string, PlanItem>>;
}

const indexes = new WeakMap<Plan, PlanIndex>();
const handlebars = Handlebars.create();
// Handlebars' own `log` helper writes to console (stdout), which would corrupt `dir=$(vc run …)` and
// any JSON on stdout. Templates may still use it (the checker allows it), but it renders nothing and
// writes nothing (docs/language.md).
handlebars.registerHelper("log", () => "");
const OPTIONS = { noEscape: true, strict: true } as const;

function indexOf(plan: Plan): PlanIndex {
  let index = indexes.get(plan);
  if (index) return index;
  index = {
    templates: new Map(),
    systems: new Map(),
    dimensions: new Map(),
    cultures: new Map(),
    usecases: new Map(),
    segments: new Map(),
    items: new Map(),
  };
  for (const t of plan.templates) {
    index.templates.set(
      t.id,
      t.messages.map((m) => {
        const fn = handlebars.compile(m.source, OPTIONS);
        return { role: m.role, render: (context: TemplateContext) => fn(context) };
      }),
    );
  }
  for (const s of plan.systems) {
    index.systems.set(s.id, { id: s.id, label: s.label, description: s.description });
    for (const d of s.dimensions) {
      index.dimensions.set(`${s.id}\u0000${d.id}`, { id: d.id, label: d.label, description: d.description });
    }
  }
  for (const c of plan.cultures) index.cultures.set(c.id, cultureContext(c));
  for (const u of plan.usecases) index.usecases.set(u.id, usecaseContext(u));
  for (const seg of plan.segments) index.segments.set(seg.id, seg);
  indexes.set(plan, index);
  return index;
}

export function cultureContext(c: PlanCulture): Record<string, Json> {
  return {
    ...c.fields,
    id: c.id,
    label: c.label,
    locale: c.locale,
    language: c.language,
    country: c.country,
    norms: c.norms,
  };
}

export function usecaseContext(u: PlanUsecase): Record<string, Json> {
  return { ...u.fields, id: u.id, label: u.label, description: u.description, policy: u.policy };
}

export function itemContext(item: PlanItem): Record<string, Json> {
  return {
    ...item.fields,
    id: item.id,
    text: item.text,
    dimension: item.dimension,
    difficulty: item.difficulty,
    reverse: item.reverse,
    expect: item.expect,
  };
}

export interface ContextRequest {
  item: PlanItem;
  context: ContextCombo;
  sample: number;
  /** For judge rubrics: the evaluated model's answer and id. */
  response?: string;
  model?: string;
}

/** The context for one item in one context combination (and, for judges, one answer). */
export function buildTemplateContext(plan: Plan, request: ContextRequest, itemCtx?: Record<string, Json>): TemplateContext {
  const index = indexOf(plan);
  const { item, context } = request;
  const ctx: TemplateContext = {
    item: itemCtx ?? itemContext(item),
    dimension: index.dimensions.get(`${item.system}\u0000${item.dimension}`) ?? {
      id: item.dimension,
      label: item.dimension,
      description: null,
    },
    system: index.systems.get(item.system) ?? { id: item.system, label: item.system, description: null },
    culture: context.culture === null ? null : (index.cultures.get(context.culture) ?? null),
    usecase: context.usecase === null ? null : (index.usecases.get(context.usecase) ?? null),
    params: plan.params,
    sample: request.sample,
  };
  if (request.response !== undefined) ctx.response = request.response;
  if (request.model !== undefined) ctx.model = request.model;
  return ctx;
}

/** Render a template of the plan (prompt or judge rubric) with a context. Throws only on a bug. */
export function renderTemplate(plan: Plan, templateId: string, context: TemplateContext): ChatMessage[] {
  const compiled = indexOf(plan).templates.get(templateId);
  if (!compiled) throw new Error(`plan has no template '${templateId}'`);
  return compiled.map((m) => ({ role: m.role, content: m.render(context) }));
}

/** Find a step's item again (e.g. to render the judge rubric for a journaled answer). */
export function findItem(plan: Plan, segmentId: string, itemId: string): PlanItem | null {
  const index = indexOf(plan);
  let items = index.items.get(segmentId);
  if (!items) {
    const seg = index.segments.get(segmentId);
    if (!seg) return null;
    items = new Map((seg.kind === "static" ? seg.items : seg.bank).map((i) => [i.id, i]));
    index.items.set(segmentId, items);
  }
  return items.get(itemId) ?? null;
}

/**
 * The judge rubric messages for one answer: the rubric template rendered with the step's context
 * plus `response` and `model`. Returns null when the segment or item is not in the plan.
 */
export function renderJudgeRubric(
  plan: Plan,
  templateId: string,
  step: { segment: string; item: string; context: ContextCombo; sample: number; model: string },
  response: string,
): ChatMessage[] | null {
  const item = findItem(plan, step.segment, step.item);
  if (!item) return null;
  const context = buildTemplateContext(plan, {
    item,
    context: step.context,
    sample: step.sample,
    response,
    model: step.model,
  });
  return renderTemplate(plan, templateId, context);
}

/**
 * Whether a template's messages may differ between samples of one item and context: it names
 * `sample` anywhere (as a path, `@root.sample`, `../sample` or a `lookup` key), or it reads the whole
 * root context (`{{this}}`, `{{#each .}}`, `@root`, `../` out of the blocks), which holds `sample`.
 * Errs towards "may differ": the answer only decides whether rendered messages are reused.
 */
export function templateReadsSample(plan: Plan, templateId: string): boolean {
  const template = plan.templates.find((t) => t.id === templateId);
  if (!template) return true;
  return template.messages.some((m) => sourceReadsSample(m.source));
}

interface HbNode {
  type: string;
  [key: string]: unknown;
}

function sourceReadsSample(source: string): boolean {
  if (source.includes("sample")) return true;
  let ast: HbNode;
  try {
    ast = Handlebars.parse(source) as unknown as HbNode;
  } catch {
    return true;
  }
  return readsRoot(ast, 0);
}

/** `scopes`: blocks around `node` that change the context (#each, #with), which `this` and `../` refer to. */
function readsRoot(node: unknown, scopes: number): boolean {
  if (node === null || typeof node !== "object") return false;
  if (Array.isArray(node)) return node.some((n) => readsRoot(n, scopes));
  const n = node as HbNode;
  if (n.type === "PathExpression") {
    const parts = n["parts"] as string[];
    const depth = n["depth"] as number;
    if (n["data"] === true) return (n["original"] as string).startsWith("@root") && parts.length <= 1;
    // `foo`, `../foo`: a field, never `sample` (the source does not name it); `this`, `.`, `..`: a
    // whole context, the root's once the path climbs out of every context-changing block.
    return parts.length === 0 && depth >= scopes;
  }
  if (n.type === "BlockStatement") {
    const path = n["path"] as HbNode;
    const name = path.type === "PathExpression" ? ((path["parts"] as string[])[0] ?? "") : "";
    const inner = name === "each" || name === "with" ? scopes + 1 : scopes;
    return (
      readsRoot(n["path"], scopes) ||
      readsRoot(n["params"], scopes) ||
      readsRoot(n["hash"], scopes) ||
      readsRoot(n["program"], inner) ||
      readsRoot(n["inverse"], scopes)
    );
  }
  return Object.entries(n).some(([key, value]) => key !== "loc" && readsRoot(value, scopes));
}
