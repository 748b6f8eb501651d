// The grammar of the .vc language as a chevrotain CstParser: one rule per construct (so the generated
// railroad diagrams in grammar/diagrams.html read like the language reference). Error recovery is on:
// the parser reports an error and carries on, so one run reports several problems.
//
// Design notes
// - Property names are any word (`Name`); whether a block knows a property is decided after parsing
//   (build-ast.ts, VC0011), which gives better messages than a parse error and keeps recovery simple.
// - A property's value must start on the same line as its name. That is what lets a forgotten value
//   be reported as such (VC0014) instead of swallowing the next line's property name as the value.
// - Declaration names are any word too; reserved words are rejected after parsing (VC0013).
// - Anything at top level that is not a statement is parsed as an `unknownStatement` (skipping
//   balanced brackets) and reported once, so parsing resumes at the next statement keyword.
// grammar/vc.ebnf mirrors these rules; keep the two in sync.

import type { IParserErrorMessageProvider, IToken, TokenType } from "chevrotain";
import { CstParser, EOF, tokenMatcher } from "./chevrotain.js";
import {
  ALL_TOKENS,
  AnyToken,
  Colon,
  Comma,
  Dot,
  Eq,
  EqEq,
  Gt,
  GtEq,
  Identifier,
  Junk,
  KEYWORD,
  LBrace,
  LBracket,
  LParen,
  Lt,
  LtEq,
  Minus,
  Name,
  NotEq,
  NumberLiteral,
  ParamRef,
  Plus,
  Question,
  RBrace,
  RBracket,
  RParen,
  Slash,
  Star,
  StringToken,
  Word,
  PlainString,
  TripleString,
  UnterminatedString,
  UnterminatedTripleString,
  SingleQuotedString,
} from "./tokens.js";

const K = KEYWORD;
const BRACKETS: readonly TokenType[] = [LBrace, RBrace, LBracket, RBracket, LParen, RParen];

/**
 * For block bodies that mix sub-declarations with properties: decide on the first token alone, in the
 * order the alternatives are listed. `rule r { ... }` in a scorer (missing its `when`) then goes to
 * the rule and gets a precise error instead of being read as a property named `rule`.
 */
const STRUCTURAL_FIRST = { IGNORE_AMBIGUITIES: true, MAX_LOOKAHEAD: 1 } as const;

/** The contextual word `outcome` (scorer and rule bodies): an expression follows, not a value. */
function isOutcome(token: IToken): boolean {
  return token.image === "outcome";
}

export class VcParser extends CstParser {
  /**
   * `validate` runs chevrotain's grammar validations (ambiguities, left recursion) while building. They
   * cost a third of the start-up of every `vc` command and can only fail when the grammar itself is
   * changed, so the CLI skips them and a test (test/syntax/grammar.test.ts) builds with them on.
   */
  constructor(options: { validate?: boolean } = {}) {
    super(ALL_TOKENS, {
      recoveryEnabled: true,
      maxLookahead: 3,
      nodeLocationTracking: "onlyOffset",
      errorMessageProvider: messageProvider,
      skipValidations: !(options.validate ?? false),
    });
    this.performSelfAnalysis();
  }

  /**
   * When the expected token comes right after one stray token (`[model dimension]`), drop the stray
   * token rather than pretend the expected one was there: that keeps the rest of the line in place and
   * avoids a cascade of follow-up errors.
   */
  protected override canTokenTypeBeInsertedInRecovery(tokType: TokenType): boolean {
    return !tokenMatcher(this.LA(2), tokType);
  }

  /** Brackets are balanced before parsing (brackets.ts), so never skip one to recover. */
  protected override canTokenTypeBeDeletedInRecovery(): boolean {
    return !BRACKETS.includes(this.LA(1).tokenType);
  }

  // -------------------------------------------------------------------------------------------
  // File and statements

  public readonly specFile = this.RULE("specFile", () => {
    this.MANY(() => this.SUBRULE(this.statement));
  });

