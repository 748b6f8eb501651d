// The plain-text summary printed after a run: the leaderboard with aligned columns, then the largest
// context effects. No colour unless asked (a log file or a pipe should get plain text).

import { EFFECT_Q, notableEffects, type ContextEffectRow } from "../analyse/context-effects.js";
import { SCALES, type Scale } from "../core/scale.js";
import { rankLeaderboard, type RunAnalysis } from "./tables.js";

export interface SummaryOptions {
  /** How many context effects to list (those with BH q < 0.05, largest |difference| first). Default 10. */
  top?: number;
  /** ANSI colour: bold headings, green/red differences. Default false. */
  colour?: boolean;
}

const ANSI = { bold: "\u001b[1m", green: "\u001b[32m", red: "\u001b[31m", dim: "\u001b[2m", reset: "\u001b[0m" };

function num(x: number | null, decimals: number): string {
  if (x === null || !Number.isFinite(x)) return "–";
  const s = x.toFixed(decimals);
  return /^-0(\.0+)?$/.test(s) ? s.slice(1) : s;
}

function signed(x: number | null, decimals: number): string {
  if (x === null || !Number.isFinite(x)) return "–";
  const s = num(x, decimals);
  return x > 0 && s !== num(0, decimals) ? `+${s}` : s;
}

function percent(x: number | null): string {
  return x === null ? "–" : `${(x * 100).toFixed(1)}%`;
}

function interval(low: number | null | undefined, high: number | null | undefined): string {
  return low === null || low === undefined || high === null || high === undefined ? "–" : `[${num(low, 2)}, ${num(high, 2)}]`;
}

/** Display width in terminal columns: wide (CJK, emoji) code points count 2, combining marks 0. */
export function displayWidth(text: string): number {
  let w = 0;
  for (const ch of text) {
    const cp = ch.codePointAt(0) ?? 0;
    if (/\p{Mn}|\p{Me}|\p{Cf}/u.test(ch)) continue;
    const wide =
      (cp >= 0x1100 && cp <= 0x115f) ||
      (cp >= 0x2e80 && cp <= 0xa4cf) ||
      (cp >= 0xac00 && cp <= 0xd7a3) ||
      (cp >= 0xf900 && cp <= 0xfaff) ||
      (cp >= 0xfe30 && cp <= 0xfe4f) ||
      (cp >= 0xff00 && cp <= 0xff60) ||
      (cp >= 0xffe0 && cp <= 0xffe6) ||
      (cp >= 0x1f300 && cp <= 0x1faff) ||
      (cp >= 0x20000 && cp <= 0x3fffd);
    w += wide ? 2 : 1;
  }
  return w;
}

type Align = "left" | "right";

/** What a number on each scale is, printed under the leaderboard for the scales it shows. */
const SCALE_NOTES: Record<Scale, string> = {
  centred: "distance from the model's own mean rating, in score points; no overall (centred means sum to zero)",
  likert: "raw rating stretched to 0–100",
  percent: "0–100 score; interval: bootstrap over items",
  proportion: "share of answers scoring 100 (a rate, in %); interval: Wilson on the items' effective size",
  theta: "IRT ability (logit)",
};

function contextText(culture: string | null, usecase: string | null): string {
  if (culture === null && usecase === null) return "none";
  if (usecase === null) return culture ?? "none";
  if (culture === null) return usecase;
  return `${culture}/${usecase}`;
}

/** Lay out rows in aligned columns, two spaces apart; colour codes (if any) are added after padding. */
export function formatColumns(
  header: readonly string[],
  rows: ReadonlyArray<readonly string[]>,
  align: readonly Align[],
  paint: (row: number, col: number, text: string) => string = (_r, _c, t) => t,
): string[] {
  const widths = header.map((h, c) => Math.max(displayWidth(h), ...rows.map((r) => displayWidth(r[c] ?? ""))));
  const line = (cells: readonly string[], row: number) =>
    cells
      .map((cell, c) => {
        const pad = " ".repeat(Math.max(0, (widths[c] ?? 0) - displayWidth(cell)));
        const padded = align[c] === "right" ? pad + cell : cell + pad;
        return paint(row, c, padded);
      })
      .join("  ")
      .trimEnd();
  return [line(header, -1), ...rows.map((r, i) => line(r, i))];
}

function contextLabel(r: ContextEffectRow): string {
  if (r.kind === "culture") return `culture=${r.culture ?? "none"}`;
  if (r.kind === "usecase") return `usecase=${r.usecase ?? "none"}`;
  return `culture=${r.culture ?? "none"}, usecase=${r.usecase ?? "none"}`;
}

function referenceLabel(r: ContextEffectRow): string {
  if (r.kind === "culture") return r.referenceCulture ?? "none";
  if (r.kind === "usecase") return r.referenceUsecase ?? "none";
  return `${r.referenceCulture ?? "none"}/${r.referenceUsecase ?? "none"}`;
}

