/**
 * The training loop: seeded shuffling, batches cut from flat arrays (so a 55,000-image set is
 * never a single tensor), per-epoch validation, and progress.
 */

import { AekitError, ArgumentError } from '../core/errors.js';
import { type ProgressSink, silentProgress } from '../core/progress.js';
import { seededRandom } from '../core/random.js';
import * as tf from '../core/tf.js';
import { type Samples, sampleSize as size } from '../data/samples.js';

/** What is recorded for each epoch. Metric names follow the compiled model (`loss`, `rounded_accuracy`, …). */
export interface EpochRecord {
  epoch: number;
  /** Training metrics averaged over the epoch's batches, then validation metrics prefixed `val_`. */
  [metric: string]: number;
  /** Seconds of training in this epoch (validation excluded). */
  seconds: number;
  /** Training images over training seconds. */
  images_per_second: number;
}

/** Options of {@link fit}. */
export interface FitOptions {
  /** Number of passes over the training samples. */
  epochs: number;
  /** Samples per gradient step. Default 32. */
  batchSize?: number;
  /** Seed of the shuffling; the same seed gives the same batches. Default 42. */
  seed?: number;
  /** Shuffle before every epoch. Default true. */
  shuffle?: boolean;
  /** Samples evaluated after every epoch. */
  validation?: Samples;
  /** Progress display. Default: none. */
  progress?: ProgressSink;
  /** Title of the progress bar, before "epoch i/n". */
  title?: string;
  /** Called after every epoch with its record (e.g. to write metrics.json). */
  onEpochEnd?: (record: EpochRecord) => void | Promise<void>;
  /** Custom gradient step (extra loss terms) used instead of `model.trainOnBatch`; see {@link TrainStep}. */
  step?: TrainStep;
}

/**
 * A custom training step, for losses `compile` cannot express (activity penalties, a VAE's KL term).
 * `train` updates the weights on one batch and returns the values named by `names` (the first is the
 * loss); `evaluate`, when given, returns the same values without updating (used for validation,
 * otherwise the compiled model's `evaluate` is used). Both must dispose what they allocate.
 */
export interface TrainStep {
  /** Names of the values returned, e.g. `['loss', 'rounded_accuracy', 'sparsity_penalty']`. */
  names: string[];
  train(x: tf.Tensor, y: tf.Tensor): number[] | Promise<number[]>;
  evaluate?(x: tf.Tensor, y: tf.Tensor): number[] | Promise<number[]>;
}

function permutation(n: number, random: () => number): Uint32Array {
  const p = new Uint32Array(n);
  for (let i = 0; i < n; i++) p[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const t = p[i];
    p[i] = p[j];
    p[j] = t;
  }
  return p;
}

/** Copies the samples at `indices[from..to)` into one batch tensor pair. */
function batchAt(samples: Samples, indices: Uint32Array | null, from: number, to: number): [tf.Tensor, tf.Tensor] {
  const xs = size(samples.shape);
  const n = to - from;
  const pick = (src: Float32Array, stride: number): Float32Array => {
    if (indices === null) return src.slice(from * stride, to * stride);
    const out = new Float32Array(n * stride);
    for (let i = 0; i < n; i++) out.set(src.subarray(indices[from + i] * stride, (indices[from + i] + 1) * stride), i * stride);
    return out;
  };
  const x = tf.tensor(pick(samples.x, xs), [n, ...samples.shape]);
  if (samples.y === undefined) return [x, x];
  const yShape = samples.yShape ?? [];
  return [x, tf.tensor(pick(samples.y, size(yShape)), [n, ...yShape])];
}

function checkSamples(samples: Samples, what: string): void {
  const want = samples.count * size(samples.shape);
  if (samples.x.length !== want) {
    throw new ArgumentError(what, `x holds ${samples.x.length} floats, expected ${samples.count} × ${samples.shape.join('×')} = ${want}`);
  }
  if (samples.y !== undefined && samples.y.length !== samples.count * size(samples.yShape ?? [])) {
    throw new ArgumentError(what, `y holds ${samples.y.length} floats, expected ${samples.count} × ${(samples.yShape ?? []).join('×')}`);
  }
}

/**
 * Evaluates a compiled model on `samples` in batches; returns `{loss, <metric>…}` averaged over samples.
 */
