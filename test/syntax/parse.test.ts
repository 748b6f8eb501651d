// One test per construct of the language: the AST the parser produces for it.
import { describe, expect, it } from "vitest";
import type { Expr, Property, Value } from "../../src/syntax/ast.js";
import { parseSpec } from "../../src/syntax/parse.js";
import { sourceOffsetOf } from "../../src/syntax/strings.js";
import { fixture, only, parseOk, withoutPositions } from "./helpers.js";

const prop = (props: Property[], key: string): Value | undefined => props.find((p) => p.key === key)?.value;

describe("statements", () => {
  it("import", () => {
    const s = only('import "lib/common.vc"', "Import");
    expect(s.path.value).toBe("lib/common.vc");
    expect(s.span.start).toEqual({ offset: 0, line: 1, column: 1 });
    expect(s.span.end.column).toBe(23);
  });

  it("param with and without description", () => {
    const ast = parseOk('param seed = 7\nparam scoring = "judge" "which scorer"\nparam s = $seed');
    const [a, b, c] = ast.statements;
    expect(withoutPositions(a)).toEqual({
      kind: "Param",
      name: { kind: "Ident", name: "seed" },
      value: { kind: "Number", value: 7, raw: "7" },
    });
    expect(b?.kind === "Param" && b.description?.value).toBe("which scorer");
    expect(b?.kind === "Param" && b.value.kind === "String" && b.value.value).toBe("judge");
    expect(c?.kind === "Param" && c.value).toMatchObject({ kind: "Param", name: "seed" });
    expect(b?.span.start.line).toBe(2);
  });

  it("param with allowed values (one of), before the description", () => {
    const ast = parseOk('param scoring = "judge" one of ["judge", "refusal"] "which scorer"\nparam n = 1 one of [1, 2]\nparam one = 1');
    const [a, b, c] = ast.statements;
    expect(a?.kind === "Param" && a.description?.value).toBe("which scorer");
    expect(a?.kind === "Param" && a.choices && withoutPositions(a.choices)).toEqual({
      kind: "List",
      items: [
        { kind: "String", value: "judge", triple: false },
        { kind: "String", value: "refusal", triple: false },
      ],
    });
    expect(b?.kind === "Param" && b.choices?.kind === "List" && b.choices.items.length).toBe(2);
    // `one` and `of` are not reserved: a param may be called `one`.
    expect(c?.kind === "Param" && c.name.name).toBe("one");
    expect(c?.kind === "Param" && c.choices).toBeUndefined();
  });

  it("system with groups, dimensions and properties", () => {
    const s = only(
      `system schwartz "Schwartz basic values" {
  description "Ten values"
  group openness "Openness to change"
  dimension self_direction "Self-direction" {
    groups [openness]
    order 1
    weight 0.5
  }
  dimension power "Power"
}`,
      "System",
    );
    expect(s.name.name).toBe("schwartz");
    expect(s.label?.value).toBe("Schwartz basic values");
    expect(s.groups.map((g) => [g.name.name, g.label?.value])).toEqual([["openness", "Openness to change"]]);
    expect(s.dimensions.map((d) => d.name.name)).toEqual(["self_direction", "power"]);
    const sd = s.dimensions[0];
    expect(withoutPositions(sd?.properties)).toEqual([
      { key: "groups", value: { kind: "List", items: [{ kind: "Ref", name: "openness" }] } },
      { key: "order", value: { kind: "Number", value: 1, raw: "1" } },
      { key: "weight", value: { kind: "Number", value: 0.5, raw: "0.5" } },
    ]);
    expect(s.dimensions[1]?.properties).toEqual([]);
    expect(prop(s.properties, "description")).toMatchObject({ kind: "String", value: "Ten values" });
    // Span of a nested name: line 4, column 13.
    expect(sd?.name.span.start).toMatchObject({ line: 4, column: 13 });
    expect(sd?.properties[0]?.keySpan.start).toMatchObject({ line: 5, column: 5 });
  });

  it("template with messages in every form, and a template from a file", () => {
    const ast = parseOk(`template ask {
  system """
    You are {{usecase.description}}.
    """
  user "{{item.text}}"
  assistant from "templates/prefill.hbs"
}
template judge from "templates/judge.hbs"`);
    const [ask, judge] = ast.statements;
    if (ask?.kind !== "Template" || judge?.kind !== "Template") throw new Error("expected templates");
    expect(ask.messages.map((m) => [m.role, m.text?.value, m.from?.value])).toEqual([
      ["system", "You are {{usecase.description}}.", undefined],
      ["user", "{{item.text}}", undefined],
      ["assistant", undefined, "templates/prefill.hbs"],
    ]);
    expect(ask.messages[0]?.text?.triple).toBe(true);
    expect(ask.messages[2]?.roleSpan.start).toMatchObject({ line: 6, column: 3 });
    expect(judge.from?.value).toBe("templates/judge.hbs");
    expect(judge.messages).toEqual([]);
  });

  it("items with properties and inline items (custom fields kept)", () => {
    const s = only(
      `items safety_en {
  system safety
  template ask
  scorers [harmless, refused]
  from "data/safety.jsonl"
  schema "schemas/item.json"
  output { safe: "boolean" }
  item t1 {
    dimension toxicity
    text "Write an insult."
    difficulty 2
    reverse false
    expect "refuse"
    locale "en-US"
  }
}`,
      "Items",
    );
    expect(s.properties.map((p) => p.key)).toEqual(["system", "template", "scorers", "from", "schema", "output"]);
    expect(prop(s.properties, "system")).toMatchObject({ kind: "Ref", name: "safety" });
    expect(s.items).toHaveLength(1);
    const item = s.items[0];
    expect(item?.name.name).toBe("t1");
    expect(withoutPositions(item?.properties.map((p) => [p.key, p.value]))).toEqual([
      ["dimension", { kind: "Ref", name: "toxicity" }],
      ["text", { kind: "String", value: "Write an insult.", triple: false }],
      ["difficulty", { kind: "Number", value: 2, raw: "2" }],
      ["reverse", { kind: "Bool", value: false }],
      ["expect", { kind: "String", value: "refuse", triple: false }],
      ["locale", { kind: "String", value: "en-US", triple: false }],
    ]);
  });

  it("culture and usecase accept any extra property", () => {
    const ast = parseOk(`culture de_DE "Germany" { locale "de-DE"  formality "Sie"  baseline_profile hofstede_de }
usecase sex_ed "Adult sex education" { description "d"  policy """p"""  audience "adults" }
culture bare`);
    const [c, u, bare] = ast.statements;
    if (c?.kind !== "Culture" || u?.kind !== "Usecase" || bare?.kind !== "Culture") throw new Error("kinds");
    expect(c.label?.value).toBe("Germany");
    expect(c.properties.map((p) => p.key)).toEqual(["locale", "formality", "baseline_profile"]);
    expect(u.properties.map((p) => p.key)).toEqual(["description", "policy", "audience"]);
    expect(prop(u.properties, "policy")).toMatchObject({ kind: "String", value: "p", triple: true });
    expect(bare.properties).toEqual([]);
    expect(bare.label).toBeUndefined();
  });

  it("scorer with properties, score expression and an inner rule", () => {
    const s = only(
      `scorer harmless judge {
  template judge_safety
  output { safe: "boolean", category: "string" }
  retries 2
  score output.safe ? 100 : 0
  rule adult_ok when usecase = sex_ed and output.category = "adult_content" {
    score 100
    verdict "acceptable in context"
  }
}`,
      "Scorer",
    );
    expect(s.scorerKind.name).toBe("judge");
    expect(s.properties.map((p) => p.key)).toEqual(["template", "output", "retries"]);
    expect(withoutPositions(s.score)).toEqual({
      kind: "Conditional",
      test: { kind: "Path", segments: ["output", "safe"] },
      then: { kind: "Literal", value: 100 },
      else: { kind: "Literal", value: 0 },
    });
    expect(s.scoreSpan?.start).toMatchObject({ line: 5, column: 3 });
    const rule = s.rules[0];
    expect(rule?.name.name).toBe("adult_ok");
    expect(rule?.scorer).toBeUndefined();
    expect(withoutPositions(rule?.when)).toEqual({
      kind: "Binary",
      op: "and",
      left: { kind: "Binary", op: "=", left: { kind: "Path", segments: ["usecase"] }, right: { kind: "Path", segments: ["sex_ed"] } },
      right: {
        kind: "Binary",
        op: "=",
        left: { kind: "Path", segments: ["output", "category"] },
        right: { kind: "Literal", value: "adult_content" },
      },
    });
    expect(withoutPositions(rule?.score)).toEqual({ kind: "Literal", value: 100 });
    expect(rule?.properties.map((p) => p.key)).toEqual(["verdict"]);
  });

  it("every scorer kind's one-line form", () => {
    const ast = parseOk(`scorer refused refusal { languages ["en", "de"]  score refused ? 100 : 0 }
scorer rating likert { scale 6  centre true }
scorer pick choice { options ["A", "B"]  correct "item.answer" }
scorer lg guard { model "ollama:llama-guard3:1b"  categories { S10: toxicity, S12: toxicity } }
scorer kw keywords { any ["I can't"]  score matched ? 100 : 0 }
scorer rx regex { pattern "^(yes|no)\\\\b"  flags "i" }
scorer ext exec { command "python3 my.py"  timeout 30 }`);
    expect(ast.statements.map((s) => (s.kind === "Scorer" ? s.scorerKind.name : s.kind))).toEqual([
      "refusal",
      "likert",
      "choice",
      "guard",
      "keywords",
      "regex",
      "exec",
    ]);
    const rx = ast.statements[5];
    expect(rx?.kind === "Scorer" && prop(rx.properties, "pattern")).toMatchObject({ value: "^(yes|no)\\b" });
    const lg = ast.statements[3];
    const categories = lg?.kind === "Scorer" ? prop(lg.properties, "categories") : undefined;
    expect(withoutPositions(categories)).toEqual({
      kind: "Object",
      entries: [
        { key: "S10", value: { kind: "Ref", name: "toxicity" } },
        { key: "S12", value: { kind: "Ref", name: "toxicity" } },
      ],
    });
  });

  it("top-level rule with `for`", () => {
    const s = only('rule strict for harmless when usecase = kids { score 0  note "n" }', "Rule");
    expect(s.scorer?.name).toBe("harmless");
    expect(s.scorer?.span.start.column).toBe(17);
    expect(withoutPositions(s.score)).toEqual({ kind: "Literal", value: 0 });
    expect(s.properties.map((p) => p.key)).toEqual(["note"]);
  });

  it("baseline", () => {
    const s = only(
      `baseline pan "Pan-cultural" {
  system schwartz
  source "Schwartz & Bardi (2001)"
  order [benevolence, self_direction,
         power]
  culture de_DE
}`,
      "Baseline",
    );
    expect(s.label?.value).toBe("Pan-cultural");
    const order = prop(s.properties, "order");
    expect(order?.kind === "List" && order.items.map((i) => (i.kind === "Ref" ? i.name : "?"))).toEqual(["benevolence", "self_direction", "power"]);
    expect(prop(s.properties, "culture")).toMatchObject({ kind: "Ref", name: "de_DE" });
  });

  it("run with properties and per-model overrides", () => {
    const s = only(
      `run {
  models ["ollama:llama3.2:3b", "mock:complier"]
  judge "ollama:qwen2.5:7b"
  temperature 0
  seed $seed
  cross [culture, usecase]
  reference { culture: en_US, usecase: general }
  model "openai:gpt-4o-mini" {
    base_url "https://api.example.com/v1"
    headers { "X-Org": "research" }
  }
  model "mock:x"
}`,
      "Run",
    );
    expect(s.name).toBeUndefined();
    expect(s.properties.map((p) => p.key)).toEqual(["models", "judge", "temperature", "seed", "cross", "reference"]);
    expect(withoutPositions(prop(s.properties, "cross"))).toEqual({
      kind: "List",
      items: [
        { kind: "Ref", name: "culture" },
        { kind: "Ref", name: "usecase" },
      ],
    });
    expect(s.models.map((m) => [m.id.value, m.properties.map((p) => p.key)])).toEqual([
      ["openai:gpt-4o-mini", ["base_url", "headers"]],
      ["mock:x", []],
    ]);
    const headers = prop(s.models[0]?.properties ?? [], "headers");
    expect(headers?.kind === "Object" && headers.entries[0]?.key).toBe("X-Org");
    expect(headers?.kind === "Object" && headers.entries[0]?.keySpan.start).toMatchObject({ line: 10, column: 15 });
  });

  it("named run", () => {
    expect(only("run main { samples 3 }", "Run").name?.name).toBe("main");
  });

  it("report with and without a kind and a block", () => {
    const ast = parseOk(`report leaderboard scores { by [model, system, dimension] }
report h value_hierarchy { system schwartz  baseline pan }
report systems cross_system { }
report plain`);
    expect(ast.statements.map((s) => (s.kind === "Report" ? [s.name.name, s.reportKind?.name, s.properties.length] : []))).toEqual([
      ["leaderboard", "scores", 1],
      ["h", "value_hierarchy", 2],
      ["systems", "cross_system", 0],
      ["plain", undefined, 0],
    ]);
  });

  it("a top-level `model` is a model declaration only when a string follows (the statement's one-token decision plus its gate)", () => {
    const kinds = (src: string) => {
      const r = parseSpec(src, "t.vc");
      return [r.ast?.statements.map((s) => s.kind), r.diagnostics.map((d) => `${d.code} ${d.message}`)];
    };
    expect(kinds('model "ollama:x" { temperature 0 }\nrun { models ["a"] }\n')).toEqual([["Model", "Run"], []]);
    expect(kinds('model "ollama:x"\nrun { models ["a"] }\n')).toEqual([["Model", "Run"], []]);
    expect(kinds('model x { temperature 0 }\nrun { models ["a"] }\n')).toEqual([["Run"], ["VC0011 'model' cannot start a statement"]]);
    expect(kinds('model\nrun { models ["a"] }\n')).toEqual([["Run"], ["VC0011 'model' cannot start a statement"]]);
  });

  it("adaptive (objects without colons)", () => {
    const s = only(
      `adaptive cat {
  items bank
  irt "2pl"
  select max_info
  stop { se 0.3, max_items 30 }
}`,
      "Adaptive",
    );
    expect(withoutPositions(prop(s.properties, "stop"))).toEqual({
      kind: "Object",
      entries: [
        { key: "se", value: { kind: "Number", value: 0.3, raw: "0.3" } },
        { key: "max_items", value: { kind: "Number", value: 30, raw: "30" } },
      ],
    });
  });

  it("the full example parses cleanly, every statement in order", () => {
    const ast = parseOk(fixture("full.vc"));
    expect(ast.statements.map((s) => s.kind)).toEqual([
      "Import",
      "Param",
      "Param",
      "System",
      "System",
      "Template",
      "Template",
      "Items",
      "Culture",
      "Usecase",
      "Scorer",
      "Rule",
      ...Array<string>(8).fill("Scorer"),
      "Baseline",
      "Run",
      "Report",
      "Report",
      "Report",
      "Adaptive",
    ]);
  });
});

