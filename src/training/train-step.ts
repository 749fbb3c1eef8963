/**
 * The interface of a training step other than `model.trainOnBatch`, which `fit` (fit.ts) runs.
 */
import type * as tf from '../core/tf.js';

/**
 * A custom training step, for losses `compile` cannot express (activity penalties, a VAE's KL term).
 * `train` updates the weights on one batch and returns the values named by `names` (the first is the
 * loss); `evaluate`, when given, returns the same values without updating (used for validation,
 * otherwise the compiled model's `evaluate` is used). Both must dispose what they allocate.
 */
export interface TrainStep {
  /** Names of the values returned, e.g. `['loss', 'rounded_accuracy', 'sparsity_penalty']`. */
  names: string[];
  /** The optimizer `train` updates with, for learning-rate callbacks; default the compiled model's. */
  optimizer?: tf.Optimizer;
  train(x: tf.Tensor, y: tf.Tensor): number[] | Promise<number[]>;
  evaluate?(x: tf.Tensor, y: tf.Tensor): number[] | Promise<number[]>;
}
