// The grammar checked: chevrotain's validations of the parser and lexer, and grammar/vc.ebnf held to both.
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { TokenType } from "chevrotain";
import { describe, expect, it } from "vitest";
import { VcParser, vcParser } from "../../src/syntax/parser.js";
import {
  ALL_TOKENS,
  BlockComment,
  buildLexer,
  Identifier,
  KEYWORD,
  LineComment,
  Name,
  NumberLiteral,
  ParamRef,
  PlainString,
  StringToken,
  TripleString,
  Word,
} from "../../src/syntax/tokens.js";
import { GOLD_ENTRY_WORDS, OTHER_KEYWORDS, ROLES, STATEMENT_KEYWORDS } from "../../src/syntax/vocabulary.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

// The CLI builds the parser without chevrotain's grammar validations (start-up time); this is where
// they run, so a change that makes the grammar ambiguous or left-recursive fails here.
it("the grammar passes chevrotain's validations", () => {
  // performSelfAnalysis throws "Parser Definition Errors detected" when a validation fails.
  expect(() => new VcParser({ validate: true })).not.toThrow();
});

it("the token definitions pass chevrotain's lexer validations", () => {
  const lexer = buildLexer(true);
  expect(lexer.lexerDefinitionErrors).toEqual([]);
});

// grammar/vc.ebnf is the readable grammar; these tests hold it to the parser and the lexer, so neither
// can change without the other.
describe("grammar/vc.ebnf", () => {
  const ebnf = readEbnf(readFileSync(join(root, "grammar", "vc.ebnf"), "utf8"));
  const rules = vcParser().getGAstProductions();

  /**
   * The EBNF productions each parser rule is written as. A rule the EBNF writes inline (paramChoices in
   * `param`) names the production that holds it; error recovery has no production.
   */
  const RULE_PRODUCTIONS: Readonly<Record<string, readonly string[]>> = {
    specFile: ["spec file"],
    statement: ["statement"],
    importStatement: ["import"],
    paramStatement: ["param"],
    paramChoices: ["param"],
    systemStatement: ["system"],
    groupDecl: ["group"],
    dimensionDecl: ["dimension"],
    templateStatement: ["template"],
    templateMessage: ["template message", "role"],
    itemsStatement: ["items"],
    itemDecl: ["item"],
    onlyClause: ["only clause"],
    cultureStatement: ["culture"],
    usecaseStatement: ["usecase"],
    scorerStatement: ["scorer"],
    scoreProperty: ["score"],
    outcomeProperty: ["outcome"],
    ruleDecl: ["rule"],
    baselineStatement: ["baseline"],
    runStatement: ["run"],
    modelDecl: ["model"],
    reportStatement: ["report"],
    adaptiveStatement: ["adaptive"],
    goldStatement: ["gold"],
    goldLabel: ["gold label"],
    goldRequire: ["gold require"],
    goldExample: ["gold example"],
    propertyBlock: ["property block"],
    property: ["property"],
    value: ["value"],
    listValue: ["list"],
    objectValue: ["object"],
    objectEntry: ["entry"],
    expression: ["expression"],
    conditionalExpr: ["conditional"],
    orExpr: ["or expr"],
    andExpr: ["and expr"],
    notExpr: ["not expr"],
    comparisonExpr: ["comparison", "comparison op"],
    additiveExpr: ["additive"],
    multiplicativeExpr: ["multiplicative"],
    unaryExpr: ["unary"],
    primaryExpr: ["primary"],
    listExpr: ["primary"],
    parenExpr: ["primary"],
    pathOrCall: ["primary"],
  };
  /** Error recovery: what is not a statement is skipped (the EBNF says so in a comment on `statement`). */
  const RECOVERY_RULES = ["unknownStatement", "skippedGroup"];
  /** Token categories and tokens as the EBNF names them. */
  const TOKEN_PRODUCTIONS = new Map<TokenType, string>([
    [Name, "name"],
    [Word, "word"],
    [Identifier, "identifier"],
    [StringToken, "string"],
    [PlainString, "plain string"],
    [TripleString, "triple string"],
    [NumberLiteral, "number"],
    [ParamRef, "param ref"],
    [LineComment, "line comment"],
    [BlockComment, "block comment"],
  ]);
  const keywordOf = new Map<TokenType, string>(Object.entries(KEYWORD).map(([word, type]) => [type, word]));
  /** Punctuation tokens by their image (their label is the image in quotes). */
  const punctuation = new Map<TokenType, string>(
    ALL_TOKENS.filter((t) => !keywordOf.has(t) && typeof t.LABEL === "string" && /^'.+'$/.test(t.LABEL)).map((t) => [t, (t.LABEL ?? "").slice(1, -1)]),
  );

  const body = (name: string): Production => {
    const p = ebnf.productions.get(name);
    if (!p) throw new Error(`no production '${name}' in grammar/vc.ebnf`);
    return p;
  };

  it("reads the EBNF: productions, with the lexical ones apart", () => {
    expect(ebnf.productions.size).toBeGreaterThan(40);
    expect(ebnf.lexical).toContain("number");
    expect(ebnf.lexical).not.toContain("statement");
  });

  it("lists the lexer's keywords, statement keywords and other keywords apart, in order", () => {
    expect(body("statement keyword").literals).toEqual([...STATEMENT_KEYWORDS]);
    expect(body("other keyword").literals).toEqual([...OTHER_KEYWORDS]);
  });

  it("'word' is identifier and exactly the keywords the lexer lets act as a reference", () => {
    const referenceable = Object.entries(KEYWORD)
      .filter(([, type]) => (type.CATEGORIES ?? []).includes(Word))
      .map(([word]) => word);
    const word = body("word");
    const listed = [...word.literals, ...word.references.filter((r) => r !== "identifier").flatMap((r) => body(r).literals)];
    expect(word.references).toContain("identifier");
    expect([...listed].sort()).toEqual([...referenceable].sort());
  });

  it("every word-like literal of the statements and expressions is a keyword, a role or `one of`", () => {
    // `one` and `of` are identifiers the param rule expects by label (paramChoices); so are the words
    // that start a gold block's entries, and `only` and `models` of the items block's onlyClause.
    const allowed = new Set<string>([...STATEMENT_KEYWORDS, ...OTHER_KEYWORDS, ...ROLES, "one", "of", "outcome", "only", "models", ...GOLD_ENTRY_WORDS]);
    const words = [...ebnf.productions].filter(([name]) => !ebnf.lexical.includes(name)).flatMap(([, p]) => p.literals.filter((l) => /^[a-z_]+$/i.test(l)));
    expect(words.length).toBeGreaterThan(20);
    expect(words.filter((w) => !allowed.has(w))).toEqual([]);
  });

  it("every punctuation token of the lexer is written in the EBNF, and no other symbol is", () => {
    const images = new Set(punctuation.values());
    expect(images.size).toBeGreaterThan(15);
    const symbols = new Set(
      [...ebnf.productions].filter(([name]) => !ebnf.lexical.includes(name)).flatMap(([, p]) => p.literals.filter((l) => !/^[a-z_]+$/i.test(l))),
    );
    expect([...images].filter((i) => !symbols.has(i))).toEqual([]);
    expect([...symbols].filter((s) => !images.has(s))).toEqual([]);
  });

  it("every parser rule has its EBNF production, and every production is a rule's, a token's or a helper", () => {
    expect(Object.keys(rules).sort()).toEqual([...Object.keys(RULE_PRODUCTIONS), ...RECOVERY_RULES].sort());
    for (const names of Object.values(RULE_PRODUCTIONS)) for (const name of names) body(name);
    const covered = new Set([...Object.values(RULE_PRODUCTIONS).flat(), ...TOKEN_PRODUCTIONS.values(), ...ebnf.lexical]);
    expect([...ebnf.productions.keys()].filter((name) => !covered.has(name))).toEqual([]);
  });

  it.each(Object.keys(RULE_PRODUCTIONS))("%s: its tokens and subrules are in its EBNF production", (ruleName) => {
    const rule = rules[ruleName];
    if (!rule) throw new Error(`no parser rule ${ruleName}`);
    const own = RULE_PRODUCTIONS[ruleName] ?? [];
    const productions = own.map(body);
    const literals = new Set(productions.flatMap((p) => p.literals));
    const references = new Set(productions.flatMap((p) => p.references));
    const missing: string[] = [];
    for (const t of terminalsOf(rule.definition)) {
      const keyword = keywordOf.get(t.terminalType);
      const image = punctuation.get(t.terminalType);
      const tokenProduction = TOKEN_PRODUCTIONS.get(t.terminalType);
      const found =
        (keyword !== undefined && literals.has(keyword)) ||
        (image !== undefined && literals.has(image)) ||
        (tokenProduction !== undefined && references.has(tokenProduction)) ||
        // A token the EBNF names by its role: `role` for a message's Name, "one" / "of" for paramChoices.
        (t.label !== undefined && (references.has(t.label) || literals.has(t.label)));
      if (!found) missing.push(`${t.terminalType.name}${t.label ? ` (${t.label})` : ""}`);
    }
    for (const sub of subrulesOf(rule.definition)) {
      if (RECOVERY_RULES.includes(sub)) continue;
      const target = RULE_PRODUCTIONS[sub]?.[0];
      if (target === undefined) missing.push(`subrule ${sub}`);
      else if (!own.includes(target) && !references.has(target)) missing.push(`subrule ${sub} (${target})`);
    }
    expect(missing, `grammar/vc.ebnf production ${own.join(" / ")} misses`).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------
// Reading the EBNF

interface Production {
  /** Quoted texts, in order ("import", "{", ...). */
  literals: string[];
  /** Names of other productions used in the body. */
  references: string[];
}

interface Ebnf {
  productions: Map<string, Production>;
  /** Productions of the "Lexical" section (before "File"). */
  lexical: string[];
}

function readEbnf(text: string): Ebnf {
  const fileSection = text.indexOf("===== File");
  if (fileSection < 0) throw new Error("grammar/vc.ebnf has no File section");
  const productions = new Map<string, Production>();
  const lexical: string[] = [];
  const raw: Array<{ name: string; body: string; at: number }> = [];
  // Comments out (they nest: the header shows `(* ... *)`), then split at ';' outside quotes.
  const source = withoutComments(text);
  let start = 0;
  let quote: string | null = null;
  for (let i = 0; i < source.length; i++) {
    const c = source[i] ?? "";
    if (quote !== null) {
      if (c === quote) quote = null;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === ";") {
      const statement = source.slice(start, i);
      const eq = statement.indexOf("=");
      raw.push({ name: statement.slice(0, eq).trim().replace(/\s+/g, " "), body: statement.slice(eq + 1), at: start });
      start = i + 1;
    }
  }
  const names = raw.map((r) => r.name);
  for (const { name, body, at } of raw) {
    const literals = [...body.matchAll(/"([^"]*)"|'([^']*)'/g)].map((m) => m[1] ?? m[2] ?? "");
    const bare = body.replace(/"[^"]*"|'[^']*'/g, " ");
    // Longest names first, so `plain string` is not also read as `string`.
    const references: string[] = [];
    let rest = ` ${bare.replace(/\s+/g, " ")} `;
    for (const candidate of [...names].sort((a, b) => b.length - a.length)) {
      const pattern = new RegExp(`(?<=[^A-Za-z_])${candidate}(?=[^A-Za-z_])`, "g");
      if (pattern.test(rest)) {
        references.push(candidate);
        rest = rest.replace(pattern, " ");
      }
    }
    productions.set(name, { literals, references });
    if (at < fileSection) lexical.push(name);
  }
  return { productions, lexical };
}

function withoutComments(text: string): string {
  let out = "";
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    if (text.startsWith("(*", i)) {
      depth++;
      out += "  ";
      i++;
    } else if (depth > 0 && text.startsWith("*)", i)) {
      depth--;
      out += "  ";
      i++;
    } else out += depth > 0 ? " " : text[i];
  }
  return out;
}

interface GastNode {
  definition?: GastNode[];
  terminalType?: TokenType;
  nonTerminalName?: string;
  label?: string;
}

/** Tokens a rule consumes itself (not through subrules). */
function terminalsOf(definition: readonly object[]): Array<{ terminalType: TokenType; label?: string }> {
  return definition.flatMap((production) => {
    // GAST classes come from chevrotain's bundle (src/syntax/chevrotain.ts): told apart by shape.
    const node: GastNode = production;
    if (node.terminalType) return [{ terminalType: node.terminalType, ...(node.label !== undefined ? { label: node.label } : {}) }];
    return node.nonTerminalName ? [] : terminalsOf(node.definition ?? []);
  });
}

function subrulesOf(definition: readonly object[]): string[] {
  return definition.flatMap((production) => {
    const node: GastNode = production;
    if (node.nonTerminalName) return [node.nonTerminalName];
    return node.terminalType ? [] : subrulesOf(node.definition ?? []);
  });
}