  public readonly statement = this.RULE("statement", () => {
    // The first token decides, as the grammar's LL(3) lookahead did: every statement but two starts
    // with a keyword of its own; `model` (a Junk word too, as it also appears inside run blocks) is a
    // model declaration only when a string follows (the gate: `model x` stays an unknown statement),
    // and unknownStatement, tried last, takes the rest. The decision is computed once per process,
    // and at three tokens chevrotain expands every Junk × Junk × Junk combination of the Junk
    // category (about 10^6 keys): 0.4–0.8 s of every command's start, for the same choices.
    this.OR({
      ...STRUCTURAL_FIRST,
      DEF: [
        { ALT: () => this.SUBRULE(this.importStatement) },
        { ALT: () => this.SUBRULE(this.paramStatement) },
        { ALT: () => this.SUBRULE(this.systemStatement) },
        { ALT: () => this.SUBRULE(this.templateStatement) },
        { ALT: () => this.SUBRULE(this.itemsStatement) },
        { ALT: () => this.SUBRULE(this.cultureStatement) },
        { ALT: () => this.SUBRULE(this.usecaseStatement) },
        { ALT: () => this.SUBRULE(this.scorerStatement) },
        { ALT: () => this.SUBRULE(this.ruleDecl) },
        { ALT: () => this.SUBRULE(this.baselineStatement) },
        { ALT: () => this.SUBRULE(this.runStatement) },
        // A model's attributes outside a run: a shared models file (specs/lib/models.vc) a spec imports.
        { GATE: () => tokenMatcher(this.LA(2), StringToken), ALT: () => this.SUBRULE(this.modelDecl) },
        { ALT: () => this.SUBRULE(this.reportStatement) },
        { ALT: () => this.SUBRULE(this.adaptiveStatement) },
        { ALT: () => this.SUBRULE(this.goldStatement) },
        { ALT: () => this.SUBRULE(this.unknownStatement) },
      ],
    });
  });

  /** import "lib/common.vc" */
  public readonly importStatement = this.RULE("importStatement", () => {
    this.CONSUME(K.import);
    this.CONSUME(StringToken, { LABEL: "path" });
  });

  /** param seed = 7 "optional description"   param scoring = "judge" one of ["judge", "refusal"] "..." */
  public readonly paramStatement = this.RULE("paramStatement", () => {
    this.CONSUME(K.param);
    this.CONSUME(Name, { LABEL: "name" });
    this.CONSUME(Eq);
    this.SUBRULE(this.value);
    this.OPTION({
      // `one` and `of` are ordinary words (not reserved); only here, right after a param's value,
      // do they introduce the list of values the param may take.
      GATE: () => this.LA(1).tokenType === Identifier && this.LA(1).image === "one",
      DEF: () => this.SUBRULE(this.paramChoices),
    });
    this.OPTION2(() => this.CONSUME(StringToken, { LABEL: "description" }));
  });

  /** one of [v, v, ...] — the values a param may take (its default and any --set value) */
  public readonly paramChoices = this.RULE("paramChoices", () => {
    this.CONSUME(Identifier, { LABEL: "one" });
    this.CONSUME2(Identifier, { LABEL: "of" });
    this.SUBRULE(this.value, { LABEL: "choices" });
  });

  /** system NAME "label" { description ...  group ...  dimension ... } */
  public readonly systemStatement = this.RULE("systemStatement", () => {
    this.CONSUME(K.system);
    this.CONSUME(Name, { LABEL: "name" });
    this.OPTION(() => this.CONSUME(StringToken, { LABEL: "label" }));
    this.OPTION2(() => {
      this.CONSUME(LBrace);
      this.MANY(() =>
        this.OR({
          ...STRUCTURAL_FIRST,
          DEF: [{ ALT: () => this.SUBRULE(this.groupDecl) }, { ALT: () => this.SUBRULE(this.dimensionDecl) }, { ALT: () => this.SUBRULE(this.property) }],
        }),
      );
      this.CONSUME(RBrace);
    });
  });

  /** group NAME "label" { ... } (inside a system) */
  public readonly groupDecl = this.RULE("groupDecl", () => {
    this.CONSUME(K.group);
    this.CONSUME(Name, { LABEL: "name" });
    this.OPTION(() => this.CONSUME(StringToken, { LABEL: "label" }));
    this.OPTION2(() => this.SUBRULE(this.propertyBlock));
  });

