/**
 * aekit's `LSTM`: tfjs's LSTM layer, with Keras's defaults, that runs as one fused kernel per
 * sequence (forward and backward) where the engine has it.
 *
 * It is tfjs's own `LSTM` class underneath — same weights, same config, saved under the class
 * name `LSTM` — so a model that contains it loads anywhere tfjs runs (a browser included) as a
 * plain tfjs LSTM. Importing this module registers it under that name, so models aekit loads get
 * the fast path too. `call` uses {@link fusedLstm} when the active backend has the fused kernels
 * (aekit's native engine) and the layer computes exactly what the kernels do: tanh activation,
 * sigmoid recurrent activation, a bias, no dropout, no mask or initial state, not stateful, not
 * backwards, no returned state. Anything else runs tfjs's step-by-step implementation.
 *
 * Porting note: tfjs's `tf.layers.lstm` defaults differ from Keras's: hard-sigmoid gates,
 * Glorot-normal kernels and no forget-gate bias of 1. {@link lstm} applies Keras's defaults
 * (sigmoid, Glorot-uniform, `unitForgetBias: true`), which the book's models were trained with.
 */
import * as tf from '../core/tf.js';
import { fusedLstm, hasFusedLstm } from '../engine/fused-lstm.js';

/** Arguments of {@link LSTM}: those of `tf.layers.lstm`. */
export type LSTMLayerArgs = Parameters<typeof tf.layers.lstm>[0];
type TfjsLSTM = ReturnType<typeof tf.layers.lstm>;
type Kwargs = Parameters<TfjsLSTM['call']>[1];

/** The parts of tfjs's `LSTMCell` the fused path reads. */
interface Cell {
  activation: { getClassName(): string };
  recurrentActivation: { getClassName(): string };
  useBias: boolean;
  dropout: number;
  recurrentDropout: number;
  kernel: { read(): tf.Tensor };
  recurrentKernel: { read(): tf.Tensor };
  bias: { read(): tf.Tensor };
}

// tfjs's class, as registered for deserialization (tfjs-layers does not export the class itself).
const [BaseLSTM] = tf.serialization.SerializationMap.getMap().classNameMap.LSTM as unknown as [new (args: LSTMLayerArgs) => TfjsLSTM];

/**
 * LSTM layer (input `[batch, steps, features]` → `[batch, steps, units]` with `returnSequences`,
 * else `[batch, units]`); see the module comment for when it runs fused.
 */
export class LSTM extends BaseLSTM {
  /** Saved under tfjs's own name, so the saved model needs nothing from aekit to load. */
  static className = 'LSTM';

  /** Whether this call can run as the fused kernels. */
  private fusable(inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs): boolean {
    const cell = this.cell as unknown as Cell;
    const x = Array.isArray(inputs) ? inputs : [inputs];
    return (
      x.length === 1 &&
      x[0].rank === 3 &&
      x[0].dtype === 'float32' &&
      kwargs.mask == null &&
      kwargs.initialState == null &&
      !this.stateful &&
      !this.goBackwards &&
      !this.returnState &&
      cell.useBias &&
      !cell.dropout &&
      !cell.recurrentDropout &&
      cell.activation.getClassName() === 'tanh' &&
      cell.recurrentActivation.getClassName() === 'sigmoid' &&
      hasFusedLstm()
    );
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs): tf.Tensor | tf.Tensor[] {
    if (!this.fusable(inputs, kwargs)) return super.call(inputs, kwargs);
    const cell = this.cell as unknown as Cell;
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    return fusedLstm(x, cell.kernel.read(), cell.recurrentKernel.read(), cell.bias.read(), this.returnSequences);
  }
}
tf.serialization.registerClass(LSTM as unknown as tf.serialization.SerializableConstructor<LSTM>);

/**
 * Builds an {@link LSTM} with Keras's defaults (sigmoid recurrent activation, Glorot-uniform
 * kernel, orthogonal recurrent kernel, forget-gate bias 1); `args` override them.
 *
 * @example
 * const layer = lstm({ units: 100, returnSequences: true, inputShape: [28, 28] });
 */
export function lstm(args: LSTMLayerArgs): LSTM {
  return new LSTM({
    recurrentActivation: 'sigmoid',
    kernelInitializer: 'glorotUniform',
    recurrentInitializer: 'orthogonal',
    unitForgetBias: true,
    ...args,
  });
}
