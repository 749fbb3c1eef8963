/**
 * aekit's native engine: a tfjs backend named `native` that keeps tensors in tfjs's wasm heap
 * and runs the heavy kernels of convolutional training in a C++ addon (oneDNN convolutions,
 * multi-threaded pooling, reductions and element-wise ops; see `native/`, one C++ file per concern).
 *
 * The backend is a second `BackendWasm` over the same wasm module as tfjs's `wasm` backend: it
 * gets a copy of every wasm kernel, and the kernels below replace the ones that dominate a
 * training step. The addon reads and writes the wasm heap in place (no copies); a case it
 * does not handle (another dtype, NCHW, an unusual broadcast) runs the wasm kernel instead.
 * `backend.ts` loads this module on first use of the `native` or `auto` backend.
 */

import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { AekitError } from '../core/errors.js';
import type { KernelConfig, KernelFunc, NamedAttrMap, TensorInfo } from '../core/tf.js';
import * as tf from '../core/tf.js';
import { BackendError } from './errors.js';
import { CONV_SELU_KERNEL, CONV_TRANSPOSE_SELU_KERNEL, SELU_BIAS_GRAD_KERNEL } from './fused-conv.js';
import { DENSE_CHAIN_GRAD_KERNEL, DENSE_CHAIN_KERNEL, type DenseChainAttrs, denseChainSizes } from './fused-dense.js';
import { BCE_GRAD_KERNEL, BCE_KERNEL, bceGradNotFinite, MSE_GRAD_KERNEL, MSE_KERNEL } from './fused-loss.js';
import { LSTM_GRAD_KERNEL, LSTM_KERNEL } from './fused-lstm.js';
import { ADAM_KERNEL, SGD_KERNEL } from './fused-optimizers.js';
import { type BINARY_OPS, checkOpTables, type NativeOpTables, opCode, type UNARY_OPS } from './native-ops.js';
import { resizeNearestGradTargets, resizeNearestSources } from './resize-nearest.js';
import { nativeConvFormat, nativeThreads } from './threads.js';
import { registerWasmKernels } from './wasm-kernels.js';

/**
 * The functions of `native/build/aekit_native.node` (offsets are byte offsets into `heap`), and
 * its op code tables. Each function checks its argument count, its numbers and that every buffer
 * lies inside `heap`, and throws an Error (`code` ERR_AEKIT_NATIVE_ARGUMENT; a TypeError for a
 * wrong type) naming the function and the argument otherwise; a failure inside (oneDNN, memory)
 * throws with `code` ERR_AEKIT_NATIVE_FAILURE. Those are bugs of the caller or the machine:
 * `false` is the answer for a case the addon does not handle.
 */
export interface NativeAddon extends NativeOpTables {
  /** y = act(conv(x) + bias), `geoActAlpha` the 17 numbers of the geometry, the activation's code and leakyrelu's slope. */
  conv2dForward(heap: ArrayBuffer, x: number, w: number, bias: number, y: number, ...geoActAlpha: number[]): boolean;
  conv2dBackwardData(heap: ArrayBuffer, dy: number, w: number, dx: number, ...geo: number[]): boolean;
  conv2dBackwardFilter(heap: ArrayBuffer, x: number, dy: number, dw: number, ...geo: number[]): boolean;
  /** y = act(convT(x) + bias): the input gradient of the convolution `geo` (whose output has x's shape), bias and act (and leakyrelu's slope) in the same call. */
  conv2dTranspose(heap: ArrayBuffer, x: number, w: number, bias: number, y: number, ...geoActAlpha: number[]): boolean;
  maxPool(heap: ArrayBuffer, x: number, y: number, ...geo: number[]): boolean;
  maxPoolGrad(heap: ArrayBuffer, dy: number, x: number, dx: number, ...geo: number[]): boolean;
  /** y[b, i, j] = x[b, rows[i], cols[j]] (NHWC; rows, cols: int32 tables of input indices, see `resize-nearest.ts`). */
  resizeNearest(heap: ArrayBuffer, x: number, y: number, rows: number, cols: number, ...geo: number[]): boolean;
  /** dx[b, q, p] = Σ dy[b, i, j] over rows[i] = q, cols[j] = p (an entry -1 adds nowhere). */
  resizeNearestGrad(heap: ArrayBuffer, dy: number, dx: number, rows: number, cols: number, ...geo: number[]): boolean;
  unary(heap: ArrayBuffer, op: number, x: number, y: number, n: number): boolean;
  binary(heap: ArrayBuffer, op: number, a: number, na: number, b: number, nb: number, y: number, n: number): boolean;
  select(heap: ArrayBuffer, cond: number, t: number, e: number, y: number, n: number): boolean;
  seluGrad(heap: ArrayBuffer, dy: number, x: number, dx: number, n: number): boolean;
  /**
   * dz = dy · act'(z) from the output y = act(z) (linear, relu, sigmoid, elu, selu, leakyrelu with
   * alpha > 0), and db = Σ_rows dz unless db is -1 (rows × channels, channels innermost).
   */
  activationBiasGrad(
    heap: ArrayBuffer,
    dy: number,
    y: number,
    dz: number,
    db: number,
    rows: number,
    channels: number,
    act: number,
    alpha: number,
  ): boolean;
  sumOuter(heap: ArrayBuffer, x: number, y: number, outer: number, inner: number): boolean;
  sumInner(heap: ArrayBuffer, x: number, y: number, outer: number, inner: number): boolean;
  matMul(
    heap: ArrayBuffer,
    a: number,
    b: number,
    y: number,
    batch: number,
    batchA: number,
    batchB: number,
    m: number,
    n: number,
    k: number,
    transposeA: number,
    transposeB: number,
    bias: number,
    activation: number,
    alpha: number,
  ): boolean;
  lstmForward(
    heap: ArrayBuffer,
    x: number,
    kernel: number,
    recurrentKernel: number,
    bias: number,
    h: number,
    c: number,
    gates: number,
    batch: number,
    steps: number,
    features: number,
    units: number,
  ): boolean;
  lstmBackward(
    heap: ArrayBuffer,
    dy: number,
    x: number,
    kernel: number,
    recurrentKernel: number,
    h: number,
    c: number,
    gates: number,
    dx: number,
    dKernel: number,
    dRecurrentKernel: number,
    dBias: number,
    batch: number,
    steps: number,
    features: number,
    units: number,
    sequences: number,
  ): boolean;
  /** One Adam step of a variable (see `fused-optimizers.ts`); x1, m1, v1 are new buffers. */
  adam(
    heap: ArrayBuffer,
    x: number,
    m: number,
    v: number,
    g: number,
    accBeta1: number,
    accBeta2: number,
    x1: number,
    m1: number,
    v1: number,
    n: number,
    beta1: number,
    beta2: number,
    epsilon: number,
    lr: number,
  ): boolean;
  /** out[0] = the mean over n ≥ 1 values of −(z·ln p′ + (1 − z)·ln(1 − p′)), p′ = p clipped to [1e-7, 1 − 1e-7]. */
  bceForward(heap: ArrayBuffer, z: number, p: number, n: number, out: number): boolean;
  /** dp = g·(p − z)/(p·(1 − p)) where 1e-7 ≤ p ≤ 1 − 1e-7 (float32 bounds, inclusive), else 0; g finite. */
  bceGrad(heap: ArrayBuffer, g: number, z: number, p: number, dp: number, n: number): boolean;
  /** out[0] = the mean over n ≥ 1 values of (p − z)². */
  mseForward(heap: ArrayBuffer, z: number, p: number, n: number, out: number): boolean;
  /** dp = 2g·(p − z); g finite. */
  mseGrad(heap: ArrayBuffer, g: number, z: number, p: number, dp: number, n: number): boolean;
  /** x1 = c[0]·g + x, tfjs's SGD step (see `fused-optimizers.ts`). */
  sgd(heap: ArrayBuffer, x: number, g: number, c: number, x1: number, n: number): boolean;
  setThreads(n: number): boolean;
  info(): string;
}

