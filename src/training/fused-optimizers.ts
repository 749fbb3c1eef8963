/**
 * tfjs's Adam and SGD, with each variable's update in one kernel where the engine has it.
 */

import * as tf from '../core/tf.js';
import { adamUpdate, hasFusedAdam, hasFusedSgd, sgdUpdate } from '../engine/fused-optimizers.js';

/** The fields of tfjs's AdamOptimizer that the fused update reads and writes (private in its typings). */
interface AdamState {
  accBeta1: tf.Variable;
  accBeta2: tf.Variable;
  accumulatedFirstMoment: ({ originalName: string; variable: tf.Variable } | undefined)[];
  accumulatedSecondMoment: ({ originalName: string; variable: tf.Variable } | undefined)[];
  beta1: number;
  beta2: number;
  epsilon: number;
  learningRate: number;
}

/** A variable's name and gradient, as tfjs's optimizers take them in either form. */
type Gradients = Parameters<tf.AdamOptimizer['applyGradients']>[0];

/**
 * The gradients as a list, when `has()` (the active backend has the kernel) and every variable
 * and gradient is float32; null where tfjs's own update must run.
 */
function fusableGradients(variableGradients: Gradients, has: () => boolean): { name: string; tensor: tf.Tensor | undefined }[] | null {
  const list: { name: string; tensor: tf.Tensor | undefined }[] = Array.isArray(variableGradients)
    ? variableGradients
    : Object.keys(variableGradients).map((name) => ({ name, tensor: variableGradients[name] }));
  const vars = tf.engine().registeredVariables;
  const ok = has() && list.every(({ name, tensor }) => tensor == null || (tensor.dtype === 'float32' && vars[name]?.dtype === 'float32'));
  return ok ? list : null;
}

/**
 * tfjs's `AdamOptimizer` (same class name, `Adam`, same state, weights and serialization, so
 * checkpoints and saved optimizers do not change) whose update runs the engine's `AekitAdam`
 * kernel per variable instead of tfjs's eleven (`engine/fused-optimizers.ts`), where the active backend
 * has it and the variable and gradient are float32; tfjs's own update elsewhere. Same values:
 * the kernel follows tfjs's order of float32 operations.
 *
 * @example
 * const optimizer = new FusedAdam(1e-3, 0.9, 0.999, 1e-7);
 * model.compile({ optimizer, loss: 'meanSquaredError' });
 */
export class FusedAdam extends tf.AdamOptimizer {
  override applyGradients(variableGradients: Gradients): void {
    const list = fusableGradients(variableGradients, hasFusedAdam);
    if (list === null) {
      super.applyGradients(variableGradients);
      return;
    }
    const vars = tf.engine().registeredVariables;
    const s = this as unknown as AdamState;
    tf.tidy(() => {
      // tfjs's order: new moments are made on first use, by position in the list
      list.forEach(({ name, tensor: gradient }, i) => {
        const value = vars[name];
        s.accumulatedFirstMoment[i] ??= { originalName: `${name}/m`, variable: tf.tidy(() => tf.zerosLike(value).variable(false)) };
        s.accumulatedSecondMoment[i] ??= { originalName: `${name}/v`, variable: tf.tidy(() => tf.zerosLike(value).variable(false)) };
        if (gradient == null) return;
        const m = (s.accumulatedFirstMoment[i] as { variable: tf.Variable }).variable;
        const v = (s.accumulatedSecondMoment[i] as { variable: tf.Variable }).variable;
        const [x1, m1, v1] = adamUpdate(value, m, v, gradient, s.accBeta1, s.accBeta2, {
          beta1: s.beta1,
          beta2: s.beta2,
          epsilon: s.epsilon,
          learningRate: s.learningRate,
        });
        m.assign(m1);
        v.assign(v1);
        value.assign(x1);
      });
      s.accBeta1.assign(tf.mul(s.accBeta1, s.beta1));
      s.accBeta2.assign(tf.mul(s.accBeta2, s.beta2));
    });
    this.incrementIterations();
  }
}

/**
 * tfjs's `SGDOptimizer` (same class name, `SGD`, same state and serialization) whose update runs
 * the engine's `AekitSgd` kernel per variable instead of tfjs's two (`engine/fused-optimizers.ts`),
 * where the active backend has it and the variable and gradient are float32; tfjs's own update
 * elsewhere. Bit for bit the same values.
 *
 * @example
 * model.compile({ optimizer: new FusedSgd(0.1), loss: 'meanSquaredError' });
 */
export class FusedSgd extends tf.SGDOptimizer {
  override applyGradients(variableGradients: Gradients): void {
    const list = fusableGradients(variableGradients, hasFusedSgd);
    if (list === null) {
      super.applyGradients(variableGradients);
      return;
    }
    const vars = tf.engine().registeredVariables;
    const c = (this as unknown as { c: tf.Scalar }).c;
    for (const { name, tensor } of list) {
      if (tensor == null) continue;
      const value = vars[name];
      tf.tidy(() => value.assign(sgdUpdate(value, tensor, c)));
    }
    this.incrementIterations();
  }
}
