/**
 * `aekit/analysis`: what a trained model says about data — codings (streamed, CSV/.npy), k-NN,
 * PCA, t-SNE, UMAP, reconstruction errors and ROC AUC, anomaly detectors (reconstruction, SSIM,
 * latent k-NN and Mahalanobis, RaPP, VAE ELBO), coding-layer activity, subspace angles, and the
 * Numenta Anomaly Benchmark's scorer.
 */

export type { ActivityStats } from './activity.js';
export { codingActivity } from './activity.js';
export type { AnomalyLikelihoodOptions } from './anomaly-likelihood.js';
export { anomalyLikelihood, gaussianTail, logLikelihood } from './anomaly-likelihood.js';
export type { CodingBatch } from './codings.js';
export { encodeAll, encodeBatches, writeCodings } from './codings.js';
export type { BaseScore, DetectorModels, DetectorOptions, DetectorState, ScoreNormaliser } from './detector.js';
export {
  ANOMALY_SCORES,
  AnomalyDetector,
  COMBINED_SCORES,
  comparableScores,
  DEFAULT_ANOMALY_SCORE,
  DEFAULT_ANOMALY_SCORES,
  parseScore,
  SCORE_DESCRIPTIONS,
  sumNormalised,
} from './detector.js';
export type { KnnScoreOptions, Neighbours, Points } from './knn.js';
export { knnAccuracy, knnScores, nearestNeighbours } from './knn.js';
export type { MahalanobisModel } from './mahalanobis.js';
export { fitMahalanobis, mahalanobisScores } from './mahalanobis.js';
export type {
  CorpusSweep,
  LabelledSeries,
  NabCostMatrix,
  NabFileScore,
  NabProfileName,
  NabProfileScore,
  NabScoreboard,
  NabSeries,
  NabWindow,
  ScoreNabOptions,
  SeriesScore,
  ThresholdScore,
} from './nab-scorer.js';
export {
  bestThreshold,
  corpusSweep,
  labelSeries,
  NAB_PROFILES,
  normalizedScore,
  probationLength,
  scaledSigmoid,
  scoreNab,
  scoreSeries,
  thresholdScores,
} from './nab-scorer.js';
export type { PcaResult } from './pca.js';
export { pca } from './pca.js';
export type { ReduceMethod, ReduceOptions } from './reduce.js';
export { REDUCE_METHODS, reduceTo2d } from './reduce.js';
export type { ErrorMetric } from './scores.js';
export { ERROR_METRICS, percentile, reconstructionErrors, rocAuc, rocCurve } from './scores.js';
export type { ErrorThreshold, FlaggedInterval, NormalisedScores, StepScoreMode } from './series-scores.js';
export { errorThreshold, flaggedIntervals, normaliseScores, STEP_SCORE_MODES, stepScores } from './series-scores.js';
export { SSIM_WINDOW, ssim } from './ssim.js';
export { pcaDirections, principalAngles } from './subspace.js';
export type { TsneOptions } from './tsne.js';
export { tsne } from './tsne.js';
export type { UmapOptions } from './umap.js';
export { umap } from './umap.js';
