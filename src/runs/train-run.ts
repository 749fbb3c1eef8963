/**
 * A training run: resolved settings → data → model → training → artifacts, written into a run
 * directory (`model/`, `encoder/`, `decoder/`, `metrics.json`, pictures). Everything a model does
 * differently comes from its recipe's hooks.
 */

import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { ArgumentError, ConflictError, InterruptedError } from '../core/errors.js';
import { type ProgressSink, type StepProgress, silentProgress } from '../core/progress.js';
import type * as tf from '../core/tf.js';
import type { DataSpec } from '../data/dataset.js';
import type { FashionMnist } from '../data/fashion-mnist.js';
import { type DataRequest, limitTraining, loadData } from '../data/load.js';
import { onlyLabels, withoutLabel } from '../data/subsets.js';
import { type BackendName, useBackend } from '../engine/backend.js';
import { type EpochRecord, type FitCheckpoint, type FitOptions, fit } from '../training/fit.js';
import { saveModel } from '../training/io.js';
import { lossFunction } from '../training/loss-functions.js';
import { roundedAccuracy } from '../training/metrics.js';
import { makeOptimizer, type OptimizerName } from '../training/optimizers.js';
import { curvesPng } from '../viz/line-chart.js';
import { type Dataset, lossFor, type ModelInput, type Recipe, type TrainContext, type TrainingSettings } from './recipe.js';
import { reconstructions } from './recipes/artifacts.js';
import { getRecipe } from './recipes/index.js';
import { checkRunCallbacks, type RunCallbackOptions, runCallbacks } from './run-callbacks.js';
import { checkRunTarget, type LoadedCheckpoint, liveWriter, RunDirectory, type RunMetrics, readCheckpoint } from './run-dir.js';

export type { RunMetrics };

/**
 * Options of {@link trainRun}; unset training settings take the model's book defaults. The
 * callback options (`earlyStopping`, `saveBest`, `lrSchedule`, …) apply to the run's `fit`
 * (not to greedy stages); metrics.json's `callbacks` section records what they did.
 */
export interface TrainRunOptions extends RunCallbackOptions {
  /** Model name (`conv`, …). */
  model: string;
  epochs?: number;
  batchSize?: number;
  lr?: number;
  optimizer?: OptimizerName;
  /** Seed of the weights and the shuffling. Default 42. */
  seed?: number;
  /** Train on the first N training images only; validation keeps all 5,000. */
  limit?: number;
  /** Leave out every sample of this class (Fashion-MNIST: 0–9; else the index in the data's classes) from training and validation (anomaly detection). */
  excludeClass?: number;
  /** Train and validate on these classes only (same indices as `excludeClass`): one-class anomaly detection. */
  onlyClass?: number[];
  /** Directory with the Fashion-MNIST files (see `loadFashionMnist`). */
  dataDir?: string;
  /**
   * The data to train on: an image folder, a table, an array file… (see `loadData`); a recorded
   * spec loads the same data the same way. Default: the recipe's own data, else Fashion-MNIST.
   */
  dataset?: DataRequest | DataSpec;
  /** Bytes of decoded images held in memory at most; larger image folders stream from a cache file. Default 1 GiB. */
  memoryBudget?: number;
  /** Progress of decoding an image folder. */
  dataProgress?: StepProgress;
  /** Engine. Default `auto`. */
  backend?: BackendName;
  /** Run directory. Default `runs/<model>-<timestamp>`. It must be new, an empty directory, or a run directory and `overwrite` set (see `RunDirectory`). */
  out?: string;
  /** Replace the run already in `out` (only once the new one is complete). Default false. */
  overwrite?: boolean;
  /**
   * Inside an epoch, also write a checkpoint at the first batch boundary once this many minutes
   * of wall time have passed since the last one (checkpoints are written after every epoch
   * anyway); 0 writes them after epochs only. Default 10.
   */
  checkpointMinutes?: number;
  /** Model-specific options declared by the model's recipe (e.g. `{ units: [100, 30] }`). */
  modelOptions?: Record<string, unknown>;
  /** Progress display. */
  progress?: ProgressSink;
  /** Receives one line per event worth printing (engine, data source, each epoch). */
  log?: (line: string) => void;
  /** Fashion-MNIST already loaded (tests, repeated runs); skips the loader. */
  data?: FashionMnist;
  /**
   * Stops the run at the end of the current batch once aborted (the CLI aborts it on SIGINT and
   * SIGTERM): a resumable run writes a checkpoint first; then an `InterruptedError` is thrown.
   */
  signal?: { readonly aborted: boolean };
}