/** Name of the tfjs backend this module registers. */
export const NATIVE_BACKEND = 'native';

/**
 * Where the addon is built (`npm install` runs `node native/build.mjs --optional`); the
 * environment variable AEKIT_NATIVE_ADDON points elsewhere (to compare two builds).
 */
export const NATIVE_ADDON_PATH =
  process.env.AEKIT_NATIVE_ADDON || fileURLToPath(new URL('../../native/build/aekit_native.node', import.meta.url));

/** How to build the addon, for error messages. */
export const NATIVE_BUILD_HINT = 'build it with `npm run build:native` (needs g++ and `apt-get install libdnnl-dev`)';

let addon: NativeAddon | undefined;
let loadError: Error | undefined;

/**
 * Loads the C++ addon (once) and returns it; throws a {@link BackendError} saying how to build it
 * when it is missing or cannot load.
 */
export function loadNativeAddon(): NativeAddon {
  if (addon !== undefined) return addon;
  if (loadError !== undefined) throw loadError;
  // outside the try: a bad AEKIT_THREADS or AEKIT_NATIVE_CONV_FORMAT is refused, not turned into a fallback
  const threads = nativeThreads();
  nativeConvFormat();
  try {
    if (!existsSync(NATIVE_ADDON_PATH)) throw new Error(`${NATIVE_ADDON_PATH} does not exist`);
    // Loading the addon is safe on any x86-64 CPU: it picks its kernels' instruction set itself,
    // and refuses to load (ERR_AEKIT_NATIVE_CPU) on a CPU without AVX2 (native/isa.h).
    // Idle OpenMP workers sleep instead of spinning: on a busy 2-core machine spinning workers
    // made a training step 10× slower (measured); must be set before the runtime loads.
    process.env.OMP_WAIT_POLICY ??= 'passive';
    const mod = createRequire(import.meta.url)(NATIVE_ADDON_PATH) as NativeAddon;
    checkOpTables(mod);
    mod.setThreads(threads);
    addon = mod;
    return mod;
  } catch (err) {
    const message = (err as Error).message.split('\n')[0];
    const code = (err as { code?: string }).code;
    const reason = message.replace(/^aekit native: /, '');
    // AEKIT_NATIVE_ISA asking for kernels this CPU or build lacks is refused, not a fallback.
    if (code === 'ERR_AEKIT_NATIVE_ISA') loadError = new AekitError(reason, { code: 'E_ENVIRONMENT' });
    // A CPU without AVX2 (ERR_AEKIT_NATIVE_CPU): wasm, saying what it lacks; a rebuild would not help.
    else if (code === 'ERR_AEKIT_NATIVE_CPU') loadError = new BackendError(`native addon not loaded: ${reason}`);
    else loadError = new BackendError(`native addon not loaded: ${message}; ${NATIVE_BUILD_HINT}`);
    throw loadError;
  }
}

/** One instruction set of the addon's own kernels (native/isa.h). */
export interface NativeIsa {
  /** As AEKIT_NATIVE_ISA names it: `avx2`, `avx512`. */
  name: string;
  /** For people: `AVX2`, `AVX-512`. */
  label: string;
  /** Whether this build has its kernels (the build log says why not). */
  compiled: boolean;
  /** What this CPU or its OS lacks to run them (CPUID names as in /proc/cpuinfo); empty: it runs them. */
  missing: string[];
}

/** Engine facts: threads, oneDNN's version, the last convolution's implementation, the kernels' instruction set. */
export interface NativeInfo {
  threads: number;
  onednn: string;
  lastImpl: string;
  /** The instruction set whose kernels run (`avx2`, `avx512`), chosen when the addon loaded. */
  isa: string;
  isaLabel: string;
  /** True when AEKIT_NATIVE_ISA chose it. */
  isaForced: boolean;
  /** Every instruction set the addon knows, lowest first. */
  isas: NativeIsa[];
}

/** Engine facts for the description line and tests. */
export function nativeInfo(): NativeInfo {
  return JSON.parse(loadNativeAddon().info()) as NativeInfo;
}

// ---------------------------------------------------------------------------------------------
// Kernels

type Backend = BackendWasm;
type Attrs = NamedAttrMap & Record<string, unknown>;
/** A native kernel: returns its output, or null to let the wasm kernel handle the case. */
type NativeKernel = (inputs: Record<string, TensorInfo>, backend: Backend, attrs: Attrs, a: NativeAddon) => TensorInfo | null;

