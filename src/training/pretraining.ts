/**
 * The pieces of unsupervised pretraining (Géron, ch. 17) that train models: stratified label
 * samples, copying a trained encoder's weights into a fresh one, the classifier over an encoder,
 * and its three training variants. The experiment itself (`runPretraining`) is in the run layer.
 */

import { ArgumentError } from '../core/errors.js';
import { seededRandom } from '../core/random.js';
import * as tf from '../core/tf.js';
import { type LabelledSamples, pickSamples, type Samples } from '../data/samples.js';
import { fit } from './fit.js';
import { makeOptimizer, type OptimizerName } from './optimizers.js';

/** The classifier variants compared. */
export const PRETRAINING_VARIANTS = ['scratch', 'frozen', 'fine-tuned'] as const;
/** One of {@link PRETRAINING_VARIANTS}. */
export type PretrainingVariant = (typeof PRETRAINING_VARIANTS)[number];

/**
 * A stratified sample of `count` indices of `labels` (the same number per class, the remainder
 * going to the lowest classes), drawn with `seed`; sorted ascending.
 */
export function stratifiedSample(labels: Uint8Array, count: number, seed: number, classes = 10): Uint32Array {
  if (!(Number.isInteger(count) && count >= classes))
    throw new ArgumentError('labels', `each count must be an integer ≥ ${classes} (one per class), got ${count}`);
  const byClass: number[][] = Array.from({ length: classes }, () => []);
  labels.forEach((l, i) => {
    if (l < classes) byClass[l].push(i);
  });
  const random = seededRandom(seed);
  const out: number[] = [];
  for (let c = 0; c < classes; c++) {
    const want = Math.floor(count / classes) + (c < count % classes ? 1 : 0);
    const pool = byClass[c];
    if (pool.length < want)
      throw new ArgumentError('labels', `{labels} ${count}: class ${c} has only ${pool.length} training images, ${want} needed`);
    for (let i = 0; i < want; i++) {
      // partial Fisher–Yates
      const j = i + Math.floor(random() * (pool.length - i));
      [pool[i], pool[j]] = [pool[j], pool[i]];
      out.push(pool[i]);
    }
  }
  return Uint32Array.from(out.sort((a, b) => a - b));
}

/**
 * Labelled samples for a classifier: the samples of `s` at `indices` (all when omitted) with
 * one-hot targets over `classes` classes.
 */
export function labelledSamples(s: LabelledSamples, indices?: ArrayLike<number>, classes = 10): Samples {
  const picked = indices === undefined ? s : pickSamples(s, indices);
  const y = new Float32Array(picked.count * classes);
  picked.labels.forEach((label, i) => {
    if (label >= classes) throw new ArgumentError('labels', `label ${label} at sample ${i} is outside the ${classes} classes`);
    y[i * classes + label] = 1;
  });
  return { x: picked.x, shape: picked.shape, count: picked.count, y, yShape: [classes] };
}

/**
 * A copy of `trained`'s weights in `fresh` (an encoder of the same architecture). The copies do
 * not alias: later training of either leaves the other unchanged.
 */
export function pretrainedEncoder(fresh: tf.LayersModel, trained: tf.LayersModel): tf.LayersModel {
  const src = trained.getWeights();
  const dst = fresh.getWeights();
  const shapes = (ws: tf.Tensor[]): string => ws.map((w) => `[${w.shape.join('×')}]`).join(' ');
  if (src.length !== dst.length || src.some((w, i) => w.shape.join() !== dst[i].shape.join())) {
    throw new ArgumentError(
      'trained',
      `the trained encoder '${trained.name}' (weights ${shapes(src)}) does not match the classifier's encoder (weights ${shapes(dst)})`,
    );
  }
  // setWeights assigns the values into fresh's own variables (a copy, not a shared reference).
  fresh.setWeights(src);
  return fresh;
}

/**
 * The classifier over `encoder`: encoder → Flatten (when its codings are not flat) → Dense(20, selu)
 * → Dense(classes, softmax). `seed` fixes the head's initial weights. Input: the encoder's, output `[n, classes]`.
 */
export function buildClassifier(encoder: tf.LayersModel, seed: number, classes = 10): tf.LayersModel {
  const input = tf.input({ shape: encoder.inputs[0].shape.slice(1) as number[], name: 'classifier_input' });
  let x = encoder.apply(input) as tf.SymbolicTensor;
  if (x.shape.length > 2) x = tf.layers.flatten({ name: 'classifier_flatten' }).apply(x) as tf.SymbolicTensor;
  x = tf.layers
    .dense({
      units: 20,
      activation: 'selu',
      kernelInitializer: tf.initializers.glorotUniform({ seed: seed + 1000 }),
      name: 'classifier_hidden',
    })
    .apply(x) as tf.SymbolicTensor;
  x = tf.layers
    .dense({
      units: classes,
      activation: 'softmax',
      kernelInitializer: tf.initializers.glorotUniform({ seed: seed + 1001 }),
      name: 'classifier_output',
    })
    .apply(x) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: x, name: 'classifier' });
}

/** How {@link trainClassifier} trains one variant. */
export interface ClassifierTraining {
  epochs: number;
  optimizer: OptimizerName;
  lr: number;
  fineTuneLr: number;
  /** Epochs of the fine-tuned variant with the encoder frozen, before it is unfrozen for the rest. */
  frozenEpochs: number;
  batchSize: number;
  seed: number;
  /** Stops training at the end of the current batch with an `InterruptedError` (see `FitOptions.signal`). */
  signal?: { readonly aborted: boolean };
}

/**
 * Trains `classifier` (whose encoder is `encoder`) as `variant` on `train`: scratch and frozen for
 * all epochs (frozen with `encoder.trainable = false`); fine-tuned frozen for `frozenEpochs` (the
 * head learns to read the pretrained codings first), then unfrozen for the rest at `fineTuneLr`.
 */
export async function trainClassifier(
  classifier: tf.LayersModel,
  encoder: tf.LayersModel,
  variant: PretrainingVariant,
  train: Samples,
  t: ClassifierTraining,
): Promise<void> {
  const compile = (lr: number): void =>
    classifier.compile({ optimizer: makeOptimizer(t.optimizer, lr), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  const phase = async (epochs: number, seed: number): Promise<void> => {
    if (epochs > 0) await fit(classifier, train, { epochs, batchSize: t.batchSize, seed, signal: t.signal });
  };
  encoder.trainable = variant === 'scratch';
  compile(t.lr);
  if (variant !== 'fine-tuned') {
    await phase(t.epochs, t.seed);
    return;
  }
  const first = Math.min(t.epochs, t.frozenEpochs);
  await phase(first, t.seed);
  encoder.trainable = true;
  compile(t.fineTuneLr); // tfjs, like Keras, picks up a change of `trainable` only on compile
  await phase(t.epochs - first, t.seed + 1);
}
