/**
 * aekit's `Conv2D` and `Conv2DTranspose`: tfjs's layers, run as one fused convolution + bias +
 * SELU op (forward and backward) where the engine has it.
 *
 * They are tfjs's own classes underneath — same weights, same config, saved under the class names
 * `Conv2D` and `Conv2DTranspose` — so a model that contains them loads anywhere tfjs runs (a
 * browser included) as plain tfjs layers. Importing this module registers them under those names,
 * so models aekit loads get the fast path too. `call` uses {@link conv2dSelu} /
 * {@link conv2dTransposeSelu} when the active backend has the fused kernels (aekit's native
 * engine) and the layer computes exactly what they do: activation selu, a 2-d convolution,
 * channelsLast, dilation 1, a float32 input. Anything else runs tfjs's implementation (tfjs fuses
 * relu, elu and linear itself).
 */
import * as tf from '../core/tf.js';
import { conv2dSelu, conv2dTransposeSelu, type FusedConvPadding, hasFusedConvSelu } from '../engine/fused-conv.js';

/** Arguments of {@link Conv2D} and {@link Conv2DTranspose}: those of `tf.layers.conv2d`. */
export type ConvLayerArgs = Parameters<typeof tf.layers.conv2d>[0];
type TfjsConv2D = ReturnType<typeof tf.layers.conv2d>;
type TfjsConv2DTranspose = ReturnType<typeof tf.layers.conv2dTranspose>;
type Kwargs = Parameters<TfjsConv2D['call']>[1];

/** The parts of tfjs's convolution layers the fused path reads (protected in tfjs's typings). */
interface ConvFields {
  rank: number;
  kernelSize: number[];
  filters: number;
  strides: number[];
  padding: string;
  dataFormat: string;
  dilationRate: number[] | number;
  activation: { getClassName(): string } | null;
  kernel: { read(): tf.Tensor };
  bias: { read(): tf.Tensor } | null;
}

// tfjs's classes, as registered for deserialization (tfjs-layers does not export the classes).
const classes = tf.serialization.SerializationMap.getMap().classNameMap;
const [BaseConv2D] = classes.Conv2D as unknown as [new (args: ConvLayerArgs) => TfjsConv2D];
const [BaseConv2DTranspose] = classes.Conv2DTranspose as unknown as [new (args: ConvLayerArgs) => TfjsConv2DTranspose];

/** The one input tensor of a call, or null when there is not exactly one. */
function oneInput(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor | null {
  if (!Array.isArray(inputs)) return inputs;
  return inputs.length === 1 ? inputs[0] : null;
}

/** Whether layer `l` with input `x` computes what the fused op computes. */
function fusable(l: ConvFields, x: tf.Tensor | null): x is tf.Tensor {
  const dil = l.dilationRate;
  return (
    x !== null &&
    x.rank === 4 &&
    x.dtype === 'float32' &&
    l.rank === 2 &&
    l.dataFormat === 'channelsLast' &&
    (l.padding === 'same' || l.padding === 'valid') &&
    (typeof dil === 'number' ? dil === 1 : dil.every((d) => d === 1)) &&
    l.activation?.getClassName() === 'selu' &&
    hasFusedConvSelu()
  );
}

/**
 * 2-D convolution layer (tfjs's `Conv2D`, input `[batch, h, w, channels]`); see the module
 * comment for when it runs fused.
 */
export class Conv2D extends BaseConv2D {
  /** Saved under tfjs's own name, so the saved model needs nothing from aekit to load. */
  static className = 'Conv2D';

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs): tf.Tensor | tf.Tensor[] {
    const l = this as unknown as ConvFields;
    const x = oneInput(inputs);
    if (!fusable(l, x)) return super.call(inputs, kwargs);
    return tf.tidy(() =>
      conv2dSelu(x, l.kernel.read(), l.bias?.read() ?? null, l.strides as [number, number], l.padding as FusedConvPadding),
    );
  }
}
tf.serialization.registerClass(Conv2D as unknown as tf.serialization.SerializableConstructor<Conv2D>);

/** Output size of a transposed convolution along one axis (tfjs-layers' `deconvLength`). */
function deconvLength(size: number, stride: number, kernel: number, padding: FusedConvPadding): number {
  return padding === 'valid' ? size * stride + Math.max(kernel - stride, 0) : size * stride;
}

/**
 * Transposed 2-D convolution layer (tfjs's `Conv2DTranspose`, input `[batch, h, w, channels]`);
 * see the module comment for when it runs fused.
 */
export class Conv2DTranspose extends BaseConv2DTranspose {
  /** Saved under tfjs's own name, so the saved model needs nothing from aekit to load. */
  static className = 'Conv2DTranspose';

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs): tf.Tensor | tf.Tensor[] {
    const l = this as unknown as ConvFields;
    const x = oneInput(inputs);
    if (!fusable(l, x)) return super.call(inputs, kwargs);
    const pad = l.padding as FusedConvPadding;
    const [sh, sw] = l.strides;
    const [kh, kw] = l.kernelSize;
    const [n, h, w] = x.shape;
    const outputShape: [number, number, number, number] = [n, deconvLength(h, sh, kh, pad), deconvLength(w, sw, kw, pad), l.filters];
    return tf.tidy(() => conv2dTransposeSelu(x, l.kernel.read(), l.bias?.read() ?? null, outputShape, [sh, sw], pad));
  }
}
tf.serialization.registerClass(Conv2DTranspose as unknown as tf.serialization.SerializableConstructor<Conv2DTranspose>);

/**
 * Builds an aekit {@link Conv2D} (what `tf.layers.conv2d` builds, with the fused path).
 *
 * @example
 * const layer = conv2d({ filters: 16, kernelSize: 3, padding: 'same', activation: 'selu' });
 */
export function conv2d(args: ConvLayerArgs): Conv2D {
  return new Conv2D(args);
}

/**
 * Builds an aekit {@link Conv2DTranspose} (what `tf.layers.conv2dTranspose` builds, with the fused path).
 *
 * @example
 * const layer = conv2dTranspose({ filters: 32, kernelSize: 3, strides: 2, padding: 'valid', activation: 'selu' });
 */
export function conv2dTranspose(args: ConvLayerArgs): Conv2DTranspose {
  return new Conv2DTranspose(args);
}
