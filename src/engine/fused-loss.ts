/**
 * Binary cross-entropy and mean squared error as ops of one kernel forward and one backward each.
 *
 * tfjs-layers' `'binaryCrossentropy'` clips the prediction to [ε, 1 − ε] (ε = 1e-7), turns it into
 * logits ln(p′/(1 − p′)), applies sigmoid cross-entropy with logits
 * (relu(x) − x·z + log1p(e^(−|x|))), takes the mean over the last axis and then over the rest:
 * about fifteen kernels forward and backward, each over the whole batch, several of them
 * single-threaded wasm loops. {@link binaryCrossentropy} computes the same scalar,
 * mean(−(z·ln p′ + (1 − z)·ln(1 − p′))) over all values, with two kernels of its own:
 *
 * - `AekitBinaryCrossentropy` (inputs `yTrue`, `yPred`, same shape, float32; output a float32
 *   scalar): the mean, summed in double per thread;
 * - `AekitBinaryCrossentropyGrad` (inputs `dy` (the scalar upstream gradient), `yTrue`, `yPred`;
 *   output `dp`, yPred's shape): dp = dy/n · (p − z)/(p·(1 − p)) where ε ≤ p ≤ 1 − ε, else 0 (the
 *   clip passes the gradient on its closed interval, as tfjs's ClipByValue gradient does).
 *
 * yTrue's gradient, dy/n · (ln(1 − p′) − ln p′), is computed with tfjs ops, and only when a caller
 * asks for it (training never does). aekit's native engine implements the kernels (`native.ts`);
 * on any other backend, or with the kernels turned off (`AEKIT_NATIVE_DISABLE=AekitBinaryCrossentropy`),
 * or for other dtypes, the op runs tfjs-layers' own formula op for op. Second-order gradients
 * through the kernels are not supported.
 *
 * {@link meanSquaredError} does the same for tfjs-layers' `'meanSquaredError'` (the mean of
 * (p − z)² over the last axis, then over the rest: Sub, Square and two Means forward, about ten
 * kernels backward): `AekitMeanSquaredError` (the mean over all values, in double per thread) and
 * `AekitMeanSquaredErrorGrad` (dp = 2·dy/n · (p − z)); yTrue's gradient is −dp, computed only when
 * asked for. The fallbacks are as for the cross-entropy (`AEKIT_NATIVE_DISABLE=AekitMeanSquaredError`).
 */

import { ArgumentError } from '../core/errors.js';
import * as tf from '../core/tf.js';

/** Name of the forward kernel: the mean binary cross-entropy of `yPred` against `yTrue`. */
export const BCE_KERNEL = 'AekitBinaryCrossentropy';
/** Name of the backward kernel: the gradient with respect to `yPred`. */
export const BCE_GRAD_KERNEL = 'AekitBinaryCrossentropyGrad';
/** The two kernels of the op. */
export const BCE_KERNELS: readonly string[] = [BCE_KERNEL, BCE_GRAD_KERNEL];
/** Name of the forward kernel of the mean squared error. */
export const MSE_KERNEL = 'AekitMeanSquaredError';
/** Name of its backward kernel: the gradient with respect to `yPred`. */
export const MSE_GRAD_KERNEL = 'AekitMeanSquaredErrorGrad';
/** The two kernels of the mean squared error. */
export const MSE_KERNELS: readonly string[] = [MSE_KERNEL, MSE_GRAD_KERNEL];

/** Keras's ε, the clip bound (tfjs-layers' `epsilon()`). */
export const BCE_EPSILON = 1e-7;
/** The clip bounds as float32, the values tfjs's ClipByValue compares with and clips to. */
const LO32 = Math.fround(BCE_EPSILON);
const HI32 = Math.fround(1 - BCE_EPSILON);

/** True when the active backend has both kernels of the op. */
export function hasFusedBinaryCrossentropy(): boolean {
  const backend = tf.getBackend();
  return BCE_KERNELS.every((k) => tf.getKernel(k, backend) !== undefined);
}

/**
 * The gradient with respect to yPred for an upstream gradient that is not finite (NaN, ±inf),
 * which the native kernel does not take: NaN where the float32 clip bounds hold p (inclusive),
 * 0 elsewhere, what tfjs's chain gives (its terms, ±inf times a step or a target, cancel to NaN).
 */
export function bceGradNotFinite(dp: Float32Array, p: Float32Array): void {
  for (let i = 0; i < dp.length; i++) dp[i] = p[i] >= LO32 && p[i] <= HI32 ? Number.NaN : 0;
}

