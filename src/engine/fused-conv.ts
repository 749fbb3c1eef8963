/**
 * Convolution + bias + SELU as one op, forward and backward: the transposed convolution too.
 *
 * tfjs-layers fuses only relu, linear and elu into its convolutions, so a Conv2D layer with
 * `activation: 'selu'` (the seed's conv autoencoder) runs FusedConv2D (convolution + bias), then
 * Selu over the whole output; backward, the SELU gradient over the whole output, a Sum of it for
 * the bias gradient, then the input and filter gradients. A Conv2DTranspose layer runs
 * Conv2DBackpropInput, an Add for the bias and Selu; backward the same chain as Conv2D. Each of
 * those element-wise kernels reads and writes a tensor the size of the layer's output.
 * {@link conv2dSelu} and {@link conv2dTransposeSelu} compute the same functions with three kernels:
 *
 * - `AekitConv2DSelu` (inputs `x [n,h,w,ci]`, `filter [kh,kw,ci,co]`, optional `bias [co]`;
 *   attributes `strides`, `pad`): y = selu(conv2d(x, filter) + bias), one call;
 * - `AekitConv2DTransposeSelu` (inputs `x [n,h,w,ci]`, `filter [kh,kw,co,ci]`, optional
 *   `bias [co]`; attributes `outputShape [n,H,W,co]`, `strides`, `pad`):
 *   y = selu(conv2dTranspose(x, filter) + bias), one call;
 * - `AekitSeluBiasGrad` (inputs `dy`, `y`; outputs `dz` (y's shape) and `db` (`[co]`)):
 *   dz = dy · selu'(z) computed from the output y alone (selu'(z) = scale for y > 0, else
 *   y + scale·alpha, which is scale·alpha·e^z), and db = Σ dz over all but the channel axis, in
 *   one pass. The input and filter gradients then run on the engine's Conv2DBackpropInput /
 *   Conv2DBackpropFilter (Conv2D / Conv2DBackpropFilter for the transposed convolution), as in
 *   tfjs's own gradients.
 *
 * SELU is tfjs's: scale·z for z > 0, scale·alpha·(e^z − 1) otherwise (scale 1.0507009873554805,
 * alpha 1.6732632423543772). Only y is kept for the backward pass (not z). NHWC, dilation 1,
 * float32. aekit's native engine implements the kernels (`native.ts`); {@link hasFusedConvSelu}
 * says whether the active backend has them, and aekit's Conv2D / Conv2DTranspose layers
 * (`layers/conv.ts`) use this op where it applies. Second-order gradients through it are not
 * supported (the backward kernel has no gradient of its own).
 */

import { ArgumentError } from '../core/errors.js';
import * as tf from '../core/tf.js';

/** Name of the forward kernel of the convolution. */
export const CONV_SELU_KERNEL = 'AekitConv2DSelu';
/** Name of the forward kernel of the transposed convolution. */
export const CONV_TRANSPOSE_SELU_KERNEL = 'AekitConv2DTransposeSelu';
/** Name of the backward kernel shared by both: SELU's gradient and the bias gradient. */
export const SELU_BIAS_GRAD_KERNEL = 'AekitSeluBiasGrad';

/** The three kernels of the op. */
export const FUSED_CONV_KERNELS: readonly string[] = [CONV_SELU_KERNEL, CONV_TRANSPOSE_SELU_KERNEL, SELU_BIAS_GRAD_KERNEL];

/** Padding of the fused convolutions (tfjs-layers' Conv2D and Conv2DTranspose modes). */
export type FusedConvPadding = 'same' | 'valid';

let enabled = true;

/**
 * Turns the fused path off (`false`) or back on for aekit's conv layers, and returns the previous
 * setting: with it off they run tfjs's unfused kernels (to compare the two). On by default.
 */
export function setFusedConvSelu(on: boolean): boolean {
  const previous = enabled;
  enabled = on;
  return previous;
}

/** True when the fused path is on ({@link setFusedConvSelu}) and the active backend has all three kernels. */
export function hasFusedConvSelu(): boolean {
  if (!enabled) return false;
  const backend = tf.getBackend();
  return FUSED_CONV_KERNELS.every((k) => tf.getKernel(k, backend) !== undefined);
}

/** The attributes tfjs's convolution kernels take, for the gradients (NHWC, dilation 1). */
interface ConvAttrs {
  strides: [number, number];
  pad: FusedConvPadding;
}

