/**
 * Anomaly detectors on a trained autoencoder, shaped like PyOD's: `fit` on training data, `score`
 * (higher = more anomalous), a threshold from a contamination rate or a percentile of validation
 * scores, `predict` → 0/1. Scores: reconstruction (MSE, BCE, SSIM), latent (k-NN distance to the
 * training codings, Mahalanobis with a Ledoit–Wolf covariance), RaPP's hidden-activation
 * differences, a VAE's negative ELBO and KL term, the raw-input k-NN baseline, and sums of any of
 * them normalised on the training data (`'mse+latent-knn'`).
 */
import { ArgumentError } from '../core/errors.js';
import * as tf from '../core/tf.js';
import { type AnySamples, floatRows, pickSamples, sampleSize } from '../data/samples.js';
import { seededPermutation } from '../data/split.js';
import { modelInputShape, predictAll } from '../training/predict.js';
import { knnScores, type Points } from './knn.js';
import { fitMahalanobis, type MahalanobisModel, mahalanobisScores } from './mahalanobis.js';
import { percentile } from './scores.js';
import { ssim } from './ssim.js';

/** The single scores a detector computes; {@link parseScore} also takes sums such as `'mse+latent-knn'`. */
export const ANOMALY_SCORES = ['mse', 'bce', 'ssim', 'latent-knn', 'latent-mahalanobis', 'rapp', 'elbo', 'kl', 'raw-knn'] as const;

/** One of {@link ANOMALY_SCORES}. */
export type BaseScore = (typeof ANOMALY_SCORES)[number];

/**
 * The score aekit uses when none is named. Images: the best mean ROC AUC of every score on the
 * Fashion-MNIST one-class benchmark's dev protocol (training images only, no test data; see
 * docs/anomalies.md). Tables and other arrays: the reconstruction error, which catches rows that
 * break the features' correlations (their codings can look normal).
 */
export const DEFAULT_ANOMALY_SCORES = Object.freeze({ images: 'latent-knn+latent-mahalanobis', other: 'mse' });

/** The default score of images (`DEFAULT_ANOMALY_SCORES.images`). */
export const DEFAULT_ANOMALY_SCORE = DEFAULT_ANOMALY_SCORES.images;

/** The sums `--score all` compares beside the single scores. */
export const COMBINED_SCORES = ['mse+latent-knn', 'ssim+latent-knn', 'latent-knn+latent-mahalanobis'] as const;

/**
 * The scores `--score all` compares for a model: every single score that applies (elbo and kl for a
 * VAE only, ssim for images only) and {@link COMBINED_SCORES} whose parts apply.
 */
export function comparableScores(options: { vae: boolean; images: boolean }): string[] {
  const singles = ANOMALY_SCORES.filter((s) => (options.vae || (s !== 'elbo' && s !== 'kl')) && (options.images || s !== 'ssim'));
  const combos = COMBINED_SCORES.filter((c) => parseScore(c).every((p) => (singles as readonly string[]).includes(p)));
  return [...singles, ...combos];
}

/** What each score measures (for help texts and reports). */
export const SCORE_DESCRIPTIONS: Readonly<Record<BaseScore, string>> = Object.freeze({
  mse: 'mean squared reconstruction error',
  bce: 'mean binary cross-entropy of the reconstruction',
  ssim: '1 − the structural similarity (SSIM, 7×7 windows) of image and reconstruction',
  'latent-knn': 'mean distance of the codings to the k nearest training codings',
  'latent-mahalanobis': 'Mahalanobis distance of the codings to the training codings (Ledoit–Wolf shrunk covariance)',
  rapp: "RaPP (SAP): squared differences of the encoder's hidden activations between input and reconstruction, summed over layers",
  elbo: "a VAE's negative ELBO: reconstruction cross-entropy from the coding means plus the KL term",
  kl: "a VAE's KL divergence of the codings' distribution from N(0, I)",
  'raw-knn': 'mean distance to the k nearest training samples in input space (no model: the baseline)',
});

