// Decoding string literals into their values, with a ContentMap from value offsets back to source
// offsets (so an error inside an inline template can point into the .vc file).
//
// Plain strings:  "..." with escapes \" \\ \n \t \r \u{1F600} \uXXXX.
// Triple strings: """...""" over several lines; no escapes except \""" (for a literal """).
//   - a line break right after the opening """ (only whitespace before it) is dropped;
//   - the last line break before the closing """ (only whitespace after it) is dropped;
//   - the remaining lines are dedented by their common leading whitespace; text that starts right
//     after the opening """ (on its line) is kept as is and does not count for the indentation;
//   - whitespace-only lines become empty; "\r\n" becomes "\n".

import type { ContentMap } from "./ast.js";

export type StringKind = "plain" | "triple";

export interface StringProblem {
  /** Source offsets of the offending text. */
  start: number;
  end: number;
  message: string;
  notes: string[];
}

export interface DecodedString {
  value: string;
  contentMap: ContentMap;
  problems: StringProblem[];
}

/** Characters of a decoded value, each with the source offset it came from. */
interface MappedChars {
  chars: string[];
  sources: number[];
}

/**
 * Decode the source text of a string token starting at `startOffset`. `terminated` is false for the
 * unterminated forms (then there is no closing delimiter to strip).
 */
export function decodeString(image: string, startOffset: number, kind: StringKind, terminated: boolean): DecodedString {
  return kind === "plain" ? decodePlain(image, startOffset, terminated) : decodeTriple(image, startOffset, terminated);
}

const VALID_ESCAPES = 'valid escapes: \\" \\\\ \\n \\t \\r \\u{1F600} \\uXXXX';

