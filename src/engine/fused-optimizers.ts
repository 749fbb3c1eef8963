/**
 * Optimizer updates of one variable as one kernel: Adam's and SGD's.
 *
 * tfjs's `AdamOptimizer` updates each variable with eleven kernels (three products and an add per
 * moment, a square, two divisions by the bias corrections, a square root, an add, a division, a
 * product and the final add). Their arithmetic is trivial; for a small model each costs more in
 * tfjs's dispatch than in work (a 20-column table autoencoder: 229 kernels per step, of which 90
 * are Adam's). `AekitAdam` (inputs `x`, `m`, `v`, `g` of one shape and the 1-element `accBeta1`,
 * `accBeta2`; attributes `beta1`, `beta2`, `epsilon`, `learningRate`; outputs x, m and v
 * updated) computes the same function in tfjs's order of float32 operations:
 *
 *   m′ = m·β1 + g·(1−β1),  v′ = v·β2 + g²·(1−β2),
 *   x′ = (m′/(1−accβ1)) / (√(v′/(1−accβ2)) + ε) · (−lr) + x.
 *
 * `AekitSgd` (inputs `x`, `g` of one shape and the 1-element `c` = −lr; output x updated) is
 * tfjs's `SGDOptimizer` update, x′ = c·g + x (two kernels in tfjs), rounded as tfjs rounds it.
 *
 * aekit's native engine implements both (`native.ts`); {@link hasFusedAdam} and
 * {@link hasFusedSgd} say whether the active backend has them, and the training layer's Adam and
 * SGD use them where it does.
 */

import { ArgumentError } from '../core/errors.js';
import * as tf from '../core/tf.js';

/** Name of the Adam kernel. */
export const ADAM_KERNEL = 'AekitAdam';
/** Name of the SGD kernel. */
export const SGD_KERNEL = 'AekitSgd';

/** Adam's constants, as tfjs's `AdamOptimizer` holds them. */
export interface AdamConstants {
  beta1: number;
  beta2: number;
  epsilon: number;
  learningRate: number;
}

/** True when the active backend has the fused Adam kernel. */
export function hasFusedAdam(): boolean {
  return tf.getKernel(ADAM_KERNEL, tf.getBackend()) !== undefined;
}

/**
 * One Adam step of a variable's value `x` with moments `m`, `v` and gradient `g` (float32, one
 * shape); `accBeta1`, `accBeta2` are β1ᵗ and β2ᵗ of this step (scalars). Returns the new
 * `[x, m, v]`. Not differentiable. Needs {@link hasFusedAdam}.
 *
 * @example
 * const [x1, m1, v1] = adamUpdate(x, m, v, g, accBeta1, accBeta2, { beta1: 0.9, beta2: 0.999, epsilon: 1e-7, learningRate: 1e-3 });
 */
export function adamUpdate(
  x: tf.Tensor,
  m: tf.Tensor,
  v: tf.Tensor,
  g: tf.Tensor,
  accBeta1: tf.Tensor,
  accBeta2: tf.Tensor,
  constants: AdamConstants,
): [tf.Tensor, tf.Tensor, tf.Tensor] {
  const same = [m, v, g].every((t) => tf.util.arraysEqual(t.shape, x.shape));
  const dtypes = [x, m, v, g, accBeta1, accBeta2].every((t) => t.dtype === 'float32');
  if (!same || !dtypes || accBeta1.size !== 1 || accBeta2.size !== 1)
    throw new ArgumentError(
      'inputs',
      `adamUpdate: expected float32 x, m, v, g of one shape and scalar accBeta1, accBeta2; got x [${x.shape}] ${x.dtype}, m [${m.shape}], v [${v.shape}], g [${g.shape}] ${g.dtype}, accBeta1 [${accBeta1.shape}], accBeta2 [${accBeta2.shape}]`,
    );
  if (!hasFusedAdam()) throw new Error(`adamUpdate: backend '${tf.getBackend()}' has no ${ADAM_KERNEL} kernel (use aekit's native engine)`);
  return tf.engine().runKernel(ADAM_KERNEL, { x, m, v, g, accBeta1, accBeta2 }, constants as unknown as tf.NamedAttrMap) as unknown as [
    tf.Tensor,
    tf.Tensor,
    tf.Tensor,
  ];
}

/** True when the active backend has the fused SGD kernel. */
export function hasFusedSgd(): boolean {
  return tf.getKernel(SGD_KERNEL, tf.getBackend()) !== undefined;
}

/**
 * One SGD step of a variable's value `x` with gradient `g` (float32, one shape) and `c` = −lr (a
 * float32 scalar): returns c·g + x, bit for bit what tfjs's `SGDOptimizer` computes. Not
 * differentiable. Needs {@link hasFusedSgd}.
 *
 * @example
 * const x1 = sgdUpdate(x, g, tf.scalar(-0.1));
 */
export function sgdUpdate(x: tf.Tensor, g: tf.Tensor, c: tf.Tensor): tf.Tensor {
  if (!tf.util.arraysEqual(g.shape, x.shape) || [x, g, c].some((t) => t.dtype !== 'float32') || c.size !== 1)
    throw new ArgumentError(
      'inputs',
      `sgdUpdate: expected float32 x, g of one shape and a scalar c; got x [${x.shape}] ${x.dtype}, g [${g.shape}] ${g.dtype}, c [${c.shape}] ${c.dtype}`,
    );
  if (!hasFusedSgd()) throw new Error(`sgdUpdate: backend '${tf.getBackend()}' has no ${SGD_KERNEL} kernel (use aekit's native engine)`);
  return tf.engine().runKernel(SGD_KERNEL, { x, g, c }, {}) as tf.Tensor;
}
