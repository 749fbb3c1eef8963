/**
 * The one batched-predict loop: runs a model over flat samples a batch at a time, so memory stays
 * flat whatever the number of samples, and hands back plain Float32Arrays.
 */

import { ArgumentError } from '../core/errors.js';
import * as tf from '../core/tf.js';
import { type AnySamples, floatRows, type Samples, sampleSize } from '../data/samples.js';

/** One batch of results: samples `from … from + count − 1`, each a `dim`-float row of `data`. */
export interface PredictBatch {
  from: number;
  count: number;
  dim: number;
  data: Float32Array;
}

/** Options of {@link predictBatches} and {@link predictAll}. */
export interface PredictOptions {
  /** Samples per batch. Default 256. */
  batchSize?: number;
  /**
   * Turns a batch's input `[n, …]` and the model's output into the `[n, …]` tensor wanted (e.g.
   * per-sample errors). Default: the output. Runs inside `tf.tidy`.
   */
  map?: (input: tf.Tensor, output: tf.Tensor) => tf.Tensor;
}

/** Shape of one input sample of `model` (its first input without the batch axis). */
export function modelInputShape(model: tf.LayersModel): number[] {
  const shape = model.inputs[0].shape.slice(1);
  if (shape.some((d) => d === null)) throw new ArgumentError('model', `'${model.name}' has an input of unknown size [${shape.join(', ')}]`);
  return shape as number[];
}

/**
 * Runs `model` on the first `count` samples of `x` (flat floats of its input shape, or samples
 * stored as floats or bytes) in batches and yields the results, flattened per sample (a `3×3×64`
 * coding becomes 576 floats).
 *
 * @example
 * for await (const b of predictBatches(encoder, valid.x, valid.count)) console.log(b.from, b.dim);
 */
export async function* predictBatches(
  model: tf.LayersModel,
  x: Float32Array | AnySamples,
  count: number,
  options: PredictOptions = {},
): AsyncGenerator<PredictBatch> {
  const { batchSize = 256, map } = options;
  const shape = modelInputShape(model);
  const per = sampleSize(shape);
  const samples: AnySamples = x instanceof Float32Array ? { x, shape, count: Math.floor(x.length / per) } : x;
  if (sampleSize(samples.shape) !== per)
    throw new ArgumentError('x', `'${model.name}' takes samples of [${shape.join(', ')}], got samples of [${samples.shape.join(', ')}]`);
  if (samples.count < count) throw new ArgumentError('x', `${count} samples of ${per} values were asked for, found ${samples.count}`);
  for (let from = 0; from < count; from += batchSize) {
    const n = Math.min(batchSize, count - from);
    const out = tf.tidy(() => {
      const input = tf.tensor(floatRows(samples, null, from, from + n), [n, ...shape]);
      const output = model.predict(input) as tf.Tensor;
      return tf.reshape(map === undefined ? output : map(input, output), [n, -1]);
    });
    const data = (await out.data()) as Float32Array;
    const dim = out.shape[1] as number;
    out.dispose();
    yield { from, count: n, dim, data };
  }
}

/** Every result of {@link predictBatches} as samples of shape `[dim]` (`count × dim` floats). */
export async function predictAll(
  model: tf.LayersModel,
  x: Float32Array | AnySamples,
  count: number,
  options: PredictOptions = {},
): Promise<Samples> {
  let data: Float32Array | undefined;
  let dim = 0;
  for await (const b of predictBatches(model, x, count, options)) {
    if (data === undefined) {
      dim = b.dim;
      data = new Float32Array(count * dim);
    }
    data.set(b.data, b.from * dim);
  }
  return { x: data ?? new Float32Array(0), shape: [dim], count };
}