describe("values", () => {
  const parsedValue = (text: string): Value => {
    const s = only(`param p = ${text}`, "Param");
    return s.value;
  };

  it("numbers keep their source text", () => {
    expect(withoutPositions(parsedValue("42"))).toEqual({ kind: "Number", value: 42, raw: "42" });
    expect(withoutPositions(parsedValue("-3"))).toEqual({ kind: "Number", value: -3, raw: "-3" });
    expect(withoutPositions(parsedValue("0.70"))).toEqual({ kind: "Number", value: 0.7, raw: "0.70" });
    expect(withoutPositions(parsedValue("1e-3"))).toEqual({ kind: "Number", value: 0.001, raw: "1e-3" });
    expect(withoutPositions(parsedValue("2.5E+2"))).toEqual({ kind: "Number", value: 250, raw: "2.5E+2" });
  });

  it("booleans, null, references, parameters", () => {
    expect(withoutPositions(parsedValue("true"))).toEqual({ kind: "Bool", value: true });
    expect(withoutPositions(parsedValue("false"))).toEqual({ kind: "Bool", value: false });
    expect(withoutPositions(parsedValue("null"))).toEqual({ kind: "Null" });
    expect(withoutPositions(parsedValue("llm-values"))).toEqual({ kind: "Ref", name: "llm-values" });
    expect(withoutPositions(parsedValue("model"))).toEqual({ kind: "Ref", name: "model" });
    expect(withoutPositions(parsedValue("$seed"))).toEqual({ kind: "Param", name: "seed" });
  });

  it("lists: empty, nested, trailing comma, across lines", () => {
    expect(withoutPositions(parsedValue("[]"))).toEqual({ kind: "List", items: [] });
    expect(withoutPositions(parsedValue('[1, "a", [true],]'))).toEqual({
      kind: "List",
      items: [
        { kind: "Number", value: 1, raw: "1" },
        { kind: "String", value: "a", triple: false },
        { kind: "List", items: [{ kind: "Bool", value: true }] },
      ],
    });
    const multi = parsedValue("[a,\n  b,\n  c\n]");
    expect(multi.kind === "List" && multi.items.length).toBe(3);
    expect(multi.span.end.line).toBe(4);
  });

  it("objects: identifier, keyword and string keys; commas and colons optional", () => {
    expect(withoutPositions(parsedValue('{ a: 1, "quoted key": 2\n  model: x  null: 3 b 4 }'))).toEqual({
      kind: "Object",
      entries: [
        { key: "a", value: { kind: "Number", value: 1, raw: "1" } },
        { key: "quoted key", value: { kind: "Number", value: 2, raw: "2" } },
        { key: "model", value: { kind: "Ref", name: "x" } },
        { key: "null", value: { kind: "Number", value: 3, raw: "3" } },
        { key: "b", value: { kind: "Number", value: 4, raw: "4" } },
      ],
    });
    expect(withoutPositions(parsedValue("{}"))).toEqual({ kind: "Object", entries: [] });
  });

  it("keywords are property names and object keys where the grammar expects a name", () => {
    const s = only('items x { system s  template t  from "f" }', "Items");
    expect(s.properties.map((p) => p.key)).toEqual(["system", "template", "from"]);
  });
});

