// CST → AST: a hand walk over chevrotain's concrete syntax tree, one function per grammar rule.
// It also reports the syntax errors that are easier to see on the tree than in the grammar:
//   VC0004 invalid escape in a string        VC0011 unknown keyword / property / role
//   VC0013 reserved word used as a name      VC0014 property without a value
//   VC0015 misplaced `for` on a rule         VC0016 `score` or `outcome` given twice
//
// After a parse error the CST has holes (recovered nodes). The builder never assumes a child exists:
// a statement missing its essential part is dropped, a missing name becomes the empty string.

import type { CstElement, CstNode, IToken } from "chevrotain";
import { error, type Diagnostic, type Span } from "../core/diagnostic.js";
import type {
  AdaptiveDecl,
  GoldDecl,
  GoldExampleDecl,
  BaselineDecl,
  BinaryOp,
  CultureDecl,
  DimensionDecl,
  Expr,
  GroupDecl,
  Ident,
  ImportDecl,
  ItemDecl,
  ItemsDecl,
  ListValue,
  OnlyModelsClause,
  ModelDecl,
  ObjectEntry,
  ParamDecl,
  Property,
  ReportDecl,
  Role,
  RuleDecl,
  RunDecl,
  ScorerDecl,
  Statement,
  StringValue,
  SystemDecl,
  TemplateDecl,
  TemplateMessage,
  UsecaseDecl,
  Value,
} from "./ast.js";
import { describeActual } from "./parser.js";
import type { SourceText } from "./source.js";
import { decodeString } from "./strings.js";
import { Identifier, KEYWORD, NumberLiteral, ParamRef, SingleQuotedString, TripleString, UnterminatedString, UnterminatedTripleString } from "./tokens.js";
import { BLOCKS, closestWord, isReservedWord, RESERVED_WORDS, ROLES, STATEMENT_KEYWORDS, type BlockKind } from "./vocabulary.js";
import { SyntaxCodes } from "./codes.js";

export interface BuildResult {
  statements: Statement[];
  diagnostics: Diagnostic[];
}

/**
 * Build the statements of a file. `errorOffsets` are the positions of lexer and parse errors: an
 * unknown statement right after one is the parser skipping ahead, not a new mistake, so it is not
 * reported.
 */
export function buildStatements(specFile: CstNode, source: SourceText, file: string, errorOffsets: readonly number[]): BuildResult {
  const builder = new AstBuilder(source, file, errorOffsets);
  return { statements: builder.specFile(specFile), diagnostics: builder.diagnostics };
}

// ---------------------------------------------------------------------------------------------
// CST access helpers

function isToken(e: CstElement): e is IToken {
  return "tokenType" in e;
}

/** Tokens under `key`, without the ones error recovery invented. */
function toks(node: CstNode | undefined, key: string): IToken[] {
  return (node?.children[key] ?? []).filter(isToken).filter((t) => !t.isInsertedInRecovery && t.image !== "");
}

function tok(node: CstNode | undefined, key: string): IToken | undefined {
  return toks(node, key)[0];
}

function nodes(node: CstNode | undefined, key: string): CstNode[] {
  return (node?.children[key] ?? []).filter((e): e is CstNode => !isToken(e));
}

function sub(node: CstNode | undefined, key: string): CstNode | undefined {
  return nodes(node, key)[0];
}

/** All real tokens of a subtree, in source order. */
function allTokens(node: CstNode): IToken[] {
  const out: IToken[] = [];
  const walk = (n: CstNode) => {
    for (const list of Object.values(n.children)) {
      for (const e of list) {
        if (isToken(e)) {
          if (!e.isInsertedInRecovery && Number.isFinite(e.startOffset)) out.push(e);
        } else walk(e);
      }
    }
  };
  walk(node);
  return out.sort((a, b) => a.startOffset - b.startOffset);
}

