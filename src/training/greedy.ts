/**
 * Greedy layer-wise training (Hinton 2006, Bengio 2007; Géron ch. 17): train a shallow autoencoder
 * on the inputs, another on the first one's codings, and so on, each with its own loss, optimizer
 * and epochs; then the stacked model (whose layers the stages share) is fine-tuned as a whole.
 */
import * as tf from '@tensorflow/tfjs';
import * as path from 'node:path';
import { InvalidArgumentError } from 'commander';
import type { OptimizerName, RecipeOption, TrainContext, TrainingDefaults } from '../models/recipes.js';
import { reconstructionGrid } from '../viz/reconstructions.js';
import { type EpochRecord, fit, type Samples } from './fit.js';
import { writeFileAtomic } from './io.js';
import { roundedAccuracy } from './metrics.js';
import { makeOptimizer } from './optimizers.js';
import { type ProgressSink, silentProgress } from './progress.js';

/** How one phase (a stage, or the fine-tuning) is trained. */
export interface PhaseSettings {
  loss: TrainingDefaults['loss'];
  optimizer: OptimizerName;
  lr: number;
  epochs: number;
}

/** One greedy stage: a shallow autoencoder whose layers are shared with the stacked model. */
export interface GreedyStage extends PhaseSettings {
  /** Name in logs and metrics (`stage1`, …). */
  name: string;
  /** Stage input → its codings → reconstruction of its input. Trained on the previous stage's codings. */
  autoencoder: tf.LayersModel;
  /** Stage input → its codings; produces the next stage's training data. */
  encoder: tf.LayersModel;
}

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
  train: Samples;
  /** Validation images; each stage validates on their codings. */
  validation?: Samples;
  /** Samples per step. Default 32. */
  batchSize?: number;
  /** Shuffling seed. Default 42. */
  seed?: number;
  progress?: ProgressSink;
  /** Called after each epoch of a stage. */
  onStageEpoch?: (stage: string, record: EpochRecord, records: PhaseRecord[]) => void | Promise<void>;
  /** Called after the stages, before fine-tuning (e.g. to draw reconstructions of the stacked model). */
  onStacked?: (records: PhaseRecord[]) => void | Promise<void>;
  /** Called after each fine-tuning epoch. */
  onFineTuneEpoch?: (record: EpochRecord) => void | Promise<void>;
}

/** What {@link trainGreedy} returns: one record per stage, then the fine-tuning (if any). */
export interface GreedyResult {
  stages: PhaseRecord[];
  fineTune: PhaseRecord | null;
}

/** Runs `encoder` over `samples` in batches and returns the codings as new samples. */
export async function encodeSamples(encoder: tf.LayersModel, samples: Samples, batchSize = 256): Promise<Samples> {
  const shape = encoder.outputs[0].shape.slice(1) as number[];
  if (shape.some((d) => d === null)) throw new RangeError(`encoder '${encoder.name}' has an unknown output shape [${shape.join(', ')}]`);
  const per = shape.reduce((a, b) => a * b, 1);
  const inPer = samples.shape.reduce((a, b) => a * b, 1);
  const out = new Float32Array(samples.count * per);
  for (let from = 0; from < samples.count; from += batchSize) {
    const to = Math.min(samples.count, from + batchSize);
    const x = tf.tensor(samples.x.subarray(from * inPer, to * inPer), [to - from, ...samples.shape]);
    const y = encoder.predict(x) as tf.Tensor;
    out.set(await y.data(), from * per);
    tf.dispose([x, y]);
  }
  return { x: out, shape, count: samples.count };
}

