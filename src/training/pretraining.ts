/**
 * Unsupervised pretraining (Géron, ch. 17): train an autoencoder on all 55,000 training images
 * without labels, then train a classifier — encoder → Flatten → Dense(20, selu) → Dense(10,
 * softmax) — on a few labelled images, in three variants with the same seed and epoch budget:
 * `scratch` (fresh encoder), `frozen` (pretrained encoder, not trained) and `fine-tuned`
 * (pretrained, frozen for the first epochs, then trained with a lower learning rate).
 * Scored on the official 10,000 test images.
 *
 * Unlike the book's 2019 notebook (whose `clone_model` copied the architecture but not the
 * weights), the pretrained variants get copies of the trained encoder's weights; see
 * {@link pretrainedEncoder} and its test.
 */
import * as tf from '@tensorflow/tfjs';
import * as path from 'node:path';
import { type FashionMnist, loadFashionMnist } from '../data/fashion-mnist.js';
import { type BackendName, useBackend } from '../engine/backend.js';
import '../models/all.js';
import { getRecipe, type OptimizerName } from '../models/recipes.js';
import { lineChartPng } from '../viz/line-chart.js';
import { evaluate, fit, seededRandom, type Samples } from './fit.js';
import { loadModel, writeFileAtomic } from './io.js';
import { makeOptimizer } from './optimizers.js';
import { trainRun } from './run.js';
import { readRunMetrics } from './saved-run.js';

/** The classifier variants compared. */
export const PRETRAINING_VARIANTS = ['scratch', 'frozen', 'fine-tuned'] as const;
/** One of {@link PRETRAINING_VARIANTS}. */
export type PretrainingVariant = (typeof PRETRAINING_VARIANTS)[number];

/** Options of {@link runPretraining}. */
export interface PretrainingOptions {
  /** Autoencoder whose encoder is reused: `conv` or `stacked`. Default `conv` (or the `from` run's model). */
  encoder?: 'conv' | 'stacked';
  /** Numbers of labelled training images; each runs separately. Default `[100, 500, 1000, 5000]`. */
  labels?: number[];
  /** Seeds per label count (42, 43, …), for mean and spread. Default 3. */
  seeds?: number;
  /** Reuse the autoencoder of this run directory (written by `aekit train`) instead of training one. */
  from?: string;
  /** Autoencoder epochs when one is trained. Default: the model's book setting. */
  epochs?: number;
  /** Classifier epochs, the same budget for every variant. Default 20. */
  classifierEpochs?: number;
  /** Classifier optimizer. Default `sgd` (the book's). */
  optimizer?: OptimizerName;
  /** Classifier learning rate. Default 0.02 (the book's). */
  lr?: number;
  /** Learning rate of the fine-tuned variant once its encoder is unfrozen. Default `lr / 2`. */
  fineTuneLr?: number;
  /** Epochs the fine-tuned variant keeps its encoder frozen (training only the head) before unfreezing. Default ⌈classifierEpochs / 4⌉. */
  frozenEpochs?: number;
  /** Classifier batch size. Default 32. */
  batchSize?: number;
  /** Output directory (created). */
  out: string;
  dataDir?: string;
  /** Engine. Default `auto`. */
  backend?: BackendName;
  /** Train the autoencoder on the first N training images only (tests). */
  limit?: number;
  /** Fashion-MNIST already loaded (tests). */
  data?: FashionMnist;
  log?: (line: string) => void;
}

/** One classifier trained and scored. */
export interface PretrainingResult {
  labels: number;
  seed: number;
  variant: PretrainingVariant;
  test_accuracy: number;
  test_loss: number;
  seconds: number;
}

/** Mean and spread of one (labels, variant) cell over the seeds. */
export interface PretrainingSummary {
  labels: number;
  variant: PretrainingVariant;
  mean: number;
  std: number;
  min: number;
  max: number;
  seeds: number;
}

/** What `pretraining.json` holds. */
export interface PretrainingReport {
  encoder: string;
  autoencoder: { dir: string; trainedHere: boolean; val_loss: number | null };
  settings: Record<string, unknown>;
  results: PretrainingResult[];
  summary: PretrainingSummary[];
  started: string;
  finished: string | null;
}

/**
 * A stratified sample of `count` indices of `labels` (the same number per class, the remainder
 * going to the lowest classes), drawn with `seed`; sorted ascending.
 */
