/**
 * aekit's `TimeDistributed`: tfjs's wrapper layer, computed the way Keras computes it — the
 * wrapped layer runs once on all `batch × steps` samples (one reshape before, one after) instead
 * of once per time step.
 *
 * Porting note: Keras's `TimeDistributed` takes this reshape path whenever the batch size is not
 * fixed (the book's models); tfjs's always steps through time with its `rnn` helper (unstack,
 * one call per step, stack), 28 small matMuls forward and as many backward for the book's
 * recurrent decoder. Same weights and config as tfjs's class, saved under its name, so a saved
 * model loads anywhere tfjs runs; importing this module registers it under that name.
 */
import * as tf from '../core/tf.js';

/** Arguments of {@link TimeDistributed}: those of `tf.layers.timeDistributed`. */
export type TimeDistributedLayerArgs = Parameters<typeof tf.layers.timeDistributed>[0];
type TfjsTimeDistributed = ReturnType<typeof tf.layers.timeDistributed>;
type Kwargs = Parameters<TfjsTimeDistributed['call']>[1];

// tfjs's class, as registered for deserialization (tfjs-layers does not export the class itself).
const [BaseTimeDistributed] = tf.serialization.SerializationMap.getMap().classNameMap.TimeDistributed as unknown as [
  new (args: TimeDistributedLayerArgs) => TfjsTimeDistributed,
];

/**
 * Applies the wrapped layer to every time step: input `[batch, steps, ...]` → output
 * `[batch, steps, ...]` with the wrapped layer's output shape per step.
 */
export class TimeDistributed extends BaseTimeDistributed {
  /** Saved under tfjs's own name, so the saved model needs nothing from aekit to load. */
  static className = 'TimeDistributed';

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs): tf.Tensor | tf.Tensor[] {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0] : inputs;
      const [batch, steps, ...rest] = x.shape;
      const out = this.layer.call(tf.reshape(x, [batch * steps, ...rest]), kwargs);
      const y = Array.isArray(out) ? out[0] : out;
      return tf.reshape(y, [batch, steps, ...y.shape.slice(1)]);
    });
  }
}
tf.serialization.registerClass(TimeDistributed as unknown as tf.serialization.SerializableConstructor<TimeDistributed>);

/**
 * Wraps `args.layer` to apply it to every time step (Keras's reshape implementation).
 *
 * @example
 * const perStep = timeDistributed({ layer: tf.layers.dense({ units: 28, activation: 'sigmoid' }) });
 */
export function timeDistributed(args: TimeDistributedLayerArgs): TimeDistributed {
  return new TimeDistributed(args);
}
