/**
 * `vae`: the book's variational autoencoder (dense, or conv from the seed's layers), trained with
 * the latent loss added to the reconstruction loss in a custom step.
 */
import { AekitError } from '../../core/errors.js';
import { type VariationalAutoencoder, variationalAutoencoder } from '../../models/vae.js';
import { lossStep } from '../../training/custom-step.js';
import { fit } from '../../training/fit.js';
import { latentLoss } from '../../training/losses.js';
import { makeOptimizer } from '../../training/optimizers.js';
import type { Recipe } from '../recipe.js';
import { reconstructions } from './artifacts.js';
import { outputActivationOf } from './inputs.js';
import { positiveInt } from './parsers.js';

/** The `vae` recipe. */
export const vaeRecipe: Recipe = {
  name: 'vae',
  description: "variational autoencoder (book: 150-100-10 selu, RMSprop, batch 128); --conv for one built from the seed's conv layers",
  defaults: { epochs: 25, batchSize: 128, optimizer: 'rmsprop', lr: 0.001, loss: 'binaryCrossentropy' },
  options: [
    { key: 'conv', description: "convolutional VAE from the seed's conv layers", defaultValue: false },
    { key: 'codings', value: 'n', description: 'size of the codings (default 10)', defaultValue: 10, parse: positiveInt('codings') },
  ],
  build: ({ seed, input, conv, codings }) =>
    variationalAutoencoder({
      seed,
      inputShape: input.shape,
      outputActivation: outputActivationOf(input),
      conv: conv === true,
      codings: codings as number | undefined,
    }),
  async train(ctx) {
    const { settings, data } = ctx;
    const built = ctx.built as VariationalAutoencoder;
    if (built.training === undefined) throw new AekitError('vae: the built model lacks its training model', { code: 'E_MODEL' });
    ctx.compile(built.autoencoder);
    const step = lossStep({
      model: built.training,
      optimizer: makeOptimizer(settings.optimizer, settings.lr),
      loss: settings.loss,
      terms: [{ name: 'latent_loss', term: ([mean, logVar]) => latentLoss(mean, logVar) }],
    });
    await fit(built.autoencoder, data.train, ctx.fitOptions({ step }));
  },
  artifacts: reconstructions,
};
