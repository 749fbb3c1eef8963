/**
 * The book's stacked dense autoencoder (Géron, ch. 17), with tied weights and greedy layer-wise
 * training's stage models.
 */

import { ArgumentError } from '../core/errors.js';
import * as tf from '../core/tf.js';
import { DenseTranspose } from '../layers/dense-transpose.js';
import { type Autoencoder, compose } from './conv.js';
import { type NoiseSpec, noiseLayer, parseNoise } from './noise.js';
import type { StageModels } from './stages.js';

/** Activations the stacked model's hidden layers can use. */
export const STACKED_ACTIVATIONS = ['selu', 'relu', 'elu', 'tanh', 'sigmoid'] as const;

/** Options of {@link stackedAutoencoder}. Defaults give the book's model exactly. */
export interface StackedAutoencoderOptions {
  /** Units of the encoder's Dense layers, input side first; the last is the coding size. Default `[100, 30]`. */
  units?: number[];
  /** Activation of every hidden layer (codings included). Default `'selu'`. */
  activation?: (typeof STACKED_ACTIVATIONS)[number];
  /** Tie each decoder layer to the transposed kernel of its encoder partner ({@link DenseTranspose}). Default false. */
  tied?: boolean;
  /** Shape of one sample (any rank; flattened). Default `[28, 28]`. */
  inputShape?: number[];
  /** Activation of the output layer: `'sigmoid'` for values in [0, 1], `'linear'` for unbounded ones. Default `'sigmoid'`. */
  outputActivation?: 'sigmoid' | 'linear';
  /** Seed of the weight initialisers, so that two builds start from the same weights. */
  seed?: number;
  /** Denoising: a noise layer right after Flatten, active only in training (`'gaussian:0.2'`, `'dropout:0.5'`). Default none. */
  noise?: NoiseSpec | string | null;
}

/** Names of the stacked model's layers, shared by the builder and greedy training. */
export const stackedLayerNames = {
  /** Encoder Dense layer `i` (1-based, input side first). */
  encoder: (i: number): string => `encoder_dense_${i}`,
  /** Decoder layer that undoes encoder layer `i` (maps its units back to its input size). */
  decoder: (i: number): string => (i === 1 ? 'decoder_output' : `decoder_dense_${i - 1}`),
};

function glorot(seed: number | undefined, offset: number): ReturnType<typeof tf.initializers.glorotUniform> {
  return tf.initializers.glorotUniform(seed === undefined ? {} : { seed: seed + offset });
}

/** Checks a `units` list, naming the flag in errors. */
function checkUnits(units: number[]): void {
  if (units.length === 0 || !units.every((u) => Number.isInteger(u) && u > 0)) {
    throw new ArgumentError('units', `expected a non-empty list of positive integers, got [${units.join(', ')}]`);
  }
}

/**
 * Builds the stacked autoencoder.
 *
 * Encoder: `[n, ...inputShape]` → Flatten → Dense(units[0], act) → … → Dense(units[k-1], act) → codings
 * `[n, units[k-1]]`. Decoder: Dense(units[k-2], act) → … → Dense(size, outputActivation) → Reshape
 * `[n, ...inputShape]`, size = the product of `inputShape` (784 for the book's 28×28); table rows
 * `[f]` need neither Flatten nor Reshape.
 * Book defaults: 78,500 + 3,030 encoder and 3,100 + 79,184 = 82,284 decoder parameters;
 * with `tied: true` the decoder owns only its biases (100 + 784 = 884).
 *
 * @example
 * const { autoencoder, encoder } = stackedAutoencoder({ units: [100, 30], tied: true, seed: 42 });
 */