const off = (b: Backend, t: TensorInfo): number => b.getMemoryOffset(t.dataId);
const heap = (b: Backend): ArrayBuffer => (b.wasm as unknown as { HEAPU8: Uint8Array }).HEAPU8.buffer as ArrayBuffer;
const size = (t: TensorInfo): number => tf.util.sizeFromShape(t.shape);
/** Writes zeros into `t` (an output whose computation has no terms) and returns it. */
const zeros = (b: Backend, t: TensorInfo): TensorInfo => {
  new Float32Array(heap(b), off(b, t), size(t)).fill(0);
  return t;
};
const f32 = (...ts: (TensorInfo | undefined)[]): boolean => ts.every((t) => t === undefined || t.dtype === 'float32');
/** Frees an output made before finding that the wasm kernel must run; returns null for that. */
const discard = (b: Backend, t: TensorInfo): null => {
  b.disposeData(t.dataId);
  return null;
};

/** Conv geometry in the order the addon reads it; bottom/right padding make the output size exact. */
function geometry(c: tf.backend_util.Conv2DInfo): number[] {
  const effH = (c.filterHeight - 1) * c.dilationHeight + 1;
  const effW = (c.filterWidth - 1) * c.dilationWidth + 1;
  const { top, left } = c.padInfo;
  const bottom = (c.outHeight - 1) * c.strideHeight + effH - c.inHeight - top;
  const right = (c.outWidth - 1) * c.strideWidth + effW - c.inWidth - left;
  return [
    c.batchSize,
    c.inHeight,
    c.inWidth,
    c.inChannels,
    c.outHeight,
    c.outWidth,
    c.outChannels,
    c.filterHeight,
    c.filterWidth,
    c.strideHeight,
    c.strideWidth,
    c.dilationHeight,
    c.dilationWidth,
    top,
    left,
    bottom,
    right,
  ];
}

type Shape4 = [number, number, number, number];

function convInfo(xShape: number[], filterShape: number[], attrs: Attrs): tf.backend_util.Conv2DInfo | null {
  if (attrs.dataFormat === 'NCHW' || xShape.length !== 4) return null;
  const dil = (attrs.dilations ?? 1) as number | [number, number];
  return tf.backend_util.computeConv2DInfo(
    xShape as Shape4,
    filterShape as Shape4,
    attrs.strides as [number, number],
    dil,
    attrs.pad as 'same',
    attrs.dimRoundingMode as 'floor' | undefined,
    false,
    'channelsLast',
  );
}

const conv2D: NativeKernel = ({ x, filter }, b, attrs, a) => {
  if (!f32(x, filter)) return null;
  const c = convInfo(x.shape, filter.shape, attrs);
  if (c === null) return null;
  const y = b.makeOutput(c.outShape, 'float32');
  if (size(y) === 0) return y;
  if (size(x) === 0 || size(filter) === 0) return discard(b, y); // the addon takes sizes ≥ 1
  if (a.conv2dForward(heap(b), off(b, x), off(b, filter), -1, off(b, y), ...geometry(c), a.activations.linear, 0)) return y;
  b.disposeData(y.dataId);
  return null;
};

/** FusedConv2D with a bias and any activation of tfjs's but prelu (leakyrelu with its `leakyreluAlpha`). */
const fusedConv2D: NativeKernel = ({ x, filter, bias, preluActivationWeights }, b, attrs, a) => {
  const name = (attrs.activation as string | null | undefined) ?? 'linear';
  // tfjs's FusedConv2D knows no selu: aekit's own AekitConv2DSelu is the selu convolution
  const act = name === 'selu' ? undefined : opCode(a.activations, name);
  const alpha = Number(attrs.leakyreluAlpha ?? 0.2); // tfjs's default slope; the addon takes a finite one
  if (act === undefined || !Number.isFinite(alpha) || preluActivationWeights !== undefined || !f32(x, filter, bias)) return null;
  const c = convInfo(x.shape, filter.shape, attrs);
  if (c === null || (bias !== undefined && size(bias) !== c.outChannels)) return null;
  const y = b.makeOutput(c.outShape, 'float32');
  if (size(y) === 0) return y;
  if (size(x) === 0 || size(filter) === 0) return discard(b, y);
  const biasOff = bias === undefined ? -1 : off(b, bias);
  if (a.conv2dForward(heap(b), off(b, x), off(b, filter), biasOff, off(b, y), ...geometry(c), act, alpha)) return y;
  b.disposeData(y.dataId);
  return null;
};

const conv2DBackpropInput: NativeKernel = ({ dy, filter }, b, attrs, a) => {
  if (!f32(dy, filter)) return null;
  const c = convInfo(attrs.inputShape as number[], filter.shape, { ...attrs, dilations: 1 });
  if (c === null) return null;
  const dx = b.makeOutput(c.inShape as number[], 'float32');
  if (size(dx) === 0) return dx;
  if (size(dy) === 0) return zeros(b, dx);
  if (size(filter) === 0) return discard(b, dx);
  if (a.conv2dBackwardData(heap(b), off(b, dy), off(b, filter), off(b, dx), ...geometry(c))) return dx;
  b.disposeData(dx.dataId);
  return null;
};

const conv2DBackpropFilter: NativeKernel = ({ x, dy }, b, attrs, a) => {
  if (!f32(x, dy)) return null;
  const c = convInfo(x.shape, attrs.filterShape as number[], { ...attrs, dilations: 1 });
  if (c === null) return null;
  const dw = b.makeOutput(attrs.filterShape as number[], 'float32');
  if (size(dw) === 0) return dw;
  if (size(dy) === 0 || size(x) === 0) return zeros(b, dw);
  if (a.conv2dBackwardFilter(heap(b), off(b, x), off(b, dy), off(b, dw), ...geometry(c))) return dw;
  b.disposeData(dw.dataId);
  return null;
};

function poolGeometry(xShape: number[], attrs: Attrs): { geo: number[]; outShape: number[] } | null {
  if (xShape.length !== 4) return null;
  const c = tf.backend_util.computePool2DInfo(
    xShape as Shape4,
    attrs.filterSize as [number, number],
    attrs.strides as [number, number],
    1,
    attrs.pad as 'same',
    attrs.dimRoundingMode as 'floor' | undefined,
  );
  if (c.dilationHeight !== 1 || c.dilationWidth !== 1) return null;
  return {
    geo: [
      c.batchSize,
      c.inHeight,
      c.inWidth,
      c.inChannels,
      c.outHeight,
      c.outWidth,
      c.filterHeight,
      c.filterWidth,
      c.strideHeight,
      c.strideWidth,
      c.padInfo.top,
      c.padInfo.left,
    ],
    outShape: c.outShape,
  };
}

