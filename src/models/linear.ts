/**
 * The book's linear autoencoder (Géron, ch. 17): Dense(2) encoder and Dense(3) decoder without
 * activations, trained with MSE on a generated 3-D point cloud; it learns the same plane as PCA.
 */
import * as tf from '../core/tf.js';
import { type Autoencoder, compose } from './conv.js';

/**
 * Builds the linear autoencoder: encoder Dense(2) `[n, 3]` → `[n, 2]`, decoder Dense(3) `[n, 2]` → `[n, 3]`.
 */
export function linearAutoencoder(options: { seed?: number; inputs?: number; codings?: number } = {}): Autoencoder {
  const { seed, inputs = 3, codings = 2 } = options;
  const init = (k: number): ReturnType<typeof tf.initializers.glorotUniform> =>
    tf.initializers.glorotUniform(seed === undefined ? {} : { seed: seed + k });
  const encoder = tf.sequential({
    name: 'linear_encoder',
    layers: [tf.layers.dense({ units: codings, inputShape: [inputs], kernelInitializer: init(1), name: 'encode' })],
  });
  const decoder = tf.sequential({
    name: 'linear_decoder',
    layers: [tf.layers.dense({ units: inputs, inputShape: [codings], kernelInitializer: init(2), name: 'decode' })],
  });
  return { encoder, decoder, autoencoder: compose(encoder, decoder, 'linear_autoencoder') };
}
