/**
 * `aekit/layers`: aekit's custom tfjs layers and regularizers. Importing this module registers
 * every one of them with tfjs's serialization, so models that use them load with
 * `tf.loadLayersModel` (tied layers then need {@link linkTiedLayers}, or aekit's `loadModel`).
 */

export type { ActivityRegularizationArgs } from './activity-regularization.js';
export { ActivityRegularization } from './activity-regularization.js';
export type { ConvLayerArgs } from './conv.js';
export { Conv2D, Conv2DTranspose, conv2d, conv2dTranspose } from './conv.js';
export type { DenseTransposeActivation, DenseTransposeArgs } from './dense-transpose.js';
export { DenseTranspose, linkTiedLayers } from './dense-transpose.js';
export type { LSTMLayerArgs } from './lstm.js';
export { LSTM, lstm } from './lstm.js';
export type { SamplingArgs } from './sampling.js';
export { Sampling } from './sampling.js';
export type { KLDivergenceArgs, L1ActivityArgs } from './sparsity-regularizers.js';
export { ActivityRegularizer, KLDivergenceRegularizer, L1ActivityRegularizer, parseSparsity } from './sparsity-regularizers.js';
export type { TimeDistributedLayerArgs } from './time-distributed.js';
export { TimeDistributed, timeDistributed } from './time-distributed.js';