  /** dimension NAME "label" { ... } (inside a system) */
  public readonly dimensionDecl = this.RULE("dimensionDecl", () => {
    this.CONSUME(K.dimension);
    this.CONSUME(Name, { LABEL: "name" });
    this.OPTION(() => this.CONSUME(StringToken, { LABEL: "label" }));
    this.OPTION2(() => this.SUBRULE(this.propertyBlock));
  });

  /** template NAME { ROLE "text" | ROLE from "file" ... }   or   template NAME from "file" */
  public readonly templateStatement = this.RULE("templateStatement", () => {
    this.CONSUME(K.template);
    this.CONSUME(Name, { LABEL: "name" });
    this.OR([
      {
        ALT: () => {
          this.CONSUME(K.from);
          this.CONSUME(StringToken, { LABEL: "from" });
        },
      },
      {
        ALT: () => {
          this.CONSUME(LBrace);
          this.MANY(() => this.SUBRULE(this.templateMessage));
          this.CONSUME(RBrace);
        },
      },
    ]);
  });

  /** system "..." | user from "file.hbs" */
  public readonly templateMessage = this.RULE("templateMessage", () => {
    this.CONSUME(Name, { LABEL: "role" });
    this.OR([
      { ALT: () => this.CONSUME(StringToken, { LABEL: "text" }) },
      {
        ALT: () => {
          this.CONSUME(K.from);
          this.CONSUME2(StringToken, { LABEL: "from" });
        },
      },
    ]);
  });

  /** items NAME { properties...  item NAME { ... } } */
  public readonly itemsStatement = this.RULE("itemsStatement", () => {
    this.CONSUME(K.items);
    this.CONSUME(Name, { LABEL: "name" });
    this.CONSUME(LBrace);
    this.MANY(() =>
      this.OR({
        ...STRUCTURAL_FIRST,
        DEF: [
          { ALT: () => this.SUBRULE(this.itemDecl) },
          // `only models [...]`: two words then a list, which a property (one word, one value) cannot be.
          // "only" and "models" stay ordinary words (no new reserved word), so the gate looks at the text.
          {
            GATE: () => this.LA(1).image === "only" && this.LA(2).image === "models" && sameLine(this.LA(1), this.LA(2)),
            ALT: () => this.SUBRULE(this.onlyClause),
          },
          { ALT: () => this.SUBRULE(this.property) },
        ],
      }),
    );
    this.CONSUME(RBrace);
  });

  /** only models ["ollama:llama3.2", ...] (inside items): the models that answer the block's items */
  public readonly onlyClause = this.RULE("onlyClause", () => {
    this.CONSUME(Name, { LABEL: "only" });
    this.CONSUME2(Name, { LABEL: "models" });
    this.SUBRULE(this.listValue);
  });

  /** item NAME { dimension ...  text "..." } */
  public readonly itemDecl = this.RULE("itemDecl", () => {
    this.CONSUME(K.item);
    this.CONSUME(Name, { LABEL: "name" });
    this.SUBRULE(this.propertyBlock);
  });

  /** culture NAME "label" { locale ...  language ...  country ...  norms ... } */
  public readonly cultureStatement = this.RULE("cultureStatement", () => {
    this.CONSUME(K.culture);
    this.CONSUME(Name, { LABEL: "name" });
    this.OPTION(() => this.CONSUME(StringToken, { LABEL: "label" }));
    this.OPTION2(() => this.SUBRULE(this.propertyBlock));
  });

  /** usecase NAME "label" { description ...  policy ... } */
  public readonly usecaseStatement = this.RULE("usecaseStatement", () => {
    this.CONSUME(K.usecase);
    this.CONSUME(Name, { LABEL: "name" });
    this.OPTION(() => this.CONSUME(StringToken, { LABEL: "label" }));
    this.OPTION2(() => this.SUBRULE(this.propertyBlock));
  });

  /** scorer NAME KIND { properties...  score EXPR  outcome EXPR  rule ... } */
  public readonly scorerStatement = this.RULE("scorerStatement", () => {
    this.CONSUME(K.scorer);
    this.CONSUME(Name, { LABEL: "name" });
    this.CONSUME2(Name, { LABEL: "kind" });
    this.OPTION(() => {
      this.CONSUME(LBrace);
      this.MANY(() =>
        this.OR({
          ...STRUCTURAL_FIRST,
          DEF: [
            { ALT: () => this.SUBRULE(this.scoreProperty) },
            { ALT: () => this.SUBRULE(this.ruleDecl) },
            { GATE: () => isOutcome(this.LA(1)), ALT: () => this.SUBRULE(this.outcomeProperty) },
            { ALT: () => this.SUBRULE(this.property) },
          ],
        }),
      );
      this.CONSUME(RBrace);
    });
  });