const maxPool: NativeKernel = ({ x }, b, attrs, a) => {
  if (!f32(x)) return null;
  const p = poolGeometry(x.shape, attrs);
  if (p === null) return null;
  const y = b.makeOutput(p.outShape, 'float32');
  if (size(y) === 0) return y;
  if (size(x) === 0) return discard(b, y);
  a.maxPool(heap(b), off(b, x), off(b, y), ...p.geo);
  return y;
};

const maxPoolGrad: NativeKernel = ({ dy, input }, b, attrs, a) => {
  if (!f32(dy, input)) return null;
  const p = poolGeometry(input.shape, attrs);
  if (p === null) return null;
  const dx = b.makeOutput(input.shape, 'float32');
  if (size(dx) === 0) return dx;
  a.maxPoolGrad(heap(b), off(b, dy), off(b, input), off(b, dx), ...p.geo);
  return dx;
};

/**
 * Runs `f` with an index table of rows and one of columns in the heap (int32, the byte offsets
 * of both), freed when `f` returns.
 */
function withIndexTables<T>(b: Backend, rows: Int32Array, cols: Int32Array, f: (rowsOff: number, colsOff: number) => T): T {
  const t = b.makeOutput([rows.length + cols.length], 'int32');
  try {
    const at = off(b, t);
    const view = new Int32Array(heap(b), at, rows.length + cols.length);
    view.set(rows);
    view.set(cols, rows.length);
    return f(at, at + 4 * rows.length);
  } finally {
    b.disposeData(t.dataId);
  }
}

/** ResizeNearestNeighbor of float32 NHWC images; tfjs's index formulas (`resize-nearest.ts`). */
const resizeNearestNeighbor: NativeKernel = ({ images }, b, attrs, a) => {
  if (!f32(images) || images.shape.length !== 4) return null;
  const [n, h, w, c] = images.shape;
  const [oh, ow] = attrs.size as [number, number];
  const y = b.makeOutput([n, oh, ow, c], 'float32');
  if (size(y) === 0) return y;
  if (size(images) === 0) return discard(b, y); // no pixel to read
  const ac = attrs.alignCorners === true,
    hpc = attrs.halfPixelCenters === true;
  const rows = resizeNearestSources(h, oh, ac, hpc),
    cols = resizeNearestSources(w, ow, ac, hpc);
  if (withIndexTables(b, rows, cols, (r, q) => a.resizeNearest(heap(b), off(b, images), off(b, y), r, q, n, h, w, c, oh, ow))) return y;
  return discard(b, y);
};

/**
 * ResizeNearestNeighborGrad (dy float32; the images give only their shape): tfjs's gradient,
 * quirks included (`resize-nearest.ts`).
 */
const resizeNearestNeighborGrad: NativeKernel = ({ images, dy }, b, attrs, a) => {
  if (!f32(dy) || images.shape.length !== 4 || dy.shape.length !== 4) return null;
  const [n, h, w, c] = images.shape;
  const [dn, oh, ow, dc] = dy.shape;
  if (dn !== n || dc !== c) return null;
  const dx = b.makeOutput(images.shape, 'float32');
  if (size(dx) === 0) return dx;
  if (size(dy) === 0) return zeros(b, dx);
  const ac = attrs.alignCorners === true;
  const rows = resizeNearestGradTargets(h, oh, ac),
    cols = resizeNearestGradTargets(w, ow, ac);
  if (withIndexTables(b, rows, cols, (r, q) => a.resizeNearestGrad(heap(b), off(b, dy), off(b, dx), r, q, n, h, w, c, oh, ow))) return dx;
  return discard(b, dx);
};

function unary(op: (typeof UNARY_OPS)[number]): NativeKernel {
  return ({ x }, b, _attrs, a) => {
    if (!f32(x)) return null;
    const y = b.makeOutput(x.shape, 'float32');
    if (size(y) > 0) a.unary(heap(b), a.unaryOps[op], off(b, x), off(b, y), size(y));
    return y;
  };
}

/** True when `small` broadcasts to `full` along its innermost axes only (or is a scalar). */
function innerBroadcast(small: number[], full: number[]): boolean {
  const s = small.slice(small.findIndex((d) => d !== 1) === -1 ? small.length : small.findIndex((d) => d !== 1));
  if (s.length > full.length) return false;
  return s.every((d, i) => d === full[full.length - s.length + i]);
}

function binary(op: (typeof BINARY_OPS)[number], outDtype: 'float32' | 'bool'): NativeKernel {
  return ({ a: x, b: y }, b, _attrs, addon) => {
    if (!f32(x, y)) return null;
    const outShape = tf.backend_util.assertAndGetBroadcastShape(x.shape, y.shape);
    const n = tf.util.sizeFromShape(outShape);
    const nx = size(x),
      ny = size(y);
    const ok = (nx === n && innerBroadcast(y.shape, outShape)) || (ny === n && innerBroadcast(x.shape, outShape));
    if (!ok) return null;
    const out = b.makeOutput(outShape, outDtype);
    if (n === 0) return out;
    if (addon.binary(heap(b), addon.binaryOps[op], off(b, x), nx, off(b, y), ny, off(b, out), n)) return out;
    b.disposeData(out.dataId);
    return null;
  };
}

const select: NativeKernel = ({ condition, t, e }, b, _attrs, a) => {
  if (condition.dtype !== 'bool' || !f32(t, e) || size(condition) !== size(t) || size(t) !== size(e)) return null;
  const y = b.makeOutput(t.shape, 'float32');
  if (size(y) > 0) a.select(heap(b), off(b, condition), off(b, t), off(b, e), off(b, y), size(y));
  return y;
};

/** The fused SELU gradient (see `selu-grad.ts`): one pass instead of tfjs's seven ops. */
const seluGrad: NativeKernel = ({ dy, x }, b, _attrs, a) => {
  if (!f32(dy, x) || size(dy) !== size(x)) return null;
  const dx = b.makeOutput(x.shape, 'float32');
  if (size(dx) > 0) a.seluGrad(heap(b), off(b, dy), off(b, x), off(b, dx), size(dx));
  return dx;
};

