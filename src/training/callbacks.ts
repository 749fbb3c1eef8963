/**
 * Callbacks of {@link fit}, as Keras users know them: objects with hooks that fit calls at the
 * start and end of training, of every epoch and after every batch. An epoch's hook may stop the
 * training. The built-ins: early stopping (with restore-best-weights, which tfjs's own
 * `EarlyStopping` lacks), saving on improvement, stopping on a NaN loss with the last good weights,
 * and two learning-rate schedules (reduce on plateau, cosine decay).
 *
 * Epochs and batches are counted from 1, as in the epoch records.
 */

import { ArgumentError, DivergedError } from '../core/errors.js';
import * as tf from '../core/tf.js';
import { getLearningRate, setLearningRate } from './optimizers.js';

/** What is recorded for each epoch. Metric names follow the compiled model (`loss`, `rounded_accuracy`, …). */
export interface EpochRecord {
  epoch: number;
  /**
   * Training metrics averaged over the epoch's batches, then validation metrics prefixed `val_`,
   * then what callbacks add (the learning-rate schedules add `lr`, the rate used in the epoch).
   */
  [metric: string]: number;
  /** Seconds of training in this epoch (validation excluded). */
  seconds: number;
  /** Training images over training seconds. */
  images_per_second: number;
}

/** The values of one batch by name (`loss` first, then the metrics), before averaging. */
export type BatchLogs = Record<string, number>;

/** What every hook receives: the model being trained and the shape of the training. */
export interface CallbackState {
  /** The model `fit` trains. */
  readonly model: tf.LayersModel;
  /** The optimizer that updates the weights: the custom step's when it names one, else the compiled model's. */
  readonly optimizer: tf.Optimizer | undefined;
  /** Epochs `fit` was asked for. */
  readonly epochs: number;
  /** Batches per epoch. */
  readonly stepsPerEpoch: number;
}

/**
 * What a callback carries from epoch to epoch, for a checkpoint: plain JSON values (numbers that
 * may be ±Infinity are written as null) and, for callbacks that keep weights, copies of them in
 * `getWeights` order.
 */
export interface CallbackSnapshot {
  values: Record<string, unknown>;
  weights?: tf.Tensor[];
}

/**
 * A training callback; every hook is optional and may be async. `fit` calls, in the order the
 * callbacks are given: `onTrainBegin`, then for every epoch `onEpochBegin`, `onBatchEnd` after every
 * batch, `onEpochEnd` after validation, and `onTrainEnd` when training ends (after the last epoch or
 * a stop; not when a hook or training throws). `onEpochEnd` returns `true` to stop training after
 * this epoch (every callback still sees the epoch); it may add values to `logs`, which is the
 * epoch's record.
 *
 * @example
 * const printer: Callback = { onEpochEnd: (epoch, logs) => console.log(epoch, logs.loss) };
 */
export interface Callback {
  onTrainBegin?(state: CallbackState): void | Promise<void>;
  onEpochBegin?(epoch: number, state: CallbackState): void | Promise<void>;
  onBatchEnd?(batch: number, logs: BatchLogs, state: CallbackState): void | Promise<void>;
  onEpochEnd?(epoch: number, logs: EpochRecord, state: CallbackState): boolean | undefined | Promise<boolean | undefined>;
  onTrainEnd?(history: EpochRecord[], state: CallbackState): void | Promise<void>;
  /**
   * Its state now, for `fit`'s checkpoints (the tensors stay the callback's: they are read, not
   * kept). A resumed `fit` gives it back to {@link restoreState} right after `onTrainBegin`.
   */
  checkpointState?(state: CallbackState): CallbackSnapshot;
  /** Takes back a state from {@link checkpointState} (copying any weights it keeps). */
  restoreState?(snapshot: CallbackSnapshot, state: CallbackState): void;
}

/** A monitored best value as JSON (±Infinity, the value before any epoch, becomes null). */
const finiteOrNull = (v: number): number | null => (Number.isFinite(v) ? v : null);

function numberOf(snapshot: CallbackSnapshot, key: string, who: string): number {
  const v = snapshot.values[key];
  if (typeof v !== 'number') throw new ArgumentError('resume', `${who}: the checkpoint's callback state has no number '${key}'`);
  return v;
}

/** Whether a lower (`min`) or a higher (`max`) monitored value is better. */
export type MonitorMode = 'min' | 'max';