  /**
   * outcome EXPR — the category of an answer (`safe`, `unsafe`, `over_refusal` …). `outcome` is a
   * contextual word, not a keyword: only in a scorer or rule body does it take an expression, so it
   * stays free as a name everywhere else (a judge output field `outcome`, an item field …).
   */
  public readonly outcomeProperty = this.RULE("outcomeProperty", () => {
    this.CONSUME(Name, { LABEL: "outcome" });
    this.SUBRULE(this.expression);
  });

  /** score EXPR */
  public readonly scoreProperty = this.RULE("scoreProperty", () => {
    this.CONSUME(K.score);
    this.SUBRULE(this.expression);
  });

  /** rule NAME [for SCORER] when EXPR { score EXPR  outcome EXPR  verdict "..."  note "..." } */
  public readonly ruleDecl = this.RULE("ruleDecl", () => {
    this.CONSUME(K.rule);
    this.CONSUME(Name, { LABEL: "name" });
    this.OPTION(() => {
      this.CONSUME(K.for);
      this.CONSUME2(Name, { LABEL: "scorer" });
    });
    this.CONSUME(K.when);
    this.SUBRULE(this.expression, { LABEL: "when" });
    this.CONSUME(LBrace);
    this.MANY(() =>
      this.OR({
        ...STRUCTURAL_FIRST,
        DEF: [
          { ALT: () => this.SUBRULE(this.scoreProperty) },
          { GATE: () => isOutcome(this.LA(1)), ALT: () => this.SUBRULE(this.outcomeProperty) },
          { ALT: () => this.SUBRULE(this.property) },
        ],
      }),
    );
    this.CONSUME(RBrace);
  });

  /** baseline NAME "label" { system ...  source ...  order [...] | values {...} | from "..." } */
  public readonly baselineStatement = this.RULE("baselineStatement", () => {
    this.CONSUME(K.baseline);
    this.CONSUME(Name, { LABEL: "name" });
    this.OPTION(() => this.CONSUME(StringToken, { LABEL: "label" }));
    this.SUBRULE(this.propertyBlock);
  });

  /** run [NAME] { models ...  judge ...  model "id" { overrides } } */
  public readonly runStatement = this.RULE("runStatement", () => {
    this.CONSUME(K.run);
    this.OPTION(() => this.CONSUME(Name, { LABEL: "name" }));
    this.CONSUME(LBrace);
    this.MANY(() =>
      this.OR({
        ...STRUCTURAL_FIRST,
        DEF: [{ ALT: () => this.SUBRULE(this.modelDecl) }, { ALT: () => this.SUBRULE(this.property) }],
      }),
    );
    this.CONSUME(RBrace);
  });

  /** model "openai:gpt-4o-mini" { base_url ...  family ... } (in a run: settings and attributes; at top level: attributes) */
  public readonly modelDecl = this.RULE("modelDecl", () => {
    this.CONSUME(K.model);
    this.CONSUME(StringToken, { LABEL: "id" });
    this.OPTION(() => this.SUBRULE(this.propertyBlock));
  });

  /** report NAME KIND { by [...] ... } */
  public readonly reportStatement = this.RULE("reportStatement", () => {
    this.CONSUME(K.report);
    this.CONSUME(Name, { LABEL: "name" });
    this.OPTION(() => this.CONSUME2(Name, { LABEL: "kind" }));
    this.OPTION2(() => this.SUBRULE(this.propertyBlock));
  });

  /** adaptive NAME { ... } (reserved for dynamic evaluation) */
  public readonly adaptiveStatement = this.RULE("adaptiveStatement", () => {
    this.CONSUME(K.adaptive);
    this.CONSUME(Name, { LABEL: "name" });
    this.SUBRULE(this.propertyBlock);
  });