/** Children of an OR: the statement rule has exactly one. */
function onlyChild(node: CstNode): CstNode | undefined {
  for (const list of Object.values(node.children)) {
    const first = list[0];
    if (first && !isToken(first)) return first;
  }
  return undefined;
}

const KEYWORD_TYPES = new Set(Object.values(KEYWORD));
const OPERATORS: Readonly<Record<string, BinaryOp>> = {
  or: "or",
  and: "and",
  "=": "=",
  "==": "=",
  "!=": "!=",
  "<": "<",
  "<=": "<=",
  ">": ">",
  ">=": ">=",
  in: "in",
  matches: "matches",
  "+": "+",
  "-": "-",
  "*": "*",
  "/": "/",
};

// ---------------------------------------------------------------------------------------------

class AstBuilder {
  readonly diagnostics: Diagnostic[] = [];

  constructor(
    private readonly source: SourceText,
    private readonly file: string,
    private readonly errorOffsets: readonly number[],
  ) {}

  // --- positions

  private tokenSpan(t: IToken): Span {
    return this.source.span(t.startOffset, t.startOffset + t.image.length);
  }

  private nodeSpan(node: CstNode): Span {
    const loc = node.location;
    if (loc && Number.isFinite(loc.startOffset) && Number.isFinite(loc.endOffset) && !node.recoveredNode) {
      return this.source.span(loc.startOffset, (loc.endOffset ?? loc.startOffset) + 1);
    }
    const ts = allTokens(node);
    const first = ts[0];
    const last = ts[ts.length - 1];
    if (!first || !last) {
      const at = node.location?.startOffset;
      return this.source.span(at !== undefined && Number.isFinite(at) ? at : this.source.text.length);
    }
    return this.source.span(first.startOffset, last.startOffset + last.image.length);
  }

  private join(a: Span, b: Span): Span {
    return { start: a.start, end: b.end.offset >= a.end.offset ? b.end : a.end };
  }

  private report(code: string, message: string, span: Span, notes?: string[]): void {
    this.diagnostics.push(error(code, message, this.file, span, notes));
  }

  // --- file

  specFile(node: CstNode): Statement[] {
    const statements: Statement[] = [];
    let previousStart = 0;
    for (const statementNode of nodes(node, "statement")) {
      const inner = onlyChild(statementNode);
      if (!inner) continue;
      const start = this.nodeSpan(inner).start.offset;
      const built = this.statement(inner, previousStart);
      if (built) statements.push(built);
      previousStart = start;
    }
    return statements;
  }

  private statement(node: CstNode, previousStart: number): Statement | undefined {
    switch (node.name) {
      case "importStatement":
        return this.importStatement(node);
      case "paramStatement":
        return this.paramStatement(node);
      case "systemStatement":
        return this.systemStatement(node);
      case "templateStatement":
        return this.templateStatement(node);
      case "itemsStatement":
        return this.itemsStatement(node);
      case "cultureStatement":
        return this.labelledBlock(node, "Culture", "culture");
      case "usecaseStatement":
        return this.labelledBlock(node, "Usecase", "usecase");
      case "scorerStatement":
        return this.scorerStatement(node);
      case "ruleDecl":
        return this.ruleDecl(node, undefined);
      case "baselineStatement":
        return this.labelledBlock(node, "Baseline", "baseline");
      case "runStatement":
        return this.runStatement(node);
      case "reportStatement":
        return this.reportStatement(node);
      case "adaptiveStatement":
        return this.adaptiveStatement(node);
      case "goldStatement":
        return this.goldStatement(node);
      case "unknownStatement":
        this.unknownStatement(node, previousStart);
        return undefined;
      default:
        return undefined;
    }
  }

