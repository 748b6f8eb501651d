// Every syntax diagnostic code is used by the code and documented in docs/diagnostics.md, and back.
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { SYNTAX_CODE_TITLES, SyntaxCodes } from "../../src/syntax/codes.js";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const docs = readFileSync(join(ROOT, "docs", "diagnostics.md"), "utf8");
/** The text from the Syntax heading to the next level-2 heading (or the end). */
function syntaxSectionOf(text: string): string {
  const start = text.indexOf("## Syntax (VC00xx)");
  if (start < 0) return "";
  const next = text.indexOf("\n## ", start + 1);
  return text.slice(start, next < 0 ? undefined : next);
}
const syntaxSection = syntaxSectionOf(docs);

function sources(dir: string): string {
  return readdirSync(dir)
    .filter((f) => f.endsWith(".ts"))
    .map((f) => readFileSync(join(dir, f), "utf8"))
    .join("\n");
}

describe("syntax diagnostic codes", () => {
  it("docs/diagnostics.md has a Syntax section", () => {
    expect(docs).toContain("## Syntax (VC00xx)");
  });

  it.each(Object.entries(SYNTAX_CODE_TITLES))("%s is documented with its title", (code, title) => {
    expect(syntaxSection).toContain(`### ${code} — ${title}`);
  });

  it("the docs document no code that does not exist", () => {
    const documented = [...syntaxSection.matchAll(/^### (VC\d{4})/gm)].map((m) => m[1]);
    expect(documented.sort()).toEqual(Object.keys(SYNTAX_CODE_TITLES).sort());
  });

  it("every code is emitted somewhere in the syntax layer or the formatter", () => {
    const code = sources(join(ROOT, "src", "syntax")) + sources(join(ROOT, "src", "format"));
    for (const name of Object.keys(SyntaxCodes)) {
      expect(code.includes(`SyntaxCodes.${name}`), `SyntaxCodes.${name} is never used`).toBe(true);
    }
  });
});
