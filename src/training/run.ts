/**
 * A training run: data, engine, model, training, and the run directory with everything it produced
 * (`model/`, `encoder/`, `decoder/`, `metrics.json`, `reconstructions.png`).
 */
import * as tf from '@tensorflow/tfjs';
import * as path from 'node:path';
import { excludeFromTraining } from '../analysis/flags.js';
import { loadFashionMnist, type FashionMnist } from '../data/fashion-mnist.js';
import { type BackendName, useBackend } from '../engine/backend.js';
import '../models/all.js';
import { type Dataset, getRecipe, type ModelRecipe, type OptimizerName, type TrainContext, type TrainingSettings } from '../models/recipes.js';
import { parseNoise } from '../models/noise.js';
import { denoisingGrid } from '../viz/denoising.js';
import { curvesPng } from '../viz/line-chart.js';
import { reconstructionGrid } from '../viz/reconstructions.js';
import { type EpochRecord, fit, type FitOptions, type Samples } from './fit.js';
import { saveModel, writeFileAtomic } from './io.js';
import { roundedAccuracy } from './metrics.js';
import { makeOptimizer } from './optimizers.js';
import { type ProgressSink, silentProgress } from './progress.js';

/** Options of {@link trainRun}; unset training settings take the model's book defaults. */
export interface TrainRunOptions {
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
  /** Leave out every image of this Fashion-MNIST class (0–9) from training and validation (anomaly-detection demo). */
  excludeClass?: number;
  /** Directory with the Fashion-MNIST files (see `loadFashionMnist`). */
  dataDir?: string;
  /** Engine. Default `auto`. */
  backend?: BackendName;
  /** Run directory. Default `runs/<model>-<timestamp>`. */
  out?: string;
  /** Model-specific options declared by the model's recipe (e.g. `{ units: [100, 30] }`). */
  modelOptions?: Record<string, unknown>;
  /** Progress display. */
  progress?: ProgressSink;
  /** Receives one line per event worth printing (engine, data source, each epoch). */
  log?: (line: string) => void;
  /** Fashion-MNIST already loaded (tests, repeated runs); skips the loader. */
  data?: FashionMnist;
}