  private unknownStatement(node: CstNode, previousStart: number): void {
    const first = allTokens(node)[0];
    if (!first) return;
    if (this.errorOffsets.some((o) => o >= previousStart && o <= first.startOffset)) return;
    const statementList = `a statement starts with one of: ${STATEMENT_KEYWORDS.join(", ")}`;
    if (first.tokenType === Identifier || KEYWORD_TYPES.has(first.tokenType)) {
      const suggestion = closestWord(first.image, STATEMENT_KEYWORDS);
      const notes = suggestion ? [`did you mean '${suggestion}'?`, statementList] : [statementList];
      if (first.image === "one") notes.unshift('a param\'s `one of [...]` comes before its description: param p = 1 one of [1, 2] "..."');
      const message = KEYWORD_TYPES.has(first.tokenType) ? `'${first.image}' cannot start a statement` : `unknown keyword '${first.image}'`;
      this.report(SyntaxCodes.UNKNOWN_WORD, message, this.tokenSpan(first), notes);
    } else {
      this.report(SyntaxCodes.UNEXPECTED_TOKEN, `unexpected ${describeActual(first)}`, this.tokenSpan(first), [`expected a statement; ${statementList}`]);
    }
  }

  // --- statements

  private importStatement(node: CstNode): ImportDecl | undefined {
    const path = this.stringValue(tok(node, "path"));
    if (!path) return undefined;
    return { kind: "Import", path, span: this.nodeSpan(node) };
  }

  private paramStatement(node: CstNode): ParamDecl | undefined {
    const value = this.value(sub(node, "value"));
    if (!value) return undefined;
    const description = this.stringValue(tok(node, "description"));
    const choices = this.paramChoices(sub(node, "paramChoices"));
    return {
      kind: "Param",
      name: this.declName(node, "parameter"),
      value,
      ...(choices ? { choices } : {}),
      ...(description ? { description } : {}),
      span: this.nodeSpan(node),
    };
  }

  /** `one of [...]`: the parser only checked the first word, so `of` is checked here. */
  private paramChoices(node: CstNode | undefined): Value | undefined {
    if (!node) return undefined;
    const of = tok(node, "of");
    if (of && of.image !== "of") {
      this.report(SyntaxCodes.UNEXPECTED_TOKEN, `unexpected ${describeActual(of)}`, this.tokenSpan(of), [
        "a param's allowed values are written `one of [a, b, ...]`",
      ]);
      return undefined;
    }
    return this.value(sub(node, "choices"));
  }

  private systemStatement(node: CstNode): SystemDecl {
    const name = this.declName(node, "system");
    const label = this.stringValue(tok(node, "label"));
    return {
      kind: "System",
      name,
      ...(label ? { label } : {}),
      groups: nodes(node, "groupDecl").map((g) => this.groupOrDimension(g, "Group")),
      dimensions: nodes(node, "dimensionDecl").map((d) => this.groupOrDimension(d, "Dimension")),
      properties: this.properties(nodes(node, "property"), "system", `system '${name.name}'`),
      span: this.nodeSpan(node),
    };
  }

  private groupOrDimension(node: CstNode, kind: "Group"): GroupDecl;
  private groupOrDimension(node: CstNode, kind: "Dimension"): DimensionDecl;
  private groupOrDimension(node: CstNode, kind: "Group" | "Dimension"): GroupDecl | DimensionDecl {
    const block: BlockKind = kind === "Group" ? "group" : "dimension";
    const name = this.declName(node, block);
    const label = this.stringValue(tok(node, "label"));
    const properties = this.blockProperties(sub(node, "propertyBlock"), block, `${block} '${name.name}'`);
    return { kind, name, ...(label ? { label } : {}), properties, span: this.nodeSpan(node) };
  }

  private templateStatement(node: CstNode): TemplateDecl {
    const name = this.declName(node, "template");
    const from = this.stringValue(tok(node, "from"));
    const messages = nodes(node, "templateMessage")
      .map((m) => this.templateMessage(m, name.name))
      .filter((m): m is TemplateMessage => m !== undefined);
    return { kind: "Template", name, ...(from ? { from } : {}), messages, span: this.nodeSpan(node) };
  }