/** Copies of the model's weights (all of them, trainable or not), in `getWeights` order. */
function snapshot(model: tf.LayersModel): tf.Tensor[] {
  // getWeights returns the variables themselves; a clone keeps the current values when they are reassigned.
  return model.getWeights().map((w) => tf.clone(w));
}

function checkPatience(who: string, argument: string, value: number): void {
  if (!(Number.isInteger(value) && value >= 0)) throw new ArgumentError(argument, `${who}: expected an integer ≥ 0, got ${value}`);
}

function checkNonNegative(who: string, argument: string, value: number): void {
  if (!(Number.isFinite(value) && value >= 0)) throw new ArgumentError(argument, `${who}: expected a finite number ≥ 0, got ${value}`);
}

/** Tracks the best value of one monitored metric over epochs. */
class Monitor {
  readonly mode: MonitorMode;
  best: number;
  bestEpoch: number | null = null;

  constructor(
    readonly who: string,
    readonly monitor: string,
    mode: MonitorMode | undefined,
    readonly minDelta: number,
  ) {
    if (typeof monitor !== 'string' || monitor === '')
      throw new ArgumentError('monitor', `${who}: expected a metric name such as 'val_loss', got '${monitor}'`);
    if (mode !== undefined && mode !== 'min' && mode !== 'max')
      throw new ArgumentError('mode', `${who}: expected 'min' or 'max', got '${String(mode)}'`);
    checkNonNegative(who, 'minDelta', minDelta);
    // Keras's 'auto': accuracies are maximised, everything else minimised.
    this.mode = mode ?? (/acc/.test(monitor) ? 'max' : 'min');
    this.best = this.mode === 'min' ? Infinity : -Infinity;
  }

  reset(): void {
    this.best = this.mode === 'min' ? Infinity : -Infinity;
    this.bestEpoch = null;
  }

  /** The best value and its epoch, as JSON. */
  save(): Record<string, unknown> {
    return { best: finiteOrNull(this.best), bestEpoch: this.bestEpoch };
  }

  /** Takes back what {@link save} returned. */
  restore(values: Record<string, unknown>): void {
    this.reset();
    if (typeof values.best === 'number') this.best = values.best;
    this.bestEpoch = typeof values.bestEpoch === 'number' ? values.bestEpoch : null;
  }

  /** The monitored value of `logs`; throws when the record lacks it. */
  value(logs: EpochRecord): number {
    const v = logs[this.monitor];
    if (typeof v !== 'number') {
      const known = Object.keys(logs).filter((k) => !['epoch', 'seconds', 'images_per_second'].includes(k));
      throw new ArgumentError(
        'monitor',
        `${this.who}: the epoch's record has no '${this.monitor}' (it has ${known.join(', ')}; 'val_' values need validation samples)`,
      );
    }
    return v;
  }

  /** Whether `value` improves on the best so far by more than `minDelta` (NaN never does); records it if so. */
  improves(value: number, epoch: number): boolean {
    const better = this.mode === 'min' ? value < this.best - this.minDelta : value > this.best + this.minDelta;
    if (better) {
      this.best = value;
      this.bestEpoch = epoch;
    }
    return better;
  }
}

/** A callback that watches one metric with a {@link Monitor}: the best value so far and its epoch. */
abstract class Watching {
  protected abstract readonly watch: Monitor;

  /** Epoch with the best monitored value, null before the first. */
  get bestEpoch(): number | null {
    return this.watch.bestEpoch;
  }

  /** Best monitored value so far. */
  get best(): number {
    return this.watch.best;
  }
}

/** Options of {@link earlyStopping}. */
export interface EarlyStoppingOptions {
  /** Metric of the epoch record to watch. Default `val_loss`. */
  monitor?: string;
  /** Default: `max` for accuracies, else `min`. */
  mode?: MonitorMode;
  /** Epochs in a row without improvement after which training stops (0 acts as 1, as in Keras). Default 0. */
  patience?: number;
  /** Smallest change that counts as an improvement. Default 0. */
  minDelta?: number;
  /** At the end of training, set the weights of the best epoch (kept as a copy). Default false (Keras's). */
  restoreBestWeights?: boolean;
}