/** The context effects with evidence (BH q < 0.05), largest |difference| first; see notableEffects. */
export function largestEffects(effects: readonly ContextEffectRow[], top: number): ContextEffectRow[] {
  // A row that would print as 0.00 tells the reader nothing, whatever its q.
  return notableEffects(
    effects.filter((r) => r.difference !== null && Math.abs(r.difference) >= 0.005),
    { top, q: EFFECT_Q },
  );
}

export function renderSummary(analysis: RunAnalysis, options: SummaryOptions = {}): string {
  const colour = options.colour ?? false;
  const bold = (t: string) => (colour ? `${ANSI.bold}${t}${ANSI.reset}` : t);
  const out: string[] = [];
  const ds = analysis.dataset;

  const board = rankLeaderboard(ds, analysis.leaderboard);
  out.push(
    bold("Leaderboard (per measure: a scorer on its own scale; overall = mean of the dimension means, weighted when the weighting column says so; 95% CI)"),
  );
  if (board.length === 0) {
    out.push("  no scores");
  } else {
    const withContext = board.some(({ row: r }) => r.culture !== null || r.usecase !== null);
    const rows = board.map(({ row: r, rank }) => [
      r.system,
      ...(withContext ? [contextText(r.culture, r.usecase)] : []),
      `${r.measure} (${r.scale})`,
      rank ?? "–",
      r.model,
      r.centred ? "n/a" : num(r.overall, 2),
      interval(r.ci?.low, r.ci?.high),
      r.ciMethod ?? "–",
      r.weighting,
      `${r.dimensions}/${r.dimensionsTotal}`,
      String(r.n),
      String(r.items),
      percent(r.refusalRate),
      String(r.failedSteps),
      String(r.scoringErrors),
    ]);
    const header = [
      "system",
      ...(withContext ? ["context"] : []),
      "measure (scale)",
      "rank",
      "model",
      "overall",
      "95% CI",
      "interval",
      "weighting",
      "dims",
      "n",
      "items",
      "refused",
      "failed",
      "score errors",
    ];
    const align: Align[] = [
      "left",
      ...(withContext ? (["left"] as Align[]) : []),
      "left",
      "right",
      "left",
      "right",
      "left",
      "left",
      "left",
      "right",
      "right",
      "right",
      "right",
      "right",
      "right",
    ];
    const lines = formatColumns(header, rows, align, (row, _col, text) => (row === -1 ? bold(text) : text));
    out.push(...lines.map((l) => `  ${l}`));
    const scales = new Set(board.map(({ row: r }) => r.scale));
    for (const sc of SCALES) {
      if (scales.has(sc)) out.push(`  ${sc}: ${SCALE_NOTES[sc]}`);
    }
    out.push("  refused: share of scored answers the measure's scorer called a refusal (failed and unscored steps excluded)");
  }

  if (analysis.effects.length > 0) {
    const top = largestEffects(analysis.effects, options.top ?? 10);
    const tested = analysis.effects.filter((r) => r.q !== null).length;
    out.push("");
    out.push(
      bold(
        `Largest context effects (difference from the reference context, paired on the item where both share items; BH q < ${EFFECT_Q} over ${tested} comparisons; top ${top.length})`,
      ),
    );
    if (top.length === 0) out.push(`  no context effect reached q < ${EFFECT_Q}`);
    const rows = top.map((r) => [
      r.model,
      r.system,
      r.dimension,
      r.measure,
      contextLabel(r),
      referenceLabel(r),
      num(r.mean, 2),
      num(r.referenceMean, 2),
      signed(r.difference, 2),
      interval(r.ci?.low, r.ci?.high),
      r.q === null ? "–" : r.q < 0.001 ? "<0.001" : r.q.toFixed(3),
      // Paired rows: the items answered in both contexts; unpaired rows: the two item sets.
      r.pairing === "unpaired" ? `${r.items}/${r.referenceItems} unpaired` : `${r.pairs}`,
    ]);
    const lines = formatColumns(
      ["model", "system", "dimension", "scorer", "context", "reference", "mean", "ref mean", "diff", "95% CI", "q", "items"],
      rows,
      ["left", "left", "left", "left", "left", "left", "right", "right", "right", "left", "right", "right"],
      (row, col, text) => {
        if (row === -1) return bold(text);
        const d = top[row]?.difference ?? null;
        if (!colour || col !== 8 || d === null || d === 0) return text;
        return `${d > 0 ? ANSI.green : ANSI.red}${text}${ANSI.reset}`;
      },
    );
    if (top.length > 0) out.push(...lines.map((l) => `  ${l}`));
  }

  const mock = ds.metas.filter((s) => s.mock).length;
  if (mock > 0) {
    out.push("");
    out.push(`Note: ${mock} of ${ds.metas.length} answers came from the mock provider (canned, not a real model).`);
  }
  return `${out.join("\n")}\n`;
}
