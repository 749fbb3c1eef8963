/**
 * Nadam (Adam with Nesterov momentum, Dozat 2016) for tfjs, which ships no Nadam.
 *
 * Porting note: follows Keras 2's `Nadam` (tf.keras.optimizers.Nadam): the momentum schedule
 * μ_t = β1·(1 − ½·0.96^(0.004·t)) and its running product, bias-corrected second moment.
 */
import { ArgumentError } from '../core/errors.js';
import * as tf from '../core/tf.js';

/** Constructor arguments of {@link Nadam}. */
export interface NadamArgs {
  /** Step size. Keras's default 0.001. */
  learningRate?: number;
  /** Decay of the first moment. Default 0.9. */
  beta1?: number;
  /** Decay of the second moment. Default 0.999. */
  beta2?: number;
  /** Added to the denominator for stability. Default 1e-7 (Keras). */
  epsilon?: number;
}

interface Slot {
  m: tf.Variable;
  v: tf.Variable;
}

/** Nadam optimizer; serializes under the class name `Nadam`. */
export class Nadam extends tf.Optimizer {
  static className = 'Nadam';
  /** Step size; change it with {@link Nadam.setLearningRate}. */
  learningRate: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  private readonly slots = new Map<string, Slot>();
  /** Slots restored by {@link Nadam.setWeights}, bound by position at the next update. */
  private pending: Slot[] = [];
  private mu = 1;

  constructor(args: NadamArgs = {}) {
    super();
    const { learningRate = 0.001, beta1 = 0.9, beta2 = 0.999, epsilon = 1e-7 } = args;
    for (const [key, value] of Object.entries({ learningRate, beta1, beta2, epsilon })) {
      if (!(Number.isFinite(value) && value > 0)) throw new Error(`Nadam: '${key}' must be a positive number, got ${value}`);
    }
    this.learningRate = learningRate;
    this.beta1 = beta1;
    this.beta2 = beta2;
    this.epsilon = epsilon;
  }

  /** Sets the step size used from the next update on (learning-rate schedules); a finite number ≥ 0. */
  setLearningRate(learningRate: number): void {
    if (!(Number.isFinite(learningRate) && learningRate >= 0))
      throw new ArgumentError('learningRate', `Nadam: expected a finite number ≥ 0, got ${learningRate}`);
    this.learningRate = learningRate;
  }

  override applyGradients(variableGradients: tf.NamedTensorMap | Array<{ name: string; tensor: tf.Tensor }>): void {
    const list = Array.isArray(variableGradients)
      ? variableGradients
      : Object.entries(variableGradients).map(([name, tensor]) => ({ name, tensor }));
    const t = this.iterations + 1;
    const mu = this.beta1 * (1 - 0.5 * 0.96 ** (0.004 * t));
    const muNext = this.beta1 * (1 - 0.5 * 0.96 ** (0.004 * (t + 1)));
    const muProduct = this.mu * mu;
    const muProductNext = muProduct * muNext;
    const b2 = this.beta2;
    if (this.pending.length > 0) {
      this.pending.forEach((slot, i) => {
        if (i < list.length && !this.slots.has(list[i].name)) this.slots.set(list[i].name, slot);
      });
      this.pending = [];
    }
    tf.tidy(() => {
      for (const { name, tensor: g } of list) {
        const variable = tf.engine().registeredVariables[name];
        let slot = this.slots.get(name);
        if (slot === undefined) {
          slot = { m: tf.variable(tf.zerosLike(g), false), v: tf.variable(tf.zerosLike(g), false) };
          this.slots.set(name, slot);
        }
        const m = tf.add(tf.mul(slot.m, this.beta1), tf.mul(g, 1 - this.beta1));
        const v = tf.add(tf.mul(slot.v, b2), tf.mul(tf.square(g), 1 - b2));
        const mHat = tf.add(tf.mul(m, muNext / (1 - muProductNext)), tf.mul(g, (1 - mu) / (1 - muProduct)));
        const vHat = tf.div(v, 1 - b2 ** t);
        variable.assign(tf.sub(variable, tf.div(tf.mul(mHat, this.learningRate), tf.add(tf.sqrt(vHat), this.epsilon))));
        slot.m.assign(m);
        slot.v.assign(v);
      }
    });
    this.mu = muProduct;
    this.incrementIterations();
  }

  /**
   * The optimizer's state for a checkpoint: the iteration count, then every variable's first
   * moments, then its second moments (named `<variable>/m`, `<variable>/v`). The running momentum
   * product is {@link Nadam.muProduct}, restored with {@link Nadam.setMuProduct}.
   */
  override async getWeights(): Promise<Array<{ name: string; tensor: tf.Tensor }>> {
    // Slots restored but not bound yet (no update since setWeights) keep their place, named by it.
    const slots: Array<[string, Slot]> = this.pending.length > 0 ? this.pending.map((p, i) => [`${i}`, p]) : [...this.slots.entries()];
    return [
      await this.saveIterations(),
      ...slots.map(([name, s]) => ({ name: `${name}/m`, tensor: s.m })),
      ...slots.map(([name, s]) => ({ name: `${name}/v`, tensor: s.v })),
    ];
  }

  /**
   * Restores what {@link Nadam.getWeights} returned (the tensors are copied). The slots are bound
   * by position to the variables of the next update, as tfjs's Adam does: a model rebuilt
   * elsewhere (another process, other variable names) gets the state of the one saved.
   */
  override async setWeights(weightValues: Array<{ name: string; tensor: tf.Tensor }>): Promise<void> {
    const rest = await this.extractIterations(weightValues);
    if (rest.length % 2 !== 0)
      throw new ArgumentError('weightValues', `Nadam: expected first and second moments in pairs, got ${rest.length} tensors`);
    this.dispose();
    const half = rest.length / 2;
    for (let i = 0; i < half; i++) {
      this.pending.push({ m: tf.variable(rest[i].tensor.clone(), false), v: tf.variable(rest[half + i].tensor.clone(), false) });
    }
  }

  /** The running product of the momentum schedule (part of the state a checkpoint keeps). */
  get muProduct(): number {
    return this.mu;
  }

  /** Restores the running momentum product saved from {@link Nadam.muProduct}. */
  setMuProduct(value: number): void {
    if (!(Number.isFinite(value) && value > 0)) throw new ArgumentError('muProduct', `Nadam: expected a positive number, got ${value}`);
    this.mu = value;
  }

  override dispose(): void {
    for (const { m, v } of this.slots.values()) {
      m.dispose();
      v.dispose();
    }
    this.slots.clear();
    for (const { m, v } of this.pending) {
      m.dispose();
      v.dispose();
    }
    this.pending = [];
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { learningRate: this.learningRate, beta1: this.beta1, beta2: this.beta2, epsilon: this.epsilon };
  }

  static override fromConfig<T extends tf.serialization.Serializable>(
    cls: tf.serialization.SerializableConstructor<T>,
    config: tf.serialization.ConfigDict,
  ): T {
    return new cls(config);
  }
}
tf.serialization.registerClass(Nadam);
