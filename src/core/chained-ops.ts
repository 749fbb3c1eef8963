/**
 * Tensor methods (`t.reshape(…)`, `t.flatten()`, …): tfjs-core defines them in ES-module files
 * that Node cannot load from its CommonJS package, so the `@tensorflow/tfjs` umbrella bundles
 * them. Without the umbrella, tfjs-layers' own code still calls some of them (e.g. the orthogonal
 * initializer's `flatten()`), so aekit registers the same methods here: each calls the functional
 * op of the same name with the tensor first, as tfjs-core's own definitions do. `chained-ops.test.ts`
 * checks the list against tfjs-core's files.
 */
import * as tfc from '@tensorflow/tfjs-core';
// The methods' types (tfjs-core's declarations); the methods themselves are defined below.
import type {} from '@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops.js';

/** Methods that are `op(this, ...args)` for the op of the same name. */
export const SIMPLE_CHAINED_OPS = [
  'abs',
  'acos',
  'acosh',
  'add',
  'all',
  'any',
  'argMax',
  'argMin',
  'asin',
  'asinh',
  'atan',
  'atan2',
  'atanh',
  'avgPool',
  'batchNorm',
  'batchToSpaceND',
  'broadcastTo',
  'cast',
  'ceil',
  'clipByValue',
  'conv1d',
  'conv2d',
  'conv2dTranspose',
  'cos',
  'cosh',
  'cumprod',
  'cumsum',
  'depthToSpace',
  'depthwiseConv2d',
  'dilation2d',
  'div',
  'divNoNan',
  'dot',
  'elu',
  'equal',
  'erf',
  'euclideanNorm',
  'exp',
  'expandDims',
  'expm1',
  'fft',
  'floor',
  'floorDiv',
  'gather',
  'greater',
  'greaterEqual',
  'ifft',
  'irfft',
  'isFinite',
  'isInf',
  'isNaN',
  'leakyRelu',
  'less',
  'lessEqual',
  'localResponseNormalization',
  'log',
  'log1p',
  'logSigmoid',
  'logSoftmax',
  'logSumExp',
  'logicalAnd',
  'logicalNot',
  'logicalOr',
  'logicalXor',
  'matMul',
  'max',
  'maxPool',
  'maximum',
  'mean',
  'min',
  'minimum',
  'mirrorPad',
  'mod',
  'mul',
  'neg',
  'norm',
  'notEqual',
  'oneHot',
  'onesLike',
  'pad',
  'pool',
  'pow',
  'prelu',
  'prod',
  'reciprocal',
  'relu',
  'relu6',
  'reshape',
  'resizeBilinear',
  'resizeNearestNeighbor',
  'reverse',
  'rfft',
  'round',
  'rsqrt',
  'selu',
  'separableConv2d',
  'sigmoid',
  'sign',
  'sin',
  'sinh',
  'slice',
  'softmax',
  'softplus',
  'spaceToBatchND',
  'split',
  'sqrt',
  'square',
  'squaredDifference',
  'squeeze',
  'step',
  'stridedSlice',
  'sub',
  'sum',
  'tan',
  'tanh',
  'tile',
  'topk',
  'transpose',
  'unique',
  'unsortedSegmentSum',
  'unstack',
  'zerosLike',
] as const;

type AnyOp = (...args: unknown[]) => unknown;
type TensorThis = tfc.Tensor & { throwIfDisposed(): void };

/** The methods that are not a plain call of the op of the same name. */
const SPECIAL: Record<string, (this: TensorThis, ...args: never[]) => unknown> = {
  as1D() {
    return tfc.reshape(this, [this.size]);
  },
  as2D(rows: number, columns: number) {
    return tfc.reshape(this, [rows, columns]);
  },
  as3D(rows: number, columns: number, depth: number) {
    return tfc.reshape(this, [rows, columns, depth]);
  },
  as4D(rows: number, columns: number, depth: number, depth2: number) {
    return tfc.reshape(this, [rows, columns, depth, depth2]);
  },
  as5D(rows: number, columns: number, depth: number, depth2: number, depth3: number) {
    return tfc.reshape(this, [rows, columns, depth, depth2, depth3]);
  },
  asScalar() {
    tfc.util.assert(this.size === 1, () => 'The array must have only 1 element.');
    return tfc.reshape(this, []);
  },
  asType(dtype: tfc.DataType) {
    return tfc.cast(this, dtype);
  },
  toBool() {
    return tfc.cast(this, 'bool');
  },
  toFloat() {
    return tfc.cast(this, 'float32');
  },
  toInt() {
    return tfc.cast(this, 'int32');
  },
  flatten() {
    return tfc.reshape(this, [this.size]);
  },
  reshapeAs(x: tfc.Tensor) {
    return tfc.reshape(this, x.shape);
  },
  concat(x: tfc.Tensor | tfc.Tensor[], axis?: number) {
    return tfc.concat([this, ...(x instanceof tfc.Tensor ? [x] : x)], axis);
  },
  stack(x: tfc.Tensor | tfc.Tensor[], axis?: number) {
    return tfc.stack([this, ...(x instanceof tfc.Tensor ? [x] : x)], axis);
  },
  where(condition: tfc.Tensor, x: tfc.Tensor) {
    return tfc.where(condition, this, x);
  },
};

/** Names of every method this module registers. */
export const CHAINED_OPS: readonly string[] = [...SIMPLE_CHAINED_OPS, ...Object.keys(SPECIAL)];

/** Defines the tensor methods on tfjs's Tensor class, where they are not defined yet. */
function registerChainedOps(): void {
  const proto = tfc.Tensor.prototype as unknown as Record<string, unknown>;
  const ops = tfc as unknown as Record<string, AnyOp>;
  for (const name of SIMPLE_CHAINED_OPS) {
    if (typeof proto[name] === 'function') continue;
    const op = ops[name];
    proto[name] = function (this: TensorThis, ...args: unknown[]) {
      this.throwIfDisposed();
      return op(this, ...args);
    };
  }
  for (const [name, method] of Object.entries(SPECIAL)) {
    if (typeof proto[name] === 'function') continue;
    proto[name] = function (this: TensorThis, ...args: never[]) {
      this.throwIfDisposed();
      return method.apply(this, args);
    };
  }
}

registerChainedOps();