/**
 * The single scores of `name`: one of {@link ANOMALY_SCORES}, or several joined by `+` (each
 * normalised by its training scores' mean and standard deviation, then averaged).
 *
 * @example
 * parseScore('mse+latent-knn'); // ['mse', 'latent-knn']
 */
export function parseScore(name: string, argument = 'score'): BaseScore[] {
  const parts = name.split('+').map((p) => p.trim());
  const known = new Set<string>(ANOMALY_SCORES);
  for (const p of parts)
    if (!known.has(p))
      throw new ArgumentError(argument, `expected a score name or names joined by + (${ANOMALY_SCORES.join(', ')}), got '${name}'`);
  if (new Set(parts).size !== parts.length) throw new ArgumentError(argument, `'${name}' names a score twice`);
  return parts as BaseScore[];
}

/** The models a detector reads: the autoencoder, and its encoder for latent and RaPP scores. */
export interface DetectorModels {
  /** An autoencoder whose output has its input's shape. */
  autoencoder: tf.LayersModel;
  /** The encoder (input → codings); needed by `latent-*` and `rapp`. */
  encoder?: tf.LayersModel;
}

/** Options of {@link AnomalyDetector}. */
export interface DetectorOptions {
  /** The score: a name of {@link ANOMALY_SCORES} or a `+` sum of them. Default `'mse'`. */
  score?: string;
  /** Neighbours of the k-NN scores. Default 5. */
  k?: number;
  /** PyOD's contamination: `fit` sets the threshold at the (1 − contamination) quantile of the training scores. Default 0.1. */
  contamination?: number;
  /** Training samples kept as the reference set (a seeded random subset above this). Default 10,000. */
  maxReference?: number;
  /** Seed of the reference subset. Default 42. */
  seed?: number;
  /** Samples per batch of predictions. Default 256. */
  batchSize?: number;
}

/** How one single score of a fitted detector is normalised in a sum: `(s − mean) / std` of its training scores. */
export interface ScoreNormaliser {
  score: BaseScore;
  mean: number;
  std: number;
}

/** Everything {@link AnomalyDetector.fromState} needs: small settings as JSON, reference arrays as floats. */
export interface DetectorState {
  json: {
    score: string;
    k: number;
    contamination: number;
    maxReference: number;
    seed: number;
    threshold: number;
    thresholdRule: string;
    referenceCount: number;
    normalisers: ScoreNormaliser[];
    mahalanobis: { dim: number; shrinkage: number } | null;
    /** Values per reference row of each array in `arrays`. */
    dims: Record<string, number>;
  };
  arrays: Record<string, Float32Array>;
}

const LATENT: readonly BaseScore[] = ['latent-knn', 'latent-mahalanobis'];

/**
 * An anomaly detector on a trained autoencoder.
 *
 * @example
 * const detector = await new AnomalyDetector({ autoencoder, encoder }, { score: 'latent-knn' }).fit(train);
 * detector.calibrate(await detector.score(valid), 99); // threshold: the 99th percentile of validation scores
 * const flags = detector.predict(await detector.score(test)); // 1 = anomaly
 */
export class AnomalyDetector {
  /** The score's name, as given (`'latent-knn'`, `'mse+latent-knn'`). */
  readonly name: string;
  /** Its single scores. */
  readonly parts: readonly BaseScore[];
  readonly k: number;
  readonly contamination: number;
  readonly maxReference: number;
  readonly seed: number;
  readonly batchSize: number;
  /** Scores above this are anomalies (`predict` → 1). NaN until `fit` or `calibrate`. */
  threshold = Number.NaN;
  /** How the threshold was set, in words. */
  thresholdRule = 'not set';
  private readonly models: DetectorModels;
  private normalisers: ScoreNormaliser[] = [];
  private referenceCodings: Points | null = null;
  private referenceInputs: Points | null = null;
  private gaussian: MahalanobisModel | null = null;
  private referenceCount = 0;
  private trainingScores: Float32Array | null = null;
  /** Each part's scores of the training samples (kept by `fit`, for {@link select}). */
  private trainingParts: Float32Array[] | null = null;
  private hidden: tf.LayersModel | null = null;
  private vaeParts: { stats: tf.LayersModel; decoder: tf.LayersModel } | null = null;

