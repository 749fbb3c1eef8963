/**
 * Optimizers by name, as the CLI and the recipes refer to them.
 */

import { ArgumentError } from '../core/errors.js';
import type * as tf from '../core/tf.js';
import { FusedAdam, FusedSgd } from './fused-optimizers.js';
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
 * is aekit's {@link KerasRMSprop} (tfjs's puts ε inside the square root), Nadam is aekit's own, Adam
 * and SGD are tfjs's with their updates fused into one kernel per variable ({@link FusedAdam},
 * {@link FusedSgd}).
 */
export function makeOptimizer(name: OptimizerName, lr: number): tf.Optimizer {
  if (!(Number.isFinite(lr) && lr > 0)) throw new ArgumentError('lr', `expected a positive number, got ${lr}`);
  switch (name) {
    case 'sgd':
      return new FusedSgd(lr);
    case 'adam':
      return new FusedAdam(lr, 0.9, 0.999, 1e-7);
    case 'nadam':
      return new Nadam({ learningRate: lr });
    case 'rmsprop':
      return new KerasRMSprop({ learningRate: lr });
    default:
      throw new ArgumentError('optimizer', `unknown optimizer '${String(name)}': expected one of ${OPTIMIZER_NAMES.join(', ')}`);
  }
}

/**
 * The learning rate `optimizer` currently steps with. Works for every optimizer {@link makeOptimizer}
 * builds (tfjs's SGD and Adam, aekit's {@link Nadam} and {@link KerasRMSprop}) and for tfjs's
 * momentum SGD; throws an `ArgumentError` for others.
 */
export function getLearningRate(optimizer: tf.Optimizer): number {
  return learningRateOf(optimizer).get();
}

/**
 * Sets the learning rate `optimizer` steps with from its next update on (used by the learning-rate
 * schedules of `callbacks.ts`); `lr` must be a finite number ≥ 0. Same optimizers as {@link getLearningRate}.
 */
export function setLearningRate(optimizer: tf.Optimizer, lr: number): void {
  if (!(Number.isFinite(lr) && lr >= 0)) throw new ArgumentError('lr', `expected a finite number ≥ 0, got ${lr}`);
  learningRateOf(optimizer).set(lr);
}

function learningRateOf(optimizer: tf.Optimizer): { get(): number; set(lr: number): void } {
  // tfjs's Optimizer answers `instanceof` by duck typing (any optimizer is "an SGDOptimizer"): go by class name.
  const name = optimizer.getClassName();
  const o = optimizer as unknown as { learningRate: number; setLearningRate?: (lr: number) => void };
  // SGD (and momentum SGD, its subclass) keeps −lr as a scalar tensor that only setLearningRate renews.
  if (['SGD', 'Momentum', Nadam.className, KerasRMSprop.className].includes(name) && typeof o.setLearningRate === 'function') {
    const set = o.setLearningRate;
    return { get: () => o.learningRate, set: (lr) => set.call(o, lr) };
  }
  // Adam reads its (protected) learningRate field at every update.
  if (name === 'Adam' && typeof o.learningRate === 'number') {
    return {
      get: () => o.learningRate,
      set: (lr) => {
        o.learningRate = lr;
      },
    };
  }
  throw new ArgumentError(
    'optimizer',
    `cannot change the learning rate of a ${name} optimizer: expected SGD, momentum SGD, Adam, Nadam or KerasRMSprop`,
  );
}
