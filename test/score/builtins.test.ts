// The built-in functions of expressions have one source, BUILTIN_FUNCTION_ARITY (src/syntax/vocabulary.ts):
// the checker and the evaluator agree with it at and beyond every arity bound, and the docs, the plan
// schema and the editor grammar list exactly its functions.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Json, PlanExpr } from "../../src/core/plan.js";
import { evaluate } from "../../src/score/expr.js";
import { BUILTIN_FUNCTION_ARITY, BUILTIN_FUNCTIONS, type BuiltinFunction } from "../../src/syntax/vocabulary.js";
import { checkFiles, repoRoot } from "../check/helpers.js";

/**
 * Calls each function accepts, by number of arguments (typed by BuiltinFunction, so a new built-in does
 * not compile here until it has its calls). Every count its arity allows, up to 5, has one.
 */
const VALID_CALLS: Record<BuiltinFunction, Json[][]> = {
  min: [[3], [[4, 2]], [3, 1], [3, 1, 2], [3, 1, 2, 5], [3, 1, 2, 5, 0]],
  max: [[3], [[4, 2]], [3, 1], [3, 1, 2], [3, 1, 2, 5], [3, 1, 2, 5, 0]],
  round: [[2.5], [2.345, 2]],
  clamp: [[120, 0, 100]],
  len: [["abc"]],
  lower: [["ABC"]],
  contains: [[["a", "b"], "a"]],
};

const literal = (value: Json): PlanExpr =>
  Array.isArray(value) ? { kind: "ListExpr", items: value.map(literal) } : { kind: "Literal", value: value as string | number | boolean | null };
const call = (fn: string, args: Json[]): PlanExpr => ({ kind: "Call", callee: fn, args: args.map(literal) });
const source = (fn: string, args: Json[]) => `${fn}(${args.map((a) => JSON.stringify(a)).join(", ")})`;

/** The shortest valid call without its last argument, and the longest with its last argument twice. */
function invalidCalls(fn: BuiltinFunction): Json[][] {
  const [min, max] = BUILTIN_FUNCTION_ARITY[fn];
  const calls = VALID_CALLS[fn];
  const shortest = calls.find((c) => c.length === min) ?? [];
  const longest = calls.find((c) => c.length === max) ?? [];
  return [...(min > 0 ? [shortest.slice(0, -1)] : []), ...(Number.isFinite(max) ? [[...longest, longest.at(-1) ?? 0]] : [])];
}

/** A spec with one refusal scorer per call (`score CALL`); returns the VC1506 errors by line. */
async function checkCalls(calls: string[]): Promise<{ errors: string[]; lines: number[] }> {
  const scorers = calls.map((c, i) => `scorer s${i} refusal { score ${c} }`);
  const spec = `system s "S" { dimension d1 "D1" }
template t { user "{{item.text}}" }
items i { system s  template t  scorers [${calls.map((_, i) => `s${i}`).join(", ")}]  item x { dimension d1  text "hello" } }
run { models ["mock:echo"] }
${scorers.join("\n")}
`;
  const checked = await checkFiles({ "main.vc": spec });
  const bad = checked.diagnostics.filter((d) => d.code === "VC1506");
  return { errors: checked.errors, lines: bad.map((d) => d.span.start.line - 4) };
}

describe("built-in functions: checker and evaluator", () => {
  it("every count of arguments the arity allows (up to 5) has a valid call here", () => {
    for (const fn of BUILTIN_FUNCTIONS) {
      const [min, max] = BUILTIN_FUNCTION_ARITY[fn];
      const counts = VALID_CALLS[fn].map((c) => c.length);
      for (let n = min; n <= Math.min(max, 5); n++) expect(counts, `${fn} with ${n} arguments`).toContain(n);
      expect(counts.every((n) => n >= min && n <= max)).toBe(true);
    }
  });

  it.each(BUILTIN_FUNCTIONS)("%s: the evaluator computes every valid call and rejects the arity's neighbours", (fn) => {
    for (const args of VALID_CALLS[fn]) {
      const r = evaluate(call(fn, args), {});
      expect(r, source(fn, args)).toMatchObject({ ok: true });
    }
    const invalid = invalidCalls(fn);
    expect(invalid.length).toBeGreaterThan(0);
    for (const args of invalid) expect(evaluate(call(fn, args), {}), source(fn, args)).toMatchObject({ ok: false });
  });

  it("the checker accepts every valid call", async () => {
    const calls = BUILTIN_FUNCTIONS.flatMap((fn) => VALID_CALLS[fn].map((args) => source(fn, args)));
    expect(await checkCalls(calls)).toEqual({ errors: [], lines: [] });
  });

  it("the checker rejects exactly the calls outside the arity (VC1506), as the evaluator does", async () => {
    const calls = BUILTIN_FUNCTIONS.flatMap((fn) => invalidCalls(fn).map((args) => source(fn, args)));
    const { lines } = await checkCalls(calls);
    expect(lines).toEqual(calls.map((_, i) => i + 1));
  });

  it("an unknown function is an error for both, and the evaluator names every built-in", async () => {
    for (const name of ["nope", "constructor", "toString"]) {
      const r = evaluate(call(name, [1]), {});
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.error).toContain(`built-ins: ${BUILTIN_FUNCTIONS.join(", ")}`);
    }
    // Object.prototype's names are not functions of the language.
    expect((await checkCalls(["nope(1)", "constructor(1)", "toString(1)"])).lines).toEqual([1, 2, 3]);
  });
});