export function stratifiedSample(labels: Uint8Array, count: number, seed: number, classes = 10): Uint32Array {
  if (!(Number.isInteger(count) && count >= classes)) throw new RangeError(`--labels: each count must be an integer ≥ ${classes} (one per class), got ${count}`);
  const byClass: number[][] = Array.from({ length: classes }, () => []);
  labels.forEach((l, i) => { if (l < classes) byClass[l].push(i); });
  const random = seededRandom(seed);
  const out: number[] = [];
  for (let c = 0; c < classes; c++) {
    const want = Math.floor(count / classes) + (c < count % classes ? 1 : 0);
    const pool = byClass[c];
    if (pool.length < want) throw new RangeError(`--labels ${count}: class ${c} has only ${pool.length} training images, ${want} needed`);
    for (let i = 0; i < want; i++) { // partial Fisher–Yates
      const j = i + Math.floor(random() * (pool.length - i));
      [pool[i], pool[j]] = [pool[j], pool[i]];
      out.push(pool[i]);
    }
  }
  return Uint32Array.from(out.sort((a, b) => a - b));
}

/** Labelled samples: images at `indices` with one-hot targets. */
export function labelledSamples(images: Float32Array, labels: Uint8Array, indices?: ArrayLike<number>): Samples {
  const idx = indices ?? Uint32Array.from({ length: labels.length }, (_, i) => i);
  const x = new Float32Array(idx.length * 784);
  const y = new Float32Array(idx.length * 10);
  for (let i = 0; i < idx.length; i++) {
    x.set(images.subarray(idx[i] * 784, (idx[i] + 1) * 784), i * 784);
    y[i * 10 + labels[idx[i]]] = 1;
  }
  return { x, shape: [28, 28], count: idx.length, y, yShape: [10] };
}

/**
 * A copy of `trained`'s weights in `fresh` (an encoder of the same architecture). The copies do
 * not alias: later training of either leaves the other unchanged.
 */
export function pretrainedEncoder(fresh: tf.LayersModel, trained: tf.LayersModel): tf.LayersModel {
  const src = trained.getWeights();
  const dst = fresh.getWeights();
  const shapes = (ws: tf.Tensor[]): string => ws.map((w) => `[${w.shape.join('×')}]`).join(' ');
  if (src.length !== dst.length || src.some((w, i) => w.shape.join() !== dst[i].shape.join())) {
    throw new RangeError(`the trained encoder '${trained.name}' (weights ${shapes(src)}) does not match the classifier's encoder (weights ${shapes(dst)})`);
  }
  // setWeights assigns the values into fresh's own variables (a copy, not a shared reference).
  fresh.setWeights(src);
  return fresh;
}

/**
 * The classifier over `encoder`: encoder → Flatten (when its codings are not flat) → Dense(20, selu)
 * → Dense(10, softmax). `seed` fixes the head's initial weights. Input `[n, 28, 28]`, output `[n, 10]`.
 */
export function buildClassifier(encoder: tf.LayersModel, seed: number): tf.LayersModel {
  const input = tf.input({ shape: encoder.inputs[0].shape.slice(1) as number[], name: 'classifier_input' });
  let x = encoder.apply(input) as tf.SymbolicTensor;
  if (x.shape.length > 2) x = tf.layers.flatten({ name: 'classifier_flatten' }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.dense({ units: 20, activation: 'selu', kernelInitializer: tf.initializers.glorotUniform({ seed: seed + 1000 }), name: 'classifier_hidden' }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.dense({ units: 10, activation: 'softmax', kernelInitializer: tf.initializers.glorotUniform({ seed: seed + 1001 }), name: 'classifier_output' }).apply(x) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: x, name: 'classifier' });
}

/** How {@link trainClassifier} trains one variant. */
export interface ClassifierTraining {
  epochs: number;
  optimizer: OptimizerName;
  lr: number;
  fineTuneLr: number;
  /** Epochs of the fine-tuned variant with the encoder frozen, before it is unfrozen for the rest. */
  frozenEpochs: number;
  batchSize: number;
  seed: number;
}

/**
 * Trains `classifier` (whose encoder is `encoder`) as `variant` on `train`: scratch and frozen for
 * all epochs (frozen with `encoder.trainable = false`); fine-tuned frozen for `frozenEpochs` (the
 * head learns to read the pretrained codings first), then unfrozen for the rest at `fineTuneLr`.
 */