  private templateMessage(node: CstNode, template: string): TemplateMessage | undefined {
    const roleToken = tok(node, "role");
    if (!roleToken) return undefined;
    const roleSpan = this.tokenSpan(roleToken);
    if (!(ROLES as readonly string[]).includes(roleToken.image)) {
      const suggestion = closestWord(roleToken.image, ROLES);
      this.report(SyntaxCodes.UNKNOWN_WORD, `unknown role '${roleToken.image}' in template '${template}'`, roleSpan, [
        ...(suggestion ? [`did you mean '${suggestion}'?`] : []),
        `expected one of: ${ROLES.join(", ")}`,
      ]);
      return undefined;
    }
    const text = this.stringValue(tok(node, "text"));
    const from = this.stringValue(tok(node, "from"));
    if (!text && !from) return undefined;
    return {
      role: roleToken.image as Role,
      roleSpan,
      ...(text ? { text } : {}),
      ...(from ? { from } : {}),
      span: this.nodeSpan(node),
    };
  }

  private itemsStatement(node: CstNode): ItemsDecl {
    const name = this.declName(node, "items");
    const items = nodes(node, "itemDecl").map((itemNode): ItemDecl => {
      const itemName = this.declName(itemNode, "item");
      return {
        kind: "Item",
        name: itemName,
        properties: this.blockProperties(sub(itemNode, "propertyBlock"), "item", `item '${itemName.name}'`),
        span: this.nodeSpan(itemNode),
      };
    });
    const only = nodes(node, "onlyClause").flatMap((clause): OnlyModelsClause[] => {
      const first = tok(clause, "only");
      const second = tok(clause, "models");
      const listNode = sub(clause, "listValue");
      if (!first || !second || !listNode) return [];
      return [
        { kind: "OnlyModels", keySpan: this.join(this.tokenSpan(first), this.tokenSpan(second)), list: this.listValue(listNode), span: this.nodeSpan(clause) },
      ];
    });
    return {
      kind: "Items",
      name,
      properties: this.properties(nodes(node, "property"), "items", `items '${name.name}'`),
      items,
      only,
      span: this.nodeSpan(node),
    };
  }

  /** culture / usecase / baseline: NAME "label"? { properties } */
  private labelledBlock(node: CstNode, kind: "Culture", block: "culture"): CultureDecl;
  private labelledBlock(node: CstNode, kind: "Usecase", block: "usecase"): UsecaseDecl;
  private labelledBlock(node: CstNode, kind: "Baseline", block: "baseline"): BaselineDecl;
  private labelledBlock(
    node: CstNode,
    kind: "Culture" | "Usecase" | "Baseline",
    block: "culture" | "usecase" | "baseline",
  ): CultureDecl | UsecaseDecl | BaselineDecl {
    const name = this.declName(node, block);
    const label = this.stringValue(tok(node, "label"));
    const properties = this.blockProperties(sub(node, "propertyBlock"), block, `${block} '${name.name}'`);
    return { kind, name, ...(label ? { label } : {}), properties, span: this.nodeSpan(node) };
  }

  private scorerStatement(node: CstNode): ScorerDecl {
    const name = this.declName(node, "scorer");
    const kindToken = tok(node, "kind");
    const scorerKind: Ident = kindToken
      ? { kind: "Ident", name: kindToken.image, span: this.tokenSpan(kindToken) }
      : { kind: "Ident", name: "", span: name.span };
    const score = this.scoreOf(nodes(node, "scoreProperty"), `scorer '${name.name}'`);
    const outcome = this.scoreOf(nodes(node, "outcomeProperty"), `scorer '${name.name}'`, "outcome");
    const rules = nodes(node, "ruleDecl")
      .map((r) => this.ruleDecl(r, name.name))
      .filter((r): r is RuleDecl => r !== undefined);
    return {
      kind: "Scorer",
      name,
      scorerKind,
      properties: this.properties(nodes(node, "property"), "scorer", `scorer '${name.name}'`),
      ...(score ? { score: score.expr, scoreSpan: score.span } : {}),
      ...(outcome ? { outcome: outcome.expr, outcomeSpan: outcome.span } : {}),
      rules,
      span: this.nodeSpan(node),
    };
  }

