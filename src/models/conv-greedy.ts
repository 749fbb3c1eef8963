/**
 * Greedy layer-wise training of the convolutional autoencoder, as stacked convolutional
 * autoencoders are trained (Masci et al. 2011): each conv + pool stage of the encoder is trained
 * with its own transposed-convolution decoder, on the codings of the stages below it.
 *
 * The seed model's decoder already mirrors its encoder stage by stage, so each stage's decoder is
 * the matching layer of the final decoder: stage 1 = conv1 + pool1 ‖ deconv3 (28×28×1 ↔ 14×14×16),
 * stage 2 = conv2 + pool2 ‖ deconv2 (14×14×16 ↔ 7×7×32), stage 3 = conv3 + pool3 ‖ deconv1
 * (7×7×32 ↔ 3×3×64). Training a stage trains the stacked model's own layers.
 */
import * as tf from '@tensorflow/tfjs';
import { fit } from '../training/fit.js';
import { type GreedyStage, type PhaseSettings, trainGreedyInContext } from '../training/greedy.js';
import type { Autoencoder } from './conv.js';
import type { TrainContext } from './recipes.js';

/**
 * Per-stage settings. Stage 1 reconstructs pixels in [0, 1] through a sigmoid: BCE with the seed's
 * SGD(1.0). Stages 2 and 3 reconstruct unbounded SELU codings: MSE with a smaller SGD(0.05), as the
 * book's dense stage 2. Fine-tuning the stacked model: BCE, SGD(0.1), a tenth of the seed's rate so
 * that it refines the stages instead of retraining from scratch. Epochs: 2 per stage, 3 of
 * fine-tuning (the lower stages are cheap; stage 1 runs at full resolution).
 */
export const CONV_GREEDY_DEFAULTS: { stages: PhaseSettings[]; fineTune: PhaseSettings } = {
  stages: [
    { loss: 'binaryCrossentropy', optimizer: 'sgd', lr: 1.0, epochs: 2 },
    { loss: 'meanSquaredError', optimizer: 'sgd', lr: 0.05, epochs: 2 },
    { loss: 'meanSquaredError', optimizer: 'sgd', lr: 0.05, epochs: 2 },
  ],
  fineTune: { loss: 'binaryCrossentropy', optimizer: 'sgd', lr: 0.1, epochs: 3 },
};

/**
 * The three greedy stages of a built {@link convAutoencoder} (see the module comment). `epochs`
 * overrides each stage's epochs.
 */
export function convGreedyStages(model: Autoencoder, epochs?: number[]): GreedyStage[] {
  const enc = (name: string): tf.layers.Layer => model.encoder.getLayer(name);
  const dec = (name: string): tf.layers.Layer => model.decoder.getLayer(name);
  const plan: Array<{ input: number[]; layers: tf.layers.Layer[]; decoder: tf.layers.Layer[] }> = [
    {
      input: [28, 28],
      layers: [enc('reshape_in'), enc('conv1'), enc('pool1')],
      decoder: [dec('deconv3'), dec('reshape_out')],
    },
    { input: enc('pool1').outputShape.slice(1) as number[], layers: [enc('conv2'), enc('pool2')], decoder: [dec('deconv2')] },
    { input: enc('pool2').outputShape.slice(1) as number[], layers: [enc('conv3'), enc('pool3')], decoder: [dec('deconv1')] },
  ];
  return plan.map((p, k) => {
    const input = tf.input({ shape: p.input, name: `conv_stage${k + 1}_input` });
    const codings = p.layers.reduce<tf.SymbolicTensor>((x, l) => l.apply(x) as tf.SymbolicTensor, input);
    const output = p.decoder.reduce<tf.SymbolicTensor>((x, l) => l.apply(x) as tf.SymbolicTensor, codings);
    return {
      name: `stage${k + 1}`,
      autoencoder: tf.model({ inputs: input, outputs: output, name: `conv_stage${k + 1}_autoencoder` }),
      encoder: tf.model({ inputs: input, outputs: codings, name: `conv_stage${k + 1}_encoder` }),
      ...CONV_GREEDY_DEFAULTS.stages[k],
      epochs: epochs?.[k] ?? CONV_GREEDY_DEFAULTS.stages[k].epochs,
    };
  });
}

/** The conv recipe's `train`: the standard fit, or greedy layer-wise training with `--greedy`. */
export async function trainConv(ctx: TrainContext): Promise<void> {
  const epochs = (ctx.modelOptions.greedyEpochs ?? undefined) as number[] | undefined;
  if (ctx.modelOptions.greedy !== true) {
    if (epochs !== undefined) throw new RangeError('--greedy-epochs needs --greedy');
    ctx.compile(ctx.built.autoencoder);
    await fit(ctx.built.autoencoder, ctx.data.train, ctx.fitOptions());
    return;
  }
  if (ctx.modelOptions.noise != null) throw new RangeError('--noise cannot be combined with --greedy (the greedy stages bypass the noise layer)');
  const stages = convGreedyStages(ctx.built, epochs);
  if (epochs !== undefined && epochs.length !== stages.length + 1) {
    throw new RangeError(`--greedy-epochs: expected ${stages.length + 1} numbers (${stages.length} stages, then fine-tuning), got ${epochs.length}`);
  }
  const fine = CONV_GREEDY_DEFAULTS.fineTune;
  await trainGreedyInContext(ctx, stages, { ...fine, epochs: epochs?.at(-1) ?? fine.epochs });
}
