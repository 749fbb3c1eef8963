/**
 * Nearest-neighbour upsampling ×2 followed by a 3×3 'same' convolution, computed as one 4×4
 * transposed convolution with stride 2.
 *
 * Per spatial axis, u[j] = x[⌊j/2⌋] then y[j] = w0·u[j−1] + w1·u[j] + w2·u[j+1] (zero outside)
 * gives y[2p] = w0·x[p−1] + (w1 + w2)·x[p] and y[2p+1] = (w0 + w1)·x[p] + w2·x[p+1]: a transposed
 * convolution with stride 2, padding 1 and the 4 taps f = M·w, M = [[0,0,1], [0,1,1], [1,1,0],
 * [1,0,0]] (f0 = w2, f1 = w1 + w2, f2 = w0 + w1, f3 = w0; tfjs's transposed convolution adds
 * x[p]·f[k] to y[2p + k − 1]). In 2-d the 4×4 filter is (M ⊗ M) applied to the 3×3 one. Each
 * output pixel then takes 4 taps instead of 9 in all three directions (forward, input gradient,
 * filter gradient), and neither the resize nor its gradient runs.
 */

import { ArgumentError } from '../core/errors.js';
import * as tf from '../core/tf.js';
import { conv2dTransposeSelu, hasFusedConvSelu } from './fused-conv.js';

/** The 4 taps of the transposed convolution from the 3 of the convolution, per axis (see the module comment). */
const M = [
  [0, 0, 1],
  [0, 1, 1],
  [1, 1, 0],
  [1, 0, 0],
];

/** M ⊗ M, 16 × 9, row a·4 + b, column i·3 + j: the 4×4 filter's tap (a, b) from the 3×3 one's (i, j). */
const M2 = Float32Array.from({ length: 16 * 9 }, (_, k) => {
  const [row, col] = [Math.floor(k / 9), k % 9];
  return M[Math.floor(row / 4)][Math.floor(col / 3)] * M[row % 4][col % 3];
});

/** Activation functions as tfjs-layers names them, by name (tfjs-layers' own objects, made once). */
const activations = new Map<string, { apply(x: tf.Tensor): tf.Tensor }>();

/** tfjs-layers' activation `name` (as a layer's `activation` option takes it); throws an ArgumentError for an unknown name. */
function activationOf(name: string): { apply(x: tf.Tensor): tf.Tensor } {
  let fn = activations.get(name);
  if (fn === undefined) {
    try {
      // tfjs-layers does not export getActivation; its Activation layer holds the function
      fn = tf.layers.activation({ activation: name as 'linear' }).activation as unknown as { apply(x: tf.Tensor): tf.Tensor };
    } catch (err) {
      throw new ArgumentError(
        'activation',
        `upsampleConv2d: expected a tfjs-layers activation name (selu, sigmoid, linear, relu, …); got '${name}'`,
        {
          cause: err,
        },
      );
    }
    activations.set(name, fn);
  }
  return fn;
}

/**
 * The filter of the transposed convolution, `[4, 4, co, ci]`, from the convolution's
 * `[3, 3, ci, co]`: (M ⊗ M) · filter as one matMul, differentiable, so gradients reach the 3×3 filter.
 */
export function upsampleConvFilter(filter: tf.Tensor4D): tf.Tensor4D {
  return tf.tidy(() => {
    const [, , ci, co] = filter.shape;
    const taps = tf.matMul(tf.tensor2d(M2, [16, 9]), tf.reshape(filter, [9, ci * co]));
    return tf.transpose(tf.reshape(taps, [4, 4, ci, co]), [0, 1, 3, 2]);
  });
}

function check(x: tf.Tensor, filter: tf.Tensor, bias: tf.Tensor | null): void {
  const ok =
    x.rank === 4 &&
    filter.rank === 4 &&
    filter.shape[0] === 3 &&
    filter.shape[1] === 3 &&
    filter.shape[2] === x.shape[3] &&
    (bias === null || (bias.rank === 1 && bias.shape[0] === filter.shape[3])) &&
    [x, filter, ...(bias === null ? [] : [bias])].every((t) => t.dtype === 'float32');
  if (!ok)
    throw new ArgumentError(
      'inputs',
      `upsampleConv2d: expected float32 x [n, h, w, ci], filter [3, 3, ci, co], bias [co] or none; got x [${x.shape}] ${x.dtype}, filter [${filter.shape}] ${filter.dtype}, bias ${bias === null ? 'none' : `[${bias.shape}] ${bias.dtype}`}`,
    );
}