  constructor(models: DetectorModels, options: DetectorOptions = {}) {
    const { score = 'mse', k = 5, contamination = 0.1, maxReference = 10_000, seed = 42, batchSize = 256 } = options;
    this.parts = parseScore(score);
    this.name = score;
    if (!Number.isInteger(k) || k < 1) throw new ArgumentError('k', `expected a positive integer, got ${k}`);
    if (!(contamination > 0 && contamination < 0.5))
      throw new ArgumentError('contamination', `expected a rate in (0, 0.5), got ${contamination}`);
    if (!Number.isInteger(maxReference) || maxReference < 2)
      throw new ArgumentError('maxReference', `expected an integer ≥ 2, got ${maxReference}`);
    this.k = k;
    this.contamination = contamination;
    this.maxReference = maxReference;
    this.seed = seed;
    this.batchSize = batchSize;
    this.models = models;
    const needsEncoder = this.parts.some((p) => LATENT.includes(p) || p === 'rapp');
    if (needsEncoder && models.encoder === undefined)
      throw new ArgumentError(
        'encoder',
        `the ${this.parts.filter((p) => LATENT.includes(p) || p === 'rapp').join(' and ')} score needs the model's encoder`,
      );
    if (this.parts.includes('elbo') || this.parts.includes('kl')) this.vaeParts = vaeModels(models.autoencoder);
    if (this.parts.includes('ssim')) {
      const shape = modelInputShape(models.autoencoder);
      if (shape.length < 2 || shape.length > 3 || (shape.length === 3 && shape[2] !== 1 && shape[2] !== 3))
        throw new ArgumentError('score', `ssim needs images (h×w or h×w×1|3), the model takes [${shape.join(', ')}]`);
    }
  }

  /**
   * Learns what normal looks like from `train` (at most `maxReference` of its samples, a seeded
   * random subset): the reference codings or inputs of the k-NN scores, the Gaussian of the
   * Mahalanobis score, each single score's mean and spread on training data (leave-one-out for
   * k-NN), and the contamination threshold.
   */
  async fit(train: AnySamples): Promise<this> {
    const reference = this.referenceOf(train);
    this.referenceCount = reference.count;
    if (this.parts.includes('latent-knn') || this.parts.includes('latent-mahalanobis')) {
      this.referenceCodings = await this.codings(reference);
      if (this.parts.includes('latent-mahalanobis')) this.gaussian = fitMahalanobis(this.referenceCodings);
    }
    if (this.parts.includes('raw-knn')) this.referenceInputs = toPoints(reference);
    if (this.parts.some((p) => p.endsWith('-knn')) && reference.count <= this.k)
      throw new ArgumentError(
        'train',
        `the k-NN score with k = ${this.k} needs more than ${this.k} training samples, got ${reference.count}`,
      );
    const singles = await this.singleScores(reference, true);
    this.normalisers = this.parts.map((p, i) => {
      const v = singles[i];
      let m = 0;
      for (const a of v) m += a;
      m /= v.length;
      let s = 0;
      for (const a of v) s += (a - m) ** 2;
      const std = Math.sqrt(s / v.length);
      return { score: p, mean: m, std: std > 0 ? std : 1 };
    });
    this.trainingParts = singles;
    this.trainingScores = this.combine(singles);
    this.thresholdForContamination(this.contamination);
    return this;
  }

