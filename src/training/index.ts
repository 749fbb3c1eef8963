/**
 * `aekit/training`: the training loop (`fit`, `evaluate`), custom steps and losses, Keras-faithful
 * optimizers (with settable learning rates), Keras-style callbacks, greedy layer-wise training, batched prediction, pretraining pieces, and model I/O
 * in the tfjs Layers format.
 */

export type {
  BatchLogs,
  Callback,
  CallbackState,
  CosineDecayOptions,
  EarlyStoppingOptions,
  MonitorMode,
  ReduceLROnPlateauOptions,
  SaveBestOptions,
} from './callbacks.js';
export {
  CosineDecay,
  cosineDecay,
  EarlyStopping,
  earlyStopping,
  ReduceLROnPlateau,
  reduceLROnPlateau,
  SaveBest,
  saveBest,
  TerminateOnNaN,
  terminateOnNaN,
} from './callbacks.js';
export type { LossStepOptions, LossTerm } from './custom-step.js';
export { binaryCrossentropy, lossStep, meanSquaredError } from './custom-step.js';
export type { EpochRecord, FitCheckpoint, FitOptions, FitPosition, TrainStep } from './fit.js';
export { evaluate, fit } from './fit.js';
export { chainOf, fusedTrainStep } from './fused-step.js';
export type { GreedyOptions, GreedyResult, GreedyStage, PhaseRecord, PhaseSettings } from './greedy.js';
export { encodeSamples, trainGreedy } from './greedy.js';
export { loadModel, ModelIOError, saveModel } from './io.js';
export { latentLoss } from './losses.js';
export { roundedAccuracy } from './metrics.js';
export { Nadam } from './nadam.js';
export type { OptimizerState, OptimizerTensorEntry } from './optimizer-state.js';
export { captureOptimizerState, restoreOptimizerState } from './optimizer-state.js';
export type { LossName, OptimizerName } from './optimizers.js';
export { getLearningRate, makeOptimizer, OPTIMIZER_NAMES, setLearningRate } from './optimizers.js';
export type { PredictBatch, PredictOptions } from './predict.js';
export { predictAll, predictBatches } from './predict.js';
export type { ClassifierTraining, PretrainingVariant } from './pretraining.js';
export {
  buildClassifier,
  labelledSamples,
  PRETRAINING_VARIANTS,
  pretrainedEncoder,
  stratifiedSample,
  trainClassifier,
} from './pretraining.js';
export { KerasRMSprop } from './rmsprop.js';
