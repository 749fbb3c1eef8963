/**
 * Optimizers by name, as the CLI and the recipes refer to them.
 */

import { ArgumentError } from '../core/errors.js';
import * as tf from '../core/tf.js';
import { Nadam } from './nadam.js';
import { KerasRMSprop } from './rmsprop.js';

/** Optimizers aekit can train with. */
export type OptimizerName = 'sgd' | 'adam' | 'nadam' | 'rmsprop';

/** Losses a run compiles its model with (tfjs loss names). */
export type LossName = 'binaryCrossentropy' | 'meanSquaredError';

/** Names accepted by {@link makeOptimizer}. */
export const OPTIMIZER_NAMES: readonly OptimizerName[] = ['sgd', 'adam', 'nadam', 'rmsprop'];

/**
 * Builds the optimizer `name` with learning rate `lr`, with Keras's defaults. Porting note: RMSprop
 * is aekit's {@link KerasRMSprop} (tfjs's puts ε inside the square root), Nadam is aekit's own.
 */
export function makeOptimizer(name: OptimizerName, lr: number): tf.Optimizer {
  if (!(Number.isFinite(lr) && lr > 0)) throw new ArgumentError('lr', `expected a positive number, got ${lr}`);
  switch (name) {
    case 'sgd':
      return tf.train.sgd(lr);
    case 'adam':
      return tf.train.adam(lr, 0.9, 0.999, 1e-7);
    case 'nadam':
      return new Nadam({ learningRate: lr });
    case 'rmsprop':
      return new KerasRMSprop({ learningRate: lr });
    default:
      throw new ArgumentError('optimizer', `unknown optimizer '${String(name)}': expected one of ${OPTIMIZER_NAMES.join(', ')}`);
  }
}