  /** The single `score EXPR` (or `outcome EXPR`) of a scorer or rule; a second one is reported. */
  private scoreOf(scoreNodes: CstNode[], where: string, what: "score" | "outcome" = "score"): { expr: Expr; span: Span } | undefined {
    const [first, ...rest] = scoreNodes;
    for (const extra of rest) {
      this.report(SyntaxCodes.DUPLICATE_SCORE, `'${what}' is given twice in ${where}`, this.nodeSpan(extra), [
        `a scorer or rule has one ${what} expression; combine them with ?:${what === "score" ? " or min/max" : ""}`,
      ]);
    }
    if (!first) return undefined;
    const expr = this.expression(sub(first, "expression"));
    return expr ? { expr, span: this.nodeSpan(first) } : undefined;
  }

  /** `enclosingScorer` is set for a rule written inside a scorer block. */
  private ruleDecl(node: CstNode, enclosingScorer: string | undefined): RuleDecl | undefined {
    const name = this.declName(node, "rule");
    const scorerToken = tok(node, "scorer");
    const forToken = tok(node, "KwFor");
    if (enclosingScorer !== undefined && forToken) {
      this.report(
        SyntaxCodes.RULE_FOR,
        `rule '${name.name}' is inside scorer '${enclosingScorer}' and must not name a scorer with 'for'`,
        this.tokenSpan(forToken),
        ["'for SCORER' is only for rules written at top level; remove it here"],
      );
    }
    if (enclosingScorer === undefined && !forToken && !node.recoveredNode) {
      this.report(SyntaxCodes.RULE_FOR, `rule '${name.name}' at top level needs 'for SCORER'`, name.span, [
        `write: rule ${name.name || "NAME"} for SCORER when CONDITION { ... }, or move the rule into a scorer block`,
      ]);
    }
    const when = this.expression(sub(node, "when"));
    if (!when) return undefined;
    const score = this.scoreOf(nodes(node, "scoreProperty"), `rule '${name.name}'`);
    const outcome = this.scoreOf(nodes(node, "outcomeProperty"), `rule '${name.name}'`, "outcome");
    return {
      kind: "Rule",
      name,
      ...(scorerToken && enclosingScorer === undefined ? { scorer: { kind: "Ident", name: scorerToken.image, span: this.tokenSpan(scorerToken) } } : {}),
      when,
      ...(score ? { score: score.expr, scoreSpan: score.span } : {}),
      ...(outcome ? { outcome: outcome.expr, outcomeSpan: outcome.span } : {}),
      properties: this.properties(nodes(node, "property"), "rule", `rule '${name.name}'`),
      span: this.nodeSpan(node),
    };
  }

  private runStatement(node: CstNode): RunDecl {
    const nameToken = tok(node, "name");
    const name = nameToken ? this.declName(node, "run") : undefined;
    const models = nodes(node, "modelDecl")
      .map((m): ModelDecl | undefined => {
        const id = this.stringValue(tok(m, "id"));
        if (!id) return undefined;
        return {
          kind: "Model",
          id,
          properties: this.blockProperties(sub(m, "propertyBlock"), "model", `model ${JSON.stringify(id.value)}`),
          span: this.nodeSpan(m),
        };
      })
      .filter((m): m is ModelDecl => m !== undefined);
    return {
      kind: "Run",
      ...(name ? { name } : {}),
      properties: this.properties(nodes(node, "property"), "run", name ? `run '${name.name}'` : "run"),
      models,
      span: this.nodeSpan(node),
    };
  }