  /**
   * gold NAME for SCORER { from "file"  label EXPR  require EXPR  example NAME { ... } }
   * `label`, `require` and `example` are plain identifiers, recognised only at the start of an entry
   * here, so no spec that uses them as names elsewhere breaks.
   */
  public readonly goldStatement = this.RULE("goldStatement", () => {
    this.CONSUME(K.gold);
    this.CONSUME(Name, { LABEL: "name" });
    this.CONSUME(K.for);
    this.CONSUME2(Name, { LABEL: "scorer" });
    this.CONSUME(LBrace);
    this.MANY(() =>
      this.OR({
        ...STRUCTURAL_FIRST,
        DEF: [
          { GATE: () => isWordToken(this.LA(1), "label"), ALT: () => this.SUBRULE(this.goldLabel) },
          { GATE: () => isWordToken(this.LA(1), "require"), ALT: () => this.SUBRULE(this.goldRequire) },
          { GATE: () => isWordToken(this.LA(1), "example"), ALT: () => this.SUBRULE(this.goldExample) },
          { ALT: () => this.SUBRULE(this.property) },
        ],
      }),
    );
    this.CONSUME(RBrace);
  });

  /** label EXPR — what of the judge's scoring is compared with `expected` */
  public readonly goldLabel = this.RULE("goldLabel", () => {
    this.CONSUME(Identifier, { LABEL: "label" });
    this.SUBRULE(this.expression);
  });

  /** require EXPR — e.g. require kappa >= 0.6 */
  public readonly goldRequire = this.RULE("goldRequire", () => {
    this.CONSUME(Identifier, { LABEL: "require" });
    this.SUBRULE(this.expression);
  });

  /** example NAME { prompt "..."  answer "..."  expected "unsafe" } */
  public readonly goldExample = this.RULE("goldExample", () => {
    this.CONSUME(Identifier, { LABEL: "example" });
    this.CONSUME(Name, { LABEL: "name" });
    this.SUBRULE(this.propertyBlock);
  });

  /** Anything that is not a statement: skipped up to the next statement keyword, reported once. */
  public readonly unknownStatement = this.RULE("unknownStatement", () => {
    this.AT_LEAST_ONE(() => this.OR([{ ALT: () => this.CONSUME(Junk) }, { ALT: () => this.SUBRULE(this.skippedGroup) }]));
  });

  /** A bracketed group inside skipped text, consumed up to its closing bracket. */
  public readonly skippedGroup = this.RULE("skippedGroup", () => {
    this.OR([{ ALT: () => this.CONSUME(LBrace) }, { ALT: () => this.CONSUME(LBracket) }, { ALT: () => this.CONSUME(LParen) }]);
    this.MANY(() => this.OR2([{ ALT: () => this.CONSUME(AnyToken) }, { ALT: () => this.SUBRULE(this.skippedGroup) }]));
    this.OR3([{ ALT: () => this.CONSUME(RBrace) }, { ALT: () => this.CONSUME(RBracket) }, { ALT: () => this.CONSUME(RParen) }]);
  });

  // -------------------------------------------------------------------------------------------
  // Properties and values

  /** { key value ... } */
  public readonly propertyBlock = this.RULE("propertyBlock", () => {
    this.CONSUME(LBrace);
    this.MANY(() => this.SUBRULE(this.property));
    this.CONSUME(RBrace);
  });

  /** key value — the value starts on the key's line */
  public readonly property = this.RULE("property", () => {
    const key = this.CONSUME(Name, { LABEL: "key" });
    this.OPTION({
      GATE: () => sameLine(key, this.LA(1)),
      DEF: () => this.SUBRULE(this.value),
    });
  });

  public readonly value = this.RULE("value", () => {
    this.OR([
      { ALT: () => this.CONSUME(StringToken) },
      { ALT: () => this.CONSUME(NumberLiteral) },
      { ALT: () => this.CONSUME(K.true) },
      { ALT: () => this.CONSUME(K.false) },
      { ALT: () => this.CONSUME(K.null) },
      { ALT: () => this.CONSUME(ParamRef) },
      { ALT: () => this.CONSUME(Word, { LABEL: "ref" }) },
      { ALT: () => this.SUBRULE(this.listValue) },
      { ALT: () => this.SUBRULE(this.objectValue) },
    ]);
  });