/** The `metrics.json` of a run. Recipes may add sections (e.g. `stages`). */
export interface RunMetrics {
  model: string;
  backend: string;
  engine: string;
  params: { encoder: number; decoder: number };
  options: Record<string, unknown>;
  data: { source: string; train: number; valid: number; test: number };
  started: string;
  finished: string | null;
  epochs: EpochRecord[];
  [section: string]: unknown;
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

/** Wraps image arrays (flat, 28×28 each) as {@link Samples}. */
export function imageSamples(images: Float32Array, count: number): Samples {
  return { x: images, shape: [28, 28], count };
}

/** The book's Fashion-MNIST split as a {@link Dataset}; `limit` keeps the first N training images. */
export function fashionMnistDataset(data: FashionMnist, limit: number | null): Dataset {
  const n = Math.min(data.train.count, limit ?? Infinity);
  return {
    train: imageSamples(data.train.images.subarray(0, n * 784), n),
    valid: imageSamples(data.valid.images, data.valid.count),
    test: imageSamples(data.test.images, data.test.count),
    labels: { train: data.train.labels.subarray(0, n), valid: data.valid.labels, test: data.test.labels },
    source: data.source,
    images: true,
  };
}

/** Formats one epoch's record as the line `aekit train` prints. */
export function formatEpoch(r: EpochRecord, epochs: number, prefix = ''): string {
  const f = (k: string): string => (r[k] === undefined ? '-' : r[k].toFixed(4));
  const metric = Object.keys(r).find((k) => !['epoch', 'seconds', 'images_per_second', 'loss'].includes(k) && !k.startsWith('val_'));
  return `${prefix}epoch ${r.epoch}/${epochs}: loss ${f('loss')}${metric === undefined ? '' : ` ${metric} ${f(metric)}`}`
    + ` val_loss ${f('val_loss')}${metric === undefined ? '' : ` val_${metric} ${f(`val_${metric}`)}`}`
    + ` (${r.seconds.toFixed(1)} s, ${Math.round(r.images_per_second)} samples/s)`;
}

function resolveModelOptions(recipe: ModelRecipe, given: Record<string, unknown>): Record<string, unknown> {
  const declared = new Map((recipe.options ?? []).map((o) => [o.key, o]));
  for (const key of Object.keys(given)) {
    if (given[key] !== undefined && !declared.has(key)) {
      const known = [...declared.values()].map((o) => o.flag.split(' ')[0]).join(', ') || 'none';
      throw new RangeError(`model '${recipe.name}' has no option '${key}' (its options: ${known})`);
    }
  }
  const resolved: Record<string, unknown> = {};
  // Options with no value and no default stay absent: the result is stored as JSON metadata.
  for (const [key, option] of declared) {
    const value = given[key] ?? option.defaultValue;
    if (value !== undefined) resolved[key] = value;
  }
  return resolved;
}

/**
 * Trains model `options.model` (on Fashion-MNIST's book split unless the model brings its own data)
 * and writes the run directory.
 *
 * @example
 * const { dir, metrics } = await trainRun({ model: 'conv', epochs: 1, limit: 2000 });
 */
export async function trainRun(options: TrainRunOptions): Promise<TrainRunResult> {
  const recipe = getRecipe(options.model);
  const d = recipe.defaults;
  const modelOptions = resolveModelOptions(recipe, options.modelOptions ?? {});
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
    throw new RangeError(`limit must be a positive integer, got ${settings.limit}`);
  }
  const log = options.log ?? (() => {});
  const dir = options.out ?? path.join('runs', `${recipe.name}-${timestamp()}`);
  const engine = await useBackend(settings.backend as BackendName);
  log(engine.description);
  let data: Dataset;
  const own = recipe.loadData === undefined ? null : await recipe.loadData({ dataDir: options.dataDir, modelOptions, seed: settings.seed });
  if (own !== null) {
    data = own;
    if (settings.limit !== null) data = { ...data, train: { ...data.train, count: Math.min(data.train.count, settings.limit) } };
  } else {
    data = fashionMnistDataset(excludeFromTraining(options.data ?? await loadFashionMnist({ dataDir: options.dataDir }), options.excludeClass), settings.limit);
  }
  log(`data: ${data.source}`);
  const built = recipe.build({ seed: settings.seed, ...modelOptions });
  const { autoencoder, encoder, decoder } = built;
  const metrics: RunMetrics = {
    model: recipe.name,
    backend: engine.backend,
    engine: engine.description,
    params: { encoder: encoder.countParams(), decoder: decoder.countParams() },
    options: { ...settings, ...modelOptions, excludeClass: options.excludeClass ?? null, dataDir: options.dataDir ?? null, out: dir },
    data: { source: data.source, train: data.train.count, valid: data.valid.count, test: data.test?.count ?? 0 },
    started: new Date().toISOString(),
    finished: null,
    epochs: [],
  };
  const metricsFile = path.join(dir, 'metrics.json');
  const writeMetrics = (): Promise<void> => writeFileAtomic(metricsFile, `${JSON.stringify(metrics, null, 2)}\n`);
  await writeMetrics();
  // greedy runs follow their stage schedule (each stage logs its epochs), not --epochs
  const plan = modelOptions.greedy === true ? 'greedy layer-wise: stages, then fine-tuning' : `for ${settings.epochs} epochs`;
  log(`training ${recipe.name} on ${data.train.count} samples ${plan}; run directory ${dir}`);
  const context: TrainContext = {
    built, settings, modelOptions, data, dir, log,
    compile(model, overrides = {}) {
      const optimizer = makeOptimizer(overrides.optimizer ?? settings.optimizer, overrides.lr ?? settings.lr);
      model.compile({ optimizer, loss: overrides.loss ?? settings.loss, metrics: [roundedAccuracy] });
    },
    fitOptions(overrides = {}): FitOptions {
      const epochs = overrides.epochs ?? settings.epochs;
      return {
        epochs,
        batchSize: settings.batchSize,
        seed: settings.seed,
        validation: data.valid,
        progress: options.progress ?? silentProgress,
        onEpochEnd: async (record) => {
          metrics.epochs.push(record);
          log(formatEpoch(record, epochs));
          await writeMetrics();
        },
        ...overrides,
      };
    },
    async record(key, value) {
      metrics[key] = value;
      await writeMetrics();
    },
  };
  if (recipe.train !== undefined) {
    await recipe.train(context);
  } else {
    context.compile(autoencoder);
    await fit(autoencoder, data.train, context.fitOptions());
  }
  // Options without a default are undefined, which tfjs's user-defined metadata check rejects.
  const meta = { aekit: { model: recipe.name, training: settings, modelOptions } };
  await saveModel(autoencoder, path.join(dir, 'model'), meta);
  await saveModel(encoder, path.join(dir, 'encoder'), meta);
  await saveModel(decoder, path.join(dir, 'decoder'), meta);
  if (data.images) {
    const noise = typeof modelOptions.noise === 'string' ? parseNoise(modelOptions.noise) : null;
    await writeFileAtomic(path.join(dir, 'reconstructions.png'), noise === null
      ? await reconstructionGrid(autoencoder, data.valid.x, { count: 10 })
      : await denoisingGrid(autoencoder, data.valid.x, noise, { count: 10, seed: settings.seed }));
  }
  await writeFileAtomic(path.join(dir, 'curves.png'), await curvesPng(metrics.epochs, { title: `${recipe.name}: loss per epoch` }));
  metrics.finished = new Date().toISOString();
  await writeMetrics();
  log(`saved ${path.join(dir, 'model')} (tfjs Layers format), encoder/, decoder/, metrics.json${data.images ? ', reconstructions.png' : ''}, curves.png`);
  return { dir, metrics, model: autoencoder, encoder };
}
