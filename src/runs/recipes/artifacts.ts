/**
 * Pictures a run draws after training, shared by the recipes.
 */
import { featureErrors } from '../../analysis/scores.js';
import { toFloatSamples } from '../../data/samples.js';
import { parseNoise } from '../../models/noise.js';
import { denoisingGrid } from '../../viz/denoising.js';
import { featureErrorsPng } from '../../viz/feature-errors.js';
import { reconstructionGrid } from '../../viz/reconstructions.js';
import type { TrainContext } from '../recipe.js';

/**
 * `reconstructions.png`: 10 validation images over their reconstructions (image data); for tables,
 * `feature-errors.png`: the validation MSE of every column.
 */
export async function reconstructions(ctx: TrainContext): Promise<string[]> {
  const { image, features } = ctx.data;
  if (image === undefined && features !== undefined) {
    const errors = await featureErrors(ctx.built.autoencoder, ctx.data.valid);
    await ctx.record('feature_errors', Object.fromEntries(features.map((f, i) => [f, errors[i]])));
    await ctx.writeArtifact(
      'feature-errors.png',
      await featureErrorsPng([...features], Array.from(errors), { title: `validation MSE per feature (${ctx.data.valid.count} rows)` }),
    );
    return ['feature-errors.png'];
  }
  if (image === undefined) return [];
  const first = toFloatSamples(ctx.data.valid, 10).x;
  await ctx.writeArtifact('reconstructions.png', await reconstructionGrid(ctx.built.autoencoder, first, { count: 10, ...image }));
  return ['reconstructions.png'];
}

/**
 * `reconstructions.png` of a recipe with a `noise` option: with noise, three rows (noisy input,
 * reconstruction, clean original); without, the plain grid.
 */
export async function denoisingReconstructions(ctx: TrainContext): Promise<string[]> {
  const noise = typeof ctx.modelOptions.noise === 'string' ? parseNoise(ctx.modelOptions.noise) : null;
  const { image } = ctx.data;
  if (noise === null || image === undefined) return reconstructions(ctx);
  await ctx.writeArtifact(
    'reconstructions.png',
    await denoisingGrid(ctx.built.autoencoder, toFloatSamples(ctx.data.valid, 10).x, noise, {
      count: 10,
      seed: ctx.settings.seed,
      shape: image,
    }),
  );
  return ['reconstructions.png'];
}