export async function trainClassifier(classifier: tf.LayersModel, encoder: tf.LayersModel, variant: PretrainingVariant,
  train: Samples, t: ClassifierTraining): Promise<void> {
  const compile = (lr: number): void => classifier.compile({ optimizer: makeOptimizer(t.optimizer, lr), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  const phase = async (epochs: number, seed: number): Promise<void> => {
    if (epochs > 0) await fit(classifier, train, { epochs, batchSize: t.batchSize, seed });
  };
  encoder.trainable = variant === 'scratch';
  compile(t.lr);
  if (variant !== 'fine-tuned') { await phase(t.epochs, t.seed); return; }
  const first = Math.min(t.epochs, t.frozenEpochs);
  await phase(first, t.seed);
  encoder.trainable = true;
  compile(t.fineTuneLr); // tfjs, like Keras, picks up a change of `trainable` only on compile
  await phase(t.epochs - first, t.seed + 1);
}

function summarize(results: PretrainingResult[]): PretrainingSummary[] {
  const out: PretrainingSummary[] = [];
  for (const labels of [...new Set(results.map((r) => r.labels))]) {
    for (const variant of PRETRAINING_VARIANTS) {
      const a = results.filter((r) => r.labels === labels && r.variant === variant).map((r) => r.test_accuracy);
      if (a.length === 0) continue;
      const mean = a.reduce((s, v) => s + v, 0) / a.length;
      const std = Math.sqrt(a.reduce((s, v) => s + (v - mean) ** 2, 0) / Math.max(1, a.length - 1));
      out.push({ labels, variant, mean, std, min: Math.min(...a), max: Math.max(...a), seeds: a.length });
    }
  }
  return out;
}

/** The Markdown table of a report: one row per label count, mean ± std of test accuracy per variant. */
export function pretrainingTable(report: PretrainingReport): string {
  const rows = [
    `Test accuracy (official 10,000 test images), ${report.encoder} encoder, mean ± std over seeds`,
    '',
    `| labels | ${PRETRAINING_VARIANTS.join(' | ')} |`,
    `|---:|${PRETRAINING_VARIANTS.map(() => '---:').join('|')}|`,
  ];
  for (const labels of [...new Set(report.summary.map((s) => s.labels))]) {
    const cells = PRETRAINING_VARIANTS.map((v) => {
      const s = report.summary.find((x) => x.labels === labels && x.variant === v);
      return s === undefined ? '–' : `${s.mean.toFixed(4)} ± ${s.std.toFixed(4)} (n=${s.seeds})`;
    });
    rows.push(`| ${labels} | ${cells.join(' | ')} |`);
  }
  return `${rows.join('\n')}\n`;
}

/**
 * Trains (or reuses, with `from`) an autoencoder, then the three classifier variants for every
 * label count and seed; writes `pretraining.json`, `pretraining.md` and `pretraining.png` in `out`
 * (rewritten after every classifier, so a long run can be watched).
 *
 * @example
 * const report = await runPretraining({ encoder: 'stacked', labels: [500], seeds: 3, out: 'runs/pre' });
 */
export async function runPretraining(options: PretrainingOptions): Promise<PretrainingReport> {
  const { labels = [100, 500, 1000, 5000], seeds = 3, classifierEpochs = 20, optimizer = 'sgd', lr = 0.02, batchSize = 32, out } = options;
  const fineTuneLr = options.fineTuneLr ?? lr / 2;
  const frozenEpochs = options.frozenEpochs ?? Math.ceil(classifierEpochs / 4);
  if (!(Number.isInteger(frozenEpochs) && frozenEpochs >= 0 && frozenEpochs <= classifierEpochs)) {
    throw new RangeError(`--frozen-epochs must be an integer from 0 to --classifier-epochs (${classifierEpochs}), got ${frozenEpochs}`);
  }
  const log = options.log ?? (() => {});
  if (!(Number.isInteger(seeds) && seeds >= 1)) throw new RangeError(`--seeds must be a positive integer, got ${seeds}`);
  if (labels.length === 0) throw new RangeError('--labels: give at least one label count');
  if (!(Number.isInteger(classifierEpochs) && classifierEpochs >= 2)) throw new RangeError(`--classifier-epochs must be an integer ≥ 2, got ${classifierEpochs}`);
  const engine = await useBackend(options.backend ?? 'auto');
  log(engine.description);
  const data = options.data ?? await loadFashionMnist({ dataDir: options.dataDir });
  const tooMany = labels.find((n) => n > data.train.count);
  if (tooMany !== undefined) throw new RangeError(`--labels ${tooMany}: only ${data.train.count} training images`);

  let trained: tf.LayersModel;
  let model: string;
  let modelOptions: Record<string, unknown> = {};
  let aeDir: string;
  let valLoss: number | null;
  if (options.from !== undefined) {
    const metrics = await readRunMetrics(options.from);
    model = metrics.model;
    if (options.encoder !== undefined && options.encoder !== model) {
      throw new RangeError(`--encoder ${options.encoder} does not match --from ${options.from}, a '${model}' run`);
    }
    if (model !== 'conv' && model !== 'stacked') throw new RangeError(`--from ${options.from}: expected a conv or stacked run, found a '${model}' run`);
    const declared = (getRecipe(model).options ?? []).map((o) => o.key);
    modelOptions = Object.fromEntries(declared.filter((k) => k in metrics.options).map((k) => [k, metrics.options[k]]));
    trained = await loadModel(path.join(options.from, 'encoder'));
    aeDir = options.from;
    valLoss = metrics.epochs.at(-1)?.val_loss ?? null;
    log(`reusing the ${model} encoder of ${options.from} (val_loss ${valLoss?.toFixed(4) ?? '-'})`);
  } else {
    model = options.encoder ?? 'conv';
    aeDir = path.join(out, 'autoencoder');
    log(`training the ${model} autoencoder on ${options.limit ?? data.train.count} unlabelled images into ${aeDir}`);
    const run = await trainRun({ model, epochs: options.epochs, out: aeDir, data, limit: options.limit, backend: engine.backend as BackendName, log });
    trained = run.encoder;
    valLoss = run.metrics.epochs.at(-1)?.val_loss ?? null;
  }
  const recipe = getRecipe(model);
  const test = labelledSamples(data.test.images, data.test.labels);
  const report: PretrainingReport = {
    encoder: model,
    autoencoder: { dir: aeDir, trainedHere: options.from === undefined, val_loss: valLoss },
    settings: { labels, seeds, classifierEpochs, optimizer, lr, fineTuneLr, frozenEpochs, batchSize, backend: engine.backend, modelOptions },
    results: [],
    summary: [],
    started: new Date().toISOString(),
    finished: null,
  };
  const write = async (): Promise<void> => {
    report.summary = summarize(report.results);
    await writeFileAtomic(path.join(out, 'pretraining.json'), `${JSON.stringify(report, null, 2)}\n`);
    await writeFileAtomic(path.join(out, 'pretraining.md'), pretrainingTable(report));
    const series = PRETRAINING_VARIANTS.map((variant) => {
      const cells = report.summary.filter((s) => s.variant === variant).sort((a, b) => a.labels - b.labels);
      return { name: variant, x: cells.map((c) => c.labels), y: cells.map((c) => c.mean) };
    }).filter((s) => s.x.length > 0);
    await writeFileAtomic(path.join(out, 'pretraining.png'), await lineChartPng(series, {
      title: `Unsupervised pretraining, ${model} encoder`, xLabel: 'labelled training images', yLabel: 'test accuracy',
    }));
  };
  for (const count of labels) {
    for (let s = 0; s < seeds; s++) {
      const seed = 42 + s;
      const train = labelledSamples(data.train.images, data.train.labels, stratifiedSample(data.train.labels, count, seed));
      for (const variant of PRETRAINING_VARIANTS) {
        const started = performance.now();
        const encoder = recipe.build({ seed, ...modelOptions }).encoder;
        if (variant !== 'scratch') pretrainedEncoder(encoder, trained);
        const classifier = buildClassifier(encoder, seed);
        await trainClassifier(classifier, encoder, variant, train, { epochs: classifierEpochs, optimizer, lr, fineTuneLr, frozenEpochs, batchSize, seed });
        const scores = await evaluate(classifier, test);
        const accuracy = scores[classifier.metricsNames[1]];
        classifier.dispose();
        const result: PretrainingResult = { labels: count, seed, variant, test_accuracy: accuracy, test_loss: scores.loss, seconds: (performance.now() - started) / 1000 };
        report.results.push(result);
        log(`labels ${count}, seed ${seed}, ${variant}: test accuracy ${accuracy.toFixed(4)} (${result.seconds.toFixed(1)} s)`);
        await write();
      }
    }
  }
  report.finished = new Date().toISOString();
  await write();
  return report;
}
