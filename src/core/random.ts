// The one pseudo-random generator of the project. Every stage that needs reproducible randomness
// (bootstrap resampling, adaptive item selection, mock answers) seeds this one, never Math.random.

/**
 * mulberry32: a 32-bit-state PRNG (Tommy Ettinger's public-domain generator). Uniform on [0, 1) with
 * 2^-32 resolution and period 2^32 — plenty for bootstrap resampling, tiny, and identical on every
 * platform because it only uses 32-bit integer arithmetic (Math.imul, >>>). Not for cryptography.
 */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** FNV-1a over the UTF-16 code units of a string: a fast, stable 32-bit seed from a key. */
export function fnv1a32(text: string, basis = 0x811c9dc5): number {
  let h = basis >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}