  /** [v, v, ...] with an optional trailing comma */
  public readonly listValue = this.RULE("listValue", () => {
    this.CONSUME(LBracket);
    this.OPTION(() => {
      this.SUBRULE(this.value);
      this.MANY(() => {
        this.CONSUME(Comma);
        this.SUBRULE2(this.value);
      });
      this.OPTION2(() => this.CONSUME2(Comma));
    });
    this.CONSUME(RBracket);
  });

  /** { key: v, "quoted key": v } — commas and colons optional */
  public readonly objectValue = this.RULE("objectValue", () => {
    this.CONSUME(LBrace);
    this.MANY(() => {
      this.SUBRULE(this.objectEntry);
      this.OPTION(() => this.CONSUME(Comma));
    });
    this.CONSUME(RBrace);
  });

  public readonly objectEntry = this.RULE("objectEntry", () => {
    this.OR([{ ALT: () => this.CONSUME(Name, { LABEL: "key" }) }, { ALT: () => this.CONSUME(StringToken, { LABEL: "key" }) }]);
    this.OPTION(() => this.CONSUME(Colon));
    this.SUBRULE(this.value);
  });

  // -------------------------------------------------------------------------------------------
  // Expressions, lowest precedence first

  public readonly expression = this.RULE("expression", () => {
    this.SUBRULE(this.conditionalExpr);
  });

  /** c ? a : b */
  public readonly conditionalExpr = this.RULE("conditionalExpr", () => {
    this.SUBRULE(this.orExpr, { LABEL: "test" });
    this.OPTION(() => {
      this.CONSUME(Question);
      this.SUBRULE(this.conditionalExpr, { LABEL: "then" });
      this.CONSUME(Colon);
      this.SUBRULE2(this.conditionalExpr, { LABEL: "else" });
    });
  });

  public readonly orExpr = this.RULE("orExpr", () => {
    this.SUBRULE(this.andExpr, { LABEL: "operands" });
    this.MANY(() => {
      this.CONSUME(K.or, { LABEL: "operators" });
      this.SUBRULE2(this.andExpr, { LABEL: "operands" });
    });
  });

  public readonly andExpr = this.RULE("andExpr", () => {
    this.SUBRULE(this.notExpr, { LABEL: "operands" });
    this.MANY(() => {
      this.CONSUME(K.and, { LABEL: "operators" });
      this.SUBRULE2(this.notExpr, { LABEL: "operands" });
    });
  });

  public readonly notExpr = this.RULE("notExpr", () => {
    this.OR([
      {
        ALT: () => {
          this.CONSUME(K.not);
          this.SUBRULE(this.notExpr, { LABEL: "operand" });
        },
      },
      { ALT: () => this.SUBRULE(this.comparisonExpr) },
    ]);
  });

  /** Non-associative: `a < b < c` is an error. */
  public readonly comparisonExpr = this.RULE("comparisonExpr", () => {
    this.SUBRULE(this.additiveExpr, { LABEL: "operands" });
    this.OPTION(() => {
      this.OR([
        { ALT: () => this.CONSUME(Eq, { LABEL: "operators" }) },
        { ALT: () => this.CONSUME(EqEq, { LABEL: "operators" }) },
        { ALT: () => this.CONSUME(NotEq, { LABEL: "operators" }) },
        { ALT: () => this.CONSUME(LtEq, { LABEL: "operators" }) },
        { ALT: () => this.CONSUME(GtEq, { LABEL: "operators" }) },
        { ALT: () => this.CONSUME(Lt, { LABEL: "operators" }) },
        { ALT: () => this.CONSUME(Gt, { LABEL: "operators" }) },
        { ALT: () => this.CONSUME(K.in, { LABEL: "operators" }) },
        { ALT: () => this.CONSUME(K.matches, { LABEL: "operators" }) },
      ]);
      this.SUBRULE2(this.additiveExpr, { LABEL: "operands" });
    });
  });

  public readonly additiveExpr = this.RULE("additiveExpr", () => {
    this.SUBRULE(this.multiplicativeExpr, { LABEL: "operands" });
    this.MANY(() => {
      this.OR([{ ALT: () => this.CONSUME(Plus, { LABEL: "operators" }) }, { ALT: () => this.CONSUME(Minus, { LABEL: "operators" }) }]);
      this.SUBRULE2(this.multiplicativeExpr, { LABEL: "operands" });
    });
  });