  /**
   * The detector of `score`, whose single scores must all be parts of this fitted one, sharing its
   * fitted state (references, Gaussian, normalisers, training scores): comparing scores fits them
   * all with one pass of the models, and each is then what fitting it alone would give.
   *
   * @example
   * const all = await new AnomalyDetector(models, { score: 'mse+latent-knn+raw-knn' }).fit(train);
   * const knn = all.select('latent-knn'); // no second pass over train
   */
  select(score: string): AnomalyDetector {
    if (this.trainingParts === null) throw new ArgumentError('detector', 'select: call fit(train) first');
    const parts = parseScore(score);
    const at = parts.map((p) => this.parts.indexOf(p));
    const lacking = parts.filter((_, i) => at[i] < 0);
    if (lacking.length > 0)
      throw new ArgumentError(
        'score',
        `select('${score}'): ${lacking.join(', ')} not among this detector's scores (${this.parts.join(', ')})`,
      );
    const d = new AnomalyDetector(this.models, {
      score,
      k: this.k,
      contamination: this.contamination,
      maxReference: this.maxReference,
      seed: this.seed,
      batchSize: this.batchSize,
    });
    const has = (...names: BaseScore[]): boolean => parts.some((p) => names.includes(p));
    d.referenceCodings = has('latent-knn', 'latent-mahalanobis') ? this.referenceCodings : null;
    d.gaussian = has('latent-mahalanobis') ? this.gaussian : null;
    d.referenceInputs = has('raw-knn') ? this.referenceInputs : null;
    d.hidden = has('rapp') ? this.hidden : null;
    d.referenceCount = this.referenceCount;
    d.normalisers = at.map((i) => this.normalisers[i]);
    d.trainingParts = at.map((i) => (this.trainingParts as Float32Array[])[i]);
    d.trainingScores = d.combine(d.trainingParts);
    d.thresholdForContamination(d.contamination);
    return d;
  }

  /** Whether {@link fit} (or {@link fromState}) has given the detector what it needs to score. */
  get fitted(): boolean {
    return this.normalisers.length === this.parts.length;
  }

  /** Each single score's mean and standard deviation on the training data (what a `+` sum normalises by). */
  get normalisation(): readonly ScoreNormaliser[] {
    return this.normalisers;
  }

  /** Samples of the reference set {@link fit} kept. */
  get references(): number {
    return this.referenceCount;
  }

  /** The anomaly score of each of the first `count` samples of `samples` (higher = more anomalous). */
  async scoreSamples(samples: AnySamples, count = samples.count): Promise<Float32Array> {
    if (!this.fitted) throw new ArgumentError('detector', 'score: call fit(train) first');
    const part =
      count === samples.count
        ? samples
        : pickSamples(
            samples,
            Array.from({ length: count }, (_, i) => i),
          );
    return this.combine(await this.singleScores(part, false));
  }

  /**
   * Each single score of every sample, in the order of {@link parts} (before they are normalised
   * and summed): one pass of each model over the samples serves every part.
   */
  async partScores(samples: AnySamples): Promise<Float32Array[]> {
    if (!this.fitted) throw new ArgumentError('detector', 'partScores: call fit(train) first');
    return this.singleScores(samples, false);
  }

  /** The anomaly score of every sample (PyOD's `decision_function`). */
  async score(samples: AnySamples): Promise<Float32Array> {
    return this.scoreSamples(samples);
  }

  /**
   * PyOD's threshold for contamination `rate`: the (1 − rate) quantile of the training scores
   * (k-NN scores leave each training sample's own row out), kept from `fit`. Sets and returns it.
   */
  thresholdForContamination(rate: number): number {
    if (this.trainingScores === null) throw new ArgumentError('detector', 'thresholdForContamination: call fit(train) first');
    if (!(rate > 0 && rate < 0.5)) throw new ArgumentError('contamination', `expected a rate in (0, 0.5), got ${rate}`);
    this.threshold = percentile(this.trainingScores, 100 * (1 - rate));
    this.thresholdRule = `the ${fmtPct(1 - rate)} quantile of ${this.trainingScores.length} training scores (contamination ${rate})`;
    return this.threshold;
  }

  /** Sets the threshold at the `q`-th percentile (0–100) of `scores` (e.g. validation scores of normal data). */
  calibrate(scores: ArrayLike<number>, q: number, what = 'validation'): this {
    this.threshold = percentile(scores, q);
    this.thresholdRule = `the ${q}th percentile of ${scores.length} ${what} scores`;
    return this;
  }

