/**
 * `conv1d`: the Keras example's 1-D convolutional autoencoder for time-series windows
 * (`--series FILE --window N`), with the example's training settings: Adam(0.001), MSE, batch 128.
 */
import { ArgumentError } from '../../core/errors.js';
import { conv1dAutoencoder } from '../../models/conv1d.js';
import type { Recipe } from '../recipe.js';
import { shapeText } from './inputs.js';

/** The `conv1d` recipe. */
export const conv1dRecipe: Recipe = {
  name: 'conv1d',
  description:
    "the Keras example's 1-D convolutional autoencoder for series windows: Conv1D(32, 7, /2) → Dropout → Conv1D(16, 7, /2) ‖ Conv1DTranspose ×3 (9,505 parameters on 288 × 1; the window a multiple of 4)",
  defaults: { epochs: 50, batchSize: 128, optimizer: 'adam', lr: 0.001, loss: 'meanSquaredError' },
  build: ({ seed, input }) => conv1dAutoencoder({ seed, window: input.shape[0], features: input.shape[1] }),
  checkInput(input) {
    if (input.shape.length !== 2 || input.kind === 'images' || input.kind === 'table')
      throw new ArgumentError(
        'input',
        `the conv1d model takes series windows [window, features] (--series FILE --window N), found ${input.kind} samples of shape ${shapeText(input.shape)}`,
      );
    if (input.shape[0] % 4 !== 0)
      throw new ArgumentError(
        'window',
        `the conv1d model needs a window that is a multiple of 4 (two stride-2 stages), got ${input.shape[0]}: give --window ${Math.max(4, Math.round(input.shape[0] / 4) * 4)}`,
      );
  },
};
