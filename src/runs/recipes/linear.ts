/**
 * `linear`: the book's linear autoencoder on its generated 3-D point cloud; after training, the
 * learned plane is compared with PCA's (principal angles) and the 2-D codings are drawn.
 */

import { pcaDirections, principalAngles } from '../../analysis/subspace.js';
import * as tf from '../../core/tf.js';
import { loadData } from '../../data/load.js';
import { pointCloud } from '../../data/point-cloud.js';
import { toFloatSamples } from '../../data/samples.js';
import { linearAutoencoder } from '../../models/linear.js';
import { scatterPlot } from '../../viz/basic-charts.js';
import type { Recipe } from '../recipe.js';

/** The `linear` recipe. */
export const linearRecipe: Recipe = {
  name: 'linear',
  description: 'linear autoencoder = PCA: Dense(2) ‖ Dense(3), no activations, on a generated 3-D point cloud (60 points)',
  defaults: { epochs: 20, batchSize: 32, optimizer: 'sgd', lr: 1.5, loss: 'meanSquaredError' },
  build: ({ seed, input }) => linearAutoencoder({ seed, inputShape: input.shape }),
  defaultInput: { shape: [3], kind: 'arrays', unitRange: false },
  loadData: ({ seed }) => loadData({ kind: 'points', count: 60, seed }),
  async artifacts(ctx) {
    const { built, data, settings } = ctx;
    const { count, x } = toFloatSamples(data.train);
    const codings = tf.tidy(() => (built.encoder.predict(tf.tensor(x, [count, 3])) as tf.Tensor).dataSync());
    const cloud = pointCloud(60, settings.seed);
    const shade = cloud.count === count ? Array.from(cloud.angles, (a) => (a + 0.5) / ((3 * Math.PI) / 2)) : undefined;
    await ctx.writeArtifact('codings.png', await scatterPlot(codings, count, { shade, xLabel: 'coding 1', yLabel: 'coding 2' }));
    const kernel = built.decoder.layers[0].getWeights()[0];
    const rows = kernel.arraySync() as number[][]; // [2, 3]: each coding's direction in 3-D
    const angles = principalAngles(rows, pcaDirections(x, count, 3, 2));
    const degrees = angles.map((r) => (r * 180) / Math.PI);
    await ctx.record('pca', { principal_angles_degrees: degrees, decoder_directions: rows });
    ctx.log(
      `principal angles between the learned 2-D subspace and PCA's: ${degrees.map((d) => `${d.toFixed(2)}°`).join(', ')} (0° = the same plane)`,
    );
    ctx.log('2-D codings drawn in codings.png (colour: position along the band, blue → red)');
    return ['codings.png'];
  },
};