/** The {@link earlyStopping} callback; its fields say what happened once training has ended. */
export class EarlyStopping extends Watching implements Callback {
  readonly monitor: string;
  readonly patience: number;
  readonly restoreBestWeights: boolean;
  /** Epoch after which training stopped, null when it ran all its epochs. */
  stoppedEpoch: number | null = null;
  /** Whether the best epoch's weights were set at the end. */
  restored = false;
  protected readonly watch: Monitor;
  private wait = 0;
  private bestWeights: tf.Tensor[] | null = null;

  constructor(options: EarlyStoppingOptions = {}) {
    super();
    const { monitor = 'val_loss', mode, patience = 0, minDelta = 0, restoreBestWeights = false } = options;
    checkPatience('earlyStopping', 'patience', patience);
    this.watch = new Monitor('earlyStopping', monitor, mode, minDelta);
    this.monitor = monitor;
    this.patience = patience;
    this.restoreBestWeights = restoreBestWeights;
  }

  onTrainBegin(): void {
    this.watch.reset();
    this.wait = 0;
    this.stoppedEpoch = null;
    this.restored = false;
    this.dropBest();
  }

  onEpochEnd(epoch: number, logs: EpochRecord, state: CallbackState): boolean {
    if (this.watch.improves(this.watch.value(logs), epoch)) {
      this.wait = 0;
      if (this.restoreBestWeights) {
        this.dropBest();
        this.bestWeights = snapshot(state.model);
      }
      return false;
    }
    this.wait += 1;
    if (this.wait >= this.patience) {
      this.stoppedEpoch = epoch;
      return true;
    }
    return false;
  }

  checkpointState(): CallbackSnapshot {
    const values = { ...this.watch.save(), wait: this.wait, stoppedEpoch: this.stoppedEpoch };
    return this.bestWeights === null ? { values } : { values, weights: this.bestWeights };
  }

  restoreState(snapshot: CallbackSnapshot): void {
    this.watch.restore(snapshot.values);
    this.wait = numberOf(snapshot, 'wait', 'earlyStopping');
    this.stoppedEpoch = typeof snapshot.values.stoppedEpoch === 'number' ? snapshot.values.stoppedEpoch : null;
    this.dropBest();
    if (snapshot.weights !== undefined) this.bestWeights = snapshot.weights.map((w) => tf.clone(w));
  }

  onTrainEnd(_history: EpochRecord[], state: CallbackState): void {
    if (this.bestWeights !== null) {
      state.model.setWeights(this.bestWeights);
      this.restored = true;
    }
    this.dropBest();
  }

  private dropBest(): void {
    if (this.bestWeights !== null) tf.dispose(this.bestWeights);
    this.bestWeights = null;
  }
}

/**
 * Stops training when `monitor` (default `val_loss`) has not improved by more than `minDelta` for
 * `patience` epochs in a row. With `restoreBestWeights` it keeps a copy of the weights of the best
 * epoch and sets them when training ends (stopped or not); without, the model keeps the last
 * epoch's weights. `stoppedEpoch`, `bestEpoch` and `best` tell the outcome.
 *
 * @example
 * const stop = earlyStopping({ patience: 3, restoreBestWeights: true });
 * await fit(model, train, { epochs: 50, validation, callbacks: [stop] });
 * console.log(stop.stoppedEpoch, stop.bestEpoch);
 */
export function earlyStopping(options: EarlyStoppingOptions = {}): EarlyStopping {
  return new EarlyStopping(options);
}

/** Options of {@link saveBest}. */
export interface SaveBestOptions {
  /** Called with the model (its weights as after `epoch`) each time the monitored value improves. */
  save: (model: tf.LayersModel, info: { epoch: number; value: number }) => void | Promise<void>;
  /** Default `val_loss`. */
  monitor?: string;
  /** Default: `max` for accuracies, else `min`. */
  mode?: MonitorMode;
  /** Smallest change that counts as an improvement. Default 0. */
  minDelta?: number;
}

/** The {@link saveBest} callback; `bestEpoch`, `best` and `saves` tell what it did. */
export class SaveBest extends Watching implements Callback {
  readonly monitor: string;
  /** How many times `save` was called. */
  saves = 0;
  protected readonly watch: Monitor;
  private readonly save: SaveBestOptions['save'];

