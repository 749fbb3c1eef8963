/**
 * An optimizer's whole state as plain data, for checkpoints: its weights (`getWeights`: the
 * iteration count and per-variable slots) as one byte buffer with a manifest, plus what the
 * optimizers keep outside their weights — tfjs Adam's running β powers (its `setWeights`
 * recomputes them with `pow`, which differs in the last bits from the products it accumulates),
 * and aekit {@link Nadam}'s running momentum product. Restored with {@link restoreOptimizerState},
 * the next update is bit for bit the one the saved optimizer would have made.
 */
import { ArgumentError } from '../core/errors.js';
import * as tf from '../core/tf.js';
import { Nadam } from './nadam.js';

/** One tensor of an {@link OptimizerState}: where its values lie in `data`. */
export interface OptimizerTensorEntry {
  name: string;
  dtype: 'float32' | 'int32';
  shape: number[];
  /** Byte offset in `data`. */
  offset: number;
}

/** An optimizer's state: class name, tensors (manifest and bytes), and extra numbers. */
export interface OptimizerState {
  className: string;
  tensors: OptimizerTensorEntry[];
  /** The tensors' values, 4 bytes each, in manifest order. */
  data: Uint8Array;
  /** Numbers the optimizer keeps outside its weights (`accBeta1`, `accBeta2`, `muProduct`). */
  extra: Record<string, number>;
}

interface AdamInternals {
  accBeta1?: tf.Variable;
  accBeta2?: tf.Variable;
}

/** Reads the whole state of `optimizer` (tfjs SGD, Adam, aekit's Nadam and KerasRMSprop, or any with getWeights). */
export async function captureOptimizerState(optimizer: tf.Optimizer): Promise<OptimizerState> {
  const weights = await optimizer.getWeights();
  const tensors: OptimizerTensorEntry[] = [];
  const parts: Uint8Array[] = [];
  let offset = 0;
  for (const { name, tensor } of weights) {
    if (tensor.dtype !== 'float32' && tensor.dtype !== 'int32')
      throw new ArgumentError('optimizer', `cannot save optimizer weight '${name}' of type ${tensor.dtype}: expected float32 or int32`);
    const values = await tensor.data();
    const bytes = new Uint8Array(values.buffer.slice(values.byteOffset, values.byteOffset + values.byteLength));
    tensors.push({ name, dtype: tensor.dtype, shape: [...tensor.shape], offset });
    parts.push(bytes);
    offset += bytes.byteLength;
  }
  // getWeights of tfjs optimizers makes a fresh scalar for the iteration count.
  const iter = weights.find((w) => w.name === 'iter');
  iter?.tensor.dispose();
  const data = new Uint8Array(offset);
  let at = 0;
  for (const p of parts) {
    data.set(p, at);
    at += p.byteLength;
  }
  const extra: Record<string, number> = {};
  const adam = optimizer as unknown as AdamInternals;
  if (optimizer.getClassName() === 'Adam' && adam.accBeta1 !== undefined && adam.accBeta2 !== undefined) {
    extra.accBeta1 = (await adam.accBeta1.data())[0];
    extra.accBeta2 = (await adam.accBeta2.data())[0];
  }
  if (optimizer instanceof Nadam && optimizer.getClassName() === Nadam.className) extra.muProduct = optimizer.muProduct;
  return { className: optimizer.getClassName(), tensors, data, extra };
}

/**
 * Puts `state` (from {@link captureOptimizerState}) into `optimizer`, which must be of the same
 * class; throws an `ArgumentError` naming `optimizer` otherwise.
 */
export async function restoreOptimizerState(optimizer: tf.Optimizer, state: OptimizerState): Promise<void> {
  if (optimizer.getClassName() !== state.className)
    throw new ArgumentError('optimizer', `the saved state is of a ${state.className} optimizer, got a ${optimizer.getClassName()}`);
  const copy = state.data.slice();
  const named: Array<{ name: string; tensor: tf.Tensor }> = state.tensors.map(({ name, dtype, shape, offset }) => {
    const n = shape.reduce((a, b) => a * b, 1);
    const values = dtype === 'int32' ? new Int32Array(copy.buffer, offset, n) : new Float32Array(copy.buffer, offset, n);
    return { name, tensor: tf.tensor(values, shape, dtype) };
  });
  await optimizer.setWeights(named);
  const adam = optimizer as unknown as AdamInternals;
  if (state.extra.accBeta1 !== undefined && adam.accBeta1 !== undefined && adam.accBeta2 !== undefined) {
    adam.accBeta1.assign(tf.scalar(state.extra.accBeta1));
    adam.accBeta2.assign(tf.scalar(state.extra.accBeta2));
  }
  if (state.extra.muProduct !== undefined && optimizer instanceof Nadam) optimizer.setMuProduct(state.extra.muProduct);
}