function decodePlain(image: string, startOffset: number, terminated: boolean): DecodedString {
  const body = image.slice(1, terminated ? image.length - 1 : image.length);
  const base = startOffset + 1;
  const out: MappedChars = { chars: [], sources: [] };
  const problems: StringProblem[] = [];
  const push = (s: string, source: number) => {
    for (const unit of splitUnits(s)) {
      out.chars.push(unit);
      out.sources.push(source);
    }
  };
  let i = 0;
  while (i < body.length) {
    const c = body[i] ?? "";
    if (c !== "\\") {
      out.chars.push(c);
      out.sources.push(base + i);
      i++;
      continue;
    }
    const next = body[i + 1];
    const simple: Record<string, string> = { '"': '"', "\\": "\\", n: "\n", t: "\t", r: "\r" };
    if (next === undefined) {
      // A trailing backslash of an unterminated string: keep it, VC0002 already explains.
      push("\\", base + i);
      i++;
    } else if (simple[next] !== undefined) {
      push(simple[next] ?? "", base + i);
      i += 2;
    } else if (next === "u") {
      const braced = /^\\u\{([0-9A-Fa-f]{1,6})\}/.exec(body.slice(i));
      const four = /^\\u([0-9A-Fa-f]{4})/.exec(body.slice(i));
      const hex = braced?.[1] ?? four?.[1];
      const length = braced?.[0].length ?? four?.[0].length ?? 0;
      const code = hex === undefined ? NaN : parseInt(hex, 16);
      if (hex !== undefined && code <= 0x10ffff) {
        push(String.fromCodePoint(code), base + i);
        i += length;
      } else {
        const bad = /^\\u(\{[^}"]*\}?|[0-9A-Fa-f]{0,4})/.exec(body.slice(i))?.[0] ?? "\\u";
        problems.push({
          start: base + i,
          end: base + i + bad.length,
          message: `invalid unicode escape '${bad}'`,
          notes: ["write \\u{1F600} (1 to 6 hex digits, at most 10FFFF) or \\u00E9 (exactly 4 hex digits)"],
        });
        push(bad, base + i);
        i += bad.length;
      }
    } else {
      problems.push({
        start: base + i,
        end: base + i + 2,
        message: `invalid escape '\\${next}' in string`,
        notes: [VALID_ESCAPES, 'write \\\\ for a backslash, or use a """triple-quoted""" string, where backslashes are literal'],
      });
      push(`\\${next}`, base + i);
      i += 2;
    }
  }
  return { value: out.chars.join(""), contentMap: contentMapOf(out.sources, base), problems };
}

/** Split into UTF-16 code units so every unit gets its own source offset entry. */
function splitUnits(s: string): string[] {
  const units: string[] = [];
  for (let k = 0; k < s.length; k++) units.push(s[k] ?? "");
  return units;
}

function decodeTriple(image: string, startOffset: number, terminated: boolean): DecodedString {
  const body = image.slice(3, terminated ? image.length - 3 : image.length);
  const base = startOffset + 3;
  // 1. Resolve \""" and "\r\n", remembering where each character came from.
  const lines: MappedChars[] = [{ chars: [], sources: [] }];
  const newlineSources: number[] = [];
  let i = 0;
  while (i < body.length) {
    const c = body[i] ?? "";
    const current = lines[lines.length - 1] ?? { chars: [], sources: [] };
    if (c === "\\" && body.startsWith('"""', i + 1)) {
      for (let q = 1; q <= 3; q++) {
        current.chars.push('"');
        current.sources.push(base + i + q);
      }
      i += 4;
    } else if (c === "\r" && body[i + 1] === "\n") {
      i++;
    } else if (c === "\n") {
      newlineSources.push(base + i);
      lines.push({ chars: [], sources: [] });
      i++;
    } else {
      current.chars.push(c);
      current.sources.push(base + i);
      i++;
    }
  }
  const isBlank = (l: MappedChars) => l.chars.every((ch) => ch === " " || ch === "\t");

  // 2. Drop the line break after the opening """ and the one before the closing """.
  let firstInline = true;
  if (lines.length > 1 && isBlank(lines[0] ?? { chars: [], sources: [] })) {
    lines.shift();
    newlineSources.shift();
    firstInline = false;
  }
  if (lines.length > 1 && isBlank(lines[lines.length - 1] ?? { chars: [], sources: [] })) {
    lines.pop();
    newlineSources.pop();
  }

  // 3. Dedent every line except text that began on the opening line.
  const dedentable = firstInline ? lines.slice(1) : lines;
  const prefix = commonIndent(dedentable.filter((l) => !isBlank(l)).map((l) => l.chars));
  for (const line of dedentable) {
    if (isBlank(line)) {
      line.chars = [];
      line.sources = [];
    } else {
      line.chars = line.chars.slice(prefix);
      line.sources = line.sources.slice(prefix);
    }
  }

  // 4. Join.
  const out: MappedChars = { chars: [], sources: [] };
  lines.forEach((line, index) => {
    if (index > 0) {
      out.chars.push("\n");
      out.sources.push(newlineSources[index - 1] ?? base);
    }
    out.chars.push(...line.chars);
    out.sources.push(...line.sources);
  });
  return { value: out.chars.join(""), contentMap: contentMapOf(out.sources, base), problems: [] };
}

/** Length of the longest common whitespace prefix (exact characters: a tab is not two spaces). */
function commonIndent(lines: string[][]): number {
  const first = lines[0];
  if (!first) return 0;
  let n = 0;
  while (n < first.length && (first[n] === " " || first[n] === "\t")) n++;
  for (const line of lines.slice(1)) {
    let k = 0;
    while (k < n && line[k] === first[k]) k++;
    n = k;
  }
  return n;
}

/** Anchors wherever the value stops being a contiguous copy of the source. */
function contentMapOf(sources: readonly number[], emptyAt?: number): ContentMap {
  const anchors: ContentMap["anchors"] = [];
  sources.forEach((source, valueOffset) => {
    const previous = sources[valueOffset - 1];
    if (valueOffset === 0 || previous === undefined || source !== previous + 1) {
      anchors.push({ valueOffset, sourceOffset: source });
    }
  });
  if (anchors.length === 0 && emptyAt !== undefined) anchors.push({ valueOffset: 0, sourceOffset: emptyAt });
  return { anchors };
}

/** The source offset of a value offset (see ContentMap in ast.ts). */
export function sourceOffsetOf(map: ContentMap, valueOffset: number): number | undefined {
  let best: ContentMap["anchors"][number] | undefined;
  for (const anchor of map.anchors) {
    if (anchor.valueOffset <= valueOffset) best = anchor;
    else break;
  }
  return best ? best.sourceOffset + (valueOffset - best.valueOffset) : undefined;
}
