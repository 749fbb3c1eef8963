/**
 * The book's convolutional autoencoder for 28×28 grey images (Géron, ch. 17; the seed page).
 */
import * as tf from '../core/tf.js';

/** Options of {@link convAutoencoder}. Defaults give the book's model exactly. */
export interface ConvAutoencoderOptions {
  /** Filters of the encoder's three Conv2D layers. Default `[16, 32, 64]`. */
  filters?: [number, number, number];
  /** Activation of the hidden layers. Default `'selu'`. */
  activation?: 'selu' | 'relu' | 'elu' | 'tanh';
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
function glorot(seed: number | undefined, offset: number): ReturnType<typeof tf.initializers.glorotUniform> {
  return tf.initializers.glorotUniform(seed === undefined ? {} : { seed: seed + offset });
}

/**
 * Builds the seed's convolutional autoencoder.
 *
 * Encoder: `[n, 28, 28]` → Reshape `[28, 28, 1]` → 3 × (Conv2D 3×3 same selu → MaxPool 2) → `[n, 3, 3, 64]`
 * (23,296 parameters). Decoder: Conv2DTranspose(32, 3, strides 2, valid) → 7×7, (16, same) → 14×14,
 * (1, same, sigmoid) → 28×28 → Reshape `[28, 28]` (23,233 parameters).
 *
 * @example
 * const { autoencoder, encoder } = convAutoencoder({ seed: 42 });
 */
export function convAutoencoder(options: ConvAutoencoderOptions = {}): Autoencoder {
  const { filters = [16, 32, 64], activation = 'selu', seed } = options;
  const [f1, f2, f3] = filters;
  const encoder = tf.sequential({
    name: 'conv_encoder',
    layers: [
      tf.layers.reshape({ targetShape: [28, 28, 1], inputShape: [28, 28], name: 'reshape_in' }),
      tf.layers.conv2d({ filters: f1, kernelSize: 3, padding: 'same', activation, kernelInitializer: glorot(seed, 1), name: 'conv1' }),
      tf.layers.maxPooling2d({ poolSize: 2, name: 'pool1' }),
      tf.layers.conv2d({ filters: f2, kernelSize: 3, padding: 'same', activation, kernelInitializer: glorot(seed, 2), name: 'conv2' }),
      tf.layers.maxPooling2d({ poolSize: 2, name: 'pool2' }),
      tf.layers.conv2d({ filters: f3, kernelSize: 3, padding: 'same', activation, kernelInitializer: glorot(seed, 3), name: 'conv3' }),
      tf.layers.maxPooling2d({ poolSize: 2, name: 'pool3' }),
    ],
  });
  const decoder = tf.sequential({
    name: 'conv_decoder',
    layers: [
      tf.layers.conv2dTranspose({
        filters: f2,
        kernelSize: 3,
        strides: 2,
        padding: 'valid',
        activation,
        inputShape: [3, 3, f3],
        kernelInitializer: glorot(seed, 4),
        name: 'deconv1',
      }),
      tf.layers.conv2dTranspose({
        filters: f1,
        kernelSize: 3,
        strides: 2,
        padding: 'same',
        activation,
        kernelInitializer: glorot(seed, 5),
        name: 'deconv2',
      }),
      tf.layers.conv2dTranspose({
        filters: 1,
        kernelSize: 3,
        strides: 2,
        padding: 'same',
        activation: 'sigmoid',
        kernelInitializer: glorot(seed, 6),
        name: 'deconv3',
      }),
      tf.layers.reshape({ targetShape: [28, 28], name: 'reshape_out' }),
    ],
  });
  return { encoder, decoder, autoencoder: compose(encoder, decoder, 'conv_autoencoder') };
}

/** Composes an encoder and a decoder into one functional model that shares their layers. */
export function compose(encoder: tf.LayersModel, decoder: tf.LayersModel, name: string): tf.LayersModel {
  const input = tf.input({ shape: encoder.inputs[0].shape.slice(1) as number[], name: `${name}_input` });
  const codings = encoder.apply(input) as tf.SymbolicTensor;
  const output = decoder.apply(codings) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: output, name });
}