  public readonly multiplicativeExpr = this.RULE("multiplicativeExpr", () => {
    this.SUBRULE(this.unaryExpr, { LABEL: "operands" });
    this.MANY(() => {
      this.OR([{ ALT: () => this.CONSUME(Star, { LABEL: "operators" }) }, { ALT: () => this.CONSUME(Slash, { LABEL: "operators" }) }]);
      this.SUBRULE2(this.unaryExpr, { LABEL: "operands" });
    });
  });

  public readonly unaryExpr = this.RULE("unaryExpr", () => {
    this.OR([
      {
        ALT: () => {
          this.CONSUME(Minus);
          this.SUBRULE(this.unaryExpr, { LABEL: "operand" });
        },
      },
      { ALT: () => this.SUBRULE(this.primaryExpr) },
    ]);
  });

  public readonly primaryExpr = this.RULE("primaryExpr", () => {
    this.OR([
      { ALT: () => this.CONSUME(NumberLiteral) },
      { ALT: () => this.CONSUME(StringToken) },
      { ALT: () => this.CONSUME(K.true) },
      { ALT: () => this.CONSUME(K.false) },
      { ALT: () => this.CONSUME(K.null) },
      { ALT: () => this.CONSUME(ParamRef) },
      { ALT: () => this.SUBRULE(this.listExpr) },
      { ALT: () => this.SUBRULE(this.parenExpr) },
      { ALT: () => this.SUBRULE(this.pathOrCall) },
    ]);
  });

  /** [e, e, ...] */
  public readonly listExpr = this.RULE("listExpr", () => {
    this.CONSUME(LBracket);
    this.OPTION(() => {
      this.SUBRULE(this.expression, { LABEL: "items" });
      this.MANY(() => {
        this.CONSUME(Comma);
        this.SUBRULE2(this.expression, { LABEL: "items" });
      });
      this.OPTION2(() => this.CONSUME2(Comma));
    });
    this.CONSUME(RBracket);
  });

  /** ( e ) */
  public readonly parenExpr = this.RULE("parenExpr", () => {
    this.CONSUME(LParen);
    this.SUBRULE(this.expression);
    this.CONSUME(RParen);
  });

  /** output.category  |  round(x, 1) */
  public readonly pathOrCall = this.RULE("pathOrCall", () => {
    this.CONSUME(Word, { LABEL: "head" });
    this.OR([
      {
        ALT: () => {
          this.CONSUME(LParen);
          this.OPTION(() => {
            this.SUBRULE(this.expression, { LABEL: "args" });
            this.MANY(() => {
              this.CONSUME(Comma);
              this.SUBRULE2(this.expression, { LABEL: "args" });
            });
          });
          this.CONSUME(RParen);
        },
      },
      {
        ALT: () =>
          this.MANY2(() => {
            this.CONSUME(Dot);
            this.CONSUME2(Name, { LABEL: "segments" });
          }),
      },
    ]);
  });
}

function isWordToken(t: IToken, word: string): boolean {
  return t.tokenType === Identifier && t.image === word;
}

function sameLine(a: IToken, b: IToken): boolean {
  // Tokens inserted by error recovery have no position; treat them as on the same line.
  if (!Number.isFinite(a.endLine) || !Number.isFinite(b.startLine)) return true;
  return a.endLine === b.startLine;
}

let parserInstance: VcParser | undefined;

/** The parser is stateless between runs but costly to build (grammar analysis): build it once. */
export function vcParser(): VcParser {
  parserInstance ??= new VcParser();
  return parserInstance;
}

// ---------------------------------------------------------------------------------------------
// Error messages. Each message is "headline\nnote"; parse.ts splits it into message and notes.

const STRING_TYPES: readonly TokenType[] = [StringToken, PlainString, TripleString, UnterminatedString, UnterminatedTripleString, SingleQuotedString];

/** How a user would name what was expected: `'}'`, `a string`, `a name`. */
export function describeExpected(t: TokenType): string {
  if (t === EOF) return "end of file";
  if (t === Name || t === Word || t === Identifier) return "a name";
  if (STRING_TYPES.includes(t)) return "a string";
  if (t === NumberLiteral) return "a number";
  if (t === ParamRef) return "a parameter ($name)";
  if (typeof t.LABEL === "string") return t.LABEL;
  return t.name;
}

