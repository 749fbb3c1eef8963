/**
 * Denoising autoencoders (Géron, ch. 17): a noise layer right after the input, active only in
 * training (`--noise gaussian:0.2` or `--noise dropout:0.5`).
 */

import { ArgumentError } from '../core/errors.js';
import * as tf from '../core/tf.js';
import type { Autoencoder } from './conv.js';
import { compose } from './conv.js';

/** Input noise of a denoising autoencoder. */
export interface NoiseSpec {
  /** `gaussian`: adds N(0, amount²); `dropout`: zeroes a share `amount` of the inputs (and scales the rest by 1/(1 − amount)). */
  kind: 'gaussian' | 'dropout';
  /** Standard deviation (gaussian) or drop rate in [0, 1) (dropout). */
  amount: number;
}

/** Parses `gaussian:STDDEV` or `dropout:RATE`; throws an ArgumentError naming `noise` otherwise. */
export function parseNoise(spec: string): NoiseSpec {
  const m = /^(gaussian|dropout):(.+)$/.exec(spec.trim());
  const amount = m === null ? NaN : Number(m[2]);
  if (m === null || m[2].trim() === '' || !Number.isFinite(amount)) {
    throw new ArgumentError('noise', `{noise} '${spec}': expected gaussian:STDDEV (e.g. gaussian:0.2) or dropout:RATE (e.g. dropout:0.5)`);
  }
  const kind = m[1] as NoiseSpec['kind'];
  if (kind === 'gaussian' && !(amount > 0))
    throw new ArgumentError('noise', `{noise} '${spec}': the standard deviation must be > 0, found ${amount}`);
  if (kind === 'dropout' && !(amount > 0 && amount < 1))
    throw new ArgumentError('noise', `{noise} '${spec}': the drop rate must lie in (0, 1), found ${amount}`);
  return { kind, amount };
}

/**
 * The tfjs layer that applies `noise` in training only, taking `inputShape` when it is a model's
 * first layer. (No seed: a seeded tfjs Dropout would draw
 * the same mask at every step.)
 */
export function noiseLayer(noise: NoiseSpec, inputShape?: number[]): tf.layers.Layer {
  const first = inputShape === undefined ? {} : { inputShape };
  return noise.kind === 'gaussian'
    ? tf.layers.gaussianNoise({ stddev: noise.amount, name: 'input_noise', ...first })
    : tf.layers.dropout({ rate: noise.amount, name: 'input_noise', ...first });
}

/**
 * Puts a noise layer in front of `model`'s encoder: the new encoder is input → noise → old encoder,
 * and the autoencoder is rebuilt on it. With `noise` undefined, returns `model` unchanged.
 * Accepts the spec as a string (CLI) or a {@link NoiseSpec}.
 *
 * @example
 * const denoising = withInputNoise(convAutoencoder({ seed: 42 }), 'gaussian:0.2');
 */
export function withInputNoise(model: Autoencoder, noise: NoiseSpec | string | undefined | null): Autoencoder {
  if (noise === undefined || noise === null) return model;
  const spec = typeof noise === 'string' ? parseNoise(noise) : noise;
  const input = tf.input({ shape: model.encoder.inputs[0].shape.slice(1) as number[], name: 'noisy_input' });
  const noisy = noiseLayer(spec).apply(input) as tf.SymbolicTensor;
  const encoder = tf.model({
    inputs: input,
    outputs: model.encoder.apply(noisy) as tf.SymbolicTensor,
    name: `denoising_${model.encoder.name}`,
  });
  return { encoder, decoder: model.decoder, autoencoder: compose(encoder, model.decoder, `denoising_${model.autoencoder.name}`) };
}

/**
 * Corrupts `x` the way training does (Gaussian noise, or dropout with its 1/(1 − rate) scaling),
 * clipped to [0, 1] for display. Returns a new tensor.
 */
export function addNoise(x: tf.Tensor, noise: NoiseSpec, seed?: number): tf.Tensor {
  return tf.tidy(() => {
    if (noise.kind === 'gaussian') return tf.clipByValue(tf.add(x, tf.randomNormal(x.shape, 0, noise.amount, 'float32', seed)), 0, 1);
    const keep = tf.cast(tf.greaterEqual(tf.randomUniform(x.shape, 0, 1, 'float32', seed), noise.amount), 'float32');
    return tf.clipByValue(tf.div(tf.mul(x, keep), 1 - noise.amount), 0, 1);
  });
}