/** What {@link trainRun} returns. */
export interface TrainRunResult {
  dir: string;
  metrics: RunMetrics;
  model: tf.LayersModel;
  encoder: tf.LayersModel;
}

function timestamp(): string {
  return new Date().toISOString().replace(/[-:]/g, '').replace(/\..*/, '').replace('T', '-');
}

/** The option that gives data of each kind (named in errors about the data). */
const DATA_ARGUMENT: Record<DataSpec['kind'], string> = {
  'fashion-mnist': 'dataDir',
  images: 'images',
  table: 'table',
  npy: 'npy',
  idx: 'idx',
  sequences: 'sequences',
  series: 'series',
  points: 'model',
};

/** The {@link ModelInput} of `data`: its sample shape, kind and value range. */
export function modelInputOf(data: Dataset): ModelInput {
  const kind =
    data.image !== undefined
      ? 'images'
      : data.spec.kind === 'table'
        ? 'table'
        : data.spec.kind === 'sequences' || data.spec.kind === 'series'
          ? 'sequences'
          : 'arrays';
  return { shape: data.train.shape, kind, unitRange: data.unitRange };
}

/**
 * Loads the run's data: `options.dataset`, else the recipe's own data, else Fashion-MNIST; then
 * leaves out `excludeClass` (or keeps only `onlyClass`) and keeps the first `limit` training samples.
 */
async function runData(
  recipe: Recipe,
  options: TrainRunOptions,
  modelOptions: Record<string, unknown>,
  settings: TrainingSettings,
): Promise<Dataset> {
  let data: Dataset | null = null;
  if (options.dataset !== undefined) {
    data = await loadData(options.dataset, {
      seed: settings.seed,
      memoryBudget: options.memoryBudget,
      progress: options.dataProgress,
      signal: options.signal,
    });
  } else if (recipe.loadData !== undefined) {
    data = await recipe.loadData({ dataDir: options.dataDir, modelOptions, seed: settings.seed });
  }
  data ??= await loadData({ kind: 'fashion-mnist', dataDir: options.dataDir }, { fashionMnist: options.data });
  if (options.excludeClass !== undefined) {
    const classes = data.classes ?? [];
    const label = options.excludeClass;
    data = { ...data, train: withoutLabel(data.train, label, classes), valid: withoutLabel(data.valid, label, classes) };
  }
  if (options.onlyClass !== undefined) {
    const classes = data.classes ?? [];
    const labels = options.onlyClass;
    data = { ...data, train: onlyLabels(data.train, labels, classes), valid: onlyLabels(data.valid, labels, classes) };
  }
  return limitTraining(data, settings.limit);
}

/** Formats one epoch's record as the line `aekit train` prints. */
export function formatEpoch(r: EpochRecord, epochs: number, prefix = ''): string {
  const f = (k: string): string => (r[k] === undefined ? '-' : r[k].toFixed(4));
  const metric = Object.keys(r).find((k) => !['epoch', 'seconds', 'images_per_second', 'loss', 'lr'].includes(k) && !k.startsWith('val_'));
  return (
    `${prefix}epoch ${r.epoch}/${epochs}: loss ${f('loss')}${metric === undefined ? '' : ` ${metric} ${f(metric)}`}` +
    ` val_loss ${f('val_loss')}${metric === undefined ? '' : ` val_${metric} ${f(`val_${metric}`)}`}` +
    `${r.lr === undefined ? '' : ` lr ${r.lr.toPrecision(3)}`}` +
    ` (${r.seconds.toFixed(1)} s, ${Math.round(r.images_per_second)} samples/s)`
  );
}

