/**
 * The book's sparse autoencoder (Géron, ch. 17): Flatten → Dense(100, selu) → Dense(300, sigmoid)
 * coding layer with an activity penalty (L1 or KL divergence towards a target activation)
 * ‖ Dense(100, selu) → Dense(784, sigmoid) → Reshape(28, 28). Any sample shape: flattened, and the
 * output layer has as many units as a sample has values.
 */

import { ArgumentError } from '../core/errors.js';
import * as tf from '../core/tf.js';
import { ActivityRegularization } from '../layers/activity-regularization.js';
import { type ActivityRegularizer, KLDivergenceRegularizer, parseSparsity } from '../layers/sparsity-regularizers.js';
import { type Autoencoder, compose } from './conv.js';

/** Options of {@link sparseAutoencoder}. */
export interface SparseAutoencoderOptions {
  /** Units of the sigmoid coding layer. Default 300 (the book's). */
  codingUnits?: number;
  /** Activity penalty on the coding layer (object or `--sparsity` string); `null`/`'none'` for none. Default KL(0.05, 0.1). */
  sparsity?: ActivityRegularizer | string | null;
  /** Shape of one sample (any rank; flattened). Default `[28, 28]`. */
  inputShape?: number[];
  /** Activation of the output layer: `'sigmoid'` for values in [0, 1], `'linear'` for unbounded ones. Default `'sigmoid'`. */
  outputActivation?: 'sigmoid' | 'linear';
  /** Seed of the weight initialisers. */
  seed?: number;
}

/**
 * Builds the sparse autoencoder. Encoder: `[n, ...inputShape]` → `[n, codingUnits]` sigmoid
 * activations, ending in an {@link ActivityRegularization} layer (when a penalty is set) that the
 * training step reads. Decoder: `[n, codingUnits]` → `[n, ...inputShape]`.
 *
 * @example
 * const { autoencoder } = sparseAutoencoder({ sparsity: 'kl:0.05,0.1', seed: 42 });
 */
export function sparseAutoencoder(options: SparseAutoencoderOptions = {}): Autoencoder {
  const { codingUnits = 300, inputShape = [28, 28], outputActivation = 'sigmoid', seed } = options;
  if (inputShape.length === 0 || !inputShape.every((d) => Number.isInteger(d) && d > 0))
    throw new ArgumentError('input', `expected a sample shape of positive sizes, found [${inputShape.join(', ')}]`);
  const size = inputShape.reduce((a, b) => a * b, 1);
  const sparsity =
    options.sparsity === undefined
      ? new KLDivergenceRegularizer({ weight: 0.05, target: 0.1 })
      : typeof options.sparsity === 'string'
        ? parseSparsity(options.sparsity)
        : options.sparsity;
  if (!Number.isInteger(codingUnits) || codingUnits < 1)
    throw new ArgumentError('codingUnits', `expected a positive integer, got ${codingUnits}`);
  const init = (k: number): ReturnType<typeof tf.initializers.glorotUniform> =>
    tf.initializers.glorotUniform(seed === undefined ? {} : { seed: seed + k });
  const encoder = tf.sequential({ name: 'sparse_encoder' });
  // table rows [f] need no Flatten (nor the Reshape at the end)
  const flat = inputShape.length === 1;
  if (!flat) encoder.add(tf.layers.flatten({ inputShape, name: 'flatten' }));
  encoder.add(
    tf.layers.dense({ units: 100, activation: 'selu', kernelInitializer: init(1), name: 'hidden1', ...(flat ? { inputShape } : {}) }),
  );
  encoder.add(tf.layers.dense({ units: codingUnits, activation: 'sigmoid', kernelInitializer: init(2), name: 'codings' }));
  if (sparsity !== null) encoder.add(new ActivityRegularization({ regularizer: sparsity, name: 'sparsity' }));
  const decoder = tf.sequential({
    name: 'sparse_decoder',
    layers: [
      tf.layers.dense({ units: 100, activation: 'selu', inputShape: [codingUnits], kernelInitializer: init(3), name: 'hidden3' }),
      tf.layers.dense({ units: size, activation: outputActivation, kernelInitializer: init(4), name: 'output' }),
      ...(flat ? [] : [tf.layers.reshape({ targetShape: inputShape, name: 'reshape_out' })]),
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
