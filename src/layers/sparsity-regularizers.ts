/**
 * Activity regularizers for sparse autoencoders (Géron, ch. 17): an L1 penalty and the
 * KL-divergence penalty towards a target mean activation. They are serializable classes, so the
 * {@link ActivityRegularization} layer that carries one survives save → load.
 *
 * Porting note: tfjs 4.22 throws on a layer's `activityRegularizer` option, so aekit applies these
 * penalties in a custom training step (see `sparsityStep`), not through the layer.
 */

import { ArgumentError } from '../core/errors.js';
import * as tf from '../core/tf.js';

/** A penalty computed from a batch of activations `[n, units]`. */
export abstract class ActivityRegularizer extends tf.serialization.Serializable {
  /** The penalty (a scalar) for a batch of activations. */
  abstract apply(activations: tf.Tensor): tf.Scalar;
}

/** Arguments of {@link L1ActivityRegularizer}. */
export interface L1ActivityArgs {
  /** Weight of the penalty, e.g. `1e-3` (the book's). */
  l1: number;
}

/**
 * `l1 · Σ|a| / n`: the book's `ActivityRegularization(l1=1e-3)`, divided by the batch size as
 * Keras does for activity losses.
 */
export class L1ActivityRegularizer extends ActivityRegularizer {
  /** Registered class name. */
  static className = 'L1ActivityRegularizer';
  readonly l1: number;

  constructor(args: L1ActivityArgs) {
    super();
    if (!(Number.isFinite(args.l1) && args.l1 >= 0))
      throw new ArgumentError('l1', `L1ActivityRegularizer: {l1} must be a number ≥ 0, got ${args.l1}`);
    this.l1 = args.l1;
  }

  apply(activations: tf.Tensor): tf.Scalar {
    return tf.tidy(() => tf.mul(this.l1, tf.div(tf.sum(tf.abs(activations)), activations.shape[0] ?? 1)) as tf.Scalar);
  }

  getConfig(): tf.serialization.ConfigDict {
    return { l1: this.l1 };
  }
}
tf.serialization.registerClass(L1ActivityRegularizer);

/** Arguments of {@link KLDivergenceRegularizer}. */
export interface KLDivergenceArgs {
  /** Weight of the penalty (book: 0.05). */
  weight: number;
  /** Target mean activation of every unit, in (0, 1) (book: 0.1). */
  target: number;
}

/**
 * `weight · Σ_units [KL(t ‖ m) + KL(1 − t ‖ 1 − m)] / n`, where `m` is each unit's mean activation
 * over the batch of `n` and `t` the target: pushes sigmoid units towards being active `t` of the time.
 *
 * Porting note: the division by the batch size is what TF 2's Keras does with every activity
 * regularizer loss (`Layer._handle_activity_regularization`), so the book's weight 0.05 means this.
 */
export class KLDivergenceRegularizer extends ActivityRegularizer {
  /** Registered class name. */
  static className = 'KLDivergenceRegularizer';
  readonly weight: number;
  readonly target: number;

  constructor(args: KLDivergenceArgs) {
    super();
    if (!(Number.isFinite(args.weight) && args.weight >= 0))
      throw new ArgumentError('weight', `KLDivergenceRegularizer: {weight} must be a number ≥ 0, got ${args.weight}`);
    if (!(args.target > 0 && args.target < 1))
      throw new ArgumentError('target', `KLDivergenceRegularizer: {target} must lie in (0, 1), got ${args.target}`);
    this.weight = args.weight;
    this.target = args.target;
  }

  apply(activations: tf.Tensor): tf.Scalar {
    return tf.tidy(() => {
      const eps = 1e-7; // Keras clips probabilities the same way in kullback_leibler_divergence
      const t = this.target;
      const m = tf.clipByValue(tf.mean(activations, 0), eps, 1 - eps);
      const kl = tf.add(tf.mul(t, tf.log(tf.div(t, m))), tf.mul(1 - t, tf.log(tf.div(1 - t, tf.sub(1, m)))));
      return tf.div(tf.mul(this.weight, tf.sum(kl)), activations.shape[0] ?? 1) as tf.Scalar;
    });
  }

  getConfig(): tf.serialization.ConfigDict {
    return { weight: this.weight, target: this.target };
  }
}
tf.serialization.registerClass(KLDivergenceRegularizer);

/** Serialized form of a regularizer inside a layer config. */
export interface SerializedRegularizer {
  className: string;
  config: tf.serialization.ConfigDict;
}

/** `{className, config}` of a regularizer, for a layer's `getConfig`. */
export function serializeRegularizer(r: ActivityRegularizer): SerializedRegularizer {
  return { className: (r.constructor as unknown as { className: string }).className, config: r.getConfig() };
}

/** Rebuilds a regularizer from {@link serializeRegularizer}'s output (any registered class). */
export function deserializeRegularizer(s: SerializedRegularizer): ActivityRegularizer {
  const entry = tf.serialization.SerializationMap.getMap().classNameMap[s?.className];
  if (entry === undefined) {
    throw new ArgumentError(
      'className',
      `unknown activity regularizer class '${s?.className}': import the module that registers it before loading`,
    );
  }
  const [cls, fromConfig] = entry;
  const r = fromConfig(cls, s.config);
  if (!(r instanceof ActivityRegularizer)) throw new ArgumentError('className', `'${s.className}' is not an activity regularizer`);
  return r;
}

/**
 * Parses a `sparsity` spec: `l1:WEIGHT` (e.g. `l1:1e-3`), `kl:WEIGHT,TARGET` (e.g. `kl:0.05,0.1`)
 * or `none`. Throws an ArgumentError naming `sparsity` on anything else.
 */
export function parseSparsity(spec: string): ActivityRegularizer | null {
  const s = spec.trim();
  if (s === 'none') return null;
  const bad = (why: string): ArgumentError =>
    new ArgumentError(
      'sparsity',
      `{sparsity} '${spec}': ${why}; expected l1:WEIGHT (e.g. l1:1e-3), kl:WEIGHT,TARGET (e.g. kl:0.05,0.1) or none`,
    );
  const [kind, rest = ''] = s.split(':', 2);
  const nums = rest.split(',').map((v) => (v.trim() === '' ? NaN : Number(v)));
  if (kind === 'l1') {
    if (nums.length !== 1 || !Number.isFinite(nums[0]) || nums[0] < 0) throw bad('l1 takes one weight ≥ 0');
    return new L1ActivityRegularizer({ l1: nums[0] });
  }
  if (kind === 'kl') {
    if (nums.length !== 2 || !nums.every(Number.isFinite)) throw bad('kl takes a weight and a target');
    if (nums[0] < 0) throw bad(`weight must be ≥ 0, found ${nums[0]}`);
    if (!(nums[1] > 0 && nums[1] < 1)) throw bad(`target must lie in (0, 1), found ${nums[1]}`);
    return new KLDivergenceRegularizer({ weight: nums[0], target: nums[1] });
  }
  throw bad(`unknown kind '${kind}'`);
}