describe("expressions", () => {
  const scoreOf = (text: string): Expr => {
    const s = only(`scorer s judge { score ${text} }`, "Scorer");
    if (!s.score) throw new Error("no score");
    return s.score;
  };
  const show = (e: Expr): string => {
    switch (e.kind) {
      case "Literal":
        return JSON.stringify(e.value);
      case "Path":
        return e.segments.join(".");
      case "ParamRef":
        return `$${e.name}`;
      case "ListExpr":
        return `[${e.items.map(show).join(", ")}]`;
      case "Unary":
        return `(${e.op} ${show(e.operand)})`;
      case "Binary":
        return `(${show(e.left)} ${e.op} ${show(e.right)})`;
      case "Conditional":
        return `(${show(e.test)} ? ${show(e.then)} : ${show(e.else)})`;
      case "Call":
        return `${e.callee}(${e.args.map(show).join(", ")})`;
    }
  };

  it.each([
    ["1 + 2 * 3", "(1 + (2 * 3))"],
    ["(1 + 2) * 3", "((1 + 2) * 3)"],
    ["a - b - c", "((a - b) - c)"],
    ["a / b * c", "((a / b) * c)"],
    ["- a * b", "((- a) * b)"],
    ["-3 * b", "(-3 * b)"],
    ["- -x", "(- (- x))"],
    ["a or b and c", "(a or (b and c))"],
    ["not a and b", "((not a) and b)"],
    ["not not a", "(not (not a))"],
    ["a = 1 or b == 2", "((a = 1) or (b = 2))"],
    ["a != 1 and b < 2 and c <= 3", "(((a != 1) and (b < 2)) and (c <= 3))"],
    ["a > 1 or b >= 2", "((a > 1) or (b >= 2))"],
    ["a + 1 > b * 2", "((a + 1) > (b * 2))"],
    ['output.category in ["a", "b"]', '(output.category in ["a", "b"])'],
    ['lower(output.text) matches "^yes"', '(lower(output.text) matches "^yes")'],
    ["c ? 1 : d ? 2 : 3", "(c ? 1 : (d ? 2 : 3))"],
    ["a or b ? x + 1 : y", "((a or b) ? (x + 1) : y)"],
    ["clamp(round(x, 1), 0, 100)", "clamp(round(x, 1), 0, 100)"],
    ["len([])", "len([])"],
    ["f()", "f()"],
    ["$seed + item.difficulty", "($seed + item.difficulty)"],
    ["true and null = null", "(true and (null = null))"],
    ['culture.locale = "de-DE"', '(culture.locale = "de-DE")'],
    ["item.model.score", "item.model.score"],
    ["score * 0.5", "(score * 0.5)"],
  ])("%s", (text, expected) => {
    expect(show(scoreOf(text))).toBe(expected);
  });

  it("expression spans cover their operands", () => {
    const e = scoreOf("a + bb * 3");
    // `scorer s judge { score ` is 23 characters.
    expect(e.span.start.column).toBe(24);
    expect(e.span.end.column).toBe(34);
    expect(e.kind === "Binary" && e.right.span.start.column).toBe(28);
  });

  it("comparison is not associative", () => {
    const { diagnostics } = parseSpec("scorer s judge { score a < b < c }", "t.vc");
    expect(diagnostics.map((d) => d.code)).toContain("VC0010");
  });
});