export function stackedAutoencoder(options: StackedAutoencoderOptions = {}): Autoencoder {
  const {
    units = [100, 30],
    activation = 'selu',
    tied = false,
    inputShape = [28, 28],
    outputActivation = 'sigmoid',
    seed,
    noise = null,
  } = options;
  if (inputShape.length === 0 || !inputShape.every((d) => Number.isInteger(d) && d > 0))
    throw new ArgumentError('input', `expected a sample shape of positive sizes, found [${inputShape.join(', ')}]`);
  checkUnits(units);
  const inputSize = inputShape.reduce((a, b) => a * b, 1);
  // Encoder layers in order; model families that extend this model (noise, sparsity) insert
  // their layers into these lists before the models are assembled.
  // Samples of rank 1 (table rows) need no Flatten: the first layer takes the input shape.
  const flat = inputShape.length === 1;
  const encoderLayers: tf.layers.Layer[] = flat ? [] : [tf.layers.flatten({ inputShape, name: 'flatten' })];
  const spec = noise === null ? null : typeof noise === 'string' ? parseNoise(noise) : noise;
  if (spec !== null) encoderLayers.push(noiseLayer(spec, encoderLayers.length === 0 ? inputShape : undefined));
  const dense: tf.layers.Layer[] = units.map((u, i) =>
    tf.layers.dense({
      units: u,
      activation,
      kernelInitializer: glorot(seed, i + 1),
      name: stackedLayerNames.encoder(i + 1),
      ...(i === 0 && encoderLayers.length === 0 ? { inputShape } : {}),
    }),
  );
  encoderLayers.push(...dense);
  const encoder = tf.sequential({ name: 'stacked_encoder', layers: encoderLayers });
  // Decoder: undo encoder layer k, k-1, …, 1; the last one outputs the values through outputActivation.
  const sizes = [inputSize, ...units];
  const decoderLayers: tf.layers.Layer[] = [];
  for (let i = units.length; i >= 1; i--) {
    const act = i === 1 ? outputActivation : activation;
    const name = stackedLayerNames.decoder(i);
    const first = i === units.length ? { inputShape: [units[units.length - 1]] } : {};
    decoderLayers.push(
      tied
        ? new DenseTranspose({ partner: dense[i - 1], units: sizes[i - 1], activation: act, name, ...first })
        : tf.layers.dense({ units: sizes[i - 1], activation: act, kernelInitializer: glorot(seed, 100 + i), name, ...first }),
    );
  }
  if (!flat) decoderLayers.push(tf.layers.reshape({ targetShape: inputShape, name: 'reshape_out' }));
  const decoder = tf.sequential({ name: 'stacked_decoder', layers: decoderLayers });
  return { encoder, decoder, autoencoder: compose(encoder, decoder, 'stacked_autoencoder') };
}

/**
 * The greedy stages of a built stacked autoencoder: stage `i` is encoder Dense `i` with the decoder
 * layer that undoes it, to be trained on the codings of stages `1…i-1` (stage 1 on the images,
 * through Flatten and back through Reshape). The stage models share their layers with `model`, so
 * training a stage trains the stacked model.
 */
export function stackedGreedyStages(model: Autoencoder): StageModels[] {
  const encoderDense = model.encoder.layers.filter((l) => /^encoder_dense_\d+$/.test(l.name));
  const inputShape = model.encoder.inputs[0].shape.slice(1) as number[];
  return encoderDense.map((enc, k) => {
    const i = k + 1;
    const dec = model.decoder.getLayer(stackedLayerNames.decoder(i));
    const inShape = i === 1 ? inputShape : [(encoderDense[k - 1] as unknown as { units: number }).units];
    const input = tf.input({ shape: inShape, name: `stage${i}_input` });
    const flatten = i === 1 && inputShape.length > 1;
    let x = flatten ? (model.encoder.getLayer('flatten').apply(input) as tf.SymbolicTensor) : input;
    const codings = enc.apply(x) as tf.SymbolicTensor;
    x = dec.apply(codings) as tf.SymbolicTensor;
    if (flatten) x = tf.layers.reshape({ targetShape: inputShape, name: 'stage1_reshape' }).apply(x) as tf.SymbolicTensor;
    return {
      name: `stage${i}`,
      autoencoder: tf.model({ inputs: input, outputs: x, name: `stage${i}_autoencoder` }),
      encoder: tf.model({ inputs: input, outputs: codings, name: `stage${i}_encoder` }),
    };
  });
}
