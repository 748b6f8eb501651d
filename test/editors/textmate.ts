// Loads editors/vscode/syntaxes/vc.tmLanguage.json with vscode-textmate and the Oniguruma regex engine
// VS Code itself uses (onig.wasm from node_modules), and tokenises .vc text the way the editor does.

import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import vsctm from "vscode-textmate";
import oniguruma from "vscode-oniguruma";

export const root = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
export const extensionDir = join(root, "editors", "vscode");
export const grammarPath = join(extensionDir, "syntaxes", "vc.tmLanguage.json");

export interface Token {
  /** 1-based line. */
  line: number;
  /** 0-based offsets within the line. */
  start: number;
  end: number;
  text: string;
  /** Scopes from outermost (source.vc) to innermost. */
  scopes: string[];
}

let grammarPromise: Promise<vsctm.IGrammar> | undefined;

async function loadGrammar(): Promise<vsctm.IGrammar> {
  const require = createRequire(import.meta.url);
  const wasm = readFileSync(join(dirname(require.resolve("vscode-oniguruma")), "onig.wasm"));
  await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
  const registry = new vsctm.Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (patterns: string[]) => new oniguruma.OnigScanner(patterns),
      createOnigString: (text: string) => new oniguruma.OnigString(text),
    }),
    loadGrammar: async (scopeName: string) => (scopeName === "source.vc" ? vsctm.parseRawGrammar(readFileSync(grammarPath, "utf8"), grammarPath) : null),
  });
  const grammar = await registry.loadGrammar("source.vc");
  if (!grammar) throw new Error("source.vc did not load");
  return grammar;
}

export function vcGrammar(): Promise<vsctm.IGrammar> {
  grammarPromise ??= loadGrammar();
  return grammarPromise;
}

/** Every token of every line, carrying the rule stack from line to line as the editor does. */
export async function tokenise(text: string): Promise<Token[]> {
  const grammar = await vcGrammar();
  const tokens: Token[] = [];
  let stack = vsctm.INITIAL;
  text.split(/\r?\n/).forEach((lineText, i) => {
    const result = grammar.tokenizeLine(lineText, stack);
    for (const t of result.tokens) {
      const end = Math.min(t.endIndex, lineText.length);
      if (end <= t.startIndex) continue;
      tokens.push({ line: i + 1, start: t.startIndex, end, text: lineText.slice(t.startIndex, end), scopes: t.scopes });
    }
    stack = result.ruleStack;
  });
  return tokens;
}
