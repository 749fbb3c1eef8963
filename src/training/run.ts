/**
 * A training run: data, engine, model, training, and the run directory with everything it produced
 * (`model/`, `encoder/`, `decoder/`, `metrics.json`, `reconstructions.png`).
 */
import * as tf from '@tensorflow/tfjs';
import * as path from 'node:path';
import { loadFashionMnist, type FashionMnist } from '../data/fashion-mnist.js';
import { type BackendName, useBackend } from '../engine/backend.js';
import { getRecipe, type OptimizerName } from '../models/recipes.js';
import { reconstructionGrid } from '../viz/reconstructions.js';
import { type EpochRecord, fit, type Samples } from './fit.js';
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
  /** Directory with the Fashion-MNIST files (see `loadFashionMnist`). */
  dataDir?: string;
  /** Engine. Default `auto`. */
  backend?: BackendName;
  /** Run directory. Default `runs/<model>-<timestamp>`. */
  out?: string;
  /** Progress display. */
  progress?: ProgressSink;
  /** Receives one line per event worth printing (engine, data source, each epoch). */
  log?: (line: string) => void;
  /** Data already loaded (tests, repeated runs); skips the loader. */
  data?: FashionMnist;
}

/** The `metrics.json` of a run. */
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

/** Formats one epoch's record as the line `aekit train` prints. */
export function formatEpoch(r: EpochRecord, epochs: number): string {
  const f = (k: string): string => (r[k] === undefined ? '-' : r[k].toFixed(4));
  return `epoch ${r.epoch}/${epochs}: loss ${f('loss')} rounded_accuracy ${f('rounded_accuracy')}`
    + ` val_loss ${f('val_loss')} val_rounded_accuracy ${f('val_rounded_accuracy')}`
    + ` (${r.seconds.toFixed(1)} s, ${Math.round(r.images_per_second)} images/s)`;
}

/**
 * Trains model `options.model` on Fashion-MNIST's book split and writes the run directory.
 *
 * @example
 * const { dir, metrics } = await trainRun({ model: 'conv', epochs: 1, limit: 2000 });
 */
export async function trainRun(options: TrainRunOptions): Promise<TrainRunResult> {
  const recipe = getRecipe(options.model);
  const d = recipe.defaults;
  const settings = {
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
  const engine = await useBackend(settings.backend);
  log(engine.description);
  const data = options.data ?? await loadFashionMnist({ dataDir: options.dataDir });
  log(`data: ${data.source}`);
  const trainCount = Math.min(data.train.count, settings.limit ?? Infinity);
  const built = recipe.build({ seed: settings.seed });
  const { autoencoder, encoder, decoder } = built;
  autoencoder.compile({ optimizer: makeOptimizer(settings.optimizer, settings.lr), loss: settings.loss, metrics: [roundedAccuracy] });
  const metrics: RunMetrics = {
    model: recipe.name,
    backend: engine.backend,
    engine: engine.description,
    params: { encoder: encoder.countParams(), decoder: decoder.countParams() },
    options: { ...settings, dataDir: options.dataDir ?? null, out: dir },
    data: { source: data.source, train: trainCount, valid: data.valid.count, test: data.test.count },
    started: new Date().toISOString(),
    finished: null,
    epochs: [],
  };
  const metricsFile = path.join(dir, 'metrics.json');
  const writeMetrics = (): Promise<void> => writeFileAtomic(metricsFile, `${JSON.stringify(metrics, null, 2)}\n`);
  await writeMetrics();
  log(`training ${recipe.name} on ${trainCount} images for ${settings.epochs} epochs; run directory ${dir}`);
  await fit(autoencoder, imageSamples(data.train.images.subarray(0, trainCount * 784), trainCount), {
    epochs: settings.epochs,
    batchSize: settings.batchSize,
    seed: settings.seed,
    validation: imageSamples(data.valid.images, data.valid.count),
    progress: options.progress ?? silentProgress,
    onEpochEnd: async (record) => {
      metrics.epochs.push(record);
      log(formatEpoch(record, settings.epochs));
      await writeMetrics();
    },
  });
  const meta = { aekit: { model: recipe.name, training: settings } };
  await saveModel(autoencoder, path.join(dir, 'model'), meta);
  await saveModel(encoder, path.join(dir, 'encoder'), meta);
  await saveModel(decoder, path.join(dir, 'decoder'), meta);
  await writeFileAtomic(path.join(dir, 'reconstructions.png'), reconstructionGrid(autoencoder, data.valid.images, { count: 10 }));
  metrics.finished = new Date().toISOString();
  await writeMetrics();
  log(`saved ${path.join(dir, 'model')} (tfjs Layers format), encoder/, decoder/, metrics.json, reconstructions.png`);
  return { dir, metrics, model: autoencoder, encoder };
}
