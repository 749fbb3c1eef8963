/**
 * `stacked`: the book's stacked dense autoencoder, with tied weights, denoising and greedy
 * layer-wise training as options.
 */
import { STACKED_ACTIVATIONS, type StackedAutoencoderOptions, stackedAutoencoder, stackedGreedyStages } from '../../models/stacked.js';
import type { Recipe } from '../recipe.js';
import { denoisingReconstructions } from './artifacts.js';
import { greedyHooks } from './greedy.js';
import { outputActivationOf } from './inputs.js';
import { GREEDY_OPTION, greedyEpochsOption, NOISE_OPTION, TIED_OPTION, unitsOption } from './options.js';
import { oneOf } from './parsers.js';

/** Book settings of the greedy stages: stage 1 BCE SGD(1.5), later stages MSE SGD(0.05); fine-tuning BCE SGD(0.1). */
export const STACKED_GREEDY_DEFAULTS = {
  first: { loss: 'binaryCrossentropy', optimizer: 'sgd', lr: 1.5, epochs: 10 },
  later: { loss: 'meanSquaredError', optimizer: 'sgd', lr: 0.05, epochs: 10 },
  fineTune: { loss: 'binaryCrossentropy', optimizer: 'sgd', lr: 0.1, epochs: 10 },
} as const;

/** The `stacked` recipe. */
export const stackedRecipe: Recipe = {
  name: 'stacked',
  description: 'stacked dense autoencoder 784→100→30→100→784 (81,530 + 82,284 parameters; --tied: 884 in the decoder)',
  defaults: { epochs: 20, batchSize: 32, optimizer: 'sgd', lr: 1.5, loss: 'binaryCrossentropy' },
  options: [
    unitsOption([100, 30]),
    {
      key: 'activation',
      value: 'name',
      description: `hidden activation: ${STACKED_ACTIVATIONS.join(', ')} (default selu)`,
      parse: oneOf('activation', STACKED_ACTIVATIONS),
      defaultValue: 'selu',
    },
    TIED_OPTION,
    GREEDY_OPTION,
    greedyEpochsOption('stacked: 10 per stage, then 10 of fine-tuning'),
    NOISE_OPTION,
  ],
  build: ({ seed, input, units, activation, tied, noise }) =>
    stackedAutoencoder({
      seed,
      inputShape: input.shape,
      outputActivation: outputActivationOf(input),
      units: units as number[] | undefined,
      activation: activation as StackedAutoencoderOptions['activation'],
      tied: tied === true,
      noise: noise as string | undefined,
    }),
  ...greedyHooks(stackedGreedyStages, {
    count: (modelOptions) => (modelOptions.units as number[]).length, // resolved: the units option has a default
    stages: (k) => (k === 0 ? STACKED_GREEDY_DEFAULTS.first : STACKED_GREEDY_DEFAULTS.later),
    fineTune: STACKED_GREEDY_DEFAULTS.fineTune,
  }),
  artifacts: denoisingReconstructions,
};
