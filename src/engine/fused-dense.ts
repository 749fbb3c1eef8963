/**
 * A chain of dense layers as one op, forward and backward.
 *
 * tfjs runs a Dense layer as _FusedMatMul (product + bias; relu, sigmoid and elu fused) and, for
 * SELU, a Selu over the output; its gradient as an activation gradient, a Sum for the bias, two
 * products and the reshapes around them: about 30 kernels per layer and training step, with the
 * optimizer's. On the small dense models people train on tables, each costs tfjs's dispatch
 * (5–10 µs) while its arithmetic costs less than a microsecond, so a step is dispatch-bound.
 * {@link denseChain} computes the whole chain with two kernels of aekit's native engine:
 *
 * - `AekitDenseChain` (inputs `x [rows, in]`, then per layer `k<i>` (its kernel) and `b<i>` (its
 *   bias, when it has one); attributes `activations`, `transposed`, `biases`, one entry per
 *   layer): y_i = act_i(y_{i−1}·K_i + b_i) (K_iᵀ for a transposed layer), outputs the last
 *   layer's y and a workspace holding the others' outputs side by side (rows × Σ units), which the
 *   backward kernel reads;
 * - `AekitDenseChainGrad` (inputs `dy`, `x`, `y`, `ws` and the kernels and biases): from the last
 *   layer back, dz_i = dy_i · act_i′ computed from y_i (as `AekitSeluBiasGrad` does), the bias
 *   gradient Σ_rows dz_i, the kernel gradient y_{i−1}ᵀ·dz_i (dz_iᵀ·y_{i−1} for a transposed layer)
 *   and dy_{i−1} = dz_i·K_iᵀ; outputs dz_0, then each layer's kernel and bias gradients. The
 *   gradient of x (dz_0·K_0ᵀ, one product) runs only when something asks for it: a first layer
 *   fed with data does not compute it.
 *
 * A kernel may appear in several layers (a tied autoencoder's DenseTranspose uses its partner's):
 * tfjs adds the gradients. Activations: linear, relu, sigmoid, elu and selu (tfjs's functions;
 * their derivatives follow from their outputs). Float32 only; an x of rank > 2 is treated as rows
 * of its last axis, as tfjs's Dense does. Second-order gradients are not supported. The op runs
 * on the backends that have both kernels ({@link hasFusedDenseChain}: aekit's native engine);
 * aekit's training step (`training/fused-step.ts`) uses it where a model's layers allow.
 */

import { ArgumentError } from '../core/errors.js';
import * as tf from '../core/tf.js';

/** Name of the forward kernel. */
export const DENSE_CHAIN_KERNEL = 'AekitDenseChain';
/** Name of the backward kernel. */
export const DENSE_CHAIN_GRAD_KERNEL = 'AekitDenseChainGrad';

/** Activations {@link denseChain} applies (tfjs-layers' names). */
export const DENSE_CHAIN_ACTIVATIONS = ['linear', 'relu', 'sigmoid', 'elu', 'selu'] as const;
/** One of {@link DENSE_CHAIN_ACTIVATIONS}. */
export type DenseChainActivation = (typeof DENSE_CHAIN_ACTIVATIONS)[number];

/** Most layers one op takes (tfjs saves a fixed number of a kernel's outputs for its gradient). */
export const DENSE_CHAIN_MAX_LAYERS = 64;

/** One layer of a {@link denseChain}. */
export interface DenseChainLayer {
  /** The kernel `[in, units]`, or `[units, in]` when `transposed`. */
  kernel: tf.Tensor;
  /** The bias `[units]`, or null for none. */
  bias: tf.Tensor | null;
  activation: DenseChainActivation;
  /** Multiply by the kernel's transpose (a DenseTranspose layer). Default false. */
  transposed?: boolean;
}

/** The attributes both kernels take: one entry per layer. */
export interface DenseChainAttrs {
  activations: DenseChainActivation[];
  transposed: boolean[];
  biases: boolean[];
}

/** True when the active backend has both kernels of the op. */
export function hasFusedDenseChain(): boolean {
  const backend = tf.getBackend();
  return tf.getKernel(DENSE_CHAIN_KERNEL, backend) !== undefined && tf.getKernel(DENSE_CHAIN_GRAD_KERNEL, backend) !== undefined;
}

/** The input size and units of layer `i` (its kernel read as `transposed` says). */
export function denseChainSizes(kernelShape: number[], transposed: boolean): { inputs: number; units: number } {
  return transposed ? { inputs: kernelShape[1], units: kernelShape[0] } : { inputs: kernelShape[0], units: kernelShape[1] };
}