const sum: NativeKernel = ({ x }, b, attrs, a) => {
  if (!f32(x)) return null;
  const rank = x.shape.length;
  const axes = [...new Set(tf.util.parseAxisParam(attrs.axis as number | number[], x.shape))].sort((p, q) => p - q);
  const k = axes.length;
  const leading = axes.every((ax, i) => ax === i);
  const trailing = axes.every((ax, i) => ax === rank - k + i);
  if (!leading && !trailing) return null;
  const keep = attrs.keepDims === true;
  const outShape = keep ? x.shape.map((d, i) => (axes.includes(i) ? 1 : d)) : x.shape.filter((_, i) => !axes.includes(i));
  const y = b.makeOutput(outShape, 'float32');
  const ny = size(y);
  if (ny === 0) return y;
  if (size(x) === 0) return zeros(b, y);
  if (leading) a.sumOuter(heap(b), off(b, x), off(b, y), size(x) / ny, ny);
  else a.sumInner(heap(b), off(b, x), off(b, y), ny, size(x) / ny);
  return y;
};

/**
 * BatchMatMul and _FusedMatMul (a bias of the output's last size; every activation but prelu):
 * outer dimensions equal, or all 1 on one side (shared by every product); anything else runs on
 * wasm. (tfjs 4.22's wasm _FusedMatMul is wrong with transposeA and an activation: a test
 * holds aekit's against cpu there.)
 */
function matMul(fused: boolean): NativeKernel {
  return ({ a: x, b: w, bias, preluActivationWeights }, b, attrs, addon) => {
    if (!f32(x, w, bias) || x.shape.length < 2 || w.shape.length < 2 || preluActivationWeights !== undefined) return null;
    const act = fused && attrs.activation != null ? opCode(addon.activations, attrs.activation as string) : addon.activations.linear;
    const alpha = Number(attrs.leakyreluAlpha ?? 0.2); // the addon takes a finite slope
    if (act === undefined || !Number.isFinite(alpha)) return null;
    const ta = attrs.transposeA === true,
      tb = attrs.transposeB === true;
    const [ra, ca] = x.shape.slice(-2),
      [rb, cb] = w.shape.slice(-2);
    const m = ta ? ca : ra,
      k = ta ? ra : ca,
      n = tb ? rb : cb;
    if ((tb ? cb : rb) !== k) return null;
    const outerA = x.shape.slice(0, -2),
      outerB = w.shape.slice(0, -2);
    const batchA = tf.util.sizeFromShape(outerA),
      batchB = tf.util.sizeFromShape(outerB);
    const outer = tf.util.arraysEqual(outerA, outerB) || batchB === 1 ? outerA : batchA === 1 ? outerB : null;
    if (outer === null || (bias !== undefined && size(bias) !== n)) return null;
    const y = b.makeOutput([...outer, m, n], 'float32');
    const batch = tf.util.sizeFromShape(outer);
    if (size(y) === 0) return y;
    if (k === 0) return zeros(b, y);
    if (
      addon.matMul(
        heap(b),
        off(b, x),
        off(b, w),
        off(b, y),
        batch,
        batchA,
        batchB,
        m,
        n,
        k,
        ta ? 1 : 0,
        tb ? 1 : 0,
        bias === undefined ? -1 : off(b, bias),
        act,
        alpha,
      )
    )
      return y;
    b.disposeData(y.dataId);
    return null;
  };
}

/** Identity and same-dtype Cast share the input's memory (wasm's copy it). */
const shareData: NativeKernel = ({ x }, b, attrs) => {
  if (attrs.dtype !== undefined && attrs.dtype !== x.dtype) return null;
  if (x.dtype === 'string') return null;
  b.incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
};

/** The kernels the native engine replaces, by tfjs kernel name. */
const NATIVE_KERNELS: Record<string, NativeKernel> = {
  Conv2D: conv2D,
  FusedConv2D: fusedConv2D,
  Conv2DBackpropInput: conv2DBackpropInput,
  Conv2DBackpropFilter: conv2DBackpropFilter,
  MaxPool: maxPool,
  MaxPoolGrad: maxPoolGrad,
  ResizeNearestNeighbor: resizeNearestNeighbor,
  ResizeNearestNeighborGrad: resizeNearestNeighborGrad,
  Selu: unary('selu'),
  Exp: unary('exp'),
  Sigmoid: unary('sigmoid'),
  Relu: unary('relu'),
  Add: binary('add', 'float32'),
  Sub: binary('sub', 'float32'),
  Multiply: binary('mul', 'float32'),
  Greater: binary('greater', 'bool'),
  Select: select,
  AekitSeluGrad: seluGrad,
  Sum: sum,
  BatchMatMul: matMul(false),
  _FusedMatMul: matMul(true),
  Identity: shareData,
  Cast: shareData,
};

/** Names of the kernels the native engine implements itself (the rest are wasm's). */
export const NATIVE_KERNEL_NAMES: readonly string[] = [
  ...Object.keys(NATIVE_KERNELS),
  LSTM_KERNEL,
  LSTM_GRAD_KERNEL,
  CONV_SELU_KERNEL,
  CONV_TRANSPOSE_SELU_KERNEL,
  SELU_BIAS_GRAD_KERNEL,
  ADAM_KERNEL,
  SGD_KERNEL,
  BCE_KERNEL,
  BCE_GRAD_KERNEL,
  DENSE_CHAIN_KERNEL,
  DENSE_CHAIN_GRAD_KERNEL,
  MSE_KERNEL,
  MSE_GRAD_KERNEL,
];

// Convolution + bias + SELU (see `fused-conv.ts`): kernels of aekit's own, with no wasm
// counterpart. The op checks shapes and dtypes before it runs them (float32, NHWC, dilation 1).

function fusedConvFailed(name: string): never {
  throw new Error(`aekit native: ${name} failed: oneDNN has no implementation for this convolution`);
}

function fusedConvInfo(inShape: number[], filterShape: number[], attrs: Attrs): tf.backend_util.Conv2DInfo {
  return tf.backend_util.computeConv2DInfo(
    inShape as Shape4,
    filterShape as Shape4,
    attrs.strides as [number, number],
    1,
    attrs.pad as 'same' | 'valid',
    undefined,
    false,
    'channelsLast',
  );
}