  private reportStatement(node: CstNode): ReportDecl {
    const name = this.declName(node, "report");
    const kindToken = tok(node, "kind");
    return {
      kind: "Report",
      name,
      ...(kindToken ? { reportKind: { kind: "Ident", name: kindToken.image, span: this.tokenSpan(kindToken) } } : {}),
      properties: this.blockProperties(sub(node, "propertyBlock"), "report", `report '${name.name}'`),
      span: this.nodeSpan(node),
    };
  }

  private adaptiveStatement(node: CstNode): AdaptiveDecl {
    const name = this.declName(node, "adaptive");
    return {
      kind: "Adaptive",
      name,
      properties: this.blockProperties(sub(node, "propertyBlock"), "adaptive", `adaptive '${name.name}'`),
      span: this.nodeSpan(node),
    };
  }

  private goldStatement(node: CstNode): GoldDecl {
    const name = this.declName(node, "gold set");
    const scorerToken = tok(node, "scorer");
    const labels = nodes(node, "goldLabel");
    for (const extra of labels.slice(1)) {
      this.report(SyntaxCodes.DUPLICATE_SCORE, `'label' is given twice in gold set '${name.name}'`, this.nodeSpan(extra), [
        "a gold set has one label expression; combine cases with ?:",
      ]);
    }
    const first = labels[0];
    const label = first ? this.expression(sub(first, "expression")) : undefined;
    const requires = nodes(node, "goldRequire")
      .map((r) => {
        const expr = this.expression(sub(r, "expression"));
        return expr ? { expr, span: this.nodeSpan(r) } : undefined;
      })
      .filter((r): r is { expr: Expr; span: Span } => r !== undefined);
    const examples = nodes(node, "goldExample").map((e): GoldExampleDecl => {
      const exampleName = this.declName(e, "gold example");
      return {
        kind: "GoldExample",
        name: exampleName,
        properties: this.blockProperties(sub(e, "propertyBlock"), "example", `example '${exampleName.name}'`),
        span: this.nodeSpan(e),
      };
    });
    return {
      kind: "Gold",
      name,
      scorer: scorerToken ? { kind: "Ident", name: scorerToken.image, span: this.tokenSpan(scorerToken) } : { kind: "Ident", name: "", span: name.span },
      properties: this.properties(nodes(node, "property"), "gold", `gold set '${name.name}'`),
      ...(label && first ? { label, labelSpan: this.nodeSpan(first) } : {}),
      requires,
      examples,
      span: this.nodeSpan(node),
    };
  }

  // --- names

  /** The declared name under the `name` label; reserved words are reported (VC0013). */
  private declName(node: CstNode, what: string): Ident {
    const t = tok(node, "name");
    if (!t) {
      const at = this.nodeSpan(node).start.offset;
      return { kind: "Ident", name: "", span: this.source.span(at) };
    }
    const ident: Ident = { kind: "Ident", name: t.image, span: this.tokenSpan(t) };
    if (isReservedWord(t.image)) {
      this.report(SyntaxCodes.RESERVED_NAME, `'${t.image}' is a reserved word and cannot be used as the name of a ${what}`, ident.span, [
        `choose another name, e.g. '${t.image}_1' or 'my_${t.image}'`,
        `reserved words: ${RESERVED_WORDS.join(", ")}`,
      ]);
    }
    return ident;
  }

  // --- properties

  private blockProperties(block: CstNode | undefined, kind: BlockKind, where: string): Property[] {
    return this.properties(nodes(block, "property"), kind, where);
  }

