/**
 * Seeded randomness shared by every layer (shuffling, generated data, layouts).
 */

/**
 * A seeded generator: call it for the next float in [0, 1). `state` is its whole state, an
 * unsigned 32-bit integer: `seededRandom(r.state)` continues exactly where `r` is (checkpoints).
 */
export interface SeededRandom {
  (): number;
  /** The generator's state now; a generator seeded with it produces the same sequence from here on. */
  readonly state: number;
}

/** Small seeded PRNG (mulberry32); returns floats in [0, 1). The same seed gives the same sequence. */
export function seededRandom(seed: number): SeededRandom {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return Object.defineProperty(next, 'state', { get: () => a, enumerable: true }) as SeededRandom;
}