const conv2DSelu =
  (a: NativeAddon): KernelFunc =>
  ({ inputs, backend, attrs }) => {
    const { x, filter, bias } = inputs as unknown as { x: TensorInfo; filter: TensorInfo; bias?: TensorInfo };
    const b = backend as Backend;
    const c = fusedConvInfo(x.shape, filter.shape, attrs as Attrs);
    const y = b.makeOutput(c.outShape, 'float32');
    if (size(y) === 0) return y;
    const biasOff = bias === undefined ? -1 : off(b, bias);
    if (!a.conv2dForward(heap(b), off(b, x), off(b, filter), biasOff, off(b, y), ...geometry(c), a.activations.selu, 0))
      fusedConvFailed(CONV_SELU_KERNEL);
    return y;
  };

const conv2DTransposeSelu =
  (a: NativeAddon): KernelFunc =>
  ({ inputs, backend, attrs }) => {
    const { x, filter, bias } = inputs as unknown as { x: TensorInfo; filter: TensorInfo; bias?: TensorInfo };
    const b = backend as Backend;
    const c = fusedConvInfo((attrs as Attrs).outputShape as number[], filter.shape, attrs as Attrs);
    const y = b.makeOutput(c.inShape as number[], 'float32');
    if (size(y) === 0) return y;
    const biasOff = bias === undefined ? -1 : off(b, bias);
    if (!a.conv2dTranspose(heap(b), off(b, x), off(b, filter), biasOff, off(b, y), ...geometry(c), a.activations.selu, 0))
      fusedConvFailed(CONV_TRANSPOSE_SELU_KERNEL);
    return y;
  };

const seluBiasGradKernel =
  (a: NativeAddon): KernelFunc =>
  ({ inputs, backend }) => {
    const { dy, y } = inputs as Record<string, TensorInfo>;
    const b = backend as Backend;
    const channels = y.shape[y.shape.length - 1];
    const dz = b.makeOutput(y.shape, 'float32');
    const db = b.makeOutput([channels], 'float32');
    if (channels === 0) return [dz, db];
    a.activationBiasGrad(heap(b), off(b, dy), off(b, y), off(b, dz), off(b, db), size(y) / channels, channels, a.activations.selu, 0);
    return [dz, db];
  };

/** Adam's update of one variable (see `fused-optimizers.ts`): the op checks shapes and dtypes. */
const adamKernel =
  (a: NativeAddon): KernelFunc =>
  ({ inputs, backend, attrs }) => {
    const { x, m, v, g, accBeta1, accBeta2 } = inputs as Record<string, TensorInfo>;
    const b = backend as Backend;
    const { beta1, beta2, epsilon, learningRate } = attrs as unknown as Record<string, number>;
    const outs = [x, m, v].map((t) => b.makeOutput(t.shape, 'float32'));
    if (size(x) === 0) return outs;
    const [x1, m1, v1] = outs.map((t) => off(b, t));
    a.adam(
      heap(b),
      off(b, x),
      off(b, m),
      off(b, v),
      off(b, g),
      off(b, accBeta1),
      off(b, accBeta2),
      x1,
      m1,
      v1,
      size(x),
      beta1,
      beta2,
      epsilon,
      learningRate,
    );
    return outs;
  };

// Binary cross-entropy and mean squared error (see `fused-loss.ts`): kernels of aekit's own, with no wasm counterpart.
// The op checks that yTrue and yPred are float32, of one shape and not empty.

/** A fused loss's forward kernel (the addon's `bceForward` or `mseForward`): a float32 scalar of yTrue and yPred. */
const lossForward =
  (fn: 'bceForward' | 'mseForward') =>
  (a: NativeAddon): KernelFunc =>
  ({ inputs, backend }) => {
    const { yTrue, yPred } = inputs as Record<string, TensorInfo>;
    const b = backend as Backend;
    const out = b.makeOutput([], 'float32');
    a[fn](heap(b), off(b, yTrue), off(b, yPred), size(yPred), off(b, out));
    return out;
  };

/**
 * A fused loss's backward kernel (the addon's `bceGrad` or `mseGrad`, which take a finite g =
 * dy/n): the gradient with respect to yPred; `notFinite(dp, p, z, g)` writes it for a NaN or
 * infinite g, as tfjs's chain of kernels gives it.
 */
const lossGrad =
  (fn: 'bceGrad' | 'mseGrad', notFinite: (dp: Float32Array, p: Float32Array, z: Float32Array, g: number) => void) =>
  (a: NativeAddon): KernelFunc =>
  ({ inputs, backend }) => {
    const { dy, yTrue, yPred } = inputs as Record<string, TensorInfo>;
    const b = backend as Backend;
    const n = size(yPred);
    const dp = b.makeOutput(yPred.shape, 'float32');
    if (n === 0) return dp;
    const g = new Float32Array(heap(b), off(b, dy), 1)[0] / n;
    if (Number.isFinite(g)) a[fn](heap(b), g, off(b, yTrue), off(b, yPred), off(b, dp), n);
    else {
      const [d, p, z] = [dp, yPred, yTrue].map((t) => new Float32Array(heap(b), off(b, t), n));
      notFinite(d, p, z, g);
    }
    return dp;
  };

const bceForward = lossForward('bceForward');
const bceGrad = lossGrad('bceGrad', (dp, p) => bceGradNotFinite(dp, p));
const mseForward = lossForward('mseForward');
const mseGrad = lossGrad('mseGrad', (dp, p, z, g) => {
  for (let i = 0; i < dp.length; i++) dp[i] = 2 * g * (p[i] - z[i]);
});

/** SGD's update of one variable (see `fused-optimizers.ts`): the op checks shapes and dtypes. */
const sgdKernel =
  (a: NativeAddon): KernelFunc =>
  ({ inputs, backend }) => {
    const { x, g, c } = inputs as Record<string, TensorInfo>;
    const b = backend as Backend;
    const x1 = b.makeOutput(x.shape, 'float32');
    if (size(x) > 0) a.sgd(heap(b), off(b, x), off(b, g), off(b, c), off(b, x1), size(x));
    return x1;
  };