export async function evaluate(
  model: tf.LayersModel,
  samples: Samples,
  batchSize = 256,
  step?: TrainStep,
): Promise<Record<string, number>> {
  checkSamples(samples, 'samples');
  const custom = step?.evaluate;
  const names = custom === undefined ? model.metricsNames : step!.names;
  const sums = new Float64Array(names.length);
  for (let from = 0; from < samples.count; from += batchSize) {
    const to = Math.min(samples.count, from + batchSize);
    const [x, y] = batchAt(samples, null, from, to);
    if (custom !== undefined) {
      try {
        (await custom.call(step, x, y)).forEach((v, i) => {
          sums[i] += v * (to - from);
        });
      } finally {
        tf.dispose([x, y]);
      }
      continue;
    }
    const out = model.evaluate(x, y, { batchSize: to - from }) as tf.Scalar | tf.Scalar[];
    const scalars = Array.isArray(out) ? out : [out];
    const values = await Promise.all(scalars.map((s) => s.data()));
    values.forEach((v, i) => {
      sums[i] += v[0] * (to - from);
    });
    tf.dispose([x, y, ...scalars]);
  }
  return Object.fromEntries(names.map((n, i) => [n, sums[i] / samples.count]));
}

/**
 * Trains a compiled model on `train` for `options.epochs` epochs; returns one record per epoch.
 * With no `y` the targets are the inputs (autoencoders).
 *
 * @example
 * const history = await fit(autoencoder, { x, shape: [28, 28], count }, { epochs: 5, validation });
 */
export async function fit(model: tf.LayersModel, train: Samples, options: FitOptions): Promise<EpochRecord[]> {
  const {
    epochs,
    batchSize = 32,
    seed = 42,
    shuffle = true,
    validation,
    progress = silentProgress,
    title = '',
    onEpochEnd,
    step: customStep,
  } = options;
  if (!Number.isInteger(epochs) || epochs < 1) throw new ArgumentError('epochs', `{epochs} must be a positive integer, got ${epochs}`);
  if (!Number.isInteger(batchSize) || batchSize < 1)
    throw new ArgumentError('batchSize', `{batchSize} must be a positive integer, got ${batchSize}`);
  checkSamples(train, 'train');
  if (validation !== undefined) checkSamples(validation, 'validation');
  if (train.count === 0) throw new ArgumentError('train', 'no training samples');
  const random = seededRandom(seed);
  const names = customStep?.names ?? model.metricsNames;
  const steps = Math.ceil(train.count / batchSize);
  const history: EpochRecord[] = [];
  for (let epoch = 1; epoch <= epochs; epoch++) {
    const order = shuffle ? permutation(train.count, random) : null;
    const sums = new Float64Array(names.length);
    let seen = 0;
    progress.start(`${title}epoch ${epoch}/${epochs}`, steps);
    const started = performance.now();
    try {
      for (let step = 0; step < steps; step++) {
        const from = step * batchSize;
        const to = Math.min(train.count, from + batchSize);
        const [x, y] = batchAt(train, order, from, to);
        let out: number | number[];
        try {
          out = customStep !== undefined ? await customStep.train(x, y) : await model.trainOnBatch(x, y);
        } finally {
          tf.dispose([x, y]);
        }
        const values = Array.isArray(out) ? out : [out];
        values.forEach((v, i) => {
          sums[i] += v * (to - from);
        });
        seen += to - from;
        if (!Number.isFinite(values[0]))
          throw new AekitError(
            `the loss became ${values[0]} at epoch ${epoch}, batch ${step + 1}: training diverged; lower the learning rate {lr}`,
            {
              code: 'E_DIVERGED',
              argument: 'lr',
            },
          );
        progress.update(step + 1, { loss: sums[0] / seen });
      }
    } finally {
      progress.stop();
    }
    const seconds = (performance.now() - started) / 1000;
    const record: EpochRecord = { epoch, seconds, images_per_second: train.count / seconds };
    names.forEach((n, i) => {
      record[n] = sums[i] / seen;
    });
    if (validation !== undefined) {
      const v = await evaluate(model, validation, 256, customStep);
      for (const [n, value] of Object.entries(v)) record[`val_${n}`] = value;
    }
    history.push(record);
    await onEpochEnd?.(record);
  }
  return history;
}
