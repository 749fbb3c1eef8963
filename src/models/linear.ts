/**
 * The book's linear autoencoder (Géron, ch. 17): Dense(2) encoder and Dense(3) decoder without
 * activations, trained with MSE on a generated 3-D point cloud; it learns the same plane as PCA.
 */
import { ArgumentError } from '../core/errors.js';
import * as tf from '../core/tf.js';
import { type Autoencoder, compose } from './conv.js';

/** Options of {@link linearAutoencoder}. Defaults give the book's model. */
export interface LinearAutoencoderOptions {
  /** Seed of the weight initialisers. */
  seed?: number;
  /** Shape of one sample; samples of rank > 1 are flattened first and reshaped back at the end. Default `[inputs]`. */
  inputShape?: number[];
  /** Values per sample when `inputShape` is not given. Default 3 (the book's points). */
  inputs?: number;
  /** Size of the codings. Default 2. */
  codings?: number;
}

/**
 * Builds the linear autoencoder: encoder Dense(codings) `[n, 3]` → `[n, 2]`, decoder Dense(3)
 * `[n, 2]` → `[n, 3]` (book defaults). For `inputShape` of rank > 1: Flatten → Dense(codings) ‖
 * Dense(size) → Reshape, size = the product of the shape.
 *
 * @example
 * const { autoencoder } = linearAutoencoder({ seed: 42 }); // [n, 3] → [n, 2] → [n, 3]
 */
export function linearAutoencoder(options: LinearAutoencoderOptions = {}): Autoencoder {
  const { seed, inputs = 3, codings = 2 } = options;
  const inputShape = options.inputShape ?? [inputs];
  if (inputShape.length === 0 || !inputShape.every((d) => Number.isInteger(d) && d > 0))
    throw new ArgumentError('input', `expected a sample shape of positive sizes, found [${inputShape.join(', ')}]`);
  const size = inputShape.reduce((a, b) => a * b, 1);
  const flat = inputShape.length === 1;
  const init = (k: number): ReturnType<typeof tf.initializers.glorotUniform> =>
    tf.initializers.glorotUniform(seed === undefined ? {} : { seed: seed + k });
  const encode = tf.layers.dense({ units: codings, kernelInitializer: init(1), name: 'encode', ...(flat ? { inputShape } : {}) });
  const encoder = tf.sequential({
    name: 'linear_encoder',
    layers: flat ? [encode] : [tf.layers.flatten({ inputShape, name: 'flatten' }), encode],
  });
  const decode = tf.layers.dense({ units: size, inputShape: [codings], kernelInitializer: init(2), name: 'decode' });
  const decoder = tf.sequential({
    name: 'linear_decoder',
    layers: flat ? [decode] : [decode, tf.layers.reshape({ targetShape: inputShape, name: 'reshape_out' })],
  });
  return { encoder, decoder, autoencoder: compose(encoder, decoder, 'linear_autoencoder') };
}
