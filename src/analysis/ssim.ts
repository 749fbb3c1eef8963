/**
 * The structural similarity index (SSIM; Wang et al. 2004) between images and their
 * reconstructions, per image: local means, variances and covariance over a sliding square window
 * (uniform, 7×7 as scikit-image's default, with its N/(N−1) sample correction), data range 1,
 * averaged over all window positions and channels. 1 = identical structure.
 */
import { ArgumentError } from '../core/errors.js';
import * as tf from '../core/tf.js';

/** Window side used by {@link ssim} (smaller images use their shorter side, made odd). */
export const SSIM_WINDOW = 7;

/**
 * The mean SSIM of each of the `n` image pairs `x[i]`, `y[i]` of shape `[n, h, w]` or `[n, h, w, c]`
 * with values in [0, 1]: an `[n]` tensor.
 *
 * @example
 * const s = ssim(images, autoencoder.predict(images) as tf.Tensor); // 1 − s is an anomaly score
 */
export function ssim(x: tf.Tensor, y: tf.Tensor, window = SSIM_WINDOW): tf.Tensor1D {
  if (x.rank !== 3 && x.rank !== 4)
    throw new ArgumentError('x', `ssim: expected images [n, h, w] or [n, h, w, c], got shape [${x.shape.join(', ')}]`);
  if (x.shape.join() !== y.shape.join())
    throw new ArgumentError('y', `ssim: the images are [${x.shape.join(', ')}], the reconstructions [${y.shape.join(', ')}]`);
  return tf.tidy(() => {
    const four = (t: tf.Tensor): tf.Tensor4D => (t.rank === 3 ? tf.expandDims(t, 3) : t) as tf.Tensor4D;
    const a = four(x);
    const b = four(y);
    const [, h, w] = a.shape;
    let side = Math.min(window, h, w);
    if (side % 2 === 0) side -= 1;
    const mean = (t: tf.Tensor4D): tf.Tensor4D => tf.avgPool(t, side, 1, 'valid');
    const c1 = 0.01 ** 2;
    const c2 = 0.03 ** 2;
    const np = side * side;
    const correction = np > 1 ? np / (np - 1) : 1;
    const ma = mean(a);
    const mb = mean(b);
    const va = tf.mul(tf.sub(mean(tf.mul(a, a)), tf.mul(ma, ma)), correction);
    const vb = tf.mul(tf.sub(mean(tf.mul(b, b)), tf.mul(mb, mb)), correction);
    const cov = tf.mul(tf.sub(mean(tf.mul(a, b)), tf.mul(ma, mb)), correction);
    const num = tf.mul(tf.add(tf.mul(tf.mul(ma, mb), 2), c1), tf.add(tf.mul(cov, 2), c2));
    const den = tf.mul(tf.add(tf.add(tf.square(ma), tf.square(mb)), c1), tf.add(tf.add(va, vb), c2));
    return tf.mean(tf.div(num, den), [1, 2, 3]) as tf.Tensor1D;
  });
}
