/**
 * Seeded splits of samples into training and validation parts, shared by every loader.
 */
import { ArgumentError } from '../core/errors.js';
import { seededRandom } from '../core/random.js';
import { type AnySamples, pickSamples } from './samples.js';

/** Default fraction of rows held out for validation. */
export const DEFAULT_VALIDATION_SPLIT = 0.1;

/**
 * The seeded split of `count` samples into training and validation indices (each ascending):
 * `round(count × validationSplit)` validation samples, at least 1, leaving at least 1 to train on.
 * The same arguments always give the same split. Shared by the table, `.npy` and IDX loaders.
 *
 * @throws {ArgumentError} `validationSplit` outside (0, 1), `seed` not a non-negative integer, `count` < 2.
 * @example
 * const { train, valid } = seededSplit(10, 0.2, 42); // 8 and 2 indices
 */
export function seededSplit(count: number, validationSplit: number, seed: number): { train: Uint32Array; valid: Uint32Array } {
  checkSplit(validationSplit, seed);
  if (!Number.isInteger(count) || count < 2)
    throw new ArgumentError('validationSplit', `cannot split ${count} sample(s) into training and validation samples: need at least 2`);
  const order = seededPermutation(count, seed);
  const nValid = Math.min(count - 1, Math.max(1, Math.round(count * validationSplit)));
  return { train: order.slice(nValid).sort(), valid: order.slice(0, nValid).sort() };
}

/** Checks a validation fraction and a seed as {@link seededSplit} takes them. */
export function checkSplit(validationSplit: number, seed: number): void {
  if (!Number.isFinite(validationSplit) || validationSplit <= 0 || validationSplit >= 1)
    throw new ArgumentError('validationSplit', `expected a fraction between 0 and 1 (exclusive), got ${validationSplit}`);
  if (!Number.isInteger(seed) || seed < 0) throw new ArgumentError('seed', `expected a non-negative integer, got ${seed}`);
}

/** The indices 0 … n−1 in a seeded random order (Fisher–Yates). */
export function seededPermutation(n: number, seed: number): Uint32Array {
  return permutation(n, seededRandom(seed));
}

/** The indices 0 … n−1 shuffled (Fisher–Yates) with `random`, uniform in [0, 1). */
export function permutation(n: number, random: () => number): Uint32Array {
  const order = Uint32Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const t = order[i];
    order[i] = order[j];
    order[j] = t;
  }
  return order;
}

/** `s` split by {@link seededSplit} into `[train, valid]` (floats copied, bytes as views). */
export function splitSamples<T extends AnySamples>(s: T, validationSplit: number, seed: number): [T, T] {
  const { train, valid } = seededSplit(s.count, validationSplit, seed);
  return [pickSamples(s, train), pickSamples(s, valid)];
}
