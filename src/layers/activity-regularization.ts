/**
 * An identity layer that marks where an activity penalty applies and carries the penalty's
 * settings through save → load (the Keras `ActivityRegularization` layer's role).
 */

import { ArgumentError } from '../core/errors.js';
import * as tf from '../core/tf.js';
import {
  type ActivityRegularizer,
  deserializeRegularizer,
  type SerializedRegularizer,
  serializeRegularizer,
} from './sparsity-regularizers.js';

/** Arguments of {@link ActivityRegularization}. */
export interface ActivityRegularizationArgs {
  /** The penalty, as an object or in its serialized `{className, config}` form (when loading). */
  regularizer: ActivityRegularizer | SerializedRegularizer;
  /** Layer name. */
  name?: string;
}

/**
 * Passes its input through unchanged (`[n, …]` → `[n, …]`). Training code finds it in a model and
 * adds `layer.penalty(activations)` to the loss (see `sparsityStep`).
 *
 * Porting note: Keras's layer adds the loss itself; tfjs 4.22 has no activity losses, so the
 * training step does.
 *
 * @example
 * const sparse = new ActivityRegularization({ regularizer: new KLDivergenceRegularizer({ weight: 0.05, target: 0.1 }) });
 */
export class ActivityRegularization extends tf.layers.Layer {
  /** Registered class name (appears in model.json). */
  static className = 'ActivityRegularization';
  /** The penalty this layer marks. */
  readonly regularizer: ActivityRegularizer;

  constructor(args: ActivityRegularizationArgs) {
    super({ name: args.name });
    if (args.regularizer === undefined || args.regularizer === null)
      throw new ArgumentError('regularizer', 'ActivityRegularization: a regularizer is required');
    this.regularizer = 'apply' in args.regularizer ? args.regularizer : deserializeRegularizer(args.regularizer);
  }

  /** The penalty for a batch of this layer's activations. */
  penalty(activations: tf.Tensor): tf.Scalar {
    return this.regularizer.apply(activations);
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape | tf.Shape[] {
    return inputShape;
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    return tf.clone(x);
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), regularizer: serializeRegularizer(this.regularizer) as unknown as tf.serialization.ConfigDict };
  }
}
tf.serialization.registerClass(ActivityRegularization);