  /** 1 where a score is above the threshold, else 0. */
  predict(scores: ArrayLike<number>): Uint8Array {
    if (Number.isNaN(this.threshold)) throw new ArgumentError('threshold', 'predict: fit or calibrate the detector first');
    return Uint8Array.from(scores, (s) => (s > this.threshold ? 1 : 0));
  }

  /** The fitted state, for saving (JSON settings plus reference arrays). */
  state(): DetectorState {
    if (!this.fitted) throw new ArgumentError('detector', 'state: call fit(train) first');
    const arrays: Record<string, Float32Array> = {};
    const dims: Record<string, number> = {};
    if (this.referenceCodings !== null) {
      arrays.codings = this.referenceCodings.x;
      dims.codings = this.referenceCodings.shape[0];
    }
    if (this.referenceInputs !== null) {
      arrays.inputs = this.referenceInputs.x;
      dims.inputs = this.referenceInputs.shape[0];
    }
    if (this.trainingScores !== null) {
      arrays.training = this.trainingScores;
      dims.training = 1;
    }
    if (this.gaussian !== null) {
      arrays.mean = this.gaussian.mean;
      arrays.whitening = this.gaussian.whitening;
      dims.mean = this.gaussian.dim;
      dims.whitening = this.gaussian.dim;
    }
    return {
      json: {
        score: this.name,
        k: this.k,
        contamination: this.contamination,
        maxReference: this.maxReference,
        seed: this.seed,
        threshold: this.threshold,
        thresholdRule: this.thresholdRule,
        referenceCount: this.referenceCount,
        normalisers: this.normalisers,
        mahalanobis: this.gaussian === null ? null : { dim: this.gaussian.dim, shrinkage: this.gaussian.shrinkage },
        dims,
      },
      arrays,
    };
  }

  /** A fitted detector from a saved {@link state}, on the same models. */
  static fromState(models: DetectorModels, state: DetectorState): AnomalyDetector {
    const { json, arrays } = state;
    const d = new AnomalyDetector(models, json);
    const need = (name: string): Float32Array => {
      const a = arrays[name];
      const dim = json.dims[name];
      if (a === undefined || dim === undefined || a.length % dim !== 0)
        throw new ArgumentError(
          'state',
          `the saved '${json.score}' detector lacks its ${name} array (or its size is not a multiple of ${dim})`,
        );
      return a;
    };
    if (d.parts.includes('latent-knn') || d.parts.includes('latent-mahalanobis')) {
      const x = need('codings');
      d.referenceCodings = { x, shape: [json.dims.codings], count: x.length / json.dims.codings };
    }
    if (d.parts.includes('raw-knn')) {
      const x = need('inputs');
      d.referenceInputs = { x, shape: [json.dims.inputs], count: x.length / json.dims.inputs };
    }
    if (d.parts.includes('latent-mahalanobis')) {
      if (json.mahalanobis === null) throw new ArgumentError('state', 'the saved detector lacks its Mahalanobis model');
      d.gaussian = { dim: json.mahalanobis.dim, shrinkage: json.mahalanobis.shrinkage, mean: need('mean'), whitening: need('whitening') };
    }
    if (json.normalisers.length !== d.parts.length || json.normalisers.some((n, i) => n.score !== d.parts[i]))
      throw new ArgumentError('state', `the saved detector's normalisers do not match its score '${json.score}'`);
    d.normalisers = json.normalisers;
    if (arrays.training !== undefined) d.trainingScores = arrays.training;
    d.threshold = json.threshold;
    d.thresholdRule = json.thresholdRule;
    d.referenceCount = json.referenceCount;
    return d;
  }

  private referenceOf(train: AnySamples): AnySamples {
    if (train.count <= this.maxReference) return train;
    const order = Array.from(seededPermutation(train.count, this.seed).subarray(0, this.maxReference)).sort((a, b) => a - b);
    return pickSamples(train, order);
  }

  private async codings(samples: AnySamples): Promise<Points> {
    const encoder = this.models.encoder as tf.LayersModel;
    const out = await predictAll(encoder, samples, samples.count, { batchSize: this.batchSize });
    return { x: out.x, shape: [sampleSize(out.shape)], count: out.count };
  }

