/**
 * The convolutional encoder and decoder stacks that the conv autoencoder, its greedy stages and the
 * conv VAE share, sized from the input: any H×W grey (`[h, w]`) or H×W×C (`[h, w, c]`) sample and
 * any number of conv + pool stages.
 *
 * The size rule: MaxPool(2) floors, so each encoder stage maps a side `s` to `⌊s/2⌋`, and each
 * decoder stage restores exactly the size its encoder stage saw before pooling. A
 * Conv2DTranspose(3, strides 2) gives `2s` with `same` padding and `2s + 1` with `valid`: `same`
 * when both target sides are even, `valid` otherwise, then a Cropping2D of the one extra bottom row
 * or right column when only one side is odd. The upsample decoder's UpSampling2D(2) gives `2s`; a
 * ZeroPadding2D adds the missing bottom row or right column for odd sides before its Conv2D. For
 * the book's 28×28 (28 → 14 → 7 → 3) this is its exact decoder: deconv1 `valid` (3 → 7), deconv2
 * and deconv3 `same`, no cropping.
 */
import { ArgumentError } from '../core/errors.js';
import * as tf from '../core/tf.js';
import { conv2d, conv2dTranspose } from '../layers/conv.js';

/** A seeded kernel initialiser, by offset from the model's seed. */
export type InitializerOf = (offset: number) => ReturnType<typeof tf.initializers.glorotUniform>;

/** How the decoder undoes the encoder's pooling: transposed convolutions (the seed's) or UpSampling2D + Conv2D. */
export const CONV_DECODERS = ['transpose', 'upsample'] as const;

/** One of {@link CONV_DECODERS}. */
export type ConvDecoder = (typeof CONV_DECODERS)[number];

/** Activations of the hidden conv layers. */
export type ConvActivation = 'selu' | 'relu' | 'elu' | 'tanh';

/** Activations of the decoder's last layer: sigmoid for values in [0, 1], linear for unbounded ones. */
export type OutputActivation = 'sigmoid' | 'linear';

/** Sizes of a conv stack for one input shape. */
export interface ConvPlan {
  /** Sample shape as given: `[h, w]` (grey) or `[h, w, c]`. */
  inputShape: number[];
  /** Channels of the images (1 for `[h, w]`). */
  channels: number;
  /** `[h, w]` before each encoder stage's pooling, input side first; `sides[k]` is the codings' size. */
  sides: Array<[number, number]>;
}

/**
 * Checks `inputShape` and `filters` and computes the sides of each stage; throws an
 * `ArgumentError` naming `input` or `filters` when the shape is not an image or too small.
 */
export function convPlan(inputShape: number[], filters: number[]): ConvPlan {
  if (!(inputShape.length === 2 || inputShape.length === 3) || !inputShape.every((d) => Number.isInteger(d) && d > 0)) {
    throw new ArgumentError('input', `the conv model takes images [h, w] or [h, w, c], found samples of shape [${inputShape.join(', ')}]`);
  }
  if (filters.length === 0 || !filters.every((f) => Number.isInteger(f) && f > 0)) {
    throw new ArgumentError('filters', `expected a non-empty list of positive integers, got [${filters.join(', ')}]`);
  }
  const sides: Array<[number, number]> = [[inputShape[0], inputShape[1]]];
  for (let i = 0; i < filters.length; i++) {
    const [h, w] = sides[i];
    if (h < 2 || w < 2) {
      throw new ArgumentError(
        'filters',
        `${filters.length} conv + pool stages need images of at least ${2 ** filters.length}×${2 ** filters.length}, found ${inputShape[0]}×${inputShape[1]}: give fewer {filters}`,
      );
    }
    sides.push([Math.floor(h / 2), Math.floor(w / 2)]);
  }
  return { inputShape, channels: inputShape.length === 3 ? inputShape[2] : 1, sides };
}

/**
 * The encoder's layers: Reshape `[h, w]` → `[h, w, 1]` (`reshape_in`, grey input only), then per
 * filter count `f_i` Conv2D(f_i, 3, same) (`conv{i}`, initialiser `init(i)`) → MaxPool(2) (`pool{i}`).
 * The first layer carries the input shape unless `withInputShape` is false (layers applied to a
 * functional model's input).
 */
