/**
 * The variational autoencoder's sampling layer (Géron, ch. 17): codings = mean + exp(logvar / 2) · ε.
 */

import { ArgumentError } from '../core/errors.js';
import * as tf from '../core/tf.js';

/** Arguments of {@link Sampling}. */
export interface SamplingArgs {
  /** Layer name. */
  name?: string;
  /**
   * Seed of ε. With a seed, the k-th call of this layer object draws ε with seed `seed + k`, so a
   * run is reproducible and a freshly loaded model predicts exactly as the saved one did on its
   * first call. Without one, ε comes from tfjs's unseeded generator.
   */
  seed?: number | null;
}

/**
 * Draws codings from N(mean, exp(logvar)) by the reparameterisation trick, so gradients flow to
 * both inputs. Input: `[mean, logvar]`, two `[n, d]` tensors; output `[n, d]`. Samples in
 * training and inference alike, as the book's layer does.
 *
 * @example
 * const codings = new Sampling({ seed: 42 }).apply([mean, logVar]) as tf.SymbolicTensor;
 */
export class Sampling extends tf.layers.Layer {
  /** Registered class name (appears in model.json). */
  static className = 'Sampling';
  private readonly seed: number | null;
  private calls = 0;

  constructor(args: SamplingArgs = {}) {
    super({ name: args.name });
    const { seed = null } = args;
    if (seed !== null && !Number.isInteger(seed))
      throw new ArgumentError('seed', `Sampling: {seed} must be an integer or null, got ${seed}`);
    this.seed = seed;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    if (!Array.isArray(inputShape[0]) || inputShape.length !== 2) {
      throw new ArgumentError('inputs', `Sampling expects two inputs [mean, logvar], got shape ${JSON.stringify(inputShape)}`);
    }
    return inputShape[0] as tf.Shape;
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      if (!Array.isArray(inputs) || inputs.length !== 2) throw new ArgumentError('inputs', 'Sampling expects two inputs [mean, logvar]');
      const [mean, logVar] = inputs;
      const seed = this.seed === null ? undefined : this.seed + this.calls;
      this.calls++;
      const epsilon = tf.randomNormal(mean.shape, 0, 1, 'float32', seed);
      return tf.add(mean, tf.mul(tf.exp(tf.div(logVar, 2)), epsilon));
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), seed: this.seed };
  }
}
tf.serialization.registerClass(Sampling);
