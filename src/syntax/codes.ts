// Every diagnostic code of the syntax layer (lexer, parser, AST builder, formatter), with a title.
// docs/diagnostics.md (## Syntax) has a section per code; test/syntax/codes.test.ts keeps them in step.

export const SyntaxCodes = {
  INTERNAL: "VC0000",
  UNEXPECTED_CHARACTER: "VC0001",
  UNTERMINATED_STRING: "VC0002",
  UNTERMINATED_TO_EOF: "VC0003",
  INVALID_ESCAPE: "VC0004",
  INVALID_NUMBER: "VC0005",
  UNEXPECTED_TOKEN: "VC0010",
  UNKNOWN_WORD: "VC0011",
  UNCLOSED_BRACKET: "VC0012",
  RESERVED_NAME: "VC0013",
  MISSING_VALUE: "VC0014",
  RULE_FOR: "VC0015",
  DUPLICATE_SCORE: "VC0016",
  NESTING_TOO_DEEP: "VC0030",
  STRING_TOO_LONG: "VC0031",
  TOO_MANY_TOKENS: "VC0032",
} as const;

export type SyntaxCode = (typeof SyntaxCodes)[keyof typeof SyntaxCodes];

export const SYNTAX_CODE_TITLES: Record<SyntaxCode, string> = {
  VC0000: "internal error in the parser or formatter",
  VC0001: "unexpected character",
  VC0002: "unterminated string",
  VC0003: "unterminated triple-quoted string or block comment",
  VC0004: "invalid escape in a string",
  VC0005: "invalid number",
  VC0010: "unexpected token",
  VC0011: "unknown keyword, property or role",
  VC0012: "missing closing bracket",
  VC0013: "reserved word used as a name",
  VC0014: "missing value",
  VC0015: "misplaced or missing 'for' on a rule",
  VC0016: "'score' or 'outcome' given twice",
  VC0030: "nesting too deep",
  VC0031: "string too long",
  VC0032: "too many tokens in one file",
};
