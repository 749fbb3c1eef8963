/**
 * The 1-D convolutional autoencoder of Keras's example "Timeseries anomaly detection using an
 * Autoencoder": windows `[window, features]` → Conv1D(32, 7, stride 2, same, ReLU) → Dropout(0.2) →
 * Conv1D(16, 7, stride 2, same, ReLU) ‖ Conv1DTranspose(16, 7, 2) → Dropout(0.2) →
 * Conv1DTranspose(32, 7, 2) → Conv1DTranspose(features, 7, same).
 *
 * Porting note: tfjs has no Conv1DTranspose, and its conv1d runs as a reshaped conv2d anyway. The
 * model reshapes a window to `[1, window, features]` and uses Conv2D / Conv2DTranspose with `[1, k]`
 * kernels and `[1, 2]` strides (a 1-pixel-high image, as tfjs's own conv1d; `[k, 1]` kernels on a
 * `[window, 1]` image were 5–10× slower on the native engine): the same arithmetic and parameter counts as Keras's 1-D layers, on
 * aekit's native conv2d kernels (docs/time-series.md has the speed measured against tfjs's conv1d).
 */

import { ArgumentError } from '../core/errors.js';
import * as tf from '../core/tf.js';
import { type Autoencoder, compose } from './conv.js';

/** Options of {@link conv1dAutoencoder}. Defaults give the Keras example's model. */
export interface Conv1dAutoencoderOptions {
  /** Time steps per window; a multiple of 4 (two stride-2 stages). Default 288. */
  window?: number;
  /** Values per time step. Default 1. */
  features?: number;
  /** Filters of the two encoder convolutions, input side first. Default `[32, 16]`. */
  filters?: [number, number];
  /** Kernel length of every convolution. Default 7. */
  kernel?: number;
  /** Dropout rate after the first convolution of the encoder and of the decoder. Default 0.2. */
  dropout?: number;
  /** Seed of the weight initialisers and dropout. */
  seed?: number;
}

/**
 * Builds the Keras example's Conv1D autoencoder for windows `[n, window, features]` (linear output:
 * the windows are z-scores). Encoder: `[n, window, features]` → `[n, 1, window/4, filters[1]]`;
 * decoder: back to `[n, window, features]`. With the defaults it has 9,505 parameters, as the
 * Keras example's summary.
 *
 * @example
 * const { autoencoder } = conv1dAutoencoder({ window: 288, features: 1, seed: 42 });
 */
export function conv1dAutoencoder(options: Conv1dAutoencoderOptions = {}): Autoencoder {
  const { window = 288, features = 1, filters = [32, 16], kernel = 7, dropout = 0.2, seed } = options;
  for (const [name, v] of [
    ['window', window],
    ['features', features],
    ['filters[0]', filters[0]],
    ['filters[1]', filters[1]],
    ['kernel', kernel],
  ] as const) {
    if (!Number.isInteger(v) || v < 1) throw new ArgumentError(name, `expected a positive integer, got ${v}`);
  }
  if (window % 4 !== 0)
    throw new ArgumentError(
      'window',
      `the conv1d model halves the window twice and doubles it back: the window must be a multiple of 4, got ${window} (try ${Math.max(4, Math.round(window / 4) * 4)})`,
    );
  if (!(dropout >= 0 && dropout < 1)) throw new ArgumentError('dropout', `expected a rate in [0, 1), got ${dropout}`);
  const [f1, f2] = filters;
  const init = (k: number) => tf.initializers.glorotUniform(seed === undefined ? {} : { seed: seed + k });
  /** A 1×kernel Conv2D (`conv2d`) or Conv2DTranspose (`conv2dTranspose`) along the window. */
  const layer =
    (kind: 'conv2d' | 'conv2dTranspose') =>
    (filtersN: number, strides: number, k: number, name: string, activation: 'relu' | 'linear' = 'relu') =>
      tf.layers[kind]({
        filters: filtersN,
        kernelSize: [1, kernel],
        strides: [1, strides],
        padding: 'same',
        activation,
        kernelInitializer: init(k),
        name,
      });
  const conv = layer('conv2d');
  const convT = layer('conv2dTranspose');
  const drop = (name: string, k: number) => tf.layers.dropout({ rate: dropout, name, ...(seed === undefined ? {} : { seed: seed + k }) });
  const encoder = tf.sequential({
    name: 'conv1d_encoder',
    layers: [
      tf.layers.reshape({ targetShape: [1, window, features], inputShape: [window, features], name: 'to_2d' }),
      conv(f1, 2, 1, 'conv1d_1'),
      drop('dropout_1', 2),
      conv(f2, 2, 3, 'conv1d_2'),
    ],
  });
  const decoder = tf.sequential({
    name: 'conv1d_decoder',
    layers: [
      tf.layers.inputLayer({ inputShape: [1, window / 4, f2], name: 'codings' }),
      convT(f2, 2, 4, 'conv1d_transpose_1'),
      drop('dropout_2', 5),
      convT(f1, 2, 6, 'conv1d_transpose_2'),
      convT(features, 1, 7, 'conv1d_transpose_3', 'linear'),
      tf.layers.reshape({ targetShape: [window, features], name: 'to_1d' }),
    ],
  });
  return { encoder, decoder, autoencoder: compose(encoder, decoder, 'conv1d_autoencoder') };
}
