// The chevrotain runtime, loaded from the package's single-file bundle.
//
// chevrotain's package entry (lib/src/api.js) imports its sources module by module, and those import
// lodash-es function by function: several hundred files, which cost about 0.4 s at every start of
// `vc`. The package also ships the same code bundled in one file, lib/chevrotain.min.mjs, but its
// `exports` map does not expose that path, so it is found next to the resolved entry and imported by
// file URL. Types still come from the package (`import type ... from "chevrotain"`), which describes
// both. Every runtime use of chevrotain goes through this module, so token types, EOF and the parser
// all come from one instance.

import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import type * as Chevrotain from "chevrotain";

/** lib/src/api.js → lib/chevrotain.min.mjs (two folders up from the entry's folder is the package). */
function bundleUrl(): string {
  const entry = createRequire(import.meta.url).resolve("chevrotain");
  return pathToFileURL(join(dirname(entry), "..", "chevrotain.min.mjs")).href;
}

const chevrotain = (await import(bundleUrl())) as typeof Chevrotain;

export const { createToken, CstParser, EOF, Lexer, tokenMatcher } = chevrotain;
// The classes are types too, as in the package.
export type Lexer = Chevrotain.Lexer;
export type CstParser = Chevrotain.CstParser;
