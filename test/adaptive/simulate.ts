// Simulated examinees for adaptive-testing tests: the built-in `mock:irt` provider, which answers an
// item PASS or FAIL by a 2PL model with a known ability (seeded), exactly as it does in `vc run`.
import type { ItemParams } from "../../src/adaptive/irt.js";
import type { BankItem } from "../../src/adaptive/cat.js";
import { mulberry32 } from "../../src/core/random.js";
import { createMockProvider } from "../../src/providers/mock.js";
import { planModelFromId } from "../../src/providers/model-id.js";
import { fnv1a32 } from "../../src/core/random.js";

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

/**
 * A deterministic examinee: `mock:irt?ability=θ&seed=…` with a seed of its own (from its name), asked
 * each item with the item's parameters in the `[irt a=… b=…]` tag the mock reads.
 */
export function examinee(theta: number, seed: number, name: string) {
  const parsed = planModelFromId(`mock:irt?ability=${theta.toFixed(6)}&seed=${fnv1a32(name, seed)}`);
  if (!parsed.ok) throw new Error(parsed.error);
  const provider = createMockProvider(parsed.model);
  return async (item: ItemParams & { id: string }): Promise<0 | 1> => {
    const result = await provider.chat({
      messages: [{ role: "user", content: `[irt a=${item.a} b=${item.b}] Item ${item.id}` }],
      timeoutMs: 1000,
    });
    if (!result.ok) throw new Error(result.failure.message);
    return result.response.text.includes("PASS") ? 1 : 0;
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
