/**
 * Stage models for greedy layer-wise training: each stage is a shallow autoencoder whose layers
 * are shared with a stacked model, so training a stage trains the stacked model's own layers.
 */
import type * as tf from '../core/tf.js';

/** One stage's models (how it is trained is the training layer's business). */
export interface StageModels {
  /** Name in logs and metrics (`stage1`, …). */
  name: string;
  /** Stage input → its codings → reconstruction of its input. */
  autoencoder: tf.LayersModel;
  /** Stage input → its codings; produces the next stage's training data. */
  encoder: tf.LayersModel;
}