/**
 * Throws unless x and filter are float32 and 4-d, the filter's axis `inAxis` has x's channels,
 * and bias is null or float32 `[filter.shape[outAxis]]`; `expected` describes the shapes.
 */
function checkInputs(
  what: string,
  expected: string,
  x: tf.Tensor,
  filter: tf.Tensor,
  bias: tf.Tensor | null,
  inAxis: number,
  outAxis: number,
): void {
  const ok =
    x.rank === 4 &&
    filter.rank === 4 &&
    filter.shape[inAxis] === x.shape[3] &&
    (bias === null || (bias.rank === 1 && bias.shape[0] === filter.shape[outAxis])) &&
    [x, filter, ...(bias === null ? [] : [bias])].every((t) => t.dtype === 'float32');
  if (!ok) {
    throw new ArgumentError(
      'inputs',
      `${what}: expected float32 ${expected}; got x [${x.shape}] ${x.dtype}, filter [${filter.shape}] ${filter.dtype}, bias ${bias === null ? 'none' : `[${bias.shape}] ${bias.dtype}`}`,
    );
  }
}

function needKernels(what: string): void {
  if (!hasFusedConvSelu())
    throw new Error(`${what}: backend '${tf.getBackend()}' has no ${FUSED_CONV_KERNELS.join(' / ')} kernels (use aekit's native engine)`);
}

const run = (kernel: string, inputs: Record<string, tf.Tensor>, attrs: object): tf.Tensor | tf.Tensor[] =>
  tf.engine().runKernel(kernel, inputs as unknown as tf.NamedTensorMap, attrs as unknown as tf.NamedAttrMap) as tf.Tensor | tf.Tensor[];

/** dz and db of y = selu(z), z = … + bias, from dy and y. */
function seluBiasGrad(dy: tf.Tensor, y: tf.Tensor): [tf.Tensor, tf.Tensor] {
  return run(SELU_BIAS_GRAD_KERNEL, { dy, y }, {}) as [tf.Tensor, tf.Tensor];
}

/**
 * The gradient of a fused kernel with inputs (x, filter[, bias]) and output y: the SELU and bias
 * gradient (one kernel) when tfjs asks for any input's gradient, then each input's gradient only
 * when asked for. A registered gradient (not `tf.customGrad`, which computes every input's
 * gradient) lets tfjs skip the input gradient of a model's first layer: its x is data, not a
 * function of the weights (that kernel was 3–7 % of the conv autoencoders' steps in the roofline).
 */
function registerFusedGradient(
  kernelName: string,
  grads: (dz: tf.Tensor, x: tf.Tensor, filter: tf.Tensor, attrs: tf.NamedAttrMap) => { x: () => tf.Tensor; filter: () => tf.Tensor },
): void {
  tf.registerGradient({
    kernelName,
    inputsToSave: ['x', 'filter'],
    outputsToSave: [true],
    gradFunc: (dy, saved, attrs) => {
      const [x, filter, y] = saved;
      // dz and db live until tfjs's backward scope ends, as every gradient tensor does
      const [dz, db] = seluBiasGrad(dy as tf.Tensor, y);
      return { ...grads(dz, x, filter, attrs as tf.NamedAttrMap), bias: () => db };
    },
  });
}

/** tfjs's attributes of the convolution kernels the gradients run, from a fused kernel's. */
const convAttrsOf = (attrs: tf.NamedAttrMap) => ({
  strides: attrs.strides as [number, number],
  pad: attrs.pad as FusedConvPadding,
  dataFormat: 'NHWC',
  dilations: 1,
  dimRoundingMode: undefined,
});

registerFusedGradient(CONV_SELU_KERNEL, (dz, x, filter, attrs) => ({
  x: () => run('Conv2DBackpropInput', { dy: dz, filter }, { ...convAttrsOf(attrs), inputShape: x.shape }) as tf.Tensor,
  filter: () => run('Conv2DBackpropFilter', { x, dy: dz }, { ...convAttrsOf(attrs), filterShape: filter.shape }) as tf.Tensor,
}));

