/**
 * The book's reconstruction metric.
 */
import * as tf from '../core/tf.js';

/**
 * `rounded_accuracy`: the share of values on the same side of 0.5 in target and prediction,
 * i.e. binary accuracy between `round(yTrue)` and `round(yPred)` (book, ch. 17).
 *
 * @example
 * model.compile({ optimizer: 'sgd', loss: 'binaryCrossentropy', metrics: [roundedAccuracy] });
 */
export function roundedAccuracy(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.mean(tf.cast(tf.equal(tf.round(yTrue), tf.round(yPred)), 'float32'), -1));
}
// tfjs names a metric in its logs after the function: keep the book's snake_case name.
Object.defineProperty(roundedAccuracy, 'name', { value: 'rounded_accuracy' });
