/**
 * A whole-sequence LSTM op: the forward pass and backpropagation through time each in one kernel.
 *
 * tfjs's `LSTM` layer steps through time in JavaScript: per step and layer about fifteen small
 * ops forward (matMul, add, split, four activations, products) and as many again backward, each
 * dispatched, allocated and freed on its own. For the book's recurrent autoencoder (three LSTMs,
 * 28 steps) that is thousands of tiny kernels per batch. {@link fusedLstm} computes the same
 * function — Keras's LSTM with sigmoid gates, tanh cell activation, gate order i, f, c̃, o, zero
 * initial state — with two kernels:
 *
 * - `AekitLstm` (inputs `x [B,T,F]`, `kernel [F,4U]`, `recurrentKernel [U,4U]`, `bias [4U]`;
 *   outputs `h [B,T,U]`, `c [B,T,U]`, `gates [B,T,4U]`, the last two kept for the backward pass);
 * - `AekitLstmGrad` (inputs `dy` (`[B,T,U]`, or `[B,U]` for the last step only), `x`, `kernel`,
 *   `recurrentKernel`, `h`, `c`, `gates`; attribute `sequences`; outputs `dx`, `dKernel`,
 *   `dRecurrentKernel`, `dBias`).
 *
 * aekit's native engine implements both in C++ (`native.ts`); {@link hasFusedLstm} says whether
 * the active backend has them. aekit's `LSTM` layer (`layers/lstm.ts`) uses this op where it can
 * and tfjs's step-by-step path elsewhere.
 */

import { ArgumentError } from '../core/errors.js';
import * as tf from '../core/tf.js';

/** Name of the forward kernel. */
export const LSTM_KERNEL = 'AekitLstm';
/** Name of the backward kernel. */
export const LSTM_GRAD_KERNEL = 'AekitLstmGrad';

/** True when the active backend has both fused LSTM kernels. */
export function hasFusedLstm(): boolean {
  const backend = tf.getBackend();
  return tf.getKernel(LSTM_KERNEL, backend) !== undefined && tf.getKernel(LSTM_GRAD_KERNEL, backend) !== undefined;
}

function checkShapes(x: tf.Tensor, kernel: tf.Tensor, recurrentKernel: tf.Tensor, bias: tf.Tensor): void {
  const [, , features] = x.shape;
  const units = recurrentKernel.shape[0];
  const ok =
    x.rank === 3 &&
    kernel.rank === 2 &&
    recurrentKernel.rank === 2 &&
    bias.rank === 1 &&
    kernel.shape[0] === features &&
    kernel.shape[1] === 4 * units &&
    recurrentKernel.shape[1] === 4 * units &&
    bias.shape[0] === 4 * units &&
    [x, kernel, recurrentKernel, bias].every((t) => t.dtype === 'float32');
  if (!ok) {
    throw new ArgumentError(
      'inputs',
      `fusedLstm: expected float32 x [batch, steps, features], kernel [features, 4·units], recurrentKernel [units, 4·units], bias [4·units]; got x [${x.shape}], kernel [${kernel.shape}], recurrentKernel [${recurrentKernel.shape}], bias [${bias.shape}]`,
    );
  }
}

/**
 * Runs an LSTM over `x [batch, steps, features]` from a zero state and returns every step's
 * hidden state `[batch, steps, units]` (`returnSequences`) or the last one `[batch, units]`.
 * Differentiable with respect to all four inputs. Needs the fused kernels ({@link hasFusedLstm}).
 *
 * @example
 * const y = fusedLstm(x, cell.kernel.read(), cell.recurrentKernel.read(), cell.bias.read(), true);
 */
export function fusedLstm(
  x: tf.Tensor,
  kernel: tf.Tensor,
  recurrentKernel: tf.Tensor,
  bias: tf.Tensor,
  returnSequences: boolean,
): tf.Tensor {
  checkShapes(x, kernel, recurrentKernel, bias);
  if (!hasFusedLstm()) throw new Error(`fusedLstm: backend '${tf.getBackend()}' has no ${LSTM_KERNEL} kernel (use aekit's native engine)`);
  const op = tf.customGrad((...args: unknown[]) => {
    const [xs, w, u, b, save] = args as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor, (ts: tf.Tensor[]) => void];
    const [h, c, gates] = tf
      .engine()
      .runKernel(LSTM_KERNEL, { x: xs, kernel: w, recurrentKernel: u, bias: b } as unknown as tf.NamedTensorMap, {}) as tf.Tensor[];
    save([xs, w, u, h, c, gates]);
    const [batch, steps, units] = h.shape;
    const value = returnSequences ? h : tf.reshape(tf.slice(h, [0, steps - 1, 0], [batch, 1, units]), [batch, units]);
    return {
      value,
      gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
        const [sx, sw, su, sh, sc, sg] = saved;
        return tf
          .engine()
          .runKernel(
            LSTM_GRAD_KERNEL,
            { dy: dy as tf.Tensor, x: sx, kernel: sw, recurrentKernel: su, h: sh, c: sc, gates: sg } as unknown as tf.NamedTensorMap,
            { sequences: returnSequences },
          ) as tf.Tensor[];
      },
    };
  });
  return op(x, kernel, recurrentKernel, bias);
}
