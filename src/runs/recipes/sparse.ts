/**
 * `sparse`: the book's sparse autoencoder, trained with its activity penalty added to the loss in
 * a custom step; after training, the coding layer's activity is recorded and drawn.
 */

import { codingActivity } from '../../analysis/activity.js';
import { toFloatSamples } from '../../data/samples.js';
import { KLDivergenceRegularizer, parseSparsity } from '../../layers/sparsity-regularizers.js';
import { codingPenaltyLayer, sparseAutoencoder, sparsityTraining } from '../../models/sparse.js';
import { lossStep } from '../../training/custom-step.js';
import { fit } from '../../training/fit.js';
import { makeOptimizer } from '../../training/optimizers.js';
import { histogramPanels } from '../../viz/basic-charts.js';
import type { Recipe } from '../recipe.js';
import { reconstructions } from './artifacts.js';
import { outputActivationOf } from './inputs.js';
import { checkedBy, positiveInt } from './parsers.js';

/** The `sparse` recipe. */
export const sparseRecipe: Recipe = {
  name: 'sparse',
  description: 'sparse autoencoder: 300-unit sigmoid coding layer with an L1 or KL activity penalty (book: kl:0.05,0.1)',
  defaults: { epochs: 10, batchSize: 32, optimizer: 'sgd', lr: 1.0, loss: 'binaryCrossentropy' },
  options: [
    {
      key: 'sparsity',
      value: 'spec',
      description: 'penalty on the coding layer: l1:WEIGHT (book l1:1e-3), kl:WEIGHT,TARGET (book kl:0.05,0.1) or none',
      defaultValue: 'kl:0.05,0.1',
      parse: checkedBy(parseSparsity),
    },
    {
      key: 'codingUnits',
      value: 'n',
      description: "units of the sigmoid coding layer (default 300, the book's)",
      defaultValue: 300,
      parse: positiveInt('codingUnits'),
    },
  ],
  build: ({ seed, input, sparsity, codingUnits }) =>
    sparseAutoencoder({
      seed,
      inputShape: input.shape,
      outputActivation: outputActivationOf(input),
      sparsity: sparsity as string | undefined,
      codingUnits: codingUnits as number | undefined,
    }),
  async train(ctx) {
    const { built, settings, data } = ctx;
    ctx.compile(built.autoencoder);
    const training = sparsityTraining(built);
    const step =
      training === null
        ? undefined
        : lossStep({
            model: training.model,
            optimizer: makeOptimizer(settings.optimizer, settings.lr),
            loss: settings.loss,
            terms: [{ name: 'sparsity_penalty', term: ([codings]) => training.layer.penalty(codings) }],
          });
    await fit(built.autoencoder, data.train, ctx.fitOptions({ step }));
  },
  async artifacts(ctx) {
    const written = await reconstructions(ctx);
    const reg = codingPenaltyLayer(ctx.built.encoder)?.regularizer;
    const target = reg instanceof KLDivergenceRegularizer ? reg.target : null;
    const { stats, all } = await codingActivity(ctx.built.encoder, toFloatSamples(ctx.data.valid), target);
    await ctx.record('sparsity', { regularizer: ctx.modelOptions.sparsity, on: 'validation', ...stats });
    await ctx.writeArtifact(
      'activations.png',
      await histogramPanels([
        {
          values: all,
          marker: target ?? undefined,
          markerLabel: target === null ? undefined : `target ${target}`,
          title: 'all coding activations (validation)',
        },
        {
          values: stats.unit_means,
          marker: target ?? undefined,
          markerLabel: target === null ? undefined : `target ${target}`,
          title: 'mean activation per coding unit',
          xLabel: 'activation',
        },
      ]),
    );
    ctx.log(
      `coding layer on the validation set: mean activation ${stats.mean_activation.toFixed(4)}` +
        (target === null ? '' : `, ${(100 * (stats.share_units_below_target ?? 0)).toFixed(1)}% of units below the target ${target}`) +
        '; histogram in activations.png (top: all activations, bottom: per-unit means; x from 0 to 1, red line = target)',
    );
    return [...written, 'activations.png'];
  },
};
