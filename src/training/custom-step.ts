/**
 * Custom training steps: the reconstruction loss plus extra terms computed from other outputs of a
 * training model (activity penalties of sparse autoencoders, the KL term of variational ones).
 */

import * as tf from '../core/tf.js';
import { binaryCrossentropy as fusedBinaryCrossentropy, meanSquaredError as fusedMeanSquaredError } from '../engine/fused-loss.js';
import type { TrainStep } from './fit.js';
import { lossFunction } from './loss-functions.js';
import { roundedAccuracy } from './metrics.js';

/** An extra loss term, computed from the training model's outputs after the first. */
export interface LossTerm {
  /** Name under which its mean is recorded, e.g. `sparsity_penalty`. */
  name: string;
  /** The term (a scalar) from `outputs.slice(1)`. */
  term(extraOutputs: tf.Tensor[]): tf.Scalar;
}

/** Options of {@link lossStep}. */
export interface LossStepOptions {
  /** Model whose first output is the reconstruction; further outputs feed `terms`. Shares weights with the saved model. */
  model: tf.LayersModel;
  optimizer: tf.Optimizer;
  /** Reconstruction loss. */
  loss: 'binaryCrossentropy' | 'meanSquaredError';
  terms: LossTerm[];
}

/**
 * Keras's binary cross-entropy on probabilities (clipped to [1e-7, 1 − 1e-7]), averaged over all
 * values: the engine's fused op (one native kernel each way, tfjs-layers' formula elsewhere).
 */
export const binaryCrossentropy = fusedBinaryCrossentropy;

/** tfjs-layers' mean squared error averaged over all values: the engine's fused op (one native kernel each way, tfjs's formula elsewhere). */
export const meanSquaredError = fusedMeanSquaredError;

/**
 * A {@link TrainStep} that minimises `loss(y, outputs[0]) + Σ terms` and reports
 * `loss` (the total), `rounded_accuracy` and each term by name, in training and validation alike.
 *
 * @example
 * const step = lossStep({ model: multiOutput, optimizer: tf.train.sgd(1), loss: 'binaryCrossentropy', terms: [kl] });
 * await fit(autoencoder, train, { epochs: 10, step });
 */
export function lossStep(options: LossStepOptions): TrainStep {
  const { model, optimizer, loss, terms } = options;
  const reconstruction = lossFunction(loss); // the fused op; throws an ArgumentError for another name
  const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const parts = (x: tf.Tensor, y: tf.Tensor, training: boolean): tf.Scalar[] => {
    const out = model.apply(x, { training });
    const outputs = Array.isArray(out) ? (out as tf.Tensor[]) : [out as tf.Tensor];
    const rec = reconstruction(y, outputs[0]);
    const extra = terms.map((t) => t.term(outputs.slice(1)));
    const total = extra.reduce<tf.Scalar>((a, t) => tf.add(a, t), rec);
    return [total, tf.mean(roundedAccuracy(y, outputs[0])) as tf.Scalar, ...extra];
  };
  const read = (scalars: tf.Scalar[]): number[] => {
    const values = scalars.map((s) => s.dataSync()[0]);
    tf.dispose(scalars);
    return values;
  };
  return {
    names: ['loss', 'rounded_accuracy', ...terms.map((t) => t.name)],
    optimizer,
    train(x, y) {
      let kept: tf.Scalar[] = [];
      const total = optimizer.minimize(
        () => {
          const [t, ...rest] = parts(x, y, true);
          kept = rest.map((s) => tf.keep(s));
          return t;
        },
        true,
        variables,
      ) as tf.Scalar;
      return read([total, ...kept]);
    },
    evaluate(x, y) {
      return read(tf.tidy(() => parts(x, y, false)));
    },
  };
}