/** The recipe's option values: given ones checked against its declarations, defaults filled in. */
export function resolveModelOptions(recipe: Recipe, given: Record<string, unknown>): Record<string, unknown> {
  const declared = new Map((recipe.options ?? []).map((o) => [o.key, o]));
  for (const key of Object.keys(given)) {
    if (given[key] !== undefined && !declared.has(key)) {
      const known = [...declared.keys()].join(', ') || 'none';
      throw new ArgumentError(key, `model '${recipe.name}' has no option {${key}} (its options: ${known})`);
    }
  }
  const resolved: Record<string, unknown> = {};
  // Options with no value and no default stay absent: the result is stored as JSON metadata.
  for (const [key, option] of declared) {
    const value = given[key] ?? option.defaultValue;
    if (value !== undefined) resolved[key] = value;
  }
  recipe.check?.(resolved);
  return resolved;
}

/** The run's training settings: the given ones, else the recipe's book defaults. */
export function resolveSettings(recipe: Recipe, options: TrainRunOptions): TrainingSettings {
  const d = recipe.defaults;
  const settings: TrainingSettings = {
    epochs: options.epochs ?? d.epochs,
    batchSize: options.batchSize ?? d.batchSize,
    lr: options.lr ?? d.lr,
    optimizer: options.optimizer ?? d.optimizer,
    loss: d.loss,
    seed: options.seed ?? 42,
    limit: options.limit ?? null,
    backend: options.backend ?? 'auto',
  };
  if (settings.limit !== null && !(Number.isInteger(settings.limit) && settings.limit > 0)) {
    throw new ArgumentError('limit', `expected a positive integer, got ${settings.limit}`);
  }
  if (options.onlyClass !== undefined && options.excludeClass !== undefined)
    throw new ConflictError(['onlyClass', 'excludeClass'], '{onlyClass} and {excludeClass} both given: give one of them');
  return settings;
}

/**
 * Trains model `options.model` (on Fashion-MNIST's book split unless the model brings its own data)
 * and writes the run directory.
 *
 * @example
 * const { dir, metrics } = await trainRun({ model: 'conv', epochs: 1, limit: 2000 });
 */
export async function trainRun(options: TrainRunOptions): Promise<TrainRunResult> {
  return execute(options, null);
}

/** The default of {@link TrainRunOptions.checkpointMinutes}. */
export const CHECKPOINT_MINUTES = 10;

function checkCheckpointMinutes(minutes: number): void {
  if (!(typeof minutes === 'number' && Number.isFinite(minutes) && minutes >= 0))
    throw new ArgumentError('checkpointMinutes', `expected a number of minutes ≥ 0 (0: after epochs only), got ${minutes}`);
}

/** The callback options of a run as metrics.json's `options` record them (null: not used), so that a resumed run uses them again. */
const CALLBACK_KEYS = ['earlyStopping', 'saveBest', 'lrSchedule', 'lrPatience', 'lrFactor', 'minLr'] as const;

/** The settings of metrics.json's `options` that are not model options. */
const SETTING_KEYS = new Set([
  ...CALLBACK_KEYS,
  'checkpointMinutes',
  'epochs',
  'batchSize',
  'lr',
  'optimizer',
  'loss',
  'seed',
  'limit',
  'backend',
  'excludeClass',
  'onlyClass',
  'dataDir',
  'out',
]);

/** Options of {@link resumeRun}. */
export interface ResumeRunOptions {
  progress?: ProgressSink;
  log?: (line: string) => void;
  /** As {@link TrainRunOptions.signal}: the resumed run can be interrupted and resumed again. */
  signal?: { readonly aborted: boolean };
}

/**
 * Continues the interrupted run in `runDir` (killed, or stopped by its `signal`) from its last
 * checkpoint, with the options metrics.json records, and completes it exactly as the uninterrupted
 * run would have (same shuffling, same optimizer state, the callbacks' state; a greedy run in the
 * phase it was in, the phases before it not retrained). A run started with `overwrite` over another
 * is resumed as the new run (the old one stays until the new one is complete). Refuses, with an
 * `ArgumentError` naming `runDir`, a directory that is not a run, a finished or failed run, a run
 * killed before its first checkpoint, and a run that a live process still trains.
 *
 * @example
 * const { metrics } = await resumeRun('runs/conv-1', { log: console.log });
 */
