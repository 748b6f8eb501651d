// The name tables of a program: one namespace per kind of declaration, filled in declaration order.
// A second declaration of a name is reported at its name with a note pointing at the first.

import type { Span } from "../core/diagnostic.js";
import type {
  AdaptiveDecl,
  GoldDecl,
  BaselineDecl,
  CultureDecl,
  ItemsDecl,
  ParamDecl,
  ReportDecl,
  RuleDecl,
  RunDecl,
  ScorerDecl,
  Statement,
  SystemDecl,
  TemplateDecl,
  UsecaseDecl,
} from "../syntax/ast.js";
import { CheckCodes } from "./codes.js";
import { suggestionNotes, where, type CheckContext } from "./context.js";
import type { Located, Program } from "./imports.js";

export class Table<T> {
  readonly byName = new Map<string, Located<T>>();

  constructor(readonly what: string) {}

  get names(): string[] {
    return [...this.byName.keys()];
  }

  get entries(): Array<Located<T>> {
    return [...this.byName.values()];
  }

  has(name: string): boolean {
    return this.byName.has(name);
  }

  get(name: string): Located<T> | undefined {
    return this.byName.get(name);
  }

  add(ctx: CheckContext, name: string, nameSpan: Span, item: Located<T>, firstSpan: (t: T) => Span): void {
    const first = this.byName.get(name);
    if (first) {
      ctx.error(CheckCodes.DUPLICATE, `${this.what} '${name}' is declared twice`, item.file.display, nameSpan, [
        `first declared at ${where(first.file.display, firstSpan(first.node))}`,
      ]);
      return;
    }
    this.byName.set(name, item);
  }

  /** Look a name up, reporting it at `span` in `file` when it is not declared. */
  resolve(ctx: CheckContext, name: string, file: string, span: Span): Located<T> | undefined {
    const found = this.byName.get(name);
    if (!found) {
      ctx.error(CheckCodes.UNDEFINED, `no ${this.what} named '${name}'`, file, span, suggestionNotes(name, this.names, `${this.what}s`));
    }
    return found;
  }
}

export interface Declarations {
  params: Array<Located<ParamDecl>>;
  systems: Table<SystemDecl>;
  templates: Table<TemplateDecl>;
  items: Table<ItemsDecl>;
  cultures: Table<CultureDecl>;
  usecases: Table<UsecaseDecl>;
  scorers: Table<ScorerDecl>;
  baselines: Table<BaselineDecl>;
  reports: Table<ReportDecl>;
  adaptive: Table<AdaptiveDecl>;
  gold: Table<GoldDecl>;
  runs: Array<Located<RunDecl>>;
  /** Top-level `rule NAME for SCORER when ...`. */
  rules: Array<Located<RuleDecl>>;
}

export function collectDeclarations(ctx: CheckContext, program: Program): Declarations {
  const d: Declarations = {
    params: [],
    systems: new Table("system"),
    templates: new Table("template"),
    items: new Table("items block"),
    cultures: new Table("culture"),
    usecases: new Table("usecase"),
    scorers: new Table("scorer"),
    baselines: new Table("baseline"),
    reports: new Table("report"),
    adaptive: new Table("adaptive block"),
    gold: new Table("gold set"),
    runs: [],
    rules: [],
  };
  const nameSpan = (n: { name: { span: Span } }) => n.name.span;
  for (const { file, node } of program.statements) {
    const s: Statement = node;
    switch (s.kind) {
      case "Param":
        d.params.push({ file, node: s });
        break;
      case "System":
        d.systems.add(ctx, s.name.name, s.name.span, { file, node: s }, nameSpan);
        break;
      case "Template":
        d.templates.add(ctx, s.name.name, s.name.span, { file, node: s }, nameSpan);
        break;
      case "Items":
        d.items.add(ctx, s.name.name, s.name.span, { file, node: s }, nameSpan);
        break;
      case "Culture":
        d.cultures.add(ctx, s.name.name, s.name.span, { file, node: s }, nameSpan);
        break;
      case "Usecase":
        d.usecases.add(ctx, s.name.name, s.name.span, { file, node: s }, nameSpan);
        break;
      case "Scorer":
        d.scorers.add(ctx, s.name.name, s.name.span, { file, node: s }, nameSpan);
        break;
      case "Rule":
        d.rules.push({ file, node: s });
        break;
      case "Baseline":
        d.baselines.add(ctx, s.name.name, s.name.span, { file, node: s }, nameSpan);
        break;
      case "Run":
        d.runs.push({ file, node: s });
        break;
      case "Report":
        d.reports.add(ctx, s.name.name, s.name.span, { file, node: s }, nameSpan);
        break;
      case "Adaptive": {
        const clash = d.items.get(s.name.name);
        if (clash) {
          ctx.error(
            CheckCodes.DUPLICATE,
            `adaptive block '${s.name.name}' has the name of an items block; both become plan segments, so names must differ`,
            file.display,
            s.name.span,
            [`items block declared at ${where(clash.file.display, clash.node.name.span)}`],
          );
        } else {
          d.adaptive.add(ctx, s.name.name, s.name.span, { file, node: s }, nameSpan);
        }
        break;
      }
      case "Gold":
        d.gold.add(ctx, s.name.name, s.name.span, { file, node: s }, nameSpan);
        break;
      case "Import":
        break;
    }
  }
  // An items block declared after an adaptive block of the same name.
  for (const a of d.adaptive.entries) {
    const clash = d.items.get(a.node.name.name);
    if (clash && isAfter(clash, a, program)) {
      ctx.error(
        CheckCodes.DUPLICATE,
        `items block '${a.node.name.name}' has the name of an adaptive block; both become plan segments, so names must differ`,
        clash.file.display,
        clash.node.name.span,
        [`adaptive block declared at ${where(a.file.display, a.node.name.span)}`],
      );
    }
  }
  return d;
}

function isAfter(a: Located<unknown>, b: Located<unknown>, program: Program): boolean {
  const ia = program.statements.findIndex((s) => s.node === a.node);
  const ib = program.statements.findIndex((s) => s.node === b.node);
  return ia > ib;
}
