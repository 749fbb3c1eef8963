/**
 * Reading a run directory written by `aekit train`: its metrics and its saved models.
 */

import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type * as tf from '../core/tf.js';
import { loadModel, ModelIOError } from '../training/io.js';
import { LOSS_NAMES, lossFunction } from '../training/loss-functions.js';
import { roundedAccuracy } from '../training/metrics.js';
import type { LossName } from '../training/optimizers.js';
import type { RunMetrics } from './run-dir.js';

/** A run directory opened for reuse. */
export interface SavedRun {
  dir: string;
  metrics: RunMetrics;
  /** The trained autoencoder, compiled with the run's loss and `rounded_accuracy`. */
  model: tf.LayersModel;
}

/** Reads `dir/metrics.json` or explains what is wrong with the directory. */
export async function readRunMetrics(dir: string): Promise<RunMetrics> {
  const file = path.join(dir, 'metrics.json');
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const what = code === 'ENOENT' ? 'does not exist' : `cannot be read (${code})`;
    throw new ModelIOError(`'${file}' ${what}: RUN_DIR must be a directory written by 'aekit train'`, 'E_MODEL_MISSING');
  }
  try {
    const metrics = JSON.parse(text) as RunMetrics;
    if (typeof metrics.model !== 'string' || !Array.isArray(metrics.epochs)) throw new Error('it lacks "model" or "epochs"');
    return metrics;
  } catch (err) {
    throw new ModelIOError(`'${file}' is not a valid aekit metrics file: ${(err as Error).message}`, 'E_MODEL_INVALID');
  }
}

/** Opens a run directory: metrics plus the autoencoder from `model/`, compiled for evaluation. */
export async function openRun(dir: string, part: 'model' | 'encoder' | 'decoder' = 'model'): Promise<SavedRun> {
  const metrics = await readRunMetrics(dir);
  const model = await loadModel(path.join(dir, part));
  const loss = (metrics.options as { loss?: unknown }).loss ?? 'binaryCrossentropy';
  if (!LOSS_NAMES.includes(loss as LossName))
    throw new ModelIOError(
      `'${path.join(dir, 'metrics.json')}' names the loss ${JSON.stringify(loss)}: expected one of ${LOSS_NAMES.join(', ')}`,
      'E_MODEL_INVALID',
    );
  if (part === 'model') model.compile({ optimizer: 'sgd', loss: lossFunction(loss as LossName), metrics: [roundedAccuracy] });
  return { dir, metrics, model };
}