  /** Each single score of every sample; `training` = the reference set itself (leave-one-out k-NN). */
  private async singleScores(samples: AnySamples, training: boolean): Promise<Float32Array[]> {
    const out: Float32Array[] = [];
    const recon = this.parts.filter((p) => p === 'mse' || p === 'bce' || p === 'ssim');
    const reconScores = recon.length > 0 ? await this.reconstructionScores(samples, recon) : new Map<BaseScore, Float32Array>();
    const codings = this.parts.some((p) => LATENT.includes(p)) ? (training ? this.referenceCodings : await this.codings(samples)) : null;
    for (const p of this.parts) {
      if (p === 'mse' || p === 'bce' || p === 'ssim') out.push(reconScores.get(p) as Float32Array);
      else if (p === 'latent-knn')
        out.push(knnScores(this.referenceCodings as Points, codings as Points, { k: this.k, excludeSelf: training }));
      else if (p === 'latent-mahalanobis') out.push(mahalanobisScores(this.gaussian as MahalanobisModel, codings as Points));
      else if (p === 'raw-knn')
        out.push(
          knnScores(this.referenceInputs as Points, training ? (this.referenceInputs as Points) : toPoints(samples), {
            k: this.k,
            excludeSelf: training,
          }),
        );
      else if (p === 'rapp') out.push(await this.rappScores(samples));
      else out.push(await this.vaeScores(samples, p));
    }
    return out;
  }

  private combine(singles: Float32Array[]): Float32Array {
    return sumNormalised(singles, this.normalisers);
  }

  private async reconstructionScores(samples: AnySamples, which: BaseScore[]): Promise<Map<BaseScore, Float32Array>> {
    const shape = modelInputShape(this.models.autoencoder);
    const { x } = await predictAll(this.models.autoencoder, samples, samples.count, {
      batchSize: this.batchSize,
      map: (input, output) => {
        const n = input.shape[0];
        const y = tf.reshape(output, [n, -1]);
        const t = tf.reshape(input, [n, -1]);
        const columns = which.map((m) => {
          if (m === 'mse') return tf.mean(tf.square(tf.sub(y, t)), 1);
          if (m === 'bce') {
            const p = tf.clipByValue(y, 1e-7, 1 - 1e-7);
            return tf.neg(tf.mean(tf.add(tf.mul(t, tf.log(p)), tf.mul(tf.sub(1, t), tf.log(tf.sub(1, p)))), 1));
          }
          return tf.sub(1, ssim(tf.reshape(input, [n, ...shape]), tf.reshape(output, [n, ...shape])));
        });
        return tf.stack(columns, 1);
      },
    });
    const m = which.length;
    const result = new Map<BaseScore, Float32Array>();
    which.forEach((name, j) => {
      result.set(
        name,
        Float32Array.from({ length: samples.count }, (_, i) => x[i * m + j]),
      );
    });
    return result;
  }

  /** RaPP's SAP: ‖x − x̂‖² plus, for each hidden layer of the encoder, ‖h(x) − h(x̂)‖². */
  private async rappScores(samples: AnySamples): Promise<Float32Array> {
    this.hidden ??= hiddenModel(this.models.encoder as tf.LayersModel);
    const hidden = this.hidden;
    const { x } = await predictAll(this.models.autoencoder, samples, samples.count, {
      batchSize: this.batchSize,
      map: (input, output) => {
        const n = input.shape[0];
        let total = tf.sum(tf.square(tf.sub(tf.reshape(output, [n, -1]), tf.reshape(input, [n, -1]))), 1);
        const a = asList(hidden.predict(input));
        const b = asList(hidden.predict(tf.reshape(output, input.shape)));
        a.forEach((h, i) => {
          total = tf.add(total, tf.sum(tf.square(tf.sub(tf.reshape(h, [n, -1]), tf.reshape(b[i], [n, -1]))), 1));
        });
        return total;
      },
    });
    return x;
  }

