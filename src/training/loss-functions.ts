/**
 * The losses a run trains with, as `model.compile` takes them.
 */

import { ArgumentError } from '../core/errors.js';
import type * as tf from '../core/tf.js';
import { binaryCrossentropy, meanSquaredError } from '../engine/fused-loss.js';
import type { LossName } from './optimizers.js';

/** A loss as `model.compile`'s `loss` takes it and a custom step calls it: the mean over all values, a scalar. */
export type CompiledLoss = (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.Scalar;

/** Names accepted by {@link lossFunction}. */
export const LOSS_NAMES: readonly LossName[] = ['binaryCrossentropy', 'meanSquaredError'];

/**
 * The `loss` to compile a model with for the loss `name`: aekit's {@link binaryCrossentropy} op
 * for `binaryCrossentropy` and its {@link meanSquaredError} op for `meanSquaredError` (one native
 * kernel each way; tfjs-layers' own formula on other backends). The value and the logged names (`loss`,
 * `val_loss`) are those of tfjs's string loss; a model compiled with a function loss saves no
 * loss name, so runs record theirs in their own metadata (`metrics.options.loss`).
 *
 * @example
 * model.compile({ optimizer: makeOptimizer('sgd', 1), loss: lossFunction('binaryCrossentropy'), metrics: [roundedAccuracy] });
 */
export function lossFunction(name: LossName): CompiledLoss {
  switch (name) {
    case 'binaryCrossentropy':
      return binaryCrossentropy;
    case 'meanSquaredError':
      return meanSquaredError;
    default:
      throw new ArgumentError('loss', `unknown loss '${String(name)}': expected one of ${LOSS_NAMES.join(', ')}`);
  }
}