// The dense chain (see `fused-dense.ts`): kernels of aekit's own, with no wasm counterpart. The op
// checks dtypes and shapes; x is [rows, in], layer i's output [rows, units_i] is y for the last
// layer and a slice of the workspace ws (rows × Σ units of the others, side by side) otherwise.

/** Layer i's kernel, bias, sizes and activation code, and where its input and output lie. */
interface ChainLayer {
  kernel: TensorInfo;
  bias: TensorInfo | undefined;
  transposed: boolean;
  inputs: number;
  units: number;
  act: number;
  inOff: number;
  outOff: number;
}

function chainLayers(
  a: NativeAddon,
  b: Backend,
  inputs: Record<string, TensorInfo>,
  attrs: DenseChainAttrs,
  y: TensorInfo,
  ws: TensorInfo,
): ChainLayer[] {
  const rows = inputs.x.shape[0];
  const layers: ChainLayer[] = [];
  let wsAt = off(b, ws);
  attrs.activations.forEach((name, i) => {
    const kernel = inputs[`k${i}`];
    const transposed = attrs.transposed[i];
    const { inputs: inDim, units } = denseChainSizes(kernel.shape, transposed);
    const act = opCode(a.activations, name);
    if (act === undefined) throw new Error(`aekit native: ${DENSE_CHAIN_KERNEL}: no activation '${name}'`);
    const last = i === attrs.activations.length - 1;
    const inOff = i === 0 ? off(b, inputs.x) : layers[i - 1].outOff;
    const outOff = last ? off(b, y) : wsAt;
    if (!last) wsAt += 4 * rows * units;
    layers.push({ kernel, bias: attrs.biases[i] ? inputs[`b${i}`] : undefined, transposed, inputs: inDim, units, act, inOff, outOff });
  });
  return layers;
}

const denseChainForward =
  (a: NativeAddon): KernelFunc =>
  ({ inputs, backend, attrs }) => {
    const b = backend as Backend;
    const ins = inputs as Record<string, TensorInfo>;
    const at = attrs as unknown as DenseChainAttrs;
    const rows = ins.x.shape[0];
    const units = at.activations.map((_, i) => denseChainSizes(ins[`k${i}`].shape, at.transposed[i]).units);
    const y = b.makeOutput([rows, units[units.length - 1]], 'float32');
    const ws = b.makeOutput([rows, units.slice(0, -1).reduce((s, u) => s + u, 0)], 'float32');
    if (rows === 0) return [y, ws];
    for (const l of chainLayers(a, b, ins, at, y, ws)) {
      const biasOff = l.bias === undefined ? -1 : off(b, l.bias);
      if (
        !a.matMul(
          heap(b),
          l.inOff,
          off(b, l.kernel),
          l.outOff,
          1,
          1,
          1,
          rows,
          l.units,
          l.inputs,
          0,
          l.transposed ? 1 : 0,
          biasOff,
          l.act,
          0,
        )
      )
        nativeFailed(DENSE_CHAIN_KERNEL);
    }
    return [y, ws];
  };

const denseChainBackward =
  (a: NativeAddon): KernelFunc =>
  ({ inputs, backend, attrs }) => {
    const b = backend as Backend;
    const ins = inputs as Record<string, TensorInfo>;
    const at = attrs as unknown as DenseChainAttrs;
    const rows = ins.x.shape[0];
    const layers = chainLayers(a, b, ins, at, ins.y, ins.ws);
    const dz0 = b.makeOutput([rows, layers[0].units], 'float32');
    const grads = layers.map((l) => ({
      dk: b.makeOutput(l.kernel.shape, 'float32'),
      db: l.bias === undefined ? undefined : b.makeOutput([l.units], 'float32'),
    }));
    const outs = [dz0, ...grads.flatMap((g) => (g.db === undefined ? [g.dk] : [g.dk, g.db]))];
    if (rows === 0) return outs.map((o) => zeros(b, o));
    const linear = a.activations.linear;
    let dy = off(b, ins.dy);
    let dyTemp: TensorInfo | null = null;
    for (let i = layers.length - 1; i >= 0; i--) {
      const l = layers[i];
      const dzTensor = i === 0 ? dz0 : b.makeOutput([rows, l.units], 'float32');
      const dz = off(b, dzTensor);
      const db = grads[i].db;
      a.activationBiasGrad(heap(b), dy, l.outOff, dz, db === undefined ? -1 : off(b, db), rows, l.units, l.act, 0);
      const dk = off(b, grads[i].dk);
      // kernel gradient: inputᵀ·dz [in, units], or dzᵀ·input [units, in] for a transposed layer
      const ok = l.transposed
        ? a.matMul(heap(b), dz, l.inOff, dk, 1, 1, 1, l.units, l.inputs, rows, 1, 0, -1, linear, 0)
        : a.matMul(heap(b), l.inOff, dz, dk, 1, 1, 1, l.inputs, l.units, rows, 1, 0, -1, linear, 0);
      if (!ok) nativeFailed(DENSE_CHAIN_GRAD_KERNEL);
      if (dyTemp !== null) b.disposeData(dyTemp.dataId);
      dyTemp = null;
      if (i > 0) {
        // the previous layer's output gradient: dz·Kᵀ [rows, in] (dz·K for a transposed layer)
        dyTemp = b.makeOutput([rows, l.inputs], 'float32');
        dy = off(b, dyTemp);
        if (!a.matMul(heap(b), dz, off(b, l.kernel), dy, 1, 1, 1, rows, l.inputs, l.units, 0, l.transposed ? 0 : 1, -1, linear, 0))
          nativeFailed(DENSE_CHAIN_GRAD_KERNEL);
        b.disposeData(dzTensor.dataId);
      }
    }
    return outs;
  };

// The fused LSTM (see `fused-lstm.ts`): kernels of aekit's own, with no wasm counterpart.

function lstmDims(x: TensorInfo, recurrentKernel: TensorInfo): [number, number, number, number] {
  const [batch, steps, features] = x.shape;
  return [batch, steps, features, recurrentKernel.shape[0]];
}

function nativeFailed(name: string): never {
  throw new Error(`aekit native: ${name} failed in oneDNN's sgemm`);
}

