/**
 * The callbacks a training run can ask for (early stopping, saving the best model to `best/`, a
 * learning-rate schedule): the options of {@link trainRun} that choose them, their checks, and the
 * section `callbacks` of `metrics.json` that records what they did.
 */
import { ArgumentError, ConflictError } from '../core/errors.js';
import type * as tf from '../core/tf.js';
import {
  type Callback,
  type CosineDecay,
  cosineDecay,
  type EarlyStopping,
  earlyStopping,
  type ReduceLROnPlateau,
  reduceLROnPlateau,
  type SaveBest,
  saveBest,
} from '../training/callbacks.js';

/** Learning-rate schedules a run can use. */
export type LrScheduleName = 'plateau' | 'cosine';

/** Names accepted as `lrSchedule`. */
export const LR_SCHEDULES: readonly LrScheduleName[] = ['plateau', 'cosine'];

/** The options of a run that add callbacks to its training (all monitor `val_loss`). */
export interface RunCallbackOptions {
  /** Stop when val_loss has not improved for `patience` epochs; the best epoch's weights are restored unless `restoreBestWeights` is false. */
  earlyStopping?: { patience: number; restoreBestWeights?: boolean };
  /** Save the autoencoder to `best/` in the run directory whenever val_loss improves. */
  saveBest?: boolean;
  /** Change the learning rate per epoch: `plateau` (reduce on plateau) or `cosine` (cosine decay over the run's epochs). */
  lrSchedule?: LrScheduleName;
  /** `plateau`: epochs without improvement before the rate is multiplied by `lrFactor`. Default 10 (Keras's). */
  lrPatience?: number;
  /** `plateau`: factor in (0, 1) applied to the rate. Default 0.1 (Keras's). */
  lrFactor?: number;
  /** Lowest rate of a schedule (`plateau`: its floor; `cosine`: where it ends). Default 0. */
  minLr?: number;
}

/** The callbacks of one run, made by {@link runCallbacks}. */
export interface RunCallbacks {
  /** The callbacks for `fit` (empty when the run asks for none). */
  callbacks: Callback[];
  /** The `callbacks` section of metrics.json (settings and outcomes), null when there are none. */
  outcomes(): Record<string, unknown> | null;
}

/** Checks the callback options of a run (whose learning rate is `lr`) before anything is loaded or written. */
export function checkRunCallbacks(options: RunCallbackOptions, lr: number): void {
  const { earlyStopping: early, lrSchedule, lrPatience, lrFactor, minLr } = options;
  if (early !== undefined && !(typeof early === 'object' && early !== null && Number.isInteger(early.patience) && early.patience >= 0)) {
    throw new ArgumentError('earlyStopping', `expected { patience: an integer ≥ 0 }, got ${JSON.stringify(early)}`);
  }
  if (lrSchedule !== undefined && !LR_SCHEDULES.includes(lrSchedule))
    throw new ArgumentError('lrSchedule', `expected one of ${LR_SCHEDULES.join(', ')}, got '${String(lrSchedule)}'`);
  if (lrPatience !== undefined && !(Number.isInteger(lrPatience) && lrPatience >= 0))
    throw new ArgumentError('lrPatience', `expected an integer ≥ 0, got ${lrPatience}`);
  if (lrFactor !== undefined && !(Number.isFinite(lrFactor) && lrFactor > 0 && lrFactor < 1))
    throw new ArgumentError('lrFactor', `expected a number in (0, 1), got ${lrFactor}`);
  if (minLr !== undefined && !(Number.isFinite(minLr) && minLr >= 0))
    throw new ArgumentError('minLr', `expected a finite number ≥ 0, got ${minLr}`);
  for (const key of ['lrPatience', 'lrFactor'] as const) {
    if (options[key] !== undefined && lrSchedule !== 'plateau')
      throw new ConflictError([key, 'lrSchedule'], `{${key}} needs {lrSchedule} plateau`);
  }
  if (minLr !== undefined && lrSchedule === undefined) throw new ConflictError(['minLr', 'lrSchedule'], '{minLr} needs {lrSchedule}');
  if (lrSchedule === 'cosine' && (minLr ?? 0) > lr)
    throw new ConflictError(
      ['minLr', 'lr'],
      `{minLr} ${minLr} is above the run's learning rate {lr} ${lr}: the cosine schedule decays from {lr} to {minLr}`,
    );
}

/**
 * The callbacks `options` ask for; `saveBestModel` saves the model into the run's `best/`.
 * `lr` is the run's learning rate (a cosine schedule's start must not be below `minLr`).
 */
export function runCallbacks(
  options: RunCallbackOptions,
  lr: number,
  saveBestModel: (model: tf.LayersModel) => Promise<void>,
): RunCallbacks {
  checkRunCallbacks(options, lr);
  const callbacks: Callback[] = [];
  let early: EarlyStopping | null = null;
  let best: SaveBest | null = null;
  let plateau: ReduceLROnPlateau | null = null;
  let cosine: CosineDecay | null = null;
  let began = false;
  callbacks.push({
    onTrainBegin: () => {
      began = true;
    },
  });
  if (options.lrSchedule === 'plateau') {
    plateau = reduceLROnPlateau({ factor: options.lrFactor, patience: options.lrPatience, minLr: options.minLr });
    callbacks.push(plateau);
  } else if (options.lrSchedule === 'cosine') {
    cosine = cosineDecay({ minLr: options.minLr });
    callbacks.push(cosine);
  }
  if (options.saveBest === true) {
    best = saveBest({ save: (model) => saveBestModel(model) });
    callbacks.push(best);
  }
  if (options.earlyStopping !== undefined) {
    early = earlyStopping({
      patience: options.earlyStopping.patience,
      restoreBestWeights: options.earlyStopping.restoreBestWeights ?? true,
    });
    callbacks.push(early);
  }
  if (callbacks.length === 1) return { callbacks: [], outcomes: () => null };
  return {
    callbacks,
    outcomes() {
      const section: Record<string, unknown> = { applied: began };
      const bestOf = (v: number): number | null => (Number.isFinite(v) ? v : null);
      if (early !== null) {
        section.early_stopping = {
          monitor: early.monitor,
          patience: early.patience,
          restore_best_weights: early.restoreBestWeights,
          stopped_epoch: early.stoppedEpoch,
          best_epoch: early.bestEpoch,
          best: bestOf(early.best),
          restored: early.restored,
        };
      }
      if (best !== null)
        section.save_best = { monitor: best.monitor, dir: 'best', best_epoch: best.bestEpoch, best: bestOf(best.best), saves: best.saves };
      if (plateau !== null) {
        section.lr_schedule = {
          name: 'plateau',
          monitor: plateau.monitor,
          factor: plateau.factor,
          patience: plateau.patience,
          min_lr: plateau.minLr,
          reductions: plateau.reductions,
        };
      }
      if (cosine !== null) section.lr_schedule = { name: 'cosine', initial_lr: lr, min_lr: options.minLr ?? 0 };
      return section;
    },
  };
}