  private properties(propertyNodes: CstNode[], kind: BlockKind, where: string): Property[] {
    const vocabulary = BLOCKS[kind];
    const known = [...vocabulary.properties, ...vocabulary.structural];
    const out: Property[] = [];
    for (const node of propertyNodes) {
      const keyToken = tok(node, "key");
      if (!keyToken) continue;
      const keySpan = this.tokenSpan(keyToken);
      const key = keyToken.image;
      if (!vocabulary.open && !vocabulary.properties.includes(key)) {
        const suggestion = closestWord(key, known);
        const notes = suggestion && suggestion !== key ? [`did you mean '${suggestion}'?`] : [];
        notes.push(`expected one of: ${known.join(", ")}`);
        this.report(SyntaxCodes.UNKNOWN_WORD, `unknown property '${key}' in ${where}`, keySpan, notes);
        continue;
      }
      const value = this.value(sub(node, "value"));
      if (!value) {
        if (!sub(node, "value")) {
          this.report(SyntaxCodes.MISSING_VALUE, `missing value for '${key}'`, keySpan, [
            `a property is written '${key} VALUE', with the value on the same line as '${key}'`,
          ]);
        }
        continue;
      }
      out.push({ key, keySpan, value, span: this.join(keySpan, value.span) });
    }
    return out;
  }

  // --- values

  private listValue(list: CstNode): ListValue {
    return {
      kind: "List",
      items: nodes(list, "value")
        .map((v) => this.value(v))
        .filter((v): v is Value => v !== undefined),
      span: this.nodeSpan(list),
    };
  }

  private value(node: CstNode | undefined): Value | undefined {
    if (!node) return undefined;
    const list = sub(node, "listValue");
    if (list) return this.listValue(list);
    const object = sub(node, "objectValue");
    if (object) {
      const entries = nodes(object, "objectEntry")
        .map((e) => this.objectEntry(e))
        .filter((e): e is ObjectEntry => e !== undefined);
      return { kind: "Object", entries, span: this.nodeSpan(object) };
    }
    const t = allTokens(node)[0];
    if (!t) return undefined;
    const span = this.tokenSpan(t);
    if (t.tokenType === NumberLiteral) return { kind: "Number", value: Number(t.image), raw: t.image, span };
    if (t.tokenType === ParamRef) return { kind: "Param", name: t.image.slice(1), span };
    if (t.tokenType === KEYWORD.true || t.tokenType === KEYWORD.false) {
      return { kind: "Bool", value: t.tokenType === KEYWORD.true, span };
    }
    if (t.tokenType === KEYWORD.null) return { kind: "Null", span };
    if (tok(node, "ref")) return { kind: "Ref", name: t.image, span };
    return this.stringValue(t);
  }

  private objectEntry(node: CstNode): ObjectEntry | undefined {
    const keyToken = tok(node, "key");
    const value = this.value(sub(node, "value"));
    if (!keyToken || !value) return undefined;
    const keySpan = this.tokenSpan(keyToken);
    const key = this.isString(keyToken) ? (this.stringValue(keyToken)?.value ?? "") : keyToken.image;
    return { key, keySpan, value, span: this.join(keySpan, value.span) };
  }

  private isString(t: IToken): boolean {
    const name = t.tokenType.name;
    return name.endsWith("String");
  }

  private stringValue(t: IToken | undefined): StringValue | undefined {
    if (!t || !this.isString(t)) return undefined;
    const triple = t.tokenType === TripleString || t.tokenType === UnterminatedTripleString;
    const terminated =
      t.tokenType === SingleQuotedString
        ? t.image.length > 1 && t.image.endsWith("'")
        : t.tokenType !== UnterminatedString && t.tokenType !== UnterminatedTripleString;
    const decoded = decodeString(t.image, t.startOffset, triple ? "triple" : "plain", terminated);
    for (const p of decoded.problems) {
      this.report(SyntaxCodes.INVALID_ESCAPE, p.message, this.source.span(p.start, p.end), p.notes);
    }
    return { kind: "String", value: decoded.value, triple, contentMap: decoded.contentMap, span: this.tokenSpan(t) };
  }

  // --- expressions

  private expression(node: CstNode | undefined): Expr | undefined {
    return node ? this.conditional(sub(node, "conditionalExpr")) : undefined;
  }