export function convEncoderLayers(
  plan: ConvPlan,
  filters: number[],
  activation: ConvActivation,
  init: InitializerOf,
  withInputShape = true,
): tf.layers.Layer[] {
  const layers: tf.layers.Layer[] = [];
  const grey = plan.inputShape.length === 2;
  const shape = withInputShape ? { inputShape: plan.inputShape } : {};
  if (grey) layers.push(tf.layers.reshape({ targetShape: [...plan.inputShape, 1], name: 'reshape_in', ...shape }));
  filters.forEach((f, k) => {
    const first = k === 0 && !grey ? shape : {};
    layers.push(
      conv2d({
        filters: f,
        kernelSize: 3,
        padding: 'same',
        activation,
        kernelInitializer: init(k + 1),
        name: `conv${k + 1}`,
        ...first,
      }),
      tf.layers.maxPooling2d({ poolSize: 2, name: `pool${k + 1}` }),
    );
  });
  return layers;
}

/**
 * The decoder's layers, stage `j` = 1 (codings side) … k (output side) undoing encoder stage
 * `k + 1 − j` (see the module comment for the sizes). Stage `j` outputs `filters[k − 1 − j]`
 * channels with `activation`, the last stage the image's channels with `outputActivation`; its
 * convolution's initialiser is `init(offset + j)`. Names: transpose `deconv{j}` (+ `crop{j}`),
 * upsample `upsample{j}` (+ `pad{j}`) → `upconv{j}`; then Reshape to `[h, w]` (`reshape_out`) for
 * grey input. The first layer takes the codings' shape `[h_k, w_k, filters[k − 1]]` unless
 * `withInputShape` is false (layers added after others).
 */
export function convDecoderLayers(
  plan: ConvPlan,
  filters: number[],
  options: {
    decoder: ConvDecoder;
    activation: ConvActivation;
    outputActivation: OutputActivation;
    init: InitializerOf;
    offset: number;
    withInputShape?: boolean;
  },
): tf.layers.Layer[] {
  const { decoder, activation, outputActivation, init, offset, withInputShape = true } = options;
  const k = filters.length;
  const layers: tf.layers.Layer[] = [];
  for (let j = 1; j <= k; j++) {
    const [h0, w0] = plan.sides[k - j + 1];
    const [h, w] = plan.sides[k - j];
    const last = j === k;
    const conv = {
      filters: last ? plan.channels : filters[k - 1 - j],
      kernelSize: 3,
      activation: last ? outputActivation : activation,
      kernelInitializer: init(offset + j),
    };
    const first = j === 1 && withInputShape ? { inputShape: [h0, w0, filters[k - 1]] } : {};
    const extra: [[number, number], [number, number]] = [
      [0, h - 2 * h0],
      [0, w - 2 * w0],
    ];
    if (decoder === 'transpose') {
      const valid = h % 2 === 1 || w % 2 === 1;
      layers.push(conv2dTranspose({ ...conv, strides: 2, padding: valid ? 'valid' : 'same', name: `deconv${j}`, ...first }));
      // valid gave 2s + 1 on both sides: crop the side whose target is even
      if (valid && (h % 2 === 0 || w % 2 === 0))
        layers.push(
          tf.layers.cropping2D({
            cropping: [
              [0, 1 - extra[0][1]],
              [0, 1 - extra[1][1]],
            ],
            name: `crop${j}`,
          }),
        );
    } else {
      layers.push(tf.layers.upSampling2d({ size: [2, 2], name: `upsample${j}`, ...first }));
      if (extra[0][1] > 0 || extra[1][1] > 0) layers.push(tf.layers.zeroPadding2d({ padding: extra, name: `pad${j}` }));
      layers.push(conv2d({ ...conv, padding: 'same', name: `upconv${j}` }));
    }
  }
  if (plan.inputShape.length === 2) layers.push(tf.layers.reshape({ targetShape: plan.inputShape, name: 'reshape_out' }));
  return layers;
}

/** Decoder layers of stage `j` (see {@link convDecoderLayers}), by their names. */
export function isDecoderStageLayer(name: string, j: number): boolean {
  const m = /^(deconv|crop|upsample|pad|upconv)(\d+)$/.exec(name);
  return m !== null && Number(m[2]) === j;
}
