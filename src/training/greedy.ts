/**
 * Greedy layer-wise training (Hinton 2006, Bengio 2007; Géron ch. 17): train a shallow autoencoder
 * on the inputs, another on the first one's codings, and so on, each with its own loss, optimizer
 * and epochs; then the stacked model (whose layers the stages share) is fine-tuned as a whole.
 */

import { ArgumentError } from '../core/errors.js';
import { type ProgressSink, silentProgress } from '../core/progress.js';
import type * as tf from '../core/tf.js';
import type { AnySamples, Samples } from '../data/samples.js';
import type { StageModels } from '../models/stages.js';
import { type EpochRecord, type FitCheckpoint, fit } from './fit.js';
import { lossFunction } from './loss-functions.js';
import { roundedAccuracy } from './metrics.js';
import { type LossName, makeOptimizer, type OptimizerName } from './optimizers.js';
import { predictAll } from './predict.js';

/** How one phase (a stage, or the fine-tuning) is trained. */
export interface PhaseSettings {
  loss: LossName;
  optimizer: OptimizerName;
  lr: number;
  epochs: number;
}

/** One greedy stage: a shallow autoencoder whose layers are shared with the stacked model, and how it is trained. */
export interface GreedyStage extends StageModels, PhaseSettings {}

/** What is recorded for one stage (and for the fine-tuning, with `name: 'fine_tune'`). */
export interface PhaseRecord extends PhaseSettings {
  name: string;
  /** Shape of one sample the phase was trained on. */
  inputShape: number[];
  epochs_run: EpochRecord[];
}

/** Options of {@link trainGreedy}. */
export interface GreedyOptions {
  /** Training images (targets = inputs). */
  train: AnySamples;
  /** Validation images; each stage validates on their codings. */
  validation?: AnySamples;
  /** Samples per step. Default 32. */
  batchSize?: number;
  /** Shuffling seed. Default 42. */
  seed?: number;
  progress?: ProgressSink;
  /** Stops the stage or fine-tuning in progress at the end of its batch (see `FitOptions.signal`), after a checkpoint when `checkpoint` is given. */
  signal?: { readonly aborted: boolean };
  /**
   * Receives the checkpoints of each phase's fit (see `FitOptions.checkpoint`). Their weights are
   * the phase model's: to resume, save `stacked`'s, which hold every phase's layers.
   */
  checkpoint?: (phase: GreedyPhase, checkpoint: FitCheckpoint) => void | Promise<void>;
  /** Checkpoints inside an epoch too, every this many seconds (see `FitOptions.checkpointSeconds`). */
  checkpointSeconds?: number;
  /**
   * Continue from a checkpoint of phase `phase.index`: the phases before it are not trained again
   * (their weights come with the checkpoint), that phase continues where its fit stopped, and the
   * result is that of an uninterrupted greedy training.
   */
  resume?: GreedyResume;
  /** Called after each epoch of a stage. */
  onStageEpoch?: (stage: string, record: EpochRecord, records: PhaseRecord[]) => void | Promise<void>;
  /** Called after the stages, before fine-tuning (e.g. to draw reconstructions of the stacked model). */
  onStacked?: (records: PhaseRecord[]) => void | Promise<void>;
  /** Called after each fine-tuning epoch. */
  onFineTuneEpoch?: (record: EpochRecord) => void | Promise<void>;
}

/** A phase of greedy training: stage `index` (from 0), or the fine-tuning (`index` = the number of stages). */
export interface GreedyPhase {
  index: number;
  name: string;
  epochs: number;
}

/** Where a greedy training continues (see {@link GreedyOptions.resume}). */
export interface GreedyResume {
  phase: GreedyPhase;
  /** The phase's fit checkpoint, whose `weights` are the stacked model's (`getWeights` order). */
  fit: FitCheckpoint;
  /** Records of the stages so far, as the checkpointed training recorded them (the stages before the phase at least). */
  stages: PhaseRecord[];
}

/** What {@link trainGreedy} returns: one record per stage, then the fine-tuning (if any). */
export interface GreedyResult {
  stages: PhaseRecord[];
  fineTune: PhaseRecord | null;
}

/** Runs `encoder` over `samples` in batches and returns the codings as new samples. */
export async function encodeSamples(encoder: tf.LayersModel, samples: AnySamples, batchSize = 256): Promise<Samples> {
  const shape = encoder.outputs[0].shape.slice(1) as number[];
  if (shape.some((d) => d === null))
    throw new ArgumentError('encoder', `'${encoder.name}' has an unknown output shape [${shape.join(', ')}]`);
  const { x: data } = await predictAll(encoder, samples, samples.count, { batchSize });
  return { x: data, shape, count: samples.count };
}

function compileFor(model: tf.LayersModel, s: PhaseSettings): void {
  model.compile({ optimizer: makeOptimizer(s.optimizer, s.lr), loss: lossFunction(s.loss), metrics: [roundedAccuracy] });
}

