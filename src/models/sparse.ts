/**
 * The book's sparse autoencoder (Géron, ch. 17): Flatten → Dense(100, selu) → Dense(300, sigmoid)
 * coding layer with an activity penalty (L1 or KL divergence towards a target activation)
 * ‖ Dense(100, selu) → Dense(784, sigmoid) → Reshape(28, 28).
 */
import * as tf from '@tensorflow/tfjs';
import * as path from 'node:path';
import { ActivityRegularization } from '../layers/activity-regularization.js';
import { type ActivityRegularizer, KLDivergenceRegularizer, parseSparsity } from '../layers/sparsity-regularizers.js';
import { lossStep } from '../training/custom-step.js';
import { fit, type Samples } from '../training/fit.js';
import { writeFileAtomic } from '../training/io.js';
import { makeOptimizer } from '../training/optimizers.js';
import { histogramPanels } from '../viz/basic-charts.js';
import { type Autoencoder, compose } from './conv.js';
import { checkedBy, positiveInt } from './option-parsers.js';
import { registerRecipe } from './recipes.js';

/** Options of {@link sparseAutoencoder}. */
export interface SparseAutoencoderOptions {
  /** Units of the sigmoid coding layer. Default 300 (the book's). */
  codingUnits?: number;
  /** Activity penalty on the coding layer (object or `--sparsity` string); `null`/`'none'` for none. Default KL(0.05, 0.1). */
  sparsity?: ActivityRegularizer | string | null;
  /** Seed of the weight initialisers. */
  seed?: number;
}

/**
 * Builds the sparse autoencoder. Encoder: `[n, 28, 28]` → `[n, codingUnits]` sigmoid activations,
 * ending in an {@link ActivityRegularization} layer (when a penalty is set) that the training step
 * reads. Decoder: `[n, codingUnits]` → `[n, 28, 28]`.
 *
 * @example
 * const { autoencoder } = sparseAutoencoder({ sparsity: 'kl:0.05,0.1', seed: 42 });
 */
export function sparseAutoencoder(options: SparseAutoencoderOptions = {}): Autoencoder {
  const { codingUnits = 300, seed } = options;
  const sparsity = options.sparsity === undefined ? new KLDivergenceRegularizer({ weight: 0.05, target: 0.1 })
    : typeof options.sparsity === 'string' ? parseSparsity(options.sparsity) : options.sparsity;
  if (!Number.isInteger(codingUnits) || codingUnits < 1) throw new RangeError(`codingUnits must be a positive integer, got ${codingUnits}`);
  const init = (k: number): ReturnType<typeof tf.initializers.glorotUniform> => tf.initializers.glorotUniform(seed === undefined ? {} : { seed: seed + k });
  const encoder = tf.sequential({ name: 'sparse_encoder' });
  encoder.add(tf.layers.flatten({ inputShape: [28, 28], name: 'flatten' }));
  encoder.add(tf.layers.dense({ units: 100, activation: 'selu', kernelInitializer: init(1), name: 'hidden1' }));
  encoder.add(tf.layers.dense({ units: codingUnits, activation: 'sigmoid', kernelInitializer: init(2), name: 'codings' }));
  if (sparsity !== null) encoder.add(new ActivityRegularization({ regularizer: sparsity, name: 'sparsity' }));
  const decoder = tf.sequential({
    name: 'sparse_decoder',
    layers: [
      tf.layers.dense({ units: 100, activation: 'selu', inputShape: [codingUnits], kernelInitializer: init(3), name: 'hidden3' }),
      tf.layers.dense({ units: 784, activation: 'sigmoid', kernelInitializer: init(4), name: 'output' }),
      tf.layers.reshape({ targetShape: [28, 28], name: 'reshape_out' }),
    ],
  });
  return { encoder, decoder, autoencoder: compose(encoder, decoder, 'sparse_autoencoder') };
}

/** The {@link ActivityRegularization} layer ending `encoder`, or null when it has none. */
export function codingPenaltyLayer(encoder: tf.LayersModel): ActivityRegularization | null {
  const last = encoder.layers.at(-1);
  return last instanceof ActivityRegularization ? last : null;
}

/**
 * A training model for `model`'s penalty: input → `[reconstruction, codings]`, sharing weights,
 * plus the penalty term for {@link lossStep}. Returns null when the encoder carries no penalty.
 */
export function sparsityTraining(model: Autoencoder): { model: tf.LayersModel; layer: ActivityRegularization } | null {
  const layer = codingPenaltyLayer(model.encoder);
  if (layer === null) return null;
  const input = tf.input({ shape: model.encoder.inputs[0].shape.slice(1) as number[] });
  const codings = model.encoder.apply(input) as tf.SymbolicTensor;
  const output = model.decoder.apply(codings) as tf.SymbolicTensor;
  return { model: tf.model({ inputs: input, outputs: [output, codings] }), layer };
}