/** tfjs-layers' binary cross-entropy (its `'binaryCrossentropy'` loss), then the mean: the fallback. */
function layersBinaryCrossentropy(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Scalar {
  return tf.tidy(() => tf.mean(tf.metrics.binaryCrossentropy(yTrue, yPred)) as tf.Scalar);
}

/** Throws unless yTrue and yPred are tensors of one shape, naming the loss. */
function checkPair(loss: string, yTrue: tf.Tensor, yPred: tf.Tensor): void {
  if (!(yTrue instanceof tf.Tensor) || !(yPred instanceof tf.Tensor) || !tf.util.arraysEqual(yTrue.shape, yPred.shape)) {
    const describe = (t: unknown): string => (t instanceof tf.Tensor ? `[${t.shape}] ${t.dtype}` : typeof t);
    throw new ArgumentError(
      'yPred',
      `${loss}: expected yTrue and yPred tensors of the same shape; got yTrue ${describe(yTrue)}, yPred ${describe(yPred)}`,
    );
  }
}

/** True when `kernels` run on the active backend for these inputs (float32, not empty). */
function fusedApplies(kernels: readonly string[], yTrue: tf.Tensor, yPred: tf.Tensor): boolean {
  const backend = tf.getBackend();
  return (
    yTrue.dtype === 'float32' && yPred.dtype === 'float32' && yPred.size > 0 && kernels.every((k) => tf.getKernel(k, backend) !== undefined)
  );
}

function binaryCrossentropy_(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Scalar {
  checkPair('binaryCrossentropy', yTrue, yPred);
  if (fusedApplies(BCE_KERNELS, yTrue, yPred))
    return tf.engine().runKernel(BCE_KERNEL, { yTrue, yPred } as unknown as tf.NamedTensorMap, {}) as tf.Scalar;
  return layersBinaryCrossentropy(yTrue, yPred);
}

function meanSquaredError_(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Scalar {
  checkPair('meanSquaredError', yTrue, yPred);
  if (fusedApplies(MSE_KERNELS, yTrue, yPred))
    return tf.engine().runKernel(MSE_KERNEL, { yTrue, yPred } as unknown as tf.NamedTensorMap, {}) as tf.Scalar;
  return tf.tidy(() => tf.mean(tf.metrics.meanSquaredError(yTrue, yPred)) as tf.Scalar);
}

/**
 * Keras's binary cross-entropy of probabilities `yPred` against targets `yTrue` (same shape,
 * targets in [0, 1]), averaged over all values: a scalar equal to tfjs-layers'
 * `'binaryCrossentropy'` loss (mean over the last axis, then over the rest). Differentiable with
 * respect to both inputs; on aekit's native engine one kernel each way ({@link hasFusedBinaryCrossentropy}).
 * Throws an `ArgumentError` when the shapes differ. Usable as `model.compile`'s `loss`.
 *
 * @example
 * const loss = binaryCrossentropy(images, model.predict(images) as tf.Tensor);
 * model.compile({ optimizer: 'sgd', loss: binaryCrossentropy });
 */
export const binaryCrossentropy = tf.op({ binaryCrossentropy_ });

/**
 * tfjs-layers' `'meanSquaredError'` of `yPred` against `yTrue` (same shape) averaged over all
 * values: a scalar, the mean of (p − z)². Differentiable with respect to both inputs; on aekit's
 * native engine one kernel each way. Throws an `ArgumentError` when the shapes differ. Usable as
 * `model.compile`'s `loss`.
 *
 * @example
 * model.compile({ optimizer: 'adam', loss: meanSquaredError });
 */
export const meanSquaredError = tf.op({ meanSquaredError_ });

// The gradient of the forward kernel: per input, a closure that tfjs calls only for the inputs on
// the path to what is differentiated (yPred in training).
if (tf.getGradient(BCE_KERNEL) === undefined) {
  tf.registerGradient({
    kernelName: BCE_KERNEL,
    inputsToSave: ['yTrue', 'yPred'],
    gradFunc: (dy, saved) => {
      const [yTrue, yPred] = saved;
      return {
        yPred: () => tf.engine().runKernel(BCE_GRAD_KERNEL, { dy, yTrue, yPred } as unknown as tf.NamedTensorMap, {}) as tf.Tensor,
        yTrue: () => {
          const p = tf.clipByValue(yPred, BCE_EPSILON, 1 - BCE_EPSILON);
          return tf.mul(tf.div(dy as tf.Tensor, yPred.size), tf.sub(tf.log(tf.sub(1, p)), tf.log(p)));
        },
      };
    },
  });
}

if (tf.getGradient(MSE_KERNEL) === undefined) {
  tf.registerGradient({
    kernelName: MSE_KERNEL,
    inputsToSave: ['yTrue', 'yPred'],
    gradFunc: (dy, saved) => {
      const [yTrue, yPred] = saved;
      const dp = () => tf.engine().runKernel(MSE_GRAD_KERNEL, { dy, yTrue, yPred } as unknown as tf.NamedTensorMap, {}) as tf.Tensor;
      return { yPred: dp, yTrue: () => tf.neg(dp()) };
    },
  });
}
