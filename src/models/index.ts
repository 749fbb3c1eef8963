/**
 * `aekit/models`: builders that return Keras-style encoder, decoder and autoencoder models — the
 * book's conv, stacked (tied), recurrent, sparse, variational, linear and denoising autoencoders.
 */

export type { Autoencoder, ConvAutoencoderOptions } from './conv.js';
export { compose, convAutoencoder } from './conv.js';
export { convGreedyStages } from './conv-greedy.js';
export type { ConvActivation, ConvDecoder, OutputActivation } from './conv-layers.js';
export { CONV_DECODERS } from './conv-layers.js';
export type { Conv1dAutoencoderOptions } from './conv1d.js';
export { conv1dAutoencoder } from './conv1d.js';
export type { LinearAutoencoderOptions } from './linear.js';
export { linearAutoencoder } from './linear.js';
export type { NoiseSpec } from './noise.js';
export { addNoise, noiseLayer, parseNoise, withInputNoise } from './noise.js';
export type { RecurrentAutoencoderOptions } from './recurrent.js';
export { recurrentAutoencoder } from './recurrent.js';
export type { SparseAutoencoderOptions } from './sparse.js';
export { codingPenaltyLayer, sparseAutoencoder, sparsityTraining } from './sparse.js';
export type { StackedAutoencoderOptions } from './stacked.js';
export { STACKED_ACTIVATIONS, stackedAutoencoder, stackedGreedyStages } from './stacked.js';
export type { StageModels } from './stages.js';
export { formatSummary } from './summary.js';
export type { VariationalAutoencoder, VariationalAutoencoderOptions } from './vae.js';
export { variationalAutoencoder } from './vae.js';