/** The body of {@link upsampleConv2d}. */
function upsampleConv2d_(x: tf.Tensor, filter: tf.Tensor, bias: tf.Tensor | null, activation: string): tf.Tensor4D {
  check(x, filter, bias);
  const act = activationOf(activation);
  const [n, h, w] = x.shape as [number, number, number, number];
  const outputShape: [number, number, number, number] = [n, 2 * h, 2 * w, filter.shape[3] as number];
  const f4 = upsampleConvFilter(filter as tf.Tensor4D);
  // 'same' for a 4×4 filter, stride 2, from 2h to h: padding 1 on every side
  if (activation === 'selu' && hasFusedConvSelu()) return conv2dTransposeSelu(x, f4, bias, outputShape, [2, 2], 'same');
  const z = tf.conv2dTranspose(x as tf.Tensor4D, f4, outputShape, 2, 'same');
  return act.apply(bias === null ? z : tf.add(z, bias)) as tf.Tensor4D;
}

/**
 * act(conv2d(resizeNearestNeighbor(x, [2h, 2w]), filter, 1, 'same') + bias): what tfjs-layers'
 * `UpSampling2D({size: [2, 2]})` (nearest, the default) followed by a `Conv2D` with
 * `kernelSize: 3`, `strides: 1`, `padding: 'same'`, dilation 1, channelsLast and `activation`
 * computes, equal to float rounding, as one 4×4 stride-2 transposed convolution (see the module
 * comment). Inputs: float32 NHWC `x [n, h, w, ci]` (any n, h, w ≥ 1), `filter [3, 3, ci, co]`
 * (the Conv2D's kernel), `bias [co]` or null; `activation`: any name tfjs-layers' `activation`
 * option takes (`selu`, `sigmoid`, `linear`, `relu`, `elu`, `tanh`, `relu6`, `softplus`, …).
 * Output `[n, 2h, 2w, co]`. Differentiable with respect to x, filter and bias (tfjs's autodiff
 * of the ops it runs), on every backend; on aekit's native engine, selu runs the fused
 * transposed convolution + bias + SELU ({@link conv2dTransposeSelu}). Throws an ArgumentError for
 * another rank, a filter that is not 3×3, mismatched channels or bias, a non-float32 input, or an
 * unknown activation. {@link upsampleConvPays} says where it is faster than the two layers. A
 * tfjs op (`upsampleConv2d__op` in profiles).
 *
 * @example
 * const y = upsampleConv2d(x, conv.kernel.read(), conv.bias.read(), 'selu'); // [n, 2h, 2w, co]
 */
export const upsampleConv2d = tf.op({ upsampleConv2d_ });

/**
 * Output channels from which upsampleConv2d measured faster than the two layers on every shape
 * (bench/upsample-conv.mjs on the native engine, forward + backward, batch 32 and 128).
 */
export const UPSAMPLE_CONV_MIN_CHANNELS = 8;
/** Output pixels (n · 2h · 2w) from which it measured faster with fewer output channels. */
export const UPSAMPLE_CONV_MIN_PIXELS = 16384;

/**
 * Whether {@link upsampleConv2d} is faster than UpSampling2D(2×2) + Conv2D(3×3, 'same') for x
 * `[n, h, w, ci]` and filter `[3, 3, ci, co]` on aekit's native engine, forward and backward
 * together: a fixed rule from the shapes (never timed at run time), from bench/upsample-conv.mjs.
 * With co ≥ 8 output channels it measured 1.3–2× faster on every shape timed. With fewer, the
 * two layers run aekit's direct few-output-channel kernels and the op's few extra kernels (the
 * filter transform and its gradient) weigh on small outputs: it pays from 16,384 output pixels
 * (n · 2h · 2w; 16×16 → 32×32×3 at batch 32 ×1.3, at batch 128 ×1.7) and not below (8×8 →
 * 16×16×3 at batch 32 ×0.9–1.0, 4×4 → 8×8×3 ×0.8). False for shapes upsampleConv2d does not take.
 *
 * @example upsampleConvPays([32, 16, 16, 16], [3, 3, 16, 3]) // true: the bench model's last stage
 */
export function upsampleConvPays(xShape: readonly number[], filterShape: readonly number[]): boolean {
  if (xShape.length !== 4 || filterShape.length !== 4 || filterShape[0] !== 3 || filterShape[1] !== 3) return false;
  if (filterShape[2] !== xShape[3]) return false;
  const [n, h, w] = xShape;
  return filterShape[3] >= UPSAMPLE_CONV_MIN_CHANNELS || n * 2 * h * 2 * w >= UPSAMPLE_CONV_MIN_PIXELS;
}