export async function resumeRun(runDir: string, options: ResumeRunOptions = {}): Promise<TrainRunResult> {
  const checkpoint = await readCheckpoint(runDir).catch((err: unknown) => {
    throw new ArgumentError('runDir', `{runDir} '${runDir}': its checkpoint cannot be read (${(err as Error).message})`, { cause: err });
  });
  // A run started with overwrite over another keeps its checkpoints beside the target, whose
  // metrics.json is still the old run's until the new one is published.
  if (checkpoint?.mode !== 'replace') {
    let metrics: RunMetrics;
    try {
      metrics = JSON.parse(await fs.readFile(path.join(runDir, 'metrics.json'), 'utf8')) as RunMetrics;
    } catch (err) {
      const why =
        (err as NodeJS.ErrnoException).code === 'ENOENT'
          ? 'has no metrics.json'
          : `has an unreadable metrics.json (${(err as Error).message})`;
      throw new ArgumentError('runDir', `{runDir} '${runDir}' ${why}: expected the directory of an interrupted aekit run`);
    }
    if (typeof metrics.finished === 'string')
      throw new ArgumentError('runDir', `{runDir} '${runDir}' holds a run finished ${metrics.finished}: nothing to resume`);
    if (metrics.failed !== undefined)
      throw new ArgumentError(
        'runDir',
        `{runDir} '${runDir}' holds a failed run (${metrics.failed.code}): it cannot be resumed, train it again`,
      );
    if (checkpoint === null)
      throw new ArgumentError(
        'runDir',
        `{runDir} '${runDir}' holds an unfinished ${metrics.model} run with no checkpoint: it stopped before its first checkpoint was written, train it again`,
      );
  }
  const writer = await liveWriter(runDir);
  if (writer !== null)
    throw new ArgumentError(
      'runDir',
      `{runDir} '${runDir}' is being trained now by process ${writer}: stop it first (Ctrl-C), then resume`,
    );
  if (checkpoint === null) throw new ArgumentError('runDir', `{runDir} '${runDir}' has no checkpoint`); // unreachable: refused above
  const recorded = checkpoint.state.metrics.options;
  const modelOptions = Object.fromEntries(Object.entries(recorded).filter(([k]) => !SETTING_KEYS.has(k)));
  const r = recorded as Record<string, unknown>;
  const given: TrainRunOptions = {
    model: checkpoint.state.metrics.model,
    epochs: r.epochs as number,
    batchSize: r.batchSize as number,
    lr: r.lr as number,
    optimizer: r.optimizer as OptimizerName,
    seed: r.seed as number,
    limit: (r.limit as number | null) ?? undefined,
    backend: r.backend as BackendName,
    excludeClass: (r.excludeClass as number | null) ?? undefined,
    onlyClass: (r.onlyClass as number[] | null) ?? undefined,
    dataDir: (r.dataDir as string | null) ?? undefined,
    dataset: checkpoint.state.metrics.data.spec,
    // Runs of aekit before checkpointMinutes existed wrote checkpoints after epochs only.
    checkpointMinutes: (r.checkpointMinutes as number | undefined) ?? 0,
    ...Object.fromEntries(CALLBACK_KEYS.filter((k) => r[k] != null).map((k) => [k, r[k]])),
    out: runDir,
    modelOptions,
    progress: options.progress,
    log: options.log,
    signal: options.signal,
  };
  return execute(given, checkpoint);
}