  /** A VAE's KL term, or its negative ELBO (cross-entropy of the reconstruction from the coding means + KL), per sample. */
  private async vaeScores(samples: AnySamples, which: 'elbo' | 'kl' | BaseScore): Promise<Float32Array> {
    const { stats, decoder } = this.vaeParts as { stats: tf.LayersModel; decoder: tf.LayersModel };
    const { x } = await predictAll(this.models.autoencoder, samples, samples.count, {
      batchSize: this.batchSize,
      map: (input) => {
        const n = input.shape[0];
        const [mean, logVar] = asList(stats.predict(input));
        const kl = tf.mul(-0.5, tf.sum(tf.sub(tf.add(1, logVar), tf.add(tf.square(mean), tf.exp(logVar))), 1));
        if (which === 'kl') return kl;
        const y = tf.clipByValue(tf.reshape(decoder.predict(mean) as tf.Tensor, [n, -1]), 1e-7, 1 - 1e-7);
        const t = tf.reshape(input, [n, -1]);
        const bce = tf.neg(tf.sum(tf.add(tf.mul(t, tf.log(y)), tf.mul(tf.sub(1, t), tf.log(tf.sub(1, y)))), 1));
        return tf.add(bce, kl);
      },
    });
    return x;
  }
}

/**
 * Single scores summed as a detector sums them: each made `(s − mean) / std` with its training
 * normaliser, then averaged. One score is returned as it is.
 */
export function sumNormalised(singles: readonly Float32Array[], normalisers: readonly ScoreNormaliser[]): Float32Array {
  if (singles.length === 1) return singles[0];
  if (normalisers.length !== singles.length)
    throw new ArgumentError('normalisers', `sumNormalised: ${singles.length} scores but ${normalisers.length} normalisers`);
  const n = singles[0].length;
  const out = new Float32Array(n);
  normalisers.forEach((norm, j) => {
    const v = singles[j];
    for (let i = 0; i < n; i++) out[i] += (v[i] - norm.mean) / norm.std / singles.length;
  });
  return out;
}

function fmtPct(q: number): string {
  return `${Number((100 * q).toPrecision(6))}%`;
}

function asList(t: tf.Tensor | tf.Tensor[]): tf.Tensor[] {
  return Array.isArray(t) ? t : [t];
}

/** Flat float rows of any samples, as points of `prod(shape)` values. */
function toPoints(s: AnySamples): Points {
  const dim = sampleSize(s.shape);
  return { x: floatRows(s, null, 0, s.count), shape: [dim], count: s.count };
}

/** A model from the encoder's input to the output of each of its layers that has weights or pools (its hidden representations). */
function hiddenModel(encoder: tf.LayersModel): tf.LayersModel {
  const layers = encoder.layers.filter((l) => {
    const name = l.getClassName();
    return l.countParams() > 0 || name.includes('Pooling');
  });
  if (layers.length === 0) throw new ArgumentError('encoder', `rapp: the encoder '${encoder.name}' has no hidden layers`);
  const outputs = layers.map((l) => l.output as tf.SymbolicTensor);
  return tf.model({ inputs: encoder.inputs, outputs, name: `${encoder.name}_hidden` });
}

/** A VAE's coding statistics model (input → [mean, logVar]) and its decoder, found by the layer names `variationalAutoencoder` gives. */
function vaeModels(autoencoder: tf.LayersModel): { stats: tf.LayersModel; decoder: tf.LayersModel } {
  const find = (name: string): tf.layers.Layer | undefined => autoencoder.layers.find((l) => l.name === name);
  const mean = find('codings_mean');
  const logVar = find('codings_log_var');
  const decoder = autoencoder.layers.find((l) => l instanceof tf.LayersModel) as tf.LayersModel | undefined;
  if (mean === undefined || logVar === undefined || decoder === undefined)
    throw new ArgumentError('score', `elbo and kl need a VAE; '${autoencoder.name}' has no codings_mean / codings_log_var layers`);
  const stats = tf.model({
    inputs: autoencoder.inputs,
    outputs: [mean.output as tf.SymbolicTensor, logVar.output as tf.SymbolicTensor],
    name: `${autoencoder.name}_codings`,
  });
  return { stats, decoder };
}
