/**
 * Optimizers by name, as the CLI and the recipes refer to them.
 */
import * as tf from '@tensorflow/tfjs';
import type { OptimizerName } from '../models/recipes.js';
import { Nadam } from './nadam.js';

/** Names accepted by {@link makeOptimizer}. */
export const OPTIMIZER_NAMES: readonly OptimizerName[] = ['sgd', 'adam', 'nadam', 'rmsprop'];

/**
 * Builds the optimizer `name` with learning rate `lr`. RMSprop uses Keras's ρ = 0.9 and ε = 1e-7
 * (Porting note: tfjs's own default ε is 1e-8).
 */
export function makeOptimizer(name: OptimizerName, lr: number): tf.Optimizer {
  if (!(Number.isFinite(lr) && lr > 0)) throw new RangeError(`learning rate must be a positive number, got ${lr}`);
  switch (name) {
    case 'sgd': return tf.train.sgd(lr);
    case 'adam': return tf.train.adam(lr, 0.9, 0.999, 1e-7);
    case 'nadam': return new Nadam({ learningRate: lr });
    case 'rmsprop': return tf.train.rmsprop(lr, 0.9, 0, 1e-7);
    default: throw new RangeError(`unknown optimizer '${String(name)}': expected one of ${OPTIMIZER_NAMES.join(', ')}`);
  }
}