/**
 * Greedy layer-wise training of `stacked`: each stage's autoencoder is trained on the codings of
 * the stages before it (the first on `options.train`), then `stacked` is fine-tuned with
 * `fineTune` (or not, when it is null). The stages must share their layers with `stacked`.
 *
 * @example
 * const built = stackedAutoencoder({ seed: 42 });
 * const result = await trainGreedy(built.autoencoder, stackedGreedyStages(built),
 *   { loss: 'binaryCrossentropy', optimizer: 'sgd', lr: 0.1, epochs: 10 }, { train, validation });
 */
export async function trainGreedy(
  stacked: tf.LayersModel,
  stages: GreedyStage[],
  fineTune: PhaseSettings | null,
  options: GreedyOptions,
): Promise<GreedyResult> {
  const { batchSize = 32, seed = 42, progress = silentProgress, signal, checkpoint, checkpointSeconds, resume } = options;
  if (stages.length === 0) throw new ArgumentError('stages', 'no stages given');
  const last = fineTune !== null && fineTune.epochs > 0 ? stages.length : stages.length - 1;
  const at = resume?.phase.index ?? -1;
  if (resume !== undefined) {
    if (!(Number.isInteger(at) && at >= 0 && at <= last && resume.stages.length >= Math.min(at, stages.length)))
      throw new ArgumentError(
        'resume',
        `expected a checkpoint of phase 0 to ${last} with the records of the stages before it, got phase ${at} with ${resume.stages.length} stage records`,
      );
    stacked.setWeights(resume.fit.weights);
  }
  /** The fit options of phase `index` on `model`: its checkpoints, and its resumed position when it is the checkpoint's. */
  const phaseFit = (index: number, name: string, epochs: number, model: tf.LayersModel) => ({
    signal,
    checkpointSeconds,
    ...(checkpoint === undefined ? {} : { checkpoint: (cp: FitCheckpoint) => checkpoint({ index, name, epochs }, cp) }),
    // The stacked model's weights are set above; the phase continues from its own, which are among
    // them (copies: a variable assigned its own value would lose it).
    ...(index === at && resume !== undefined ? { resume: { ...resume.fit, weights: model.getWeights().map((w) => w.clone()) } } : {}),
  });
  const records: PhaseRecord[] = [];
  let train = options.train;
  let valid = options.validation;
  for (const [k, stage] of stages.entries()) {
    if (k < at && resume !== undefined) {
      // Trained before the interruption: its record as it was, its weights among the stacked model's.
      const done = resume.stages[k];
      records.push({ ...done, epochs_run: done.epochs_run.map((r) => ({ ...r })) });
      // A training resumed in the fine-tuning needs no codings.
      if (k < stages.length - 1 && at < stages.length) {
        train = await encodeSamples(stage.encoder, train);
        valid = valid === undefined ? undefined : await encodeSamples(stage.encoder, valid);
      }
      continue;
    }
    const want = stage.autoencoder.inputs[0].shape.slice(1);
    if (want.join(',') !== train.shape.join(',')) {
      throw new ArgumentError(
        'stages',
        `greedy stage '${stage.name}' expects inputs [${want.join(', ')}], but stage ${k === 0 ? 'inputs are' : `${k}'s codings are`} [${train.shape.join(', ')}]`,
      );
    }
    const record: PhaseRecord = {
      name: stage.name,
      loss: stage.loss,
      optimizer: stage.optimizer,
      lr: stage.lr,
      epochs: stage.epochs,
      inputShape: train.shape,
      epochs_run: k === at && resume !== undefined ? resume.fit.history.map((r) => ({ ...r })) : [],
    };
    records.push(record);
    compileFor(stage.autoencoder, stage);
    await fit(stage.autoencoder, train, {
      epochs: stage.epochs,
      batchSize,
      seed: seed + k,
      validation: valid,
      progress,
      title: `${stage.name} `,
      onEpochEnd: async (r) => {
        record.epochs_run.push(r);
        await options.onStageEpoch?.(stage.name, r, records);
      },
      ...phaseFit(k, stage.name, stage.epochs, stage.autoencoder),
    });
    if (k < stages.length - 1) {
      train = await encodeSamples(stage.encoder, train);
      valid = valid === undefined ? undefined : await encodeSamples(stage.encoder, valid);
    }
  }
  // Resumed in the fine-tuning, the stacked model was drawn before the interruption.
  if (at < stages.length) await options.onStacked?.(records);
  let fine: PhaseRecord | null = null;
  if (fineTune !== null && fineTune.epochs > 0) {
    const resumed = at === stages.length && resume !== undefined ? resume.fit.history.map((r) => ({ ...r })) : [];
    fine = { name: 'fine_tune', ...fineTune, inputShape: options.train.shape, epochs_run: resumed };
    compileFor(stacked, fineTune);
    await fit(stacked, options.train, {
      epochs: fineTune.epochs,
      batchSize,
      seed: seed + stages.length,
      validation: options.validation,
      progress,
      title: 'fine-tune ',
      onEpochEnd: async (r) => {
        fine!.epochs_run.push(r);
        await options.onFineTuneEpoch?.(r);
      },
      ...phaseFit(stages.length, 'fine_tune', fineTune.epochs, stacked),
    });
  }
  return { stages: records, fineTune: fine };
}