async function execute(options: TrainRunOptions, resume: LoadedCheckpoint | null): Promise<TrainRunResult> {
  const recipe = getRecipe(options.model);
  const modelOptions = resolveModelOptions(recipe, options.modelOptions ?? {});
  const settings = resolveSettings(recipe, options);
  checkRunCallbacks(options, settings.lr);
  const checkpointMinutes = options.checkpointMinutes ?? CHECKPOINT_MINUTES;
  checkCheckpointMinutes(checkpointMinutes);
  const log = options.log ?? (() => {});
  const dir = options.out ?? path.join('runs', `${recipe.name}-${timestamp()}`);
  // Refused before the engine starts or the data loads; RunDirectory.create checks again.
  if (resume === null) await checkRunTarget(dir, { overwrite: options.overwrite });
  const engine = await useBackend(settings.backend as BackendName);
  log(engine.description);
  const data = await runData(recipe, options, modelOptions, settings);
  try {
    return await trainOn(data, recipe, options, resume, { modelOptions, settings, log, dir, checkpointMinutes, engine });
  } finally {
    await data.close?.();
  }
}

interface Resolved {
  modelOptions: Record<string, unknown>;
  settings: TrainingSettings;
  log: (line: string) => void;
  dir: string;
  checkpointMinutes: number;
  engine: Awaited<ReturnType<typeof useBackend>>;
}

