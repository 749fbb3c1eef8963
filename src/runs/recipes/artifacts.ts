/**
 * Pictures a run draws after training, shared by the recipes.
 */
import { parseNoise } from '../../models/noise.js';
import { denoisingGrid } from '../../viz/denoising.js';
import { reconstructionGrid } from '../../viz/reconstructions.js';
import type { TrainContext } from '../recipe.js';

/** `reconstructions.png`: 10 validation images over their reconstructions (image data only). */
export async function reconstructions(ctx: TrainContext): Promise<string[]> {
  if (!ctx.data.images) return [];
  await ctx.writeArtifact('reconstructions.png', await reconstructionGrid(ctx.built.autoencoder, ctx.data.valid.x, { count: 10 }));
  return ['reconstructions.png'];
}

/**
 * `reconstructions.png` of a recipe with a `noise` option: with noise, three rows (noisy input,
 * reconstruction, clean original); without, the plain grid.
 */
export async function denoisingReconstructions(ctx: TrainContext): Promise<string[]> {
  const noise = typeof ctx.modelOptions.noise === 'string' ? parseNoise(ctx.modelOptions.noise) : null;
  if (noise === null || !ctx.data.images) return reconstructions(ctx);
  await ctx.writeArtifact(
    'reconstructions.png',
    await denoisingGrid(ctx.built.autoencoder, ctx.data.valid.x, noise, { count: 10, seed: ctx.settings.seed }),
  );
  return ['reconstructions.png'];
}