describe("built-in functions: the lists outside the code", () => {
  const read = (path: string) => readFileSync(join(repoRoot, path), "utf8");

  /** The paragraph (or list item) of a Markdown file that starts with `marker`, up to a blank line or the next item. */
  function passage(text: string, marker: string): string {
    const start = text.indexOf(marker);
    expect(start, `"${marker}" not found`).toBeGreaterThanOrEqual(0);
    const rest = text.slice(start + marker.length);
    const end = rest.search(/\n\s*\n|\n- /);
    return end < 0 ? rest : rest.slice(0, end);
  }

  /** Function names written as `name(...)` or `name` in a passage, in order, once each. */
  function namesIn(text: string): string[] {
    return [...new Set([...text.matchAll(/`([a-z_]+)(?:\(|`)/g)].map((m) => m[1] ?? ""))];
  }

  /** Every documented signature `name(a, b, …)` with its number of arguments (… means any number more). */
  function signaturesIn(text: string): Array<{ fn: string; count: number; variadic: boolean }> {
    return [...text.matchAll(/`([a-z_]+)\(([^)`]*)\)`/g)].map((m) => {
      const args = (m[2] ?? "")
        .split(",")
        .map((a) => a.trim())
        .filter((a) => a !== "");
      const variadic = args.at(-1) === "…";
      return { fn: m[1] ?? "", count: args.length - (variadic ? 1 : 0), variadic };
    });
  }

  it.each([
    ["docs/language.md", "**Built-in functions:**"],
    ["docs/scoring.md", "- Functions:"],
  ])("%s lists exactly the built-ins, with signatures their arity accepts", (path, marker) => {
    const text = passage(read(path), marker);
    expect(namesIn(text)).toEqual([...BUILTIN_FUNCTIONS]);
    const signatures = signaturesIn(text);
    expect(signatures.length).toBeGreaterThanOrEqual(BUILTIN_FUNCTIONS.length - 1);
    for (const { fn, count, variadic } of signatures) {
      const [min, max] = BUILTIN_FUNCTION_ARITY[fn as BuiltinFunction] ?? [NaN, NaN];
      expect(count >= min && count <= max && (!variadic || max === Infinity), `${fn} documented with ${count}${variadic ? "+" : ""} arguments`).toBe(true);
    }
  });

  it("docs/diagnostics.md gives VC1506 the arity of every built-in", () => {
    // Consecutive functions with the same arity share one entry: "min, max ≥1; round 1–2; clamp 3".
    const groups: Array<{ names: string[]; arity: readonly [number, number] }> = [];
    for (const fn of BUILTIN_FUNCTIONS) {
      const arity = BUILTIN_FUNCTION_ARITY[fn];
      const last = groups.at(-1);
      if (last && last.arity[0] === arity[0] && last.arity[1] === arity[1]) last.names.push(fn);
      else groups.push({ names: [fn], arity });
    }
    const range = ([min, max]: readonly [number, number]) => (max === Infinity ? `≥${min}` : min === max ? `${min}` : `${min}–${max}`);
    const summary = groups.map((g) => `${g.names.join(", ")} ${range(g.arity)}`).join("; ");
    const row = read("docs/diagnostics.md")
      .split("\n")
      .find((l) => l.startsWith("| VC1506 |"));
    expect(row).toContain(`(${summary})`);
  });

  it("schemas/plan.schema.json allows exactly the built-ins as a call's callee", () => {
    const schema = JSON.parse(read("schemas/plan.schema.json")) as {
      definitions: { expr: { oneOf: Array<{ properties: { kind: { const: string }; callee?: { enum: string[] } } }> } };
    };
    const callNode = schema.definitions.expr.oneOf.find((o) => o.properties.kind.const === "Call");
    expect(callNode?.properties.callee?.enum).toEqual([...BUILTIN_FUNCTIONS]);
  });
});
