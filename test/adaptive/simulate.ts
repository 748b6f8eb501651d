// Simulated examinees for adaptive-testing tests: answers drawn from a 2PL model with a known ability.
import { probability, type ItemParams } from "../../src/adaptive/irt.js";
import { mulberry32, type BankItem } from "../../src/adaptive/cat.js";

/**
 * A bank like the ones dynamic evaluation needs: difficulties spread from trivially easy to very hard
 * (b ~ U(-4, 4)) and discriminations log-normal around 1.35 (a = exp(0.3 + 0.5 z), clipped to
 * [0.4, 3]), as calibrated banks usually show.
 */
export function makeBank(size: number, seed: number): BankItem[] {
  const rnd = mulberry32(seed);
  const normal = () => Math.sqrt(-2 * Math.log(rnd() + 1e-12)) * Math.cos(2 * Math.PI * rnd());
  return Array.from({ length: size }, (_, i) => ({
    id: `item-${String(i).padStart(3, "0")}`,
    a: Math.min(3, Math.max(0.4, Math.exp(0.3 + 0.5 * normal()))),
    b: -4 + 8 * rnd(),
  }));
}

/** A deterministic examinee: the k-th answer to item j depends only on (seed, examinee, item). */
export function examinee(theta: number, seed: number, name: string) {
  return (item: ItemParams & { id: string }): 0 | 1 => {
    let h = 2166136261 ^ seed;
    for (const ch of `${name}/${item.id}`) h = Math.imul(h ^ ch.charCodeAt(0), 16777619);
    const u = mulberry32(h >>> 0)();
    return u < probability(item, theta) ? 1 : 0;
  };
}

export function rmse(pairs: Array<[number, number]>): number {
  return Math.sqrt(pairs.reduce((s, [x, y]) => s + (x - y) ** 2, 0) / pairs.length);
}

export function pearson(xs: number[], ys: number[]): number {
  const n = xs.length;
  const mx = xs.reduce((s, v) => s + v, 0) / n;
  const my = ys.reduce((s, v) => s + v, 0) / n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    sxy += (xs[i]! - mx) * (ys[i]! - my);
    sxx += (xs[i]! - mx) ** 2;
    syy += (ys[i]! - my) ** 2;
  }
  return sxy / Math.sqrt(sxx * syy);
}
