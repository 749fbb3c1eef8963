/**
 * Loss terms that `compile` cannot express, for custom training steps.
 */
import * as tf from '../core/tf.js';

/**
 * The book's latent loss: `mean over the batch of −0.5 · Σ(1 + logVar − exp(logVar) − mean²)`,
 * divided by `scale` (784, the number of pixels, so that it matches the per-pixel BCE).
 */
export function latentLoss(mean: tf.Tensor, logVar: tf.Tensor, scale = 784): tf.Scalar {
  return tf.tidy(() => {
    const perSample = tf.mul(-0.5, tf.sum(tf.sub(tf.sub(tf.add(1, logVar), tf.exp(logVar)), tf.square(mean)), -1));
    return tf.div(tf.mean(perSample), scale) as tf.Scalar;
  });
}
