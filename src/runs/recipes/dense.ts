/**
 * `dense`: the stacked dense autoencoder sized to the data, for tables (or any samples, flattened):
 * Flatten → Dense(units…) ‖ Dense(…) → Dense(f) → Reshape, linear output unless the values lie in
 * [0, 1], Adam and MSE.
 */
import { stackedAutoencoder } from '../../models/stacked.js';
import type { ModelInput, Recipe } from '../recipe.js';
import { outputActivationOf } from './inputs.js';
import { NOISE_OPTION, TIED_OPTION, unitsOption } from './options.js';

/**
 * The `dense` model's default encoder sizes for `input`: `[max(2, ⌈f/2⌉), max(1, ⌈f/4⌉)]`, f = the
 * values per sample (a 7-column table: `[4, 2]`; 28×28 images: `[392, 196]`).
 */
export function denseUnits(input: ModelInput): number[] {
  const f = input.shape.reduce((a, b) => a * b, 1);
  return [Math.max(2, Math.ceil(f / 2)), Math.max(1, Math.ceil(f / 4))];
}

/** The `dense` recipe. */
export const denseRecipe: Recipe = {
  name: 'dense',
  description: 'dense autoencoder sized to the data, for tables: f → ⌈f/2⌉ → ⌈f/4⌉ → ⌈f/2⌉ → f, linear output unless values lie in [0, 1]',
  defaults: { epochs: 20, batchSize: 32, optimizer: 'adam', lr: 0.001, loss: 'meanSquaredError' },
  options: [unitsOption(), TIED_OPTION, NOISE_OPTION],
  build: ({ seed, input, units, tied, noise }) =>
    stackedAutoencoder({
      seed,
      inputShape: input.shape,
      units: (units as number[] | undefined) ?? denseUnits(input),
      outputActivation: outputActivationOf(input),
      tied: tied === true,
      noise: noise as string | undefined,
    }),
};