  constructor(options: SaveBestOptions) {
    super();
    const { save, monitor = 'val_loss', mode, minDelta = 0 } = options ?? {};
    if (typeof save !== 'function') throw new ArgumentError('save', `saveBest: expected a function (model, info) => …, got ${typeof save}`);
    this.watch = new Monitor('saveBest', monitor, mode, minDelta);
    this.monitor = monitor;
    this.save = save;
  }

  onTrainBegin(): void {
    this.watch.reset();
    this.saves = 0;
  }

  checkpointState(): CallbackSnapshot {
    return { values: { ...this.watch.save(), saves: this.saves } };
  }

  restoreState(snapshot: CallbackSnapshot): void {
    this.watch.restore(snapshot.values);
    this.saves = numberOf(snapshot, 'saves', 'saveBest');
  }

  async onEpochEnd(epoch: number, logs: EpochRecord, state: CallbackState): Promise<false> {
    const value = this.watch.value(logs);
    if (this.watch.improves(value, epoch)) {
      await this.save(state.model, { epoch, value });
      this.saves += 1;
    }
    return false;
  }
}

/**
 * Keras's `ModelCheckpoint(save_best_only=True)` as a hook: calls `options.save` with the model
 * whenever `monitor` (default `val_loss`) improves on its best so far, and only then.
 *
 * @example
 * const best = saveBest({ save: (model) => saveModel(model, 'runs/x/best') });
 */
export function saveBest(options: SaveBestOptions): SaveBest {
  return new SaveBest(options);
}

/**
 * The {@link terminateOnNaN} callback. `fit` adds one in front of the given callbacks unless they
 * hold one already.
 */
export class TerminateOnNaN implements Callback {
  private good: tf.Tensor[] | null = null;
  private goodEpoch = 0;
  private epoch = 0;

  onTrainBegin(state: CallbackState): void {
    this.drop();
    this.good = snapshot(state.model);
    this.goodEpoch = 0;
  }

  onEpochBegin(epoch: number): void {
    this.epoch = epoch;
  }

  onBatchEnd(batch: number, logs: BatchLogs, state: CallbackState): void {
    const loss = logs.loss ?? Object.values(logs)[0];
    if (Number.isFinite(loss)) return;
    let kept = 'the weights are as they were after that batch';
    if (this.good !== null) {
      state.model.setWeights(this.good);
      kept =
        this.goodEpoch === 0
          ? 'the model keeps the weights training started from'
          : `the model keeps the weights of the end of epoch ${this.goodEpoch}`;
    }
    const weightsFromEpoch = this.good === null ? this.epoch : this.goodEpoch;
    this.drop();
    throw new DivergedError(
      `the loss became ${loss} at epoch ${this.epoch}, batch ${batch}: training diverged; lower the learning rate {lr} (${kept})`,
      {
        epoch: this.epoch,
        batch,
        weightsFromEpoch,
      },
      { argument: 'lr' },
    );
  }

  onEpochEnd(epoch: number, _logs: EpochRecord, state: CallbackState): false {
    this.drop();
    this.good = snapshot(state.model);
    this.goodEpoch = epoch;
    return false;
  }

  checkpointState(): CallbackSnapshot {
    const values = { goodEpoch: this.goodEpoch, epoch: this.epoch };
    return this.good === null ? { values } : { values, weights: this.good };
  }

  restoreState(snapshot: CallbackSnapshot): void {
    this.goodEpoch = numberOf(snapshot, 'goodEpoch', 'terminateOnNaN');
    this.epoch = numberOf(snapshot, 'epoch', 'terminateOnNaN');
    if (snapshot.weights !== undefined) {
      this.drop();
      this.good = snapshot.weights.map((w) => tf.clone(w));
    }
  }

  onTrainEnd(): void {
    this.drop();
  }

  private drop(): void {
    if (this.good !== null) tf.dispose(this.good);
    this.good = null;
  }
}

/**
 * Stops training with a {@link DivergedError} (code `E_DIVERGED`, naming the epoch and the batch)
 * as soon as a batch's loss is NaN or infinite, after setting the weights of the end of the last
 * finished epoch (or the initial ones in the first epoch). Copies of weights share the variables'
 * memory until a step replaces them, so keeping them costs one set of weights at most.
 */
export function terminateOnNaN(): TerminateOnNaN {
  return new TerminateOnNaN();
}

