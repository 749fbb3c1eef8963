/**
 * Greedy layer-wise training of the convolutional autoencoder, as stacked convolutional
 * autoencoders are trained (Masci et al. 2011): each conv + pool stage of the encoder is trained
 * with its own decoder stage, on the codings of the stages below it.
 *
 * The decoder already mirrors the encoder stage by stage (each decoder stage restores the exact
 * size its encoder stage pooled), so each stage's decoder is the matching stage of the final
 * decoder. For the book's model: stage 1 = conv1 + pool1 ‖ deconv3 (28×28×1 ↔ 14×14×16), stage 2 =
 * conv2 + pool2 ‖ deconv2 (14×14×16 ↔ 7×7×32), stage 3 = conv3 + pool3 ‖ deconv1 (7×7×32 ↔
 * 3×3×64). Any number of stages, any input shape, either decoder. Training a stage trains the
 * stacked model's own layers.
 */
import * as tf from '../core/tf.js';
import type { Autoencoder } from './conv.js';
import { isDecoderStageLayer } from './conv-layers.js';
import type { StageModels } from './stages.js';

/** The greedy stages of a built {@link convAutoencoder}, one per conv + pool stage, input side first (see the module comment). */
export function convGreedyStages(model: Autoencoder): StageModels[] {
  const enc = (name: string): tf.layers.Layer => model.encoder.getLayer(name);
  const k = model.encoder.layers.filter((l) => /^conv\d+$/.test(l.name)).length;
  const grey = model.encoder.layers.some((l) => l.name === 'reshape_in');
  return Array.from({ length: k }, (_, s) => {
    const i = s + 1;
    const inputShape = (i === 1 ? model.encoder.inputs[0].shape : enc(`pool${i - 1}`).outputShape).slice(1) as number[];
    const layers = [...(i === 1 && grey ? [enc('reshape_in')] : []), enc(`conv${i}`), enc(`pool${i}`)];
    const decoder = model.decoder.layers.filter((l) => isDecoderStageLayer(l.name, k + 1 - i));
    if (i === 1 && grey) decoder.push(model.decoder.getLayer('reshape_out'));
    const input = tf.input({ shape: inputShape, name: `conv_stage${i}_input` });
    const codings = layers.reduce<tf.SymbolicTensor>((x, l) => l.apply(x) as tf.SymbolicTensor, input);
    const output = decoder.reduce<tf.SymbolicTensor>((x, l) => l.apply(x) as tf.SymbolicTensor, codings);
    return {
      name: `stage${i}`,
      autoencoder: tf.model({ inputs: input, outputs: output, name: `conv_stage${i}_autoencoder` }),
      encoder: tf.model({ inputs: input, outputs: codings, name: `conv_stage${i}_encoder` }),
    };
  });
}
