/**
 * `recurrent`: the book's recurrent autoencoder, on images read as rows of pixels (Fashion-MNIST:
 * 28 steps of 28 values), or on sequences (`--sequences FILE --steps S --features F`).
 */
import { ArgumentError } from '../../core/errors.js';
import { recurrentAutoencoder } from '../../models/recurrent.js';
import type { Recipe } from '../recipe.js';
import { reconstructions } from './artifacts.js';
import { outputActivationOf, shapeText } from './inputs.js';

/** The `recurrent` recipe. */
export const recurrentRecipe: Recipe = {
  name: 'recurrent',
  description:
    'recurrent autoencoder: LSTM(100) → LSTM(30) ‖ RepeatVector → LSTM(100) → TimeDistributed(Dense); images as rows of pixels, or --sequences from a CSV file',
  defaults: { epochs: 10, batchSize: 32, optimizer: 'sgd', lr: 0.1, loss: 'binaryCrossentropy' },
  build: ({ seed, input }) =>
    recurrentAutoencoder({ seed, steps: input.shape[0], features: input.shape[1], outputActivation: outputActivationOf(input) }),
  checkInput(input) {
    if (input.shape.length !== 2) {
      throw new ArgumentError(
        'input',
        `the recurrent model takes sequences [steps, features] or grey images [h, w] (h steps of w features), found ${input.kind} samples of shape ${shapeText(input.shape)}: use the dense model for tables, conv for colour images`,
      );
    }
  },
  artifacts: reconstructions,
};
