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

/** The first `n` samples of `s`, floats or bytes (views, no copy); `s` itself when it has no more than `n`. */
export function firstSamples<T extends AnySamples>(s: T, n: number): T {
  if (n >= s.count) return s;
  if (isByteSamples(s)) return { ...s, count: n, ...(s.labels === undefined ? {} : { labels: s.labels.subarray(0, n) }) };
  const per = sampleSize(s.shape);
  return {
    ...s,
    x: s.x.subarray(0, n * per),
    count: n,
    ...(s.labels === undefined ? {} : { labels: s.labels.subarray(0, n) }),
    ...(s.y === undefined || s.yShape === undefined ? {} : { y: s.y.subarray(0, n * sampleSize(s.yShape)) }),
  };
}

/**
 * The rows `indices[from..to)` of flat `data` with `per` floats a row, in that order, as one new
 * array (`from`, `to` default to all of `indices`).
 */
export function pickRows(data: Float32Array, per: number, indices: ArrayLike<number>, from = 0, to = indices.length): Float32Array {
  const out = new Float32Array((to - from) * per);
  for (let j = from; j < to; j++) out.set(data.subarray(indices[j] * per, (indices[j] + 1) * per), (j - from) * per);
  return out;
}

/**
 * The samples at `indices` of `s`, in that order, labels and targets included: a copy for floats,
 * a view ({@link RowSubset}) for bytes.
 */
export function pickSamples<T extends AnySamples>(s: T, indices: ArrayLike<number>): T {
  if (isByteSamples(s))
    return {
      ...s,
      bytes: new RowSubset(s.bytes, Uint32Array.from(indices)),
      count: indices.length,
      ...(s.labels === undefined ? {} : { labels: Uint8Array.from(indices, (i) => s.labels![i]) }),
    };
  return {
    ...s,
    x: pickRows(s.x, sampleSize(s.shape), indices),
    count: indices.length,
    ...(s.labels === undefined ? {} : { labels: Uint8Array.from(indices, (i) => s.labels![i]) }),
    ...(s.y === undefined || s.yShape === undefined ? {} : { y: pickRows(s.y, sampleSize(s.yShape), indices) }),
  };
}

/**
 * Random access to rows of bytes: `count` rows of `rowBytes` bytes each. Pixel data is stored so
 * (a 50,000-image CIFAR-10 set is 154 MB as bytes, 614 MB as floats), in memory
 * ({@link MemoryRows}) or in a file on disk read back a batch at a time (`FileRows`).
 */
export interface ByteRows {
  readonly count: number;
  readonly rowBytes: number;
  /** Copies rows `rows[0..n)` into `out`, one after another (`out.length ≥ n × rowBytes`). */
  readRows(rows: ArrayLike<number>, out: Uint8Array): void;
}

/** {@link ByteRows} held in one Uint8Array. */
export class MemoryRows implements ByteRows {
  readonly count: number;
  constructor(
    readonly bytes: Uint8Array,
    readonly rowBytes: number,
  ) {
    if (rowBytes < 1 || bytes.length % rowBytes !== 0)
      throw new RangeError(`MemoryRows: ${bytes.length} bytes are not whole rows of ${rowBytes} bytes`);
    this.count = bytes.length / rowBytes;
  }

  readRows(rows: ArrayLike<number>, out: Uint8Array): void {
    const per = this.rowBytes;
    for (let i = 0; i < rows.length; i++) out.set(this.bytes.subarray(rows[i] * per, (rows[i] + 1) * per), i * per);
  }
}

/**
 * Samples stored as bytes (images): byte `v` stands for the float `v / 255`, and batches are
 * converted as they are cut, so a set is never held as floats. Row `i` of `bytes` is sample `i`.
 */
export interface ByteSamples {
  bytes: ByteRows;
  /** Shape of one sample, e.g. `[32, 32, 3]`. */
  shape: number[];
  /** Number of samples (≤ `bytes.count`: the first `count` rows). */
  count: number;
  labels?: Uint8Array;
  /** How pixels become inputs after `v / 255`: {@link globalContrastNormalize} each sample for `gcn`. Default none. */
  normalize?: PixelNormalization;
}

/**
 * How an image's pixels become a model's inputs: `none` (`v / 255`, the default) or `gcn` (global
 * contrast normalisation, then mapped to [0, 1]: see {@link globalContrastNormalize}).
 */
export type PixelNormalization = 'none' | 'gcn';

/** The values of {@link PixelNormalization}. */
export const PIXEL_NORMALIZATIONS: readonly PixelNormalization[] = ['none', 'gcn'];

/** Standard deviations of a sample that `gcn` maps onto [0, 1] (values beyond are clipped). */
export const GCN_RANGE = 3;
/** The smallest standard deviation `gcn` divides by (a flat image stays flat instead of blowing up noise). */
export const GCN_MIN_STD = 1 / 64;

