/**
 * RMSprop as Keras computes it, which tfjs's `tf.train.rmsprop` does not.
 *
 * Porting note: Keras (tf.keras 2.x, momentum 0) updates θ −= lr·g / (√ms + ε); tfjs puts ε inside
 * the root, θ −= lr·g / √(ms + ε), which with ε = 1e-7 floors the denominator at 3.2e-4 and shrinks
 * the steps of every weight whose gradients are small (measured: the book's VAE ended at val
 * rounded accuracy 0.9176 with tfjs's formula, against the book's 0.9228).
 */
import { ArgumentError } from '../core/errors.js';
import * as tf from '../core/tf.js';

/** Constructor arguments of {@link KerasRMSprop}. */
export interface KerasRMSpropArgs {
  /** Step size. Keras's default 0.001. */
  learningRate?: number;
  /** Decay of the mean square (Keras's `rho`). Default 0.9. */
  rho?: number;
  /** Added to the root of the mean square. Default 1e-7 (Keras). */
  epsilon?: number;
}

/** RMSprop with Keras's update rule; serializes under the class name `KerasRMSprop`. */
export class KerasRMSprop extends tf.Optimizer {
  static className = 'KerasRMSprop';
  /** Step size; change it with {@link KerasRMSprop.setLearningRate}. */
  learningRate: number;
  readonly rho: number;
  readonly epsilon: number;
  private readonly meanSquares = new Map<string, tf.Variable>();
  /** Mean squares restored by {@link KerasRMSprop.setWeights}, bound by position at the next update. */
  private pending: tf.Variable[] = [];

  constructor(args: KerasRMSpropArgs = {}) {
    super();
    const { learningRate = 0.001, rho = 0.9, epsilon = 1e-7 } = args;
    for (const [key, value] of Object.entries({ learningRate, rho, epsilon })) {
      if (!(Number.isFinite(value) && value > 0)) throw new Error(`RMSprop: '${key}' must be a positive number, got ${value}`);
    }
    this.learningRate = learningRate;
    this.rho = rho;
    this.epsilon = epsilon;
  }

  /** Sets the step size used from the next update on (learning-rate schedules); a finite number ≥ 0. */
  setLearningRate(learningRate: number): void {
    if (!(Number.isFinite(learningRate) && learningRate >= 0))
      throw new ArgumentError('learningRate', `RMSprop: expected a finite number ≥ 0, got ${learningRate}`);
    this.learningRate = learningRate;
  }

  override applyGradients(variableGradients: tf.NamedTensorMap | Array<{ name: string; tensor: tf.Tensor }>): void {
    const list = Array.isArray(variableGradients)
      ? variableGradients
      : Object.entries(variableGradients).map(([name, tensor]) => ({ name, tensor }));
    if (this.pending.length > 0) {
      this.pending.forEach((ms, i) => {
        if (i < list.length && !this.meanSquares.has(list[i].name)) this.meanSquares.set(list[i].name, ms);
      });
      this.pending = [];
    }
    tf.tidy(() => {
      for (const { name, tensor: g } of list) {
        const variable = tf.engine().registeredVariables[name];
        let ms = this.meanSquares.get(name);
        if (ms === undefined) {
          ms = tf.variable(tf.zerosLike(g), false);
          this.meanSquares.set(name, ms);
        }
        const next = tf.add(tf.mul(ms, this.rho), tf.mul(tf.square(g), 1 - this.rho));
        variable.assign(tf.sub(variable, tf.div(tf.mul(g, this.learningRate), tf.add(tf.sqrt(next), this.epsilon))));
        ms.assign(next);
      }
    });
    this.incrementIterations();
  }

  /** The optimizer's state for a checkpoint: the iteration count, then every variable's mean square (named `<variable>/rms`). */
  override async getWeights(): Promise<Array<{ name: string; tensor: tf.Tensor }>> {
    // Mean squares restored but not bound yet (no update since setWeights) keep their place, named by it.
    const entries: Array<[string, tf.Variable]> =
      this.pending.length > 0 ? this.pending.map((v, i) => [`${i}`, v]) : [...this.meanSquares.entries()];
    return [await this.saveIterations(), ...entries.map(([name, tensor]) => ({ name: `${name}/rms`, tensor }))];
  }

  /**
   * Restores what {@link KerasRMSprop.getWeights} returned (the tensors are copied), bound by
   * position to the variables of the next update (as tfjs's Adam does), so a rebuilt model works.
   */
  override async setWeights(weightValues: Array<{ name: string; tensor: tf.Tensor }>): Promise<void> {
    const rest = await this.extractIterations(weightValues);
    this.dispose();
    for (const { tensor } of rest) this.pending.push(tf.variable(tensor.clone(), false));
  }

  override dispose(): void {
    for (const v of this.meanSquares.values()) v.dispose();
    this.meanSquares.clear();
    for (const v of this.pending) v.dispose();
    this.pending = [];
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { learningRate: this.learningRate, rho: this.rho, epsilon: this.epsilon };
  }

  static override fromConfig<T extends tf.serialization.Serializable>(
    cls: tf.serialization.SerializableConstructor<T>,
    config: tf.serialization.ConfigDict,
  ): T {
    return new cls(config);
  }
}
tf.serialization.registerClass(KerasRMSprop);