/** How a user would name a token that is there: `'}'`, `string "abc"`, `name 'foo'`, `end of file`. */
export function describeActual(token: IToken): string {
  const t = token.tokenType;
  if (t === EOF || token.image === "") return "end of file";
  if (t === Identifier) return `name '${token.image}'`;
  if (STRING_TYPES.includes(t)) return `string ${abbreviate(token.image)}`;
  if (t === NumberLiteral) return `number ${token.image}`;
  if (t === ParamRef) return `parameter ${token.image}`;
  if (Object.values(KEYWORD).includes(t)) return `keyword '${token.image}'`;
  return `'${token.image}'`;
}

function abbreviate(image: string): string {
  const oneLine = image.split("\n")[0] ?? "";
  return oneLine.length > 32 || oneLine !== image ? `${oneLine.slice(0, 29)}...` : oneLine;
}

/** Rules whose body is a list of properties: a '}' there could also have been a property. */
const BLOCK_RULES: Readonly<Record<string, string>> = {
  systemStatement: "a property, 'group', 'dimension'",
  itemsStatement: "a property, 'item', 'only models'",
  scorerStatement: "a property, 'score', 'rule'",
  ruleDecl: "a property, 'score'",
  runStatement: "a property, 'model'",
  goldStatement: "a property, 'label', 'require', 'example'",
  propertyBlock: "a property",
  templateStatement: "a message (system, user or assistant)",
  objectValue: "an entry (key: value)",
};

const EXPRESSION_RULES = new Set([
  "expression",
  "conditionalExpr",
  "orExpr",
  "andExpr",
  "notExpr",
  "comparisonExpr",
  "additiveExpr",
  "multiplicativeExpr",
  "unaryExpr",
  "primaryExpr",
  "pathOrCall",
]);

function expectedList(items: string[]): string {
  const unique = [...new Set(items)];
  return unique.length === 1 ? `expected ${unique[0]}` : `expected one of: ${unique.join(", ")}`;
}

const messageProvider: IParserErrorMessageProvider = {
  buildMismatchTokenMessage({ expected, actual, ruleName }) {
    if (ruleName === "ruleDecl" && expected === K.when) {
      return `missing 'when' in rule: found ${describeActual(actual)}\nwrite: rule NAME when CONDITION { score ... }`;
    }
    const expectations = [describeExpected(expected)];
    const blockBody = BLOCK_RULES[ruleName];
    if (expected === RBrace && blockBody) expectations.unshift(blockBody);
    if (expected === RBracket && (ruleName === "listValue" || ruleName === "listExpr")) expectations.unshift("','");
    if (expected === Colon && ruleName === "conditionalExpr") {
      return `unexpected ${describeActual(actual)}\nexpected ':' to complete 'condition ? then : else'`;
    }
    return `unexpected ${describeActual(actual)}\n${expectedList(expectations)}`;
  },
  buildNotAllInputParsedMessage({ firstRedundant }) {
    return `unexpected ${describeActual(firstRedundant)}\nexpected a statement`;
  },
  buildNoViableAltMessage({ expectedPathsPerAlt, actual, ruleName }) {
    const first = actual[0];
    const found = first ? describeActual(first) : "end of file";
    if (ruleName === "value") {
      return `unexpected ${found}\nexpected a value: a string, number, true/false/null, name, $param, [list] or {object}`;
    }
    if (EXPRESSION_RULES.has(ruleName)) {
      return `unexpected ${found}\nexpected an expression: a number, string, name or path (output.safe), $param, '(' or '['`;
    }
    const firsts = expectedPathsPerAlt.flatMap((paths) => paths.map((path) => (path[0] ? describeExpected(path[0]) : "end of file")));
    return `unexpected ${found}\n${expectedList(firsts)}`;
  },
  buildEarlyExitMessage({ expectedIterationPaths, actual }) {
    const first = actual[0];
    const firsts = expectedIterationPaths.map((path) => (path[0] ? describeExpected(path[0]) : "end of file"));
    return `unexpected ${first ? describeActual(first) : "end of file"}\n${expectedList(firsts)}`;
  },
};
