// A selection applied to the plan's segments: systems, contexts, dimensions and items as selected,
// then at most `limit` items per items block and dimension, drawn with a seeded shuffle stratified by
// difficulty (one item of each difficulty level in turn), so `--limit 3` over levels 1–3 keeps one of
// each. The same items are kept for every context of a block, so context comparisons stay paired.

import type { ContextCombo, PlanItem, PlanSegment, PlanSelection } from "../core/plan.js";
import { fnv1a32, mulberry32 } from "../core/random.js";

export function applySelection(segments: readonly PlanSegment[], selection: PlanSelection): PlanSegment[] {
  const out: PlanSegment[] = [];
  const pattern = selection.items !== null ? globRegExp(selection.items) : null;
  for (const segment of segments) {
    if (selection.systems !== null && !selection.systems.includes(segment.system)) continue;
    const contexts = segment.contexts.filter((c) => contextSelected(c, selection));
    if (contexts.length === 0) continue;
    if (segment.kind === "adaptive") {
      // An adaptive test chooses its own items from the bank: the selection keeps or drops it whole.
      out.push({ ...segment, contexts });
      continue;
    }
    const kept = segment.items.filter(
      (i) => (selection.dimensions === null || selection.dimensions.includes(`${i.system}.${i.dimension}`)) && (pattern === null || pattern.test(i.id)),
    );
    const items = selection.limit === null ? kept : limitItems(kept, selection.limit, selection.seed, segment.id);
    if (items.length === 0) continue;
    out.push({ ...segment, contexts, items });
  }
  return out;
}

function contextSelected(c: ContextCombo, s: PlanSelection): boolean {
  return (s.cultures === null || s.cultures.includes(c.culture)) && (s.usecases === null || s.usecases.includes(c.usecase));
}

/** `*` any run of characters, `?` one; everything else literal; the whole id must match. */
export function globRegExp(glob: string): RegExp {
  const body = [...glob].map((ch) => (ch === "*" ? ".*" : ch === "?" ? "." : ch.replace(/[.+^${}()|[\]\\]/g, "\\$&"))).join("");
  return new RegExp(`^${body}$`);
}

/** At most `limit` items per dimension, in the block's order; the draw depends on seed, block and dimension only. */
export function limitItems(items: readonly PlanItem[], limit: number, seed: number, segment: string): PlanItem[] {
  const byDimension = new Map<string, PlanItem[]>();
  for (const item of items) {
    const list = byDimension.get(item.dimension) ?? [];
    list.push(item);
    byDimension.set(item.dimension, list);
  }
  const chosen = new Set<string>();
  for (const [dimension, list] of byDimension) {
    if (list.length <= limit) {
      for (const i of list) chosen.add(i.id);
      continue;
    }
    const random = mulberry32(fnv1a32(`${seed}\u0000${segment}\u0000${dimension}`));
    const strata = new Map<string, PlanItem[]>();
    for (const item of list) {
      const key = item.difficulty === null ? "" : String(item.difficulty);
      strata.set(key, [...(strata.get(key) ?? []), item]);
    }
    const levels = [...strata.keys()].sort((a, b) => (a === "" ? 1 : b === "" ? -1 : Number(a) - Number(b)));
    const shuffled = levels.map((k) => shuffle(strata.get(k) ?? [], random));
    // Round-robin over the levels, starting at a drawn level so the first pick is not always the easiest.
    let at = Math.floor(random() * levels.length);
    let taken = 0;
    while (taken < limit) {
      const stratum = shuffled[at % shuffled.length]!;
      const next = stratum.shift();
      if (next !== undefined) {
        chosen.add(next.id);
        taken++;
      }
      at++;
    }
  }
  return items.filter((i) => chosen.has(i.id));
}

function shuffle<T>(list: readonly T[], random: () => number): T[] {
  const out = [...list];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}
