/**
 * The book's recurrent autoencoder (Géron, ch. 17): each sample is a sequence (an image is 28
 * rows of 28 pixels). LSTM(100, seq) → LSTM(30) ‖ RepeatVector(steps) → LSTM(100, seq) →
 * TimeDistributed(Dense(features, sigmoid)).
 */

import { ArgumentError } from '../core/errors.js';
import * as tf from '../core/tf.js';
import { lstm } from '../layers/lstm.js';
import { timeDistributed } from '../layers/time-distributed.js';
import { type Autoencoder, compose } from './conv.js';

/** Options of {@link recurrentAutoencoder}. Defaults give the book's model. */
export interface RecurrentAutoencoderOptions {
  /** Time steps per sequence. Default 28 (image rows). */
  steps?: number;
  /** Values per time step. Default 28 (pixels per row). */
  features?: number;
  /** Units of the outer LSTMs and of the coding LSTM. Default `[100, 30]`. */
  units?: [number, number];
  /** Activation of the output Dense: `'sigmoid'` for values in [0, 1], `'linear'` for unbounded ones. Default `'sigmoid'`. */
  outputActivation?: 'sigmoid' | 'linear';
  /** Seed of the weight initialisers. */
  seed?: number;
}

/**
 * Builds the recurrent autoencoder for sequences `[n, steps, features]` (a grey image `[h, w]` is
 * h steps of w features); the output Dense ends in `outputActivation` (sigmoid: values in [0, 1]).
 * Encoder: `[n, steps, features]` → `[n, 30]`; decoder: `[n, 30]` → `[n, steps, features]`.
 *
 * @example
 * const { autoencoder } = recurrentAutoencoder({ steps: 50, features: 3, seed: 42 });
 */
export function recurrentAutoencoder(options: RecurrentAutoencoderOptions = {}): Autoencoder {
  const { steps = 28, features = 28, units = [100, 30], outputActivation = 'sigmoid', seed } = options;
  for (const [name, v] of [
    ['steps', steps],
    ['features', features],
    ['units[0]', units[0]],
    ['units[1]', units[1]],
  ] as const) {
    if (!Number.isInteger(v) || v < 1) throw new ArgumentError(name, `expected a positive integer, got ${v}`);
  }
  const [outer, coding] = units;
  const s = (k: number): { seed?: number } => (seed === undefined ? {} : { seed: seed + k });
  // aekit's LSTM: Keras's defaults (the book's), one fused kernel per sequence on the native engine
  const layer = (units: number, returnSequences: boolean, k: number, name: string, inputShape?: number[]): tf.layers.Layer =>
    lstm({
      units,
      returnSequences,
      name,
      ...(inputShape === undefined ? {} : { inputShape }),
      kernelInitializer: tf.initializers.glorotUniform(s(k)),
      recurrentInitializer: tf.initializers.orthogonal(s(k + 1)),
    });
  // tfjs warns "Orthogonal initializer … Slowness may result" for each 100-unit recurrent kernel
  // (it takes ~10 ms here); keep the console for messages that matter.
  return withoutOrthogonalWarning(() => {
    const encoder = tf.sequential({
      name: 'recurrent_encoder',
      layers: [layer(outer, true, 1, 'lstm1', [steps, features]), layer(coding, false, 3, 'lstm2')],
    });
    const decoder = tf.sequential({
      name: 'recurrent_decoder',
      layers: [
        tf.layers.repeatVector({ n: steps, inputShape: [coding], name: 'repeat' }),
        layer(outer, true, 5, 'lstm3'),
        timeDistributed({
          layer: tf.layers.dense({ units: features, activation: outputActivation, kernelInitializer: tf.initializers.glorotUniform(s(7)) }),
          name: 'time_distributed',
        }),
      ],
    });
    return { encoder, decoder, autoencoder: compose(encoder, decoder, 'recurrent_autoencoder') };
  });
}

/** Runs `build` with tfjs's orthogonal-initializer size warning filtered out of `console.warn`. */
function withoutOrthogonalWarning<T>(build: () => T): T {
  const warn = console.warn;
  console.warn = (...args: unknown[]) => {
    if (typeof args[0] === 'string' && args[0].startsWith('Orthogonal initializer is being called')) return;
    warn(...args);
  };
  try {
    return build();
  } finally {
    console.warn = warn;
  }
}
