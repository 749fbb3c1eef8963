/**
 * A one-kernel gradient for `Selu`.
 *
 * tfjs-core's registered gradient of `Selu` is a composite of seven full-size ops (Greater, Cast,
 * Exp, three Multiply, Select), each allocating and writing a tensor the size of the activation.
 * aekit replaces it (globally, for every backend) with a gradient that runs one kernel,
 * `AekitSeluGrad` (inputs `dy`, `x`; output `dx`), when that kernel exists for the active backend
 * and both inputs are float32, and otherwise computes tfjs's composite formula, op for op (so
 * backends without the kernel — webgl, tensorflow — behave exactly as before).
 *
 *   dx = x > 0 ? dy · scale : (dy · scale·alpha) · exp(x)
 *
 * The kernel is provided here for `cpu` and `wasm` (plain loops; on wasm in place on the heap) and
 * in C++ for aekit's `native` engine (see `native.ts`). Second-order gradients through it are not
 * supported (the kernel has no gradient of its own).
 */

import type { KernelConfig, KernelFunc, TensorInfo } from '../core/tf.js';
import * as tf from '../core/tf.js';

/** Name of the fused kernel: inputs `{dy, x}`, no attributes, output `dx` (float32, x's shape). */
export const SELU_GRAD_KERNEL = 'AekitSeluGrad';

/** tfjs's SELU constants (tfjs-core `selu_util`). */
export const SELU_SCALE = 1.0507009873554805;
export const SELU_SCALEALPHA = 1.7580993408473768;

const SCALE32 = Math.fround(SELU_SCALE);
const SCALEALPHA32 = Math.fround(SELU_SCALEALPHA);

/**
 * dx = selu'(x) · dy over flat arrays, rounding to float32 where tfjs's composite does
 * (dy·scale·alpha, then times exp(x)); exported for tests.
 */
export function seluGradInto(dx: Float32Array, dy: Float32Array, x: Float32Array): void {
  for (let i = 0; i < dx.length; i++) {
    const v = x[i];
    dx[i] = v > 0 ? dy[i] * SCALE32 : Math.fround(dy[i] * SCALEALPHA32) * Math.fround(Math.exp(v));
  }
}

/** tfjs-core's composite SELU gradient, op for op (the fallback, and the reference in tests). */
export function seluGradComposite(dy: tf.Tensor, x: tf.Tensor): tf.Tensor {
  const mask = tf.greater(x, tf.scalar(0));
  const greaterThanZeroDer = tf.mul(dy, tf.scalar(SELU_SCALE));
  const lessEqualZeroDer = tf.mul(tf.mul(dy, tf.scalar(SELU_SCALEALPHA)), tf.exp(tf.cast(x, 'float32')));
  return tf.where(mask, greaterThanZeroDer, lessEqualZeroDer);
}

/** The gradient aekit registers for `Selu`: the fused kernel where it exists, else the composite. */
export function seluGrad(dy: tf.Tensor, x: tf.Tensor): tf.Tensor {
  if (
    dy.dtype === 'float32' &&
    x.dtype === 'float32' &&
    tf.util.arraysEqual(dy.shape, x.shape) &&
    tf.getKernel(SELU_GRAD_KERNEL, tf.getBackend()) !== undefined
  ) {
    return tf.engine().runKernel(SELU_GRAD_KERNEL, { dy, x } as unknown as tf.NamedTensorMap, {}) as tf.Tensor;
  }
  return seluGradComposite(dy, x);
}

// ---------------------------------------------------------------------------------------------
// Kernels

/** The part of tfjs's wasm backend the kernel uses (public methods of `BackendWasm`). */
interface WasmHeapBackend {
  makeOutput(shape: number[], dtype: 'float32'): TensorInfo;
  typedArrayFromHeap(info: TensorInfo): Float32Array;
}

const wasmSeluGrad: KernelFunc = ({ inputs, backend }) => {
  const { dy, x } = inputs as { dy: TensorInfo; x: TensorInfo };
  const wasm = backend as unknown as WasmHeapBackend;
  const out = wasm.makeOutput(x.shape, 'float32');
  seluGradInto(wasm.typedArrayFromHeap(out), wasm.typedArrayFromHeap(dy), wasm.typedArrayFromHeap(x));
  return out;
};

/** The part of tfjs's cpu backend the kernel uses. */
interface CpuBackend {
  data: { get(dataId: object): { values: Float32Array } };
  makeTensorInfo(shape: number[], dtype: 'float32', values: Float32Array): TensorInfo;
}

const cpuSeluGrad: KernelFunc = ({ inputs, backend }) => {
  const { dy, x } = inputs as { dy: TensorInfo; x: TensorInfo };
  const cpu = backend as unknown as CpuBackend;
  const dx = new Float32Array(tf.util.sizeFromShape(x.shape));
  seluGradInto(dx, cpu.data.get(dy.dataId).values, cpu.data.get(x.dataId).values);
  return cpu.makeTensorInfo(x.shape, 'float32', dx);
};

/** The JS kernels (the native engine adds its own C++ one, see `native.ts`). */
export const seluGradKernelConfigs: KernelConfig[] = [
  { kernelName: SELU_GRAD_KERNEL, backendName: 'wasm', kernelFunc: wasmSeluGrad },
  { kernelName: SELU_GRAD_KERNEL, backendName: 'cpu', kernelFunc: cpuSeluGrad },
];

let registered = false;

/** Registers the fused SELU gradient and its cpu/wasm kernels (idempotent). */
export function registerSeluGradient(): void {
  if (registered) return;
  for (const k of seluGradKernelConfigs) {
    if (tf.getKernel(k.kernelName, k.backendName) === undefined) tf.registerKernel(k);
  }
  tf.registerGradient({
    kernelName: 'Selu',
    inputsToSave: ['x'],
    gradFunc: (dy, saved) => {
      const [x] = saved;
      return { x: () => seluGrad(dy as tf.Tensor, x) };
    },
  });
  registered = true;
}
