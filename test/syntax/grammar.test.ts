import { expect, it } from "vitest";
import { VcParser } from "../../src/syntax/parser.js";
import { buildLexer } from "../../src/syntax/tokens.js";

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
