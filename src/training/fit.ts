/**
 * The training loop: seeded shuffling, batches cut from flat arrays (so a 55,000-image set is
 * never a single tensor), per-epoch validation, and progress.
 */

import { ArgumentError, InterruptedError } from '../core/errors.js';
import { type ProgressSink, silentProgress } from '../core/progress.js';
import { seededRandom } from '../core/random.js';
import * as tf from '../core/tf.js';
import { type AnySamples, floatRows, isByteSamples, pickRows, sampleSize as size } from '../data/samples.js';
import { permutation } from '../data/split.js';
import {
  type BatchLogs,
  type Callback,
  type CallbackSnapshot,
  type CallbackState,
  type EpochRecord,
  TerminateOnNaN,
  terminateOnNaN,
} from './callbacks.js';
import { fusedTrainStep } from './fused-step.js';
import { captureOptimizerState, type OptimizerState, restoreOptimizerState } from './optimizer-state.js';
import type { TrainStep } from './train-step.js';

export type { EpochRecord, TrainStep };

/** Options of {@link fit}. */
export interface FitOptions {
  /** Number of passes over the training samples. */
  epochs: number;
  /** Samples per gradient step. Default 32. */
  batchSize?: number;
  /** Seed of the shuffling; the same seed gives the same batches. Default 42. */
  seed?: number;
  /** Shuffle before every epoch. Default true. */
  shuffle?: boolean;
  /** Samples evaluated after every epoch. */
  validation?: AnySamples;
  /** Progress display. Default: none. */
  progress?: ProgressSink;
  /** Title of the progress bar, before "epoch i/n". */
  title?: string;
  /** Called after every epoch with its record, after the callbacks (e.g. to write metrics.json). */
  onEpochEnd?: (record: EpochRecord) => void | Promise<void>;
  /**
   * Keras-style callbacks (see `callbacks.ts`: early stopping, saving the best model, learning-rate
   * schedules), called in this order. A {@link TerminateOnNaN} is put in front unless one is given.
   */
  callbacks?: Callback[];
  /** Custom gradient step (extra loss terms) used instead of `model.trainOnBatch`; see {@link TrainStep}. */
  step?: TrainStep;
  /**
   * Without `step`: train with aekit's fused step where it applies (runs of dense layers as one op
   * on the native engine, `fused-step.ts`; the result is trainOnBatch's to float rounding), else
   * with `model.trainOnBatch`. false: always trainOnBatch. Default true.
   */
  fused?: boolean;
  /**
   * Stops training at the end of the current batch once `aborted` is true (an `AbortSignal`, or
   * any object with that flag): `checkpoint` is called with where training stopped, then fit
   * throws an `InterruptedError`.
   */
  signal?: { readonly aborted: boolean };
  /**
   * Called after every epoch (after `onEpochEnd`) and when `signal` stops training, with
   * everything {@link FitOptions.resume} needs to continue exactly from there.
   */
  checkpoint?: (checkpoint: FitCheckpoint) => void | Promise<void>;
  /**
   * Also call `checkpoint` inside an epoch, at the first batch boundary once this many seconds of
   * wall time have passed since the last checkpoint (or the start). Default: only after epochs.
   * The time spent writing these checkpoints is not counted in the epoch's `seconds`.
   */
  checkpointSeconds?: number;
  /**
   * Continue from a checkpoint: the model's weights and the optimizer's state are set from it
   * (the optimizer once the model is compiled, before the first batch), the shuffling continues
   * from its recorded state, and the epoch in progress from its recorded batch. `epochs` must be
   * the same as when the checkpoint was made. The result of an interrupted and resumed training is
   * the same, bit for bit on a deterministic backend, as that of one uninterrupted.
   */
  resume?: FitCheckpoint;
}

/** Where a {@link fit} stands, as its `checkpoint` option receives it and its `resume` option takes it. */
export interface FitPosition {
  /** The epoch to run (counted from 1); `epochs + 1` once training is complete. */
  epoch: number;
  /** Batches of that epoch already done (0: the epoch has not started). */
  batch: number;
  /** State of the shuffling generator before this epoch's order was drawn (see `seededRandom`). */
  random: number;
  /** Sums over the batches done of each value's batch mean × batch size (the epoch's running loss and metrics). */
  sums: number[];
  /** Samples those batches held. */
  seen: number;
  /** Seconds spent on those batches. */
  seconds: number;
}