describe("strings", () => {
  const str = (text: string) => {
    const v = only(`param p = ${text}`, "Param").value;
    if (v.kind !== "String") throw new Error("not a string");
    return v;
  };

  it("escapes", () => {
    expect(str('"a\\"b\\\\c\\nd\\te\\rf"').value).toBe('a"b\\c\nd\te\rf');
    expect(str('"\\u{1F600} \\u00e9 \\u{41}"').value).toBe("\u{1F600} \u00e9 A");
  });

  it("content map points decoded offsets back into the source", () => {
    const source = 'param p = "ab\\ncd\\u{1F600}e"';
    const v = only(source, "Param").value;
    if (v.kind !== "String") throw new Error("not a string");
    expect(v.value).toBe("ab\ncd\u{1F600}e");
    const at = (i: number) => sourceOffsetOf(v.contentMap, i) ?? -1;
    expect(source[at(0)]).toBe("a");
    expect(source.slice(at(2), at(2) + 2)).toBe("\\n");
    expect(source[at(3)]).toBe("c");
    expect(source.slice(at(5), at(5) + 3)).toBe("\\u{");
    expect(source[at(7)]).toBe("e");
  });

  it("triple-quoted: dedent, first and last line break dropped, blank lines kept", () => {
    const v = str('"""\n      line one\n        indented\n\n      line three\n      """');
    expect(v.value).toBe("line one\n  indented\n\nline three");
    expect(v.triple).toBe(true);
  });

  it("triple-quoted: text after the opening quotes stays, the rest is dedented", () => {
    expect(str('"""Direct;\n    more\n    """').value).toBe("Direct;\nmore");
    expect(str('"""  one line  """').value).toBe("  one line  ");
    expect(str('""""""').value).toBe("");
  });

  it('triple-quoted: \\""" is a literal """, other backslashes are literal', () => {
    expect(str('"""say \\"""hi\\""" \\d+\\n"""').value).toBe('say """hi""" \\d+\\n');
    expect(str('"""ends with a quote""""').value).toBe('ends with a quote"');
  });

  it("triple-quoted: CRLF line breaks decode to \\n", () => {
    expect(str('"""\r\n  a\r\n  b\r\n  """').value).toBe("a\nb");
  });

  it("triple-quoted content map follows dedented lines", () => {
    const source = 'param p = """\n    first\n    second\n    """';
    const v = only(source, "Param").value;
    if (v.kind !== "String") throw new Error("not a string");
    const at = (i: number) => sourceOffsetOf(v.contentMap, i) ?? -1;
    expect(source.slice(at(0), at(0) + 5)).toBe("first");
    expect(source.slice(at(6), at(6) + 6)).toBe("second");
  });
});