  private conditional(node: CstNode | undefined): Expr | undefined {
    const test = this.binaryChain(sub(node, "test"));
    if (!node || !test) return test;
    const thenExpr = this.conditional(sub(node, "then"));
    const elseExpr = this.conditional(sub(node, "else"));
    if (!thenExpr || !elseExpr) return test;
    return { kind: "Conditional", test, then: thenExpr, else: elseExpr, span: this.join(test.span, elseExpr.span) };
  }

  /** orExpr, andExpr, comparisonExpr, additiveExpr, multiplicativeExpr: operands and operators. */
  private binaryChain(node: CstNode | undefined): Expr | undefined {
    if (!node) return undefined;
    if (node.name === "notExpr") return this.notExpr(node);
    if (node.name === "unaryExpr") return this.unaryExpr(node);
    const operands = nodes(node, "operands");
    const operators = toks(node, "operators");
    let left = this.binaryChain(operands[0]);
    if (!left) return undefined;
    for (let i = 0; i < operators.length; i++) {
      const opToken = operators[i];
      const right = this.binaryChain(operands[i + 1]);
      const op = opToken ? OPERATORS[opToken.image] : undefined;
      if (!right || !op) break;
      left = { kind: "Binary", op, left, right, span: this.join(left.span, right.span) };
    }
    return left;
  }

  private notExpr(node: CstNode): Expr | undefined {
    const notToken = tok(node, "KwNot");
    if (notToken) {
      const operandNode = sub(node, "operand");
      const operand = operandNode ? this.notExpr(operandNode) : undefined;
      if (!operand) return undefined;
      return { kind: "Unary", op: "not", operand, span: this.join(this.tokenSpan(notToken), operand.span) };
    }
    return this.binaryChain(sub(node, "comparisonExpr"));
  }

  private unaryExpr(node: CstNode): Expr | undefined {
    const minus = tok(node, "Minus");
    const operandNode = sub(node, "operand");
    if (minus) {
      const operand = operandNode ? this.unaryExpr(operandNode) : undefined;
      if (!operand) return undefined;
      return { kind: "Unary", op: "-", operand, span: this.join(this.tokenSpan(minus), operand.span) };
    }
    return this.primary(sub(node, "primaryExpr"));
  }

  private primary(node: CstNode | undefined): Expr | undefined {
    if (!node) return undefined;
    const list = sub(node, "listExpr");
    if (list) {
      const items = nodes(list, "items")
        .map((e) => this.expression(e))
        .filter((e): e is Expr => e !== undefined);
      return { kind: "ListExpr", items, span: this.nodeSpan(list) };
    }
    const paren = sub(node, "parenExpr");
    if (paren) return this.expression(sub(paren, "expression"));
    const path = sub(node, "pathOrCall");
    if (path) return this.pathOrCall(path);
    const t = allTokens(node)[0];
    if (!t) return undefined;
    const span = this.tokenSpan(t);
    if (t.tokenType === NumberLiteral) return { kind: "Literal", value: Number(t.image), span };
    if (t.tokenType === ParamRef) return { kind: "ParamRef", name: t.image.slice(1), span };
    if (t.tokenType === KEYWORD.true) return { kind: "Literal", value: true, span };
    if (t.tokenType === KEYWORD.false) return { kind: "Literal", value: false, span };
    if (t.tokenType === KEYWORD.null) return { kind: "Literal", value: null, span };
    const s = this.stringValue(t);
    return s ? { kind: "Literal", value: s.value, span } : undefined;
  }

  private pathOrCall(node: CstNode): Expr | undefined {
    const head = tok(node, "head");
    if (!head) return undefined;
    if (tok(node, "LParen")) {
      const args = nodes(node, "args")
        .map((a) => this.expression(a))
        .filter((a): a is Expr => a !== undefined);
      return { kind: "Call", callee: head.image, args, span: this.nodeSpan(node) };
    }
    const segments = [head.image, ...toks(node, "segments").map((t) => t.image)];
    return { kind: "Path", segments, span: this.nodeSpan(node) };
  }
}