async function trainOn(
  data: Dataset,
  recipe: Recipe,
  options: TrainRunOptions,
  resume: LoadedCheckpoint | null,
  r: Resolved,
): Promise<TrainRunResult> {
  const { modelOptions, settings, log, dir, checkpointMinutes, engine } = r;
  log(`data: ${data.source}`);
  const input = modelInputOf(data);
  try {
    recipe.checkInput?.(input);
  } catch (err) {
    // The model cannot take this data: the data flag is at fault.
    if (err instanceof ArgumentError)
      throw new ArgumentError(DATA_ARGUMENT[data.spec.kind], err.template.replace(/^\{[^}]+\}: /, ''), { cause: err });
    throw err;
  }
  settings.loss = lossFor(settings.loss, input);
  const built = recipe.build({ seed: settings.seed, input, ...modelOptions });
  const { autoencoder, encoder, decoder } = built;
  if (options.signal?.aborted === true)
    throw new InterruptedError('interrupted before training started: nothing was written', { checkpointed: false, epoch: 0, batch: 0 });
  const resumeFit =
    resume === null
      ? null
      : await resume.load().catch((err: unknown) => {
          throw new ArgumentError('runDir', `{runDir} '${dir}': its checkpoint cannot be loaded (${(err as Error).message})`, {
            cause: err,
          });
        });
  const first: RunMetrics =
    resume !== null
      ? { ...resume.state.metrics, epochs: [...resume.state.metrics.epochs] }
      : {
          model: recipe.name,
          backend: engine.backend,
          engine: engine.description,
          params: { encoder: encoder.countParams(), decoder: decoder.countParams() },
          options: {
            ...settings,
            ...modelOptions,
            excludeClass: options.excludeClass ?? null,
            onlyClass: options.onlyClass ?? null,
            dataDir: options.dataDir ?? null,
            out: dir,
            checkpointMinutes,
            ...Object.fromEntries(CALLBACK_KEYS.map((k) => [k, options[k] ?? null])),
          },
          data: {
            source: data.source,
            train: data.train.count,
            valid: data.valid.count,
            test: data.test?.count ?? 0,
            spec: data.spec,
            shape: data.train.shape,
            unitRange: data.unitRange,
            ...(data.image === undefined ? {} : { image: data.image }),
            ...(data.classes === undefined ? {} : { classes: data.classes }),
            ...(data.features === undefined ? {} : { features: data.features }),
          },
          started: new Date().toISOString(),
          finished: null,
          epochs: [],
        };
  const run = await RunDirectory.create(dir, first, { overwrite: options.overwrite, resume: resume?.mode });
  if (resume !== null) await run.adopt(resume);
  const plan = recipe.plan?.(settings, modelOptions) ?? `for ${settings.epochs} epochs`;
  const metadata = { aekit: { model: recipe.name, training: settings, modelOptions } };
  const extra = runCallbacks(options, settings.lr, (model) => saveModel(model, run.file('best'), metadata));
  if (resume !== null) {
    const p = resume.state.position;
    const phase = resume.state.phase as { name: string; epochs: number } | undefined;
    const where =
      phase === undefined
        ? `epoch ${p.epoch}/${settings.epochs}`
        : `${phase.name}, epoch ${Math.min(p.epoch, phase.epochs)}/${phase.epochs}`;
    log(`resuming ${recipe.name} in ${dir} at ${where}${p.batch > 0 ? `, after batch ${p.batch}` : ''}`);
  } else log(`training ${recipe.name} on ${data.train.count} samples ${plan}; run directory ${dir}`);
  if (run.target.mode === 'replace') log(`the run in ${dir} is replaced once this one is complete; live metrics: ${run.liveMetricsFile}`);
  const checkpoint = (cp: FitCheckpoint, state: Record<string, unknown> = {}): Promise<void> =>
    run.writeCheckpoint(built.autoencoder, cp, state);
  const context: TrainContext = {
    built,
    settings,
    modelOptions,
    data,
    log,
    resume: resume === null || resumeFit === null ? null : { fit: resumeFit, state: resume.state },
    checkpoint,
    checkpointSeconds: checkpointMinutes > 0 ? checkpointMinutes * 60 : undefined,
    compile(model, overrides = {}) {
      const optimizer = makeOptimizer(overrides.optimizer ?? settings.optimizer, overrides.lr ?? settings.lr);
      model.compile({ optimizer, loss: lossFunction(overrides.loss ?? settings.loss), metrics: [roundedAccuracy] });
    },
    fitOptions(overrides = {}): FitOptions {
      const epochs = overrides.epochs ?? settings.epochs;
      return {
        epochs,
        batchSize: settings.batchSize,
        seed: settings.seed,
        validation: data.valid,
        progress: options.progress ?? silentProgress,
        callbacks: extra.callbacks,
        onEpochEnd: async (record) => {
          log(formatEpoch(record, epochs));
          await run.addEpoch(record);
        },
        signal: options.signal,
        checkpoint: (cp) => checkpoint(cp),
        ...(checkpointMinutes > 0 ? { checkpointSeconds: checkpointMinutes * 60 } : {}),
        ...(resumeFit === null ? {} : { resume: resumeFit }),
        ...overrides,
      };
    },
    record: (key, value) => run.record(key, value),
    writeArtifact: (name, bytes) => run.writeArtifact(name, bytes),
  };
  let pictures: string[];
  try {
    if (recipe.train !== undefined) {
      await recipe.train(context);
    } else {
      context.compile(autoencoder);
      await fit(autoencoder, data.train, context.fitOptions());
    }
    const outcomes = extra.outcomes();
    if (outcomes !== null) await run.record('callbacks', outcomes);
    await run.saveModels(built, metadata);
    pictures = await (recipe.artifacts ?? reconstructions)(context);
    await run.writeArtifact('curves.png', await curvesPng(run.metrics.epochs, { title: `${recipe.name}: loss per epoch` }));
    // Peak resident memory of the whole process so far (data loading included), in MiB.
    await run.record('peak_rss_mib', Math.round(process.resourceUsage().maxRSS / 1024));
    await run.finish();
  } catch (err) {
    if (err instanceof InterruptedError) {
      await run.interrupt();
      log(
        err.checkpointed
          ? `${err.message}; the run can be resumed from its checkpoint`
          : `${err.message}; the run can be resumed from its last checkpoint, if it wrote one`,
      );
      throw new InterruptedError(
        err.template,
        { checkpointed: err.checkpointed, epoch: err.epoch, batch: err.batch, runDir: dir },
        { cause: err },
      );
    }
    await run.fail(err);
    log(
      run.target.mode === 'fresh'
        ? `run failed: ${path.join(dir, 'metrics.json')} records it (failed), no models were saved`
        : `run failed: the run in ${dir} is unchanged`,
    );
    throw err;
  }
  log(
    `saved ${path.join(dir, 'model')} (tfjs Layers format), encoder/, decoder/, metrics.json${pictures.map((p) => `, ${p}`).join('')}, curves.png`,
  );
  return { dir, metrics: run.metrics, model: autoencoder, encoder };
}
