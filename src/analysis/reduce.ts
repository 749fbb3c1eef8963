/**
 * One entry point for the 2-D reductions `aekit map` offers: t-SNE, UMAP and PCA.
 */

import { ArgumentError } from '../core/errors.js';
import { type StepProgress, silentSteps } from '../core/progress.js';
import type { Neighbours, Points } from './knn.js';
import { pca } from './pca.js';
import { tsne } from './tsne.js';
import { umap } from './umap.js';

/** Reduction methods. */
export type ReduceMethod = 'tsne' | 'umap' | 'pca';

/** The methods {@link reduceTo2d} knows, for help texts and validation. */
export const REDUCE_METHODS: readonly ReduceMethod[] = ['tsne', 'umap', 'pca'];

/** Options of {@link reduceTo2d}. */
export interface ReduceOptions {
  /** Seed of any randomness (UMAP's sampling, t-SNE's random init). Default 42. */
  seed?: number;
  /** t-SNE perplexity. Default 30. */
  perplexity?: number;
  /** t-SNE iterations (default 1000) or UMAP epochs (default: umap-js's choice). */
  iterations?: number;
  /** Neighbour lists already computed (t-SNE needs 90 for perplexity 30, UMAP 14). */
  neighbours?: Neighbours;
  /** Progress of the iterations. */
  progress?: StepProgress;
}

/**
 * Reduces `points` to 2-D with `method`.
 *
 * @example
 * const xy = await reduceTo2d('umap', codings, { seed: 1 });
 */
export async function reduceTo2d(method: ReduceMethod, points: Points, options: ReduceOptions = {}): Promise<Points> {
  const { seed = 42, perplexity = 30, iterations, neighbours, progress = silentSteps } = options;
  try {
    switch (method) {
      case 'tsne':
        return await tsne(points, { perplexity, iterations, seed, neighbours, onIteration: (d, t) => progress.update(d, t) });
      case 'umap':
        return await umap(points, { seed, epochs: iterations, knn: neighbours, onEpoch: (d, t) => progress.update(d, t) });
      case 'pca':
        return pca(points, 2).projected;
      default:
        throw new ArgumentError('method', `unknown reduction method '${String(method)}': expected one of ${REDUCE_METHODS.join(', ')}`);
    }
  } finally {
    progress.stop();
  }
}