function check(x: tf.Tensor, layers: DenseChainLayer[]): void {
  if (layers.length === 0 || layers.length > DENSE_CHAIN_MAX_LAYERS)
    throw new ArgumentError('layers', `denseChain: expected 1 to ${DENSE_CHAIN_MAX_LAYERS} layers, got ${layers.length}`);
  if (x.dtype !== 'float32' || x.rank < 2)
    throw new ArgumentError('x', `denseChain: expected a float32 tensor of rank ≥ 2, got ${x.dtype} [${x.shape.join(', ')}]`);
  let width = x.shape[x.rank - 1];
  layers.forEach((l, i) => {
    if (!(DENSE_CHAIN_ACTIVATIONS as readonly string[]).includes(l.activation))
      throw new ArgumentError(
        'activation',
        `denseChain: layer ${i}'s activation must be one of ${DENSE_CHAIN_ACTIVATIONS.join(', ')}, got '${l.activation}'`,
      );
    if (l.kernel.dtype !== 'float32' || l.kernel.rank !== 2)
      throw new ArgumentError(
        'kernel',
        `denseChain: layer ${i}'s kernel must be float32 and 2-d, got ${l.kernel.dtype} [${l.kernel.shape.join(', ')}]`,
      );
    const { inputs, units } = denseChainSizes(l.kernel.shape, l.transposed === true);
    if (inputs !== width)
      throw new ArgumentError(
        'kernel',
        `denseChain: layer ${i}'s kernel [${l.kernel.shape.join(', ')}] takes ${inputs} inputs, its input has ${width}`,
      );
    if (l.bias !== null && (l.bias.dtype !== 'float32' || l.bias.rank !== 1 || l.bias.shape[0] !== units))
      throw new ArgumentError(
        'bias',
        `denseChain: layer ${i}'s bias must be float32 [${units}], got ${l.bias.dtype} [${l.bias.shape.join(', ')}]`,
      );
    width = units;
  });
}

/**
 * The chain `layers` applied to x: y = act_n(… act_1(x·K_1 + b_1) … ·K_n + b_n), as one op with
 * one backward kernel (see the module's comment). Throws an ArgumentError naming the layer for
 * inconsistent shapes or an unknown activation, and an Error on a backend without the kernels.
 *
 * @example
 * const y = denseChain(x, [{ kernel: k1, bias: b1, activation: 'selu' }, { kernel: k2, bias: b2, activation: 'linear' }]);
 */
export function denseChain(x: tf.Tensor, layers: DenseChainLayer[]): tf.Tensor {
  check(x, layers);
  if (!hasFusedDenseChain()) throw new Error(`denseChain: backend '${tf.getBackend()}' has no ${DENSE_CHAIN_KERNEL} kernel`);
  const lead = x.shape.slice(0, -1);
  const rows = lead.reduce((a, b) => a * b, 1);
  const attrs: DenseChainAttrs = {
    activations: layers.map((l) => l.activation),
    transposed: layers.map((l) => l.transposed === true),
    biases: layers.map((l) => l.bias !== null),
  };
  const x2 = x.rank === 2 ? x : tf.reshape(x, [rows, x.shape[x.rank - 1]]);
  const inputs: Record<string, tf.Tensor> = { x: x2 };
  layers.forEach((l, i) => {
    inputs[`k${i}`] = l.kernel;
    if (l.bias !== null) inputs[`b${i}`] = l.bias;
  });
  const y = runChain(inputs, attrs);
  if (x2 !== x) x2.dispose();
  const units = y.shape[1] as number;
  if (x.rank === 2) return y;
  const out = tf.reshape(y, [...lead, units]);
  y.dispose();
  return out;
}

/** What tfjs's engine takes to run a function with its own gradient (its `runKernelFunc`, private in its typings). */
interface KernelFuncParams {
  forwardFunc: (backend: unknown, save: (tensors: tf.Tensor[]) => void) => tf.Tensor;
  backwardsFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => Record<string, () => tf.Tensor>;
  inputs: Record<string, tf.Tensor>;
}

/**
 * Runs the forward kernel as one node of tfjs's tape whose gradient is the backward kernel: every
 * weight's gradient from one run of it, x's (dz_0·K_0ᵀ, one product) only when tfjs asks for it
 * (it calls an input's closure only when that input needs a gradient). This is the mechanism
 * behind `tf.customGrad`, used directly because customGrad computes every input's gradient.
 */
function runChain(inputs: Record<string, tf.Tensor>, attrs: DenseChainAttrs): tf.Tensor {
  const names = Object.keys(inputs);
  const engine = tf.engine() as unknown as { runKernelFunc(p: KernelFuncParams): tf.Tensor };
  return engine.runKernelFunc({
    inputs,
    forwardFunc: (_backend, save) => {
      const [y, ws] = tf
        .engine()
        .runKernel(DENSE_CHAIN_KERNEL, inputs as tf.NamedTensorMap, attrs as unknown as tf.NamedAttrMap) as tf.Tensor[];
      save([...names.map((n) => inputs[n]), y, ws]);
      return y;
    },
    backwardsFunc: (dy, saved) => {
      const gradInputs: Record<string, tf.Tensor> = { dy, y: saved[names.length], ws: saved[names.length + 1] };
      names.forEach((n, i) => {
        gradInputs[n] = saved[i];
      });
      const [dz0, ...grads] = tf
        .engine()
        .runKernel(DENSE_CHAIN_GRAD_KERNEL, gradInputs as tf.NamedTensorMap, attrs as unknown as tf.NamedAttrMap) as tf.Tensor[];
      // grads: each layer's kernel gradient, then its bias gradient when it has a bias — the order of the weights in `names`
      const out: Record<string, () => tf.Tensor> = { x: () => tf.matMul(dz0, gradInputs.k0, false, !attrs.transposed[0]) };
      names.slice(1).forEach((n, i) => {
        out[n] = () => grads[i];
      });
      return out;
    },
  });
}