function optimizerOf(who: string, state: CallbackState): tf.Optimizer {
  if (state.optimizer === undefined)
    throw new ArgumentError('model', `${who}: the model has no optimizer: compile it first (or give the step's)`);
  return state.optimizer;
}

/** Options of {@link reduceLROnPlateau}. */
export interface ReduceLROnPlateauOptions {
  /** Default `val_loss`. */
  monitor?: string;
  /** Default: `max` for accuracies, else `min`. */
  mode?: MonitorMode;
  /** The learning rate is multiplied by this, in (0, 1). Default 0.1. */
  factor?: number;
  /** Epochs without improvement before a reduction. Default 10. */
  patience?: number;
  /** Smallest change that counts as an improvement. Default 1e-4. */
  minDelta?: number;
  /** Epochs after a reduction during which no new one is counted. Default 0. */
  cooldown?: number;
  /** The learning rate never goes below this. Default 0. */
  minLr?: number;
}

/** The {@link reduceLROnPlateau} callback; `reductions` lists the epochs after which the rate changed. */
export class ReduceLROnPlateau implements Callback {
  readonly monitor: string;
  readonly factor: number;
  readonly patience: number;
  readonly cooldown: number;
  readonly minLr: number;
  /** The reductions so far: after `epoch`, the rate became `lr`. */
  reductions: Array<{ epoch: number; lr: number }> = [];
  private readonly watch: Monitor;
  private wait = 0;
  private cooling = 0;

  constructor(options: ReduceLROnPlateauOptions = {}) {
    const { monitor = 'val_loss', mode, factor = 0.1, patience = 10, minDelta = 1e-4, cooldown = 0, minLr = 0 } = options;
    const who = 'reduceLROnPlateau';
    if (!(Number.isFinite(factor) && factor > 0 && factor < 1))
      throw new ArgumentError('factor', `${who}: expected a number in (0, 1), got ${factor}`);
    checkPatience(who, 'patience', patience);
    checkPatience(who, 'cooldown', cooldown);
    checkNonNegative(who, 'minLr', minLr);
    this.watch = new Monitor(who, monitor, mode, minDelta);
    this.monitor = monitor;
    this.factor = factor;
    this.patience = patience;
    this.cooldown = cooldown;
    this.minLr = minLr;
  }

  onTrainBegin(state: CallbackState): void {
    optimizerOf('reduceLROnPlateau', state);
    this.watch.reset();
    this.wait = 0;
    this.cooling = 0;
    this.reductions = [];
  }

  /** Also records the optimizer's rate now, which a resumed run's fresh optimizer does not know. */
  checkpointState(state: CallbackState): CallbackSnapshot {
    const lr = getLearningRate(optimizerOf('reduceLROnPlateau', state));
    return { values: { ...this.watch.save(), wait: this.wait, cooling: this.cooling, reductions: this.reductions, lr } };
  }

  restoreState(snapshot: CallbackSnapshot, state: CallbackState): void {
    const who = 'reduceLROnPlateau';
    this.watch.restore(snapshot.values);
    this.wait = numberOf(snapshot, 'wait', who);
    this.cooling = numberOf(snapshot, 'cooling', who);
    const reductions = snapshot.values.reductions;
    this.reductions = Array.isArray(reductions) ? reductions.map((r: { epoch: number; lr: number }) => ({ epoch: r.epoch, lr: r.lr })) : [];
    setLearningRate(optimizerOf(who, state), numberOf(snapshot, 'lr', who));
  }

  onEpochEnd(epoch: number, logs: EpochRecord, state: CallbackState): false {
    const optimizer = optimizerOf('reduceLROnPlateau', state);
    const lr = getLearningRate(optimizer);
    logs.lr = lr;
    const value = this.watch.value(logs);
    if (this.cooling > 0) {
      this.cooling -= 1;
      this.wait = 0;
    }
    if (this.watch.improves(value, epoch)) {
      this.wait = 0;
    } else if (this.cooling === 0) {
      this.wait += 1;
      if (this.wait >= this.patience && lr > this.minLr) {
        const next = Math.max(lr * this.factor, this.minLr);
        setLearningRate(optimizer, next);
        this.reductions.push({ epoch, lr: next });
        this.cooling = this.cooldown;
        this.wait = 0;
      }
    }
    return false;
  }
}