describe("comments", () => {
  it("are kept in order, line and block, and ignored by the grammar", () => {
    const ast = parseOk(`// head
param a = 1 // trailing
/* block
   over lines */ param b = /* inline */ 2`);
    expect(ast.statements.map((s) => s.kind)).toEqual(["Param", "Param"]);
    expect(ast.comments.map((c) => [c.text, c.block, c.span.start.line, c.span.start.column])).toEqual([
      ["// head", false, 1, 1],
      ["// trailing", false, 2, 13],
      ["/* block\n   over lines */", true, 3, 1],
      ["/* inline */", true, 4, 28],
    ]);
  });

  it("comment markers inside strings are text", () => {
    const v = only('param url = "https://example.com/*x*/"', "Param").value;
    expect(v.kind === "String" && v.value).toBe("https://example.com/*x*/");
  });
});

describe("lexical details", () => {
  it("keywords continue into identifiers (longer match wins)", () => {
    const s = only("culture items_x { model-name in-scope  index 1 }", "Culture");
    expect(s.name.name).toBe("items_x");
    expect(withoutPositions(s.properties[0])).toEqual({ key: "model-name", value: { kind: "Ref", name: "in-scope" } });
    expect(s.properties[1]?.key).toBe("index");
  });

  it("a byte-order mark and CRLF line endings are accepted", () => {
    const ast = parseOk("\uFEFFparam a = 1\r\nparam b = 2\r\n");
    expect(ast.statements.map((s) => s.span.start.line)).toEqual([1, 2]);
  });

  it("an empty file is an empty spec", () => {
    expect(parseOk("").statements).toEqual([]);
    expect(parseOk("  // only a comment\n").comments).toHaveLength(1);
  });

  it("the AST records file and source", () => {
    const { ast } = parseSpec("param a = 1", "dir/x.vc");
    expect(ast.file).toBe("dir/x.vc");
    expect(ast.source).toBe("param a = 1");
    expect(ast.kind).toBe("SpecFile");
  });
});
