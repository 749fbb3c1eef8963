/**
 * The seed's convolutional autoencoder (Géron, ch. 17), sized from the input: the book's model for
 * 28×28 grey images, the same family for any H×W×C image and any number of conv + pool stages.
 */
import * as tf from '../core/tf.js';
import {
  type ConvActivation,
  type ConvDecoder,
  convDecoderLayers,
  convEncoderLayers,
  convPlan,
  type InitializerOf,
  type OutputActivation,
} from './conv-layers.js';

/** Options of {@link convAutoencoder}. Defaults give the book's model exactly. */
export interface ConvAutoencoderOptions {
  /** Shape of one sample: `[h, w]` grey (reshaped to `[h, w, 1]` inside) or `[h, w, c]`. Default `[28, 28]`. */
  inputShape?: number[];
  /** Filters of the encoder's Conv2D layers, one conv + pool stage each, input side first. Default `[16, 32, 64]`. */
  filters?: number[];
  /** `'transpose'`: Conv2DTranspose stages (the seed's); `'upsample'`: UpSampling2D(2) + Conv2D(3, same) stages. Default `'transpose'`. */
  decoder?: ConvDecoder;
  /** Activation of the hidden layers. Default `'selu'`. */
  activation?: ConvActivation;
  /** Activation of the last layer: `'sigmoid'` for values in [0, 1], `'linear'` otherwise. Default `'sigmoid'`. */
  outputActivation?: OutputActivation;
  /** Seed for the weight initialisers, so that two builds start from the same weights. */
  seed?: number;
}

/** An autoencoder made of an encoder and a decoder model, composed into one trainable model. */
export interface Autoencoder {
  /** Inputs → codings. */
  encoder: tf.LayersModel;
  /** Codings → reconstructions. */
  decoder: tf.LayersModel;
  /** `decoder(encoder(x))`, the model that is trained and saved. */
  autoencoder: tf.LayersModel;
}

/** Glorot-uniform initialiser with a fixed seed (Keras's default kernel initialiser). */
function glorot(seed: number | undefined): InitializerOf {
  return (offset) => tf.initializers.glorotUniform(seed === undefined ? {} : { seed: seed + offset });
}

/**
 * Builds the seed's convolutional autoencoder for samples of `inputShape`; the output has the
 * input's shape.
 *
 * Book defaults (28×28 grey): encoder `[n, 28, 28]` → Reshape `[28, 28, 1]` → 3 × (Conv2D 3×3 same
 * selu → MaxPool 2) → `[n, 3, 3, 64]` (23,296 parameters); decoder Conv2DTranspose(32, 3, strides
 * 2, valid) → 7×7, (16, same) → 14×14, (1, same, sigmoid) → 28×28 → Reshape `[28, 28]` (23,233
 * parameters). Other sizes: each decoder stage restores the size its encoder stage pooled (valid
 * padding and a one-row/column Cropping2D or ZeroPadding2D where pooling dropped an odd row or
 * column; see `conv-layers.ts`). Kernel initialisers: `conv{i}` seed + i, decoder stage j
 * seed + k + j for k stages.
 *
 * @example
 * const { autoencoder, encoder } = convAutoencoder({ seed: 42 });
 * const rgb = convAutoencoder({ inputShape: [32, 48, 3], filters: [16, 32], decoder: 'upsample', outputActivation: 'sigmoid' });
 */
export function convAutoencoder(options: ConvAutoencoderOptions = {}): Autoencoder {
  const {
    inputShape = [28, 28],
    filters = [16, 32, 64],
    decoder = 'transpose',
    activation = 'selu',
    outputActivation = 'sigmoid',
    seed,
  } = options;
  const plan = convPlan(inputShape, filters);
  const init = glorot(seed);
  const encoder = tf.sequential({ name: 'conv_encoder', layers: convEncoderLayers(plan, filters, activation, init) });
  const decoderModel = tf.sequential({
    name: 'conv_decoder',
    layers: convDecoderLayers(plan, filters, { decoder, activation, outputActivation, init, offset: filters.length }),
  });
  return { encoder, decoder: decoderModel, autoencoder: compose(encoder, decoderModel, 'conv_autoencoder') };
}

/** Composes an encoder and a decoder into one functional model that shares their layers. */
export function compose(encoder: tf.LayersModel, decoder: tf.LayersModel, name: string): tf.LayersModel {
  const input = tf.input({ shape: encoder.inputs[0].shape.slice(1) as number[], name: `${name}_input` });
  const codings = encoder.apply(input) as tf.SymbolicTensor;
  const output = decoder.apply(codings) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: output, name });
}
