/**
 * Activity of a coding layer over a set of samples (sparse autoencoders): mean activation, the
 * share of units below a sparsity target, and every activation for histograms.
 */
import type * as tf from '../core/tf.js';
import type { Samples } from '../data/samples.js';
import { predictAll } from '../training/predict.js';

/** Statistics of the coding layer's activations over a set of samples. */
export interface ActivityStats {
  /** Mean activation over all units and samples. */
  mean_activation: number;
  /** Share of units whose mean activation is below the target (KL penalty only; null otherwise). */
  share_units_below_target: number | null;
  target: number | null;
  units: number;
  samples: number;
  /** Each unit's mean activation. */
  unit_means: number[];
}

/** Runs `encoder` over `samples` in batches; returns per-unit means and every activation (for the histogram). */
export async function codingActivity(
  encoder: tf.LayersModel,
  samples: Samples,
  target: number | null,
  batchSize = 500,
): Promise<{ stats: ActivityStats; all: Float32Array }> {
  const {
    x: all,
    shape: [units],
  } = await predictAll(encoder, samples.x, samples.count, { batchSize });
  const sums = new Float64Array(units);
  for (let i = 0; i < all.length; i++) sums[i % units] += all[i];
  const unitMeans = Array.from(sums, (s) => s / samples.count);
  const mean = unitMeans.reduce((a, b) => a + b, 0) / units;
  const below = target === null ? null : unitMeans.filter((m) => m < target).length / units;
  return {
    stats: { mean_activation: mean, share_units_below_target: below, target, units, samples: samples.count, unit_means: unitMeans },
    all,
  };
}
