/**
 * The book's variational autoencoder (Géron, ch. 17), dense or convolutional: the encoder gives
 * the codings' mean and log-variance, a {@link Sampling} layer draws codings, and the loss adds
 * the KL divergence to N(0, I) (`latentLoss` in the training layer) to the reconstruction loss.
 */

import { ArgumentError } from '../core/errors.js';
import * as tf from '../core/tf.js';
import { Sampling } from '../layers/sampling.js';
import type { Autoencoder } from './conv.js';
import { convDecoderLayers, convEncoderLayers, convPlan, type OutputActivation } from './conv-layers.js';

/** Options of {@link variationalAutoencoder}. */
export interface VariationalAutoencoderOptions {
  /** Size of the codings. Default 10 (the book's). */
  codings?: number;
  /** Convolutional encoder/decoder built from the seed's conv layers instead of the book's dense ones. */
  conv?: boolean;
  /** Shape of one sample: any rank for the dense VAE (flattened), `[h, w]` or `[h, w, c]` images for `conv`. Default `[28, 28]`. */
  inputShape?: number[];
  /** Activation of the output layer: `'sigmoid'` for values in [0, 1], `'linear'` for unbounded ones. Default `'sigmoid'`. */
  outputActivation?: OutputActivation;
  /** Seed of the weight initialisers and of the sampling noise. */
  seed?: number;
}

/**
 * A variational autoencoder. `encoder` maps images to the codings' **means** (deterministic, for
 * analysis); `autoencoder` samples codings and decodes them (what is trained and saved);
 * `training` outputs `[reconstruction, mean, logVar]` for the loss.
 */
export interface VariationalAutoencoder extends Autoencoder {
  training: tf.LayersModel;
}

/** Filters of the conv VAE's stages (the seed's). */
const VAE_FILTERS = [16, 32, 64];

/**
 * Builds the book's VAE: Flatten → Dense(150, selu) → Dense(100, selu) → mean Dense(d) and
 * log-variance Dense(d) → Sampling ‖ Dense(100, selu) → Dense(150, selu) → Dense(784, sigmoid) →
 * Reshape(28, 28). With `conv`, the encoder is the seed's Conv2D/MaxPool stack (→ 3×3×64) → Flatten
 * → the two Dense(d), and the decoder Dense(576, selu) → Reshape(3, 3, 64) → the seed's three
 * Conv2DTranspose layers → Reshape(28, 28). Shapes: `[n, 28, 28]` → codings `[n, d]` → `[n, 28, 28]`.
 * Other input shapes: the dense VAE's output layer has one unit per value of a sample; the conv
 * VAE's stacks follow the conv autoencoder's size rule (`conv-layers.ts`), its Dense layer feeds
 * the codings' `h_3 × w_3 × 64`.
 *
 * @example
 * const vae = variationalAutoencoder({ seed: 42 });
 * const images = vae.decoder.predict(tf.randomNormal([12, 10])) as tf.Tensor;
 */
export function variationalAutoencoder(options: VariationalAutoencoderOptions = {}): VariationalAutoencoder {
  const { codings: d = 10, conv = false, inputShape = [28, 28], outputActivation = 'sigmoid', seed } = options;
  if (!Number.isInteger(d) || d < 1) throw new ArgumentError('codings', `expected a positive integer, got ${d}`);
  if (inputShape.length === 0 || !inputShape.every((n) => Number.isInteger(n) && n > 0))
    throw new ArgumentError('input', `expected a sample shape of positive sizes, found [${inputShape.join(', ')}]`);
  const init = (k: number): ReturnType<typeof tf.initializers.glorotUniform> =>
    tf.initializers.glorotUniform(seed === undefined ? {} : { seed: seed + k });
  const input = tf.input({ shape: inputShape, name: 'images' });
  const plan = conv ? convPlan(inputShape, VAE_FILTERS) : null;
  let h: tf.SymbolicTensor;
  if (plan !== null) {
    h = convEncoderLayers(plan, VAE_FILTERS, 'selu', init, false).reduce<tf.SymbolicTensor>(
      (x, l) => l.apply(x) as tf.SymbolicTensor,
      input,
    );
    h = tf.layers.flatten({ name: 'flatten' }).apply(h) as tf.SymbolicTensor;
  } else {
    // table rows [f] need no Flatten (nor the Reshape at the end)
    h = inputShape.length === 1 ? input : (tf.layers.flatten({ name: 'flatten' }).apply(input) as tf.SymbolicTensor);
    h = tf.layers.dense({ units: 150, activation: 'selu', kernelInitializer: init(1), name: 'hidden1' }).apply(h) as tf.SymbolicTensor;
    h = tf.layers.dense({ units: 100, activation: 'selu', kernelInitializer: init(2), name: 'hidden2' }).apply(h) as tf.SymbolicTensor;
  }
  const mean = tf.layers.dense({ units: d, kernelInitializer: init(10), name: 'codings_mean' }).apply(h) as tf.SymbolicTensor;
  const logVar = tf.layers.dense({ units: d, kernelInitializer: init(11), name: 'codings_log_var' }).apply(h) as tf.SymbolicTensor;
  const codings = new Sampling({ seed: seed ?? null, name: 'sampling' }).apply([mean, logVar]) as tf.SymbolicTensor;
  const decoder = tf.sequential({ name: conv ? 'conv_vae_decoder' : 'vae_decoder' });
  if (plan !== null) {
    const [hk, wk] = plan.sides[VAE_FILTERS.length];
    const top = VAE_FILTERS[VAE_FILTERS.length - 1];
    decoder.add(
      tf.layers.dense({ units: hk * wk * top, activation: 'selu', inputShape: [d], kernelInitializer: init(20), name: 'dense_in' }),
    );
    decoder.add(tf.layers.reshape({ targetShape: [hk, wk, top], name: 'reshape_codings' }));
    const layers = convDecoderLayers(plan, VAE_FILTERS, {
      decoder: 'transpose',
      activation: 'selu',
      outputActivation,
      init,
      offset: 20,
      withInputShape: false,
    });
    for (const layer of layers) decoder.add(layer);
  } else {
    const size = inputShape.reduce((a, b) => a * b, 1);
    decoder.add(tf.layers.dense({ units: 100, activation: 'selu', inputShape: [d], kernelInitializer: init(20), name: 'hidden3' }));
    decoder.add(tf.layers.dense({ units: 150, activation: 'selu', kernelInitializer: init(21), name: 'hidden4' }));
    decoder.add(tf.layers.dense({ units: size, activation: outputActivation, kernelInitializer: init(22), name: 'output' }));
    if (inputShape.length > 1) decoder.add(tf.layers.reshape({ targetShape: inputShape, name: 'reshape_out' }));
  }
  const output = decoder.apply(codings) as tf.SymbolicTensor;
  const name = conv ? 'conv_vae' : 'vae';
  return {
    encoder: tf.model({ inputs: input, outputs: mean, name: `${name}_encoder` }),
    decoder,
    autoencoder: tf.model({ inputs: input, outputs: output, name }),
    training: tf.model({ inputs: input, outputs: [output, mean, logVar], name: `${name}_training` }),
  };
}