// tfjs's gradient of Conv2DBackpropInput: dx = conv2d(dz, filter), dfilter = the filter gradient
// of that convolution, with dz as its input and x as its output gradient
registerFusedGradient(CONV_TRANSPOSE_SELU_KERNEL, (dz, x, filter, attrs) => ({
  x: () => run('Conv2D', { x: dz, filter }, convAttrsOf(attrs)) as tf.Tensor,
  filter: () => run('Conv2DBackpropFilter', { x: dz, dy: x }, { ...convAttrsOf(attrs), filterShape: filter.shape }) as tf.Tensor,
}));

/** The body of {@link conv2dSelu}. */
function conv2dSelu_(
  x: tf.Tensor,
  filter: tf.Tensor,
  bias: tf.Tensor | null,
  strides: [number, number],
  pad: FusedConvPadding,
): tf.Tensor4D {
  checkInputs('conv2dSelu', 'x [n, h, w, ci], filter [kh, kw, ci, co], bias [co] or none', x, filter, bias, 2, 3);
  needKernels('conv2dSelu');
  if (x.size === 0 || filter.size === 0) {
    // nothing to fuse (the kernels take non-empty convolutions): tfjs's ops
    const z = tf.conv2d(x as tf.Tensor4D, filter as tf.Tensor4D, strides, pad);
    return tf.selu(bias === null ? z : tf.add(z, bias)) as tf.Tensor4D;
  }
  const attrs: ConvAttrs = { strides, pad };
  return run(CONV_SELU_KERNEL, bias === null ? { x, filter } : { x, filter, bias }, attrs) as tf.Tensor4D;
}

/**
 * selu(conv2d(x, filter, strides, pad) + bias) for NHWC `x [n, h, w, ci]`, `filter [kh, kw, ci, co]`
 * and `bias [co]` (or null for none), dilation 1: what tfjs-layers' Conv2D with `activation: 'selu'`
 * computes. Differentiable with respect to all inputs. Needs the fused kernels ({@link hasFusedConvSelu}).
 * A tfjs op (its own scope, `conv2dSelu__op`, in profiles).
 *
 * @example
 * const y = conv2dSelu(x, layer.kernel.read(), layer.bias.read(), [1, 1], 'same');
 */
export const conv2dSelu = tf.op({ conv2dSelu_ });

/** The body of {@link conv2dTransposeSelu}. */
function conv2dTransposeSelu_(
  x: tf.Tensor,
  filter: tf.Tensor,
  bias: tf.Tensor | null,
  outputShape: [number, number, number, number],
  strides: [number, number],
  pad: FusedConvPadding,
): tf.Tensor4D {
  checkInputs('conv2dTransposeSelu', 'x [n, h, w, ci], filter [kh, kw, co, ci], bias [co] or none', x, filter, bias, 3, 2);
  // the transposed convolution is the input gradient of the convolution outputShape → x
  const conv =
    outputShape.length === 4 && outputShape[0] === x.shape[0] && outputShape[3] === filter.shape[2]
      ? tf.backend_util.computeConv2DInfo(outputShape, filter.shape as [number, number, number, number], strides, 1, pad)
      : null;
  if (conv === null || !tf.util.arraysEqual(conv.outShape, x.shape))
    throw new ArgumentError(
      'outputShape',
      `conv2dTransposeSelu: outputShape [${outputShape}] does not give x [${x.shape}] back with filter [${filter.shape}], strides [${strides}] and ${pad} padding`,
    );
  needKernels('conv2dTransposeSelu');
  if (x.size === 0 || filter.size === 0) {
    const z = tf.conv2dTranspose(x as tf.Tensor4D, filter as tf.Tensor4D, outputShape, strides, pad);
    return tf.selu(bias === null ? z : tf.add(z, bias)) as tf.Tensor4D;
  }
  const attrs = { strides, pad, outputShape };
  return run(CONV_TRANSPOSE_SELU_KERNEL, bias === null ? { x, filter } : { x, filter, bias }, attrs) as tf.Tensor4D;
}

/**
 * selu(conv2dTranspose(x, filter, outputShape, strides, pad) + bias) for NHWC `x [n, h, w, ci]`,
 * `filter [kh, kw, co, ci]`, `outputShape [n, H, W, co]` and `bias [co]` (or null for none): what
 * tfjs-layers' Conv2DTranspose with `activation: 'selu'` computes. Differentiable with respect to
 * all inputs. Needs the fused kernels ({@link hasFusedConvSelu}).
 */
export const conv2dTransposeSelu = tf.op({ conv2dTransposeSelu_ });