/** Statistics of the coding layer's activations over a set of samples. */
export interface ActivityStats {
  /** Mean activation over all units and samples. */
  mean_activation: number;
  /** Share of units whose mean activation is below the target (KL penalty only; null otherwise). */
  share_units_below_target: number | null;
  target: number | null;
  units: number;
  samples: number;
  /** Each unit's mean activation. */
  unit_means: number[];
}

/** Runs `encoder` over `samples` in batches; returns per-unit means and every activation (for the histogram). */
export async function codingActivity(encoder: tf.LayersModel, samples: Samples, target: number | null, batchSize = 500): Promise<{ stats: ActivityStats; all: Float32Array }> {
  const units = encoder.outputs[0].shape.at(-1) as number;
  const all = new Float32Array(samples.count * units);
  const per = samples.shape.reduce((a, b) => a * b, 1);
  for (let from = 0; from < samples.count; from += batchSize) {
    const n = Math.min(batchSize, samples.count - from);
    const a = tf.tidy(() => (encoder.predict(tf.tensor(samples.x.subarray(from * per, (from + n) * per), [n, ...samples.shape])) as tf.Tensor).dataSync());
    all.set(a, from * units);
  }
  const sums = new Float64Array(units);
  for (let i = 0; i < all.length; i++) sums[i % units] += all[i];
  const unitMeans = Array.from(sums, (s) => s / samples.count);
  const mean = unitMeans.reduce((a, b) => a + b, 0) / units;
  const below = target === null ? null : unitMeans.filter((m) => m < target).length / units;
  return { stats: { mean_activation: mean, share_units_below_target: below, target, units, samples: samples.count, unit_means: unitMeans }, all };
}

registerRecipe({
  name: 'sparse',
  description: 'sparse autoencoder: 300-unit sigmoid coding layer with an L1 or KL activity penalty (book: kl:0.05,0.1)',
  defaults: { epochs: 10, batchSize: 32, optimizer: 'sgd', lr: 1.0, loss: 'binaryCrossentropy' },
  options: [
    {
      flag: '--sparsity <spec>',
      key: 'sparsity',
      description: 'penalty on the coding layer: l1:WEIGHT (book l1:1e-3), kl:WEIGHT,TARGET (book kl:0.05,0.1) or none',
      defaultValue: 'kl:0.05,0.1',
      parse: checkedBy(parseSparsity),
    },
    {
      flag: '--coding-units <n>',
      key: 'codingUnits',
      description: 'units of the sigmoid coding layer (default 300, the book\'s)',
      defaultValue: 300,
      parse: positiveInt,
    },
  ],
  build: ({ seed, sparsity, codingUnits }) => sparseAutoencoder({ seed, sparsity: sparsity as string | undefined, codingUnits: codingUnits as number | undefined }),
  async train(ctx) {
    const { built, settings, data } = ctx;
    ctx.compile(built.autoencoder);
    const training = sparsityTraining(built);
    const step = training === null ? undefined : lossStep({
      model: training.model,
      optimizer: makeOptimizer(settings.optimizer, settings.lr),
      loss: settings.loss,
      terms: [{ name: 'sparsity_penalty', term: ([codings]) => training.layer.penalty(codings) }],
    });
    await fit(built.autoencoder, data.train, ctx.fitOptions({ step }));
    const reg = training?.layer.regularizer;
    const target = reg instanceof KLDivergenceRegularizer ? reg.target : null;
    const { stats, all } = await codingActivity(built.encoder, data.valid, target);
    await ctx.record('sparsity', { regularizer: ctx.modelOptions.sparsity, on: 'validation', ...stats });
    await writeFileAtomic(path.join(ctx.dir, 'activations.png'), await histogramPanels([
      { values: all, marker: target ?? undefined, markerLabel: target === null ? undefined : `target ${target}`, title: 'all coding activations (validation)' },
      { values: stats.unit_means, marker: target ?? undefined, markerLabel: target === null ? undefined : `target ${target}`, title: 'mean activation per coding unit', xLabel: 'activation' },
    ]));
    ctx.log(`coding layer on the validation set: mean activation ${stats.mean_activation.toFixed(4)}`
      + (target === null ? '' : `, ${(100 * (stats.share_units_below_target ?? 0)).toFixed(1)}% of units below the target ${target}`)
      + '; histogram in activations.png (top: all activations, bottom: per-unit means; x from 0 to 1, red line = target)');
  },
});