/**
 * Keras's `ReduceLROnPlateau`: multiplies the optimizer's learning rate by `factor` (not below
 * `minLr`) when `monitor` has not improved by more than `minDelta` for `patience` epochs. Records the
 * rate each epoch was trained with as `lr` in its record.
 *
 * @example
 * await fit(model, train, { epochs: 30, validation, callbacks: [reduceLROnPlateau({ factor: 0.5, patience: 2 })] });
 */
export function reduceLROnPlateau(options: ReduceLROnPlateauOptions = {}): ReduceLROnPlateau {
  return new ReduceLROnPlateau(options);
}

/** Options of {@link cosineDecay}. */
export interface CosineDecayOptions {
  /** Rate of the first epoch. Default: the optimizer's rate when training begins. */
  initialLr?: number;
  /** Epochs of the decay; later epochs use `minLr`. Default: the epochs `fit` runs. */
  epochs?: number;
  /** Rate the decay tends to. Default 0. */
  minLr?: number;
}

/** The {@link cosineDecay} callback. */
export class CosineDecay implements Callback {
  private readonly given: CosineDecayOptions;
  private initialLr = 0;
  private epochs = 1;
  private readonly minLr: number;
  private current = 0;

  constructor(options: CosineDecayOptions = {}) {
    const { initialLr, epochs, minLr = 0 } = options;
    const who = 'cosineDecay';
    if (initialLr !== undefined && !(Number.isFinite(initialLr) && initialLr > 0))
      throw new ArgumentError('initialLr', `${who}: expected a positive number, got ${initialLr}`);
    if (epochs !== undefined && !(Number.isInteger(epochs) && epochs > 0))
      throw new ArgumentError('epochs', `${who}: expected a positive integer, got ${epochs}`);
    checkNonNegative(who, 'minLr', minLr);
    if (initialLr !== undefined && minLr > initialLr)
      throw new ArgumentError('minLr', `${who}: expected at most initialLr ${initialLr}, got ${minLr}`);
    this.given = options;
    this.minLr = minLr;
  }

  /** The rate of `epoch` (from 1): minLr + (initialLr − minLr)·½·(1 + cos(π·(epoch − 1)/epochs)), minLr after `epochs`. */
  rate(epoch: number): number {
    const t = Math.min(epoch - 1, this.epochs) / this.epochs;
    return this.minLr + (this.initialLr - this.minLr) * 0.5 * (1 + Math.cos(Math.PI * t));
  }

  onTrainBegin(state: CallbackState): void {
    const optimizer = optimizerOf('cosineDecay', state);
    this.initialLr = this.given.initialLr ?? getLearningRate(optimizer);
    this.epochs = this.given.epochs ?? state.epochs;
    if (this.minLr > this.initialLr)
      throw new ArgumentError('minLr', `cosineDecay: expected at most the initial learning rate ${this.initialLr}, got ${this.minLr}`);
  }

  checkpointState(): CallbackSnapshot {
    return { values: { initialLr: this.initialLr, epochs: this.epochs, current: this.current } };
  }

  /** Sets the rate of the epoch in progress too (a resumed epoch does not begin again). */
  restoreState(snapshot: CallbackSnapshot, state: CallbackState): void {
    this.initialLr = numberOf(snapshot, 'initialLr', 'cosineDecay');
    this.epochs = numberOf(snapshot, 'epochs', 'cosineDecay');
    this.current = numberOf(snapshot, 'current', 'cosineDecay');
    setLearningRate(optimizerOf('cosineDecay', state), this.current);
  }

  onEpochBegin(epoch: number, state: CallbackState): void {
    this.current = this.rate(epoch);
    setLearningRate(optimizerOf('cosineDecay', state), this.current);
  }

  onEpochEnd(_epoch: number, logs: EpochRecord): false {
    logs.lr = this.current;
    return false;
  }
}

/**
 * Cosine decay of the learning rate per epoch (Keras's `CosineDecay` with `alpha` = minLr/initialLr,
 * stepped once per epoch): epoch e of E trains with minLr + (initialLr − minLr)·½·(1 + cos(π·(e − 1)/E)),
 * so the first epoch uses `initialLr`. Records each epoch's rate as `lr` in its record.
 *
 * @example
 * await fit(model, train, { epochs: 20, callbacks: [cosineDecay({ minLr: 1e-4 })] });
 */
export function cosineDecay(options: CosineDecayOptions = {}): CosineDecay {
  return new CosineDecay(options);
}