/**
 * Global contrast normalisation of `count` samples of `per` values each, in place: every sample
 * loses its mean and is divided by its standard deviation over all its pixels and channels (as in
 * Deep SVDD's preprocessing, which uses the L1 norm; here the L2 one), so brightness and contrast no
 * longer separate images; then `z ↦ (z + 3) / 6`, clipped to [0, 1], so a sigmoid decoder and
 * binary cross-entropy still apply. Needs no fitted values: any image is normalised the same way
 * by every command.
 *
 * @example
 * globalContrastNormalize(batch, 32 * 32 * 3); // a batch of CIFAR-10 images, values v / 255
 */
export function globalContrastNormalize(x: Float32Array, per: number): Float32Array {
  if (per < 1 || x.length % per !== 0) throw new RangeError(`globalContrastNormalize: ${x.length} values are not whole samples of ${per}`);
  for (let at = 0; at < x.length; at += per) {
    let sum = 0;
    for (let i = at; i < at + per; i++) sum += x[i];
    const mean = sum / per;
    let sq = 0;
    for (let i = at; i < at + per; i++) sq += (x[i] - mean) ** 2;
    const scale = 1 / (2 * GCN_RANGE * Math.max(Math.sqrt(sq / per), GCN_MIN_STD));
    for (let i = at; i < at + per; i++) {
      const v = (x[i] - mean) * scale + 0.5;
      x[i] = v < 0 ? 0 : v > 1 ? 1 : v;
    }
  }
  return x;
}

/** Samples as floats or as bytes; what `fit`, `evaluate` and batched predict take. */
export type AnySamples = Samples | ByteSamples;

/** True when `s` stores bytes. */
export function isByteSamples(s: AnySamples): s is ByteSamples {
  return (s as ByteSamples).bytes !== undefined;
}

/**
 * The inputs of samples `indices[from..to)` (or samples `from..to` when `indices` is null) as one
 * flat float batch; bytes are divided by 255 (and normalised when the samples say so).
 */
export function floatRows(s: AnySamples, indices: ArrayLike<number> | null, from: number, to: number): Float32Array {
  const per = sampleSize(s.shape);
  const n = to - from;
  if (!isByteSamples(s)) {
    return indices === null ? s.x.slice(from * per, to * per) : pickRows(s.x, per, indices, from, to);
  }
  const rows = indices === null ? Array.from({ length: n }, (_, i) => from + i) : Array.from({ length: n }, (_, i) => indices[from + i]);
  const bytes = new Uint8Array(n * per);
  s.bytes.readRows(rows, bytes);
  const out = new Float32Array(n * per);
  for (let i = 0; i < out.length; i++) out[i] = bytes[i] / 255;
  return s.normalize === 'gcn' ? globalContrastNormalize(out, per) : out;
}

/** The first `n` samples of `s` (all when `n` is omitted) as floats: `s` itself when it already is. */
export function toFloatSamples(s: AnySamples, n = s.count): Samples {
  const count = Math.min(n, s.count);
  if (!isByteSamples(s)) return firstSamples(s, count);
  return {
    x: floatRows(s, null, 0, count),
    shape: s.shape,
    count,
    ...(s.labels === undefined ? {} : { labels: s.labels.subarray(0, count) }),
  };
}

/** The rows `rows` of another {@link ByteRows}, in that order (a view: no bytes are copied). */
export class RowSubset implements ByteRows {
  readonly count: number;
  readonly rowBytes: number;
  constructor(
    readonly base: ByteRows,
    readonly rows: Uint32Array,
  ) {
    this.count = rows.length;
    this.rowBytes = base.rowBytes;
  }

  readRows(rows: ArrayLike<number>, out: Uint8Array): void {
    this.base.readRows(
      Array.from({ length: rows.length }, (_, i) => this.rows[rows[i]]),
      out,
    );
  }
}

/**
 * Samples of the same shape one after the other, as floats (byte rows are converted); labels are
 * kept when every part has them.
 *
 * @example
 * const all = concatSamples([data.train, data.valid]);
 */
export function concatSamples(parts: readonly AnySamples[]): Samples {
  if (parts.length === 0) throw new RangeError('concatSamples: no parts');
  const shape = parts[0].shape;
  const per = sampleSize(shape);
  for (const p of parts)
    if (sampleSize(p.shape) !== per) throw new RangeError(`concatSamples: samples of [${shape.join(', ')}] and [${p.shape.join(', ')}]`);
  const count = parts.reduce((n, p) => n + p.count, 0);
  const x = new Float32Array(count * per);
  const labelled = parts.every((p) => p.labels !== undefined);
  const labels = labelled ? new Uint8Array(count) : undefined;
  let at = 0;
  for (const p of parts) {
    x.set(floatRows(p, null, 0, p.count), at * per);
    if (labels !== undefined && p.labels !== undefined) labels.set(p.labels.subarray(0, p.count), at);
    at += p.count;
  }
  return { x, shape, count, ...(labels === undefined ? {} : { labels }) };
}
