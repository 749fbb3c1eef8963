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
import * as tf from '../core/tf.js';
import type { Autoencoder } from './conv.js';
import type { StageModels } from './stages.js';

/** The three greedy stages of a built {@link convAutoencoder} (see the module comment). */
export function convGreedyStages(model: Autoencoder): StageModels[] {
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
    };
  });
}
