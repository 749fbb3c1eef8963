/**
 * `conv`: the seed's convolutional autoencoder, with denoising and greedy layer-wise training
 * (Masci et al. 2011: one conv + pool stage at a time) as options.
 */
import { convAutoencoder } from '../../models/conv.js';
import { convGreedyStages } from '../../models/conv-greedy.js';
import { CONV_DECODERS, type ConvDecoder } from '../../models/conv-layers.js';
import { withInputNoise } from '../../models/noise.js';
import type { PhaseSettings } from '../../training/greedy.js';
import type { Recipe } from '../recipe.js';
import { denoisingReconstructions } from './artifacts.js';
import { greedyHooks } from './greedy.js';
import { outputActivationOf, requireImages } from './inputs.js';
import { GREEDY_OPTION, greedyEpochsOption, NOISE_OPTION } from './options.js';
import { oneOf, positiveIntList } from './parsers.js';

/**
 * The conv model's greedy schedule. Stage 1 reconstructs pixels in [0, 1] through a sigmoid: BCE
 * with the seed's SGD(1.0). Stages 2 and 3 reconstruct unbounded SELU codings: MSE with a smaller
 * SGD(0.05), as the book's dense stage 2. Fine-tuning the stacked model: BCE, SGD(0.1), a tenth of
 * the seed's rate so that it refines the stages instead of retraining from scratch. Epochs: 2 per
 * stage, 3 of fine-tuning (the lower stages are cheap; stage 1 runs at full resolution). A model
 * with more than three `--filters` stages trains every stage after the second as stage 3.
 */
export const CONV_GREEDY_DEFAULTS: { stages: PhaseSettings[]; fineTune: PhaseSettings } = {
  stages: [
    { loss: 'binaryCrossentropy', optimizer: 'sgd', lr: 1.0, epochs: 2 },
    { loss: 'meanSquaredError', optimizer: 'sgd', lr: 0.05, epochs: 2 },
    { loss: 'meanSquaredError', optimizer: 'sgd', lr: 0.05, epochs: 2 },
  ],
  fineTune: { loss: 'binaryCrossentropy', optimizer: 'sgd', lr: 0.1, epochs: 3 },
};

/** The `conv` recipe: the seed's model for 28×28 grey images, the same family for any image size. */
export const convRecipe: Recipe = {
  name: 'conv',
  description: "the seed's convolutional autoencoder (23,296 + 23,233 parameters on 28×28 grey; any image size, --filters, --decoder)",
  defaults: { epochs: 5, batchSize: 32, optimizer: 'sgd', lr: 1.0, loss: 'binaryCrossentropy' },
  options: [
    NOISE_OPTION,
    GREEDY_OPTION,
    greedyEpochsOption('conv: 2 per stage, then 3 of fine-tuning'),
    {
      key: 'filters',
      value: 'list',
      description: 'filters of the encoder Conv2D layers, one conv + pool stage each, input side first (default 16,32,64)',
      parse: positiveIntList('filters'),
      defaultValue: [16, 32, 64],
    },
    {
      key: 'decoder',
      value: 'kind',
      description: `decoder stages: transpose (Conv2DTranspose, the seed's) or upsample (UpSampling2D + Conv2D, no checkerboard artifacts) (default transpose)`,
      parse: oneOf('decoder', CONV_DECODERS),
      defaultValue: 'transpose',
    },
  ],
  build: ({ seed, input, noise, filters, decoder }) =>
    withInputNoise(
      convAutoencoder({
        seed,
        inputShape: input.shape,
        filters: filters as number[] | undefined,
        decoder: decoder as ConvDecoder | undefined,
        outputActivation: outputActivationOf(input),
      }),
      noise as string | undefined,
    ),
  checkInput: (input) => requireImages('conv', input),
  ...greedyHooks(convGreedyStages, {
    count: (modelOptions) => (modelOptions.filters as number[] | undefined)?.length ?? CONV_GREEDY_DEFAULTS.stages.length,
    stages: (k) => CONV_GREEDY_DEFAULTS.stages[Math.min(k, CONV_GREEDY_DEFAULTS.stages.length - 1)],
    fineTune: CONV_GREEDY_DEFAULTS.fineTune,
  }),
  artifacts: denoisingReconstructions,
};