function compileFor(model: tf.LayersModel, s: PhaseSettings): void {
  model.compile({ optimizer: makeOptimizer(s.optimizer, s.lr), loss: s.loss, metrics: [roundedAccuracy] });
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
export async function trainGreedy(stacked: tf.LayersModel, stages: GreedyStage[], fineTune: PhaseSettings | null,
  options: GreedyOptions): Promise<GreedyResult> {
  const { batchSize = 32, seed = 42, progress = silentProgress } = options;
  if (stages.length === 0) throw new RangeError('trainGreedy: no stages given');
  const records: PhaseRecord[] = [];
  let train = options.train;
  let valid = options.validation;
  for (const [k, stage] of stages.entries()) {
    const want = stage.autoencoder.inputs[0].shape.slice(1);
    if (want.join(',') !== train.shape.join(',')) {
      throw new RangeError(`greedy stage '${stage.name}' expects inputs [${want.join(', ')}], but stage ${k === 0 ? 'inputs are' : `${k}'s codings are`} [${train.shape.join(', ')}]`);
    }
    const record: PhaseRecord = { name: stage.name, loss: stage.loss, optimizer: stage.optimizer, lr: stage.lr, epochs: stage.epochs, inputShape: train.shape, epochs_run: [] };
    records.push(record);
    compileFor(stage.autoencoder, stage);
    await fit(stage.autoencoder, train, {
      epochs: stage.epochs, batchSize, seed: seed + k, validation: valid, progress, title: `${stage.name} `,
      onEpochEnd: async (r) => { record.epochs_run.push(r); await options.onStageEpoch?.(stage.name, r, records); },
    });
    if (k < stages.length - 1) {
      train = await encodeSamples(stage.encoder, train);
      valid = valid === undefined ? undefined : await encodeSamples(stage.encoder, valid);
    }
  }
  await options.onStacked?.(records);
  let fine: PhaseRecord | null = null;
  if (fineTune !== null && fineTune.epochs > 0) {
    fine = { name: 'fine_tune', ...fineTune, inputShape: options.train.shape, epochs_run: [] };
    compileFor(stacked, fineTune);
    await fit(stacked, options.train, {
      epochs: fineTune.epochs, batchSize, seed: seed + stages.length, validation: options.validation, progress, title: 'fine-tune ',
      onEpochEnd: async (r) => { fine!.epochs_run.push(r); await options.onFineTuneEpoch?.(r); },
    });
  }
  return { stages: records, fineTune: fine };
}

/**
 * Runs {@link trainGreedy} inside `aekit train`: stage epochs go to `metrics.json`'s `stages`, the
 * fine-tuning epochs to its `epochs`; `reconstructions-stacked.png` is drawn after stacking (the
 * run draws `reconstructions.png` after fine-tuning).
 */
export async function trainGreedyInContext(ctx: TrainContext, stages: GreedyStage[], fineTune: PhaseSettings): Promise<GreedyResult> {
  const { settings, data } = ctx;
  const fineOptions = ctx.fitOptions({ epochs: fineTune.epochs });
  const summary = (records: PhaseRecord[]): unknown => records.map(({ epochs_run, ...rest }) => ({ ...rest, epochs_run }));
  ctx.log(`greedy layer-wise training: ${stages.map((s) => `${s.name} (${s.loss}, ${s.optimizer} ${s.lr}, ${s.epochs} epochs)`).join(', ')}, then fine-tuning (${fineTune.loss}, ${fineTune.optimizer} ${fineTune.lr}, ${fineTune.epochs} epochs)`);
  const result = await trainGreedy(ctx.built.autoencoder, stages, fineTune, {
    train: data.train, validation: data.valid, batchSize: settings.batchSize, seed: settings.seed, progress: fineOptions.progress,
    onStageEpoch: async (name, r, records) => {
      const epochs = stages.find((s) => s.name === name)?.epochs ?? 0;
      const f = (k: string): string => (r[k] === undefined ? '-' : r[k].toFixed(4));
      ctx.log(`${name} epoch ${r.epoch}/${epochs}: loss ${f('loss')} val_loss ${f('val_loss')} val_rounded_accuracy ${f('val_rounded_accuracy')} (${r.seconds.toFixed(1)} s)`);
      await ctx.record('stages', summary(records));
    },
    onStacked: async () => {
      if (data.images) {
        await writeFileAtomic(path.join(ctx.dir, 'reconstructions-stacked.png'), await reconstructionGrid(ctx.built.autoencoder, data.valid.x, { count: 10 }));
        ctx.log('stacked the stages: reconstructions-stacked.png drawn before fine-tuning');
      }
    },
    onFineTuneEpoch: fineOptions.onEpochEnd,
  });
  await ctx.record('fine_tune', result.fineTune === null ? null : { ...result.fineTune, epochs_run: undefined });
  // Later `evaluate` compiles with the run's loss; the fine-tuning loss is what metrics.epochs hold.
  return result;
}

/** Parses `--greedy-epochs 10,10,10`: epochs of each stage, then of the fine-tuning (0 skips it). */
export function parseEpochList(value: string): number[] {
  const list = value.split(',').map((s) => s.trim());
  const n = list.map(Number);
  if (list.some((s) => !/^\d+$/.test(s)) || n.slice(0, -1).some((e) => e < 1)) {
    throw new InvalidArgumentError(`expected comma-separated epochs per stage then for fine-tuning, e.g. 10,10,10 (stages ≥ 1, fine-tuning ≥ 0), got '${value}'.`);
  }
  return n;
}

/** The `--greedy-epochs` recipe option, shared by the greedy-capable recipes. */
export function greedyEpochsOption(defaults: string): RecipeOption {
  return {
    flag: '--greedy-epochs <list>', key: 'greedyEpochs', parse: parseEpochList, defaultValue: null,
    description: `with --greedy: epochs of each stage, then of the fine-tuning (default: ${defaults})`,
  };
}