/** A {@link fit} checkpoint: position, the records of the epochs done, the model's weights and the optimizer's state. */
export interface FitCheckpoint {
  position: FitPosition;
  history: EpochRecord[];
  /** The model's weights (`model.getWeights()` order). */
  weights: tf.Tensor[];
  /** The optimizer's state; null when the model had none. */
  optimizer: OptimizerState | null;
  /**
   * What each callback carries from epoch to epoch (best value, patience counter, a schedule's
   * rate, best weights), in the order `fit` calls them (its {@link TerminateOnNaN} first unless
   * one was given); null for a callback with no state. Absent: none recorded.
   */
  callbacks?: Array<CallbackSnapshot | null>;
}

/** Copies the samples at `indices[from..to)` into one batch tensor pair (bytes become floats / 255). */
function batchAt(samples: AnySamples, indices: Uint32Array | null, from: number, to: number): [tf.Tensor, tf.Tensor] {
  const n = to - from;
  const x = tf.tensor(floatRows(samples, indices, from, to), [n, ...samples.shape]);
  if (isByteSamples(samples) || samples.y === undefined) return [x, x];
  const yShape = samples.yShape ?? [];
  const ys = size(yShape);
  const picked = indices === null ? samples.y.slice(from * ys, to * ys) : pickRows(samples.y, ys, indices, from, to);
  return [x, tf.tensor(picked, [n, ...yShape])];
}

function checkSamples(samples: AnySamples, what: string): void {
  if (isByteSamples(samples)) {
    if (samples.bytes.rowBytes !== size(samples.shape) || samples.bytes.count < samples.count)
      throw new ArgumentError(
        what,
        `bytes hold ${samples.bytes.count} rows of ${samples.bytes.rowBytes}, expected ${samples.count} rows of ${samples.shape.join('×')}`,
      );
    return;
  }
  const want = samples.count * size(samples.shape);
  if (samples.x.length !== want) {
    throw new ArgumentError(what, `x holds ${samples.x.length} floats, expected ${samples.count} × ${samples.shape.join('×')} = ${want}`);
  }
  if (samples.y !== undefined && samples.y.length !== samples.count * size(samples.yShape ?? [])) {
    throw new ArgumentError(what, `y holds ${samples.y.length} floats, expected ${samples.count} × ${(samples.yShape ?? []).join('×')}`);
  }
}

function checkResume(resume: FitCheckpoint, epochs: number, steps: number, values: number): void {
  const p = resume?.position;
  const ok =
    p !== undefined &&
    Number.isInteger(p.epoch) &&
    p.epoch >= 1 &&
    p.epoch <= epochs + 1 &&
    Number.isInteger(p.batch) &&
    p.batch >= 0 &&
    p.batch < steps &&
    Array.isArray(resume.history) &&
    resume.history.length === p.epoch - 1 &&
    (p.batch === 0 || (Array.isArray(p.sums) && p.sums.length === values && p.seen > 0));
  if (!ok)
    throw new ArgumentError(
      'resume',
      `expected a checkpoint of this training (${epochs} epochs of ${steps} batches, ${values} values per batch), got position ${JSON.stringify(p)} with ${resume?.history?.length} epoch records`,
    );
}

/**
 * Evaluates a compiled model on `samples` in batches; returns `{loss, <metric>…}` averaged over samples.
 */
export async function evaluate(
  model: tf.LayersModel,
  samples: AnySamples,
  batchSize = 256,
  step?: TrainStep,
): Promise<Record<string, number>> {
  checkSamples(samples, 'samples');
  const custom = step?.evaluate;
  const names = custom === undefined ? model.metricsNames : step!.names;
  const sums = new Float64Array(names.length);
  for (let from = 0; from < samples.count; from += batchSize) {
    const to = Math.min(samples.count, from + batchSize);
    const [x, y] = batchAt(samples, null, from, to);
    if (custom !== undefined) {
      try {
        (await custom.call(step, x, y)).forEach((v, i) => {
          sums[i] += v * (to - from);
        });
      } finally {
        tf.dispose([x, y]);
      }
      continue;
    }
    const out = model.evaluate(x, y, { batchSize: to - from }) as tf.Scalar | tf.Scalar[];
    const scalars = Array.isArray(out) ? out : [out];
    const values = await Promise.all(scalars.map((s) => s.data()));
    values.forEach((v, i) => {
      sums[i] += v[0] * (to - from);
    });
    tf.dispose([x, y, ...scalars]);
  }
  return Object.fromEntries(names.map((n, i) => [n, sums[i] / samples.count]));
}

