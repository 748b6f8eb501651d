// Regular expressions written in specs (regex scorers, `matches` in score expressions and rules) run
// on RE2 (re2js, a pure-JavaScript port): matching time is linear in the answer's length whatever the
// pattern, so a pattern like ^(a+)+$ cannot hang a run on a long answer (JavaScript's backtracking
// engine takes minutes on 34 characters). The price: backreferences and lookaround, which need
// backtracking, are refused with a message that says so (docs/scoring.md, docs/security.md).

import { RE2JS } from "re2js";

export interface LinearMatch {
  /** The whole match. */
  match: string;
  /** Capture groups in order; null for a group that took no part. */
  groups: Array<string | null>;
}

export interface LinearRegex {
  exec(text: string): LinearMatch | null;
  test(text: string): boolean;
}

/** `unsupported`: a construct only a backtracking engine can run; `syntax`: not a regular expression. */
export type LinearCompile = { ok: true; regex: LinearRegex } | { ok: false; kind: "unsupported" | "syntax"; error: string };

/** The construct of `pattern` RE2 cannot run (backreference, lookahead, lookbehind), or null. */
export function backtrackingConstruct(pattern: string): string | null {
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === "\\") {
      const next = pattern[i + 1] ?? "";
      if (!inClass && /[1-9]/.test(next)) return `the backreference \\${next}`;
      if (!inClass && next === "k" && pattern[i + 2] === "<") return "a named backreference \\k<…>";
      i++;
      continue;
    }
    if (inClass) {
      if (c === "]") inClass = false;
      continue;
    }
    if (c === "[") inClass = true;
    else if (c === "(" && pattern[i + 1] === "?") {
      const rest = pattern.slice(i + 2, i + 4);
      if (rest.startsWith("=")) return "the lookahead (?=…)";
      if (rest.startsWith("!")) return "the negative lookahead (?!…)";
      if (rest === "<=") return "the lookbehind (?<=…)";
      if (rest === "<!") return "the negative lookbehind (?<!…)";
    }
  }
  return null;
}

/** JavaScript's \uXXXX and \u{…} escapes in RE2's spelling \x{…}; everything else is left as written. */
function toRe2Syntax(pattern: string): string {
  let out = "";
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c !== "\\") {
      out += c;
      continue;
    }
    const rest = pattern.slice(i + 1);
    const four = /^u([0-9a-fA-F]{4})/.exec(rest);
    const braced = /^u\{([0-9a-fA-F]{1,6})\}/.exec(rest);
    if (braced) {
      out += `\\x{${braced[1]}}`;
      i += braced[0].length;
    } else if (four) {
      out += `\\x{${four[1]}}`;
      i += four[0].length;
    } else {
      out += `\\${pattern[i + 1] ?? ""}`;
      i++;
    }
  }
  return out;
}

/**
 * Compiles `pattern` with JavaScript-style `flags` (i, m, s honoured; g, y, d, u, v have no effect on
 * a first match: RE2 always reads Unicode) on the linear-time engine.
 */
export function compileLinear(pattern: string, flags = ""): LinearCompile {
  const construct = backtrackingConstruct(pattern);
  if (construct !== null) {
    return {
      ok: false,
      kind: "unsupported",
      error: `${construct} needs a backtracking engine; patterns run on a linear-time engine (RE2) so that no answer can hang a run`,
    };
  }
  let bits = 0;
  if (flags.includes("i")) bits |= RE2JS.CASE_INSENSITIVE;
  if (flags.includes("m")) bits |= RE2JS.MULTILINE;
  if (flags.includes("s")) bits |= RE2JS.DOTALL;
  let re: RE2JS;
  try {
    re = RE2JS.compile(toRe2Syntax(pattern), bits);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    return { ok: false, kind: "syntax", error: message.replace(/^error parsing regexp: /, "") };
  }
  return {
    ok: true,
    regex: {
      exec(text) {
        const m = re.matcher(text);
        if (!m.find()) return null;
        const groups: Array<string | null> = [];
        for (let g = 1; g <= m.groupCount(); g++) groups.push(m.group(g));
        return { match: m.group(0) ?? "", groups };
      },
      test: (text) => re.matcher(text).find(),
    },
  };
}
