/**
 * The one flat-samples type every layer passes around: `count` samples of one `shape`, stored
 * back to back in one Float32Array (so a 55,000-image set is never one tensor), with class labels
 * when the data has them.
 */

/** A set of samples stored flat. */
export interface Samples {
  /** Inputs, `count × prod(shape)` floats, sample after sample, row-major. */
  x: Float32Array;
  /** Shape of one sample, e.g. `[28, 28]` (an image), `[3]` (a point), `[steps, features]`. */
  shape: number[];
  /** Number of samples. */
  count: number;
  /** Class of every sample, when known (Fashion-MNIST: 0–9). */
  labels?: Uint8Array;
  /** Targets, `count × prod(yShape)`; omitted for autoencoders (targets = inputs). */
  y?: Float32Array;
  /** Shape of one target sample; required with `y`. */
  yShape?: number[];
}

/** {@link Samples} whose labels are known. */
export interface LabelledSamples extends Samples {
  labels: Uint8Array;
}

/** Floats per sample of `shape`. */
export function sampleSize(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** The first `n` samples of `s` (views, no copy); `s` itself when it has no more than `n`. */
export function firstSamples<T extends Samples>(s: T, n: number): T {
  if (n >= s.count) return s;
  const per = sampleSize(s.shape);
  return {
    ...s,
    x: s.x.subarray(0, n * per),
    count: n,
    ...(s.labels === undefined ? {} : { labels: s.labels.subarray(0, n) }),
    ...(s.y === undefined || s.yShape === undefined ? {} : { y: s.y.subarray(0, n * sampleSize(s.yShape)) }),
  };
}

/** The rows at `indices` of `count`-row flat `data` with `per` floats a row, in that order (a copy). */
function pickRows(data: Float32Array, per: number, indices: ArrayLike<number>): Float32Array {
  const out = new Float32Array(indices.length * per);
  for (let j = 0; j < indices.length; j++) out.set(data.subarray(indices[j] * per, (indices[j] + 1) * per), j * per);
  return out;
}

/** The samples at `indices` of `s`, in that order (a copy, labels and targets included). */
export function pickSamples<T extends Samples>(s: T, indices: ArrayLike<number>): T {
  return {
    ...s,
    x: pickRows(s.x, sampleSize(s.shape), indices),
    count: indices.length,
    ...(s.labels === undefined ? {} : { labels: Uint8Array.from(indices, (i) => s.labels![i]) }),
    ...(s.y === undefined || s.yShape === undefined ? {} : { y: pickRows(s.y, sampleSize(s.yShape), indices) }),
  };
}