/**
 * Trains a compiled model on `train` for `options.epochs` epochs (fewer when a callback stops it);
 * returns one record per epoch run. With no `y` the targets are the inputs (autoencoders). A batch
 * whose loss is NaN or infinite stops training with a `DivergedError` (see {@link terminateOnNaN}).
 *
 * @example
 * const history = await fit(autoencoder, { x, shape: [28, 28], count }, { epochs: 5, validation });
 * await fit(autoencoder, train, { epochs: 50, validation, callbacks: [earlyStopping({ patience: 3, restoreBestWeights: true })] });
 */
export async function fit(model: tf.LayersModel, train: AnySamples, options: FitOptions): Promise<EpochRecord[]> {
  const {
    epochs,
    batchSize = 32,
    seed = 42,
    shuffle = true,
    validation,
    progress = silentProgress,
    title = '',
    onEpochEnd,
    step: givenStep,
    fused = true,
    callbacks: given = [],
    signal,
    checkpoint,
    checkpointSeconds,
    resume,
  } = options;
  if (checkpointSeconds !== undefined && !(checkpointSeconds > 0))
    throw new ArgumentError('checkpointSeconds', `expected a positive number of seconds, got ${checkpointSeconds}`);
  if (!Number.isInteger(epochs) || epochs < 1) throw new ArgumentError('epochs', `{epochs} must be a positive integer, got ${epochs}`);
  if (!Number.isInteger(batchSize) || batchSize < 1)
    throw new ArgumentError('batchSize', `{batchSize} must be a positive integer, got ${batchSize}`);
  checkSamples(train, 'train');
  if (validation !== undefined) checkSamples(validation, 'validation');
  if (train.count === 0) throw new ArgumentError('train', 'no training samples');
  if (!Array.isArray(given) || given.some((c) => typeof c !== 'object' || c === null))
    throw new ArgumentError(
      'callbacks',
      `expected an array of callback objects, got ${Array.isArray(given) ? '[…] with a non-object' : typeof given}`,
    );
  const callbacks = given.some((c) => c instanceof TerminateOnNaN) ? given : [terminateOnNaN(), ...given];
  const customStep = givenStep ?? (fused ? (fusedTrainStep(model) ?? undefined) : undefined);
  const names = customStep?.names ?? model.metricsNames;
  const steps = Math.ceil(train.count / batchSize);
  if (resume !== undefined) checkResume(resume, epochs, steps, names.length);
  const random = seededRandom(resume?.position.random ?? seed);
  const history: EpochRecord[] = resume === undefined ? [] : resume.history.map((r) => ({ ...r }));
  const optimizerOf = (): tf.Optimizer | undefined => customStep?.optimizer ?? (model.optimizer as tf.Optimizer | undefined);
  const state: CallbackState = {
    model,
    get optimizer() {
      return optimizerOf();
    },
    epochs,
    stepsPerEpoch: steps,
  };
  if (resume !== undefined) {
    model.setWeights(resume.weights);
    const optimizer = optimizerOf();
    if (resume.optimizer !== null) {
      if (optimizer === undefined)
        throw new ArgumentError('resume', 'the checkpoint holds optimizer state but the model has no optimizer: compile it first');
      await restoreOptimizerState(optimizer, resume.optimizer);
    }
  }
  if (resume?.callbacks !== undefined && resume.callbacks.length !== callbacks.length)
    throw new ArgumentError(
      'resume',
      `the checkpoint holds the state of ${resume.callbacks.length} callbacks, this training has ${callbacks.length}: give the same callbacks`,
    );
  let lastSave = performance.now();
  const save = async (position: FitPosition): Promise<void> => {
    if (checkpoint === undefined) return;
    const optimizer = optimizerOf();
    await checkpoint({
      position,
      history: history.map((r) => ({ ...r })),
      weights: model.getWeights(),
      optimizer: optimizer === undefined ? null : await captureOptimizerState(optimizer),
      callbacks: callbacks.map((c) => c.checkpointState?.(state) ?? null),
    });
    lastSave = performance.now();
  };
  const first = resume?.position;
  for (const c of callbacks) await c.onTrainBegin?.(state);
  if (resume?.callbacks !== undefined) {
    for (const [i, c] of callbacks.entries()) {
      const snapshot = resume.callbacks[i];
      if (snapshot !== null) c.restoreState?.(snapshot, state);
    }
  }
  for (let epoch = first?.epoch ?? 1; epoch <= epochs; epoch++) {
    const resumed = first !== undefined && epoch === first.epoch && first.batch > 0 ? first : null;
    if (resumed === null) for (const c of callbacks) await c.onEpochBegin?.(epoch, state);
    const randomBefore = random.state;
    const order = shuffle ? permutation(train.count, random) : null;
    const sums = resumed === null ? new Float64Array(names.length) : Float64Array.from(resumed.sums);
    let seen = resumed?.seen ?? 0;
    const startStep = resumed?.batch ?? 0;
    const secondsBefore = resumed?.seconds ?? 0;
    progress.start(`${title}epoch ${epoch}/${epochs}`, steps);
    if (startStep > 0) progress.update(startStep, { loss: sums[0] / seen });
    let started = performance.now();
    let stoppedAt = -1;
    let lastYield = started;
    try {
      for (let step = startStep; step < steps; step++) {
        // Batches resolve without returning to the event loop, where signal handlers run: give it
        // a turn now and then (every 100 ms) so that a stop request is seen at the next batch.
        if (signal !== undefined && performance.now() - lastYield > 100) {
          await new Promise((resolve) => setImmediate(resolve));
          lastYield = performance.now();
        }
        if (signal?.aborted === true) {
          stoppedAt = step;
          break;
        }
        const from = step * batchSize;
        const to = Math.min(train.count, from + batchSize);
        const [x, y] = batchAt(train, order, from, to);
        let out: number | number[];
        try {
          out = customStep !== undefined ? await customStep.train(x, y) : await model.trainOnBatch(x, y);
        } finally {
          tf.dispose([x, y]);
        }
        const values = Array.isArray(out) ? out : [out];
        values.forEach((v, i) => {
          sums[i] += v * (to - from);
        });
        seen += to - from;
        const logs: BatchLogs = {};
        names.forEach((n, i) => {
          logs[n] = values[i];
        });
        for (const c of callbacks) await c.onBatchEnd?.(step + 1, logs, state);
        progress.update(step + 1, { loss: sums[0] / seen });
        const now = performance.now();
        if (checkpointSeconds !== undefined && step + 1 < steps && now - lastSave >= checkpointSeconds * 1000) {
          await save({
            epoch,
            batch: step + 1,
            random: randomBefore,
            sums: [...sums],
            seen,
            seconds: secondsBefore + (now - started) / 1000,
          });
          started += performance.now() - now; // the checkpoint's time is not training time
        }
      }
    } finally {
      progress.stop();
    }
    const seconds = secondsBefore + (performance.now() - started) / 1000;
    if (stoppedAt >= 0) {
      await save({ epoch, batch: stoppedAt, random: randomBefore, sums: [...sums], seen, seconds });
      throw new InterruptedError(
        `training stopped at epoch ${epoch}, after batch ${stoppedAt} of ${steps}${checkpoint === undefined ? '' : ' (checkpoint written)'}`,
        { checkpointed: checkpoint !== undefined, epoch, batch: stoppedAt },
      );
    }
    const record: EpochRecord = { epoch, seconds, images_per_second: train.count / seconds };
    names.forEach((n, i) => {
      record[n] = sums[i] / seen;
    });
    if (validation !== undefined) {
      const v = await evaluate(model, validation, 256, customStep);
      for (const [n, value] of Object.entries(v)) record[`val_${n}`] = value;
    }
    history.push(record);
    let stop = false;
    for (const c of callbacks) if ((await c.onEpochEnd?.(epoch, record, state)) === true) stop = true;
    await onEpochEnd?.(record);
    await save({ epoch: stop ? epochs + 1 : epoch + 1, batch: 0, random: random.state, sums: [], seen: 0, seconds: 0 });
    if (stop) break;
  }
  for (const c of callbacks) await c.onTrainEnd?.(history, state);
  return history;
}