const lstmForward =
  (a: NativeAddon): KernelFunc =>
  ({ inputs, backend }) => {
    const { x, kernel, recurrentKernel, bias } = inputs as Record<string, TensorInfo>;
    const b = backend as Backend;
    const [batch, steps, features, units] = lstmDims(x, recurrentKernel);
    const h = b.makeOutput([batch, steps, units], 'float32');
    const c = b.makeOutput([batch, steps, units], 'float32');
    const gates = b.makeOutput([batch, steps, 4 * units], 'float32');
    if (batch * steps === 0) return [h, c, gates];
    if (
      !a.lstmForward(
        heap(b),
        off(b, x),
        off(b, kernel),
        off(b, recurrentKernel),
        off(b, bias),
        off(b, h),
        off(b, c),
        off(b, gates),
        batch,
        steps,
        features,
        units,
      )
    )
      nativeFailed(LSTM_KERNEL);
    return [h, c, gates];
  };

const lstmBackward =
  (a: NativeAddon): KernelFunc =>
  ({ inputs, backend, attrs }) => {
    const { dy, x, kernel, recurrentKernel, h, c, gates } = inputs as Record<string, TensorInfo>;
    const b = backend as Backend;
    const [batch, steps, features, units] = lstmDims(x, recurrentKernel);
    const dx = b.makeOutput(x.shape, 'float32');
    const dKernel = b.makeOutput(kernel.shape, 'float32');
    const dRecurrent = b.makeOutput(recurrentKernel.shape, 'float32');
    const dBias = b.makeOutput([4 * units], 'float32');
    const outs = [dx, dKernel, dRecurrent, dBias];
    if (batch * steps === 0) return outs.map((o) => zeros(b, o));
    if (
      !a.lstmBackward(
        heap(b),
        off(b, dy),
        off(b, x),
        off(b, kernel),
        off(b, recurrentKernel),
        off(b, h),
        off(b, c),
        off(b, gates),
        off(b, dx),
        off(b, dKernel),
        off(b, dRecurrent),
        off(b, dBias),
        batch,
        steps,
        features,
        units,
        (attrs as Attrs).sequences === true ? 1 : 0,
      )
    )
      nativeFailed(LSTM_GRAD_KERNEL);
    return outs;
  };

let registered = false;

/**
 * Registers the `native` tfjs backend and its kernels (idempotent); throws if the addon is missing.
 * Initialises tfjs's `wasm` backend first (the native backend shares its module and heap) and
 * leaves the active backend as it was.
 */
export async function registerNativeBackend(): Promise<void> {
  if (registered) return;
  const a = loadNativeAddon();
  registerWasmKernels();
  let wasm = tf.findBackend('wasm') as BackendWasm | null;
  if (wasm === null) {
    const previous = tf.engine().backendName;
    if (!(await tf.setBackend('wasm'))) throw new BackendError("native engine: tfjs's wasm backend failed to initialise");
    wasm = tf.findBackend('wasm') as BackendWasm;
    if (previous != null && previous !== 'wasm') await tf.setBackend(previous);
  }
  const wasmModule = wasm.wasm;
  // AEKIT_NATIVE_DISABLE=Sum,Select leaves those kernels to wasm (to bisect or compare); naming
  // one of aekit's own kernels (AekitLstm, AekitConv2DSelu, …) turns off the op that uses it.
  const disabled = new Set(
    (process.env.AEKIT_NATIVE_DISABLE ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  );
  for (const k of tf.getKernelsForBackend('wasm')) {
    const wasmFunc = k.kernelFunc;
    const native = disabled.has(k.kernelName) ? undefined : NATIVE_KERNELS[k.kernelName];
    const kernelFunc: KernelFunc =
      native === undefined
        ? wasmFunc
        : (args) => {
            const out = native(args.inputs as Record<string, TensorInfo>, args.backend as Backend, (args.attrs ?? {}) as Attrs, a);
            return out ?? wasmFunc(args);
          };
    const config: KernelConfig = { ...k, backendName: NATIVE_BACKEND, kernelFunc };
    if (tf.getKernel(k.kernelName, NATIVE_BACKEND) === undefined) tf.registerKernel(config);
  }
  // aekit's own kernels: a disabled one is not registered, and its op is not used (the layers
  // check hasFusedLstm / hasFusedConvSelu).
  for (const [kernelName, make] of [
    [LSTM_KERNEL, lstmForward],
    [LSTM_GRAD_KERNEL, lstmBackward],
    [CONV_SELU_KERNEL, conv2DSelu],
    [CONV_TRANSPOSE_SELU_KERNEL, conv2DTransposeSelu],
    [SELU_BIAS_GRAD_KERNEL, seluBiasGradKernel],
    [ADAM_KERNEL, adamKernel],
    [SGD_KERNEL, sgdKernel],
    [BCE_KERNEL, bceForward],
    [BCE_GRAD_KERNEL, bceGrad],
    [DENSE_CHAIN_KERNEL, denseChainForward],
    [DENSE_CHAIN_GRAD_KERNEL, denseChainBackward],
    [MSE_KERNEL, mseForward],
    [MSE_GRAD_KERNEL, mseGrad],
  ] as const) {
    if (!disabled.has(kernelName) && tf.getKernel(kernelName, NATIVE_BACKEND) === undefined)
      tf.registerKernel({ kernelName, backendName: NATIVE_BACKEND, kernelFunc: make(a) });
  }
  // A second BackendWasm over the same module: same heap, same kernel bindings, its own tensors.
  // The module keeps one table of tensor ids for both, so the native backend numbers its
  // tensors from 2^30 up (the wasm backend counts from 0).
  tf.registerBackend(
    NATIVE_BACKEND,
    () => {
      const backend = new BackendWasm(wasmModule);
      (backend as unknown as { dataIdNextNumber: number }).dataIdNextNumber = 2 ** 30;
      return backend;
    },
    -1,
  );
  registered = true;
}

/** Registers the native backend and returns its tfjs name; used by `useBackend` through its provider. */
export async function loadNativeEngine(): Promise<string> {
  await registerNativeBackend();
  return NATIVE_BACKEND;
}

/** The one-line description of the native engine (oneDNN version, the kernels' instruction set, threads). */
export function describeNativeEngine(): string {
  const i = nativeInfo();
  const kernels = `${i.isaLabel} kernels${i.isaForced ? ', forced by AEKIT_NATIVE_ISA,' : ''}`;
  return `engine: aekit native (oneDNN ${i.onednn} convolutions + ${kernels} on tfjs wasm memory), ${i.threads} threads`;
}
