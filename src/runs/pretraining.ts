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

import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { ArgumentError, ConflictError, InterruptedError } from '../core/errors.js';
import { ensureDirectory, writeFileAtomic } from '../core/fs.js';
import type * as tf from '../core/tf.js';
import type { Dataset } from '../data/dataset.js';
import type { FashionMnist } from '../data/fashion-mnist.js';
import { loadData } from '../data/load.js';
import { type LabelledSamples, toFloatSamples } from '../data/samples.js';
import { type BackendName, useBackend } from '../engine/backend.js';
import { evaluate } from '../training/fit.js';
import { loadModel } from '../training/io.js';
import type { OptimizerName } from '../training/optimizers.js';
import {
  buildClassifier,
  labelledSamples,
  PRETRAINING_VARIANTS,
  type PretrainingVariant,
  pretrainedEncoder,
  stratifiedSample,
  trainClassifier,
} from '../training/pretraining.js';
import { lineChartPng } from '../viz/line-chart.js';

import { getRecipe } from './recipes/index.js';
import { runDataset } from './run-data.js';
import { readCheckpoint } from './run-dir.js';
import { readRunMetrics } from './saved-run.js';
import { modelInputOf, resumeRun, type TrainRunResult, trainRun } from './train-run.js';

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
  /**
   * Stops the experiment at the end of the current batch once aborted (see `TrainRunOptions.signal`):
   * an autoencoder being trained writes its checkpoint, the classifiers done so far are in
   * `pretraining.json`; then an `InterruptedError` naming `out` is thrown ({@link resumePretraining}).
   */
  signal?: { readonly aborted: boolean };
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
  return pretrain(options, null);
}

/**
 * Continues the interrupted experiment in `out` (killed, or stopped by its `signal`) with the
 * settings its `pretraining.json` records: an autoencoder whose training was interrupted is
 * resumed from its checkpoint (`resumeRun`), a finished one is loaded; the classifiers already in
 * `results` are kept, not trained again; the one that was interrupted is trained from its start
 * (its seed fixes everything, and a classifier takes seconds). The report ends equal to that of
 * the uninterrupted experiment, timings aside. Refuses, with an `ArgumentError` naming `runDir`, a
 * directory without a readable `pretraining.json` and a finished experiment.
 *
 * @example
 * const report = await resumePretraining('runs/pre', { log: console.log });
 */
export async function resumePretraining(
  out: string,
  options: Pick<PretrainingOptions, 'log' | 'signal' | 'data'> = {},
): Promise<PretrainingReport> {
  let report: PretrainingReport;
  try {
    report = JSON.parse(await fs.readFile(path.join(out, 'pretraining.json'), 'utf8')) as PretrainingReport;
  } catch (err) {
    throw new ArgumentError('runDir', `{runDir} '${out}': its pretraining.json cannot be read (${(err as Error).message})`, { cause: err });
  }
  if (typeof report.finished === 'string')
    throw new ArgumentError('runDir', `{runDir} '${out}' holds a pretraining experiment finished ${report.finished}: nothing to resume`);
  const s = report.settings as Record<string, unknown>;
  const given = <T>(key: string): T | undefined => (s[key] ?? undefined) as T | undefined;
  return pretrain(
    {
      encoder: report.encoder as 'conv' | 'stacked',
      labels: given('labels'),
      seeds: given('seeds'),
      from: given('from'),
      epochs: given('epochs'),
      classifierEpochs: given('classifierEpochs'),
      optimizer: given('optimizer'),
      lr: given('lr'),
      fineTuneLr: given('fineTuneLr'),
      frozenEpochs: given('frozenEpochs'),
      batchSize: given('batchSize'),
      out,
      dataDir: given('dataDir'),
      backend: given('backend'),
      limit: given('limit'),
      ...options,
    },
    report,
  );
}

/** The autoencoder of a resumed experiment: loaded when its run finished, resumed from its checkpoint, else trained again. */
async function resumedAutoencoder(
  aeDir: string,
  train: () => Promise<TrainRunResult>,
  options: Pick<PretrainingOptions, 'log' | 'signal'>,
): Promise<{ encoder: tf.LayersModel; valLoss: number | null }> {
  const metrics = await readRunMetrics(aeDir).catch(() => null);
  if (typeof metrics?.finished === 'string') {
    options.log?.(`reusing the autoencoder trained before the interruption in ${aeDir}`);
    return { encoder: await loadModel(path.join(aeDir, 'encoder')), valLoss: metrics.epochs.at(-1)?.val_loss ?? null };
  }
  const run = (await readCheckpoint(aeDir)) === null ? await train() : await resumeRun(aeDir, { log: options.log, signal: options.signal });
  return { encoder: run.encoder, valLoss: run.metrics.epochs.at(-1)?.val_loss ?? null };
}

async function pretrain(options: PretrainingOptions, resumed: PretrainingReport | null): Promise<PretrainingReport> {
  const { labels = [100, 500, 1000, 5000], seeds = 3, classifierEpochs = 20, optimizer = 'sgd', lr = 0.02, batchSize = 32, out } = options;
  const fineTuneLr = options.fineTuneLr ?? lr / 2;
  const frozenEpochs = options.frozenEpochs ?? Math.ceil(classifierEpochs / 4);
  if (!(Number.isInteger(frozenEpochs) && frozenEpochs >= 0 && frozenEpochs <= classifierEpochs)) {
    throw new ArgumentError(
      'frozenEpochs',
      `{frozenEpochs} must be an integer from 0 to {classifierEpochs} (${classifierEpochs}), got ${frozenEpochs}`,
    );
  }
  const log = options.log ?? (() => {});
  if (!(Number.isInteger(seeds) && seeds >= 1)) throw new ArgumentError('seeds', `expected a positive integer, got ${seeds}`);
  if (labels.length === 0) throw new ArgumentError('labels', 'give at least one label count');
  if (!(Number.isInteger(classifierEpochs) && classifierEpochs >= 2))
    throw new ArgumentError('classifierEpochs', `expected an integer ≥ 2, got ${classifierEpochs}`);
  const engine = await useBackend(options.backend ?? 'auto');
  log(engine.description);
  // The data: the --from run's own (as it trained on it), else Fashion-MNIST.
  const fromMetrics = options.from === undefined ? null : await readRunMetrics(options.from);
  const dataset: Dataset =
    fromMetrics === null
      ? await loadData({ kind: 'fashion-mnist', dataDir: options.dataDir }, { fashionMnist: options.data })
      : await runDataset(fromMetrics, { fashionMnist: options.data });
  await dataset.close?.();
  const classCount = dataset.classes?.length ?? 0;
  const test = dataset.test ?? dataset.valid;
  if (dataset.train.labels === undefined || test.labels === undefined || classCount < 2)
    throw new ArgumentError(
      'from',
      `{from} ${options.from}: its data (${dataset.source.split(':')[0]}) has no class labels to train classifiers on`,
    );
  const data = { train: toFloatSamples(dataset.train) as LabelledSamples, test: toFloatSamples(test) as LabelledSamples };
  const tooMany = labels.find((n) => n > data.train.count);
  if (tooMany !== undefined) throw new ArgumentError('labels', `{labels} ${tooMany}: only ${data.train.count} training images`);

  const report: PretrainingReport = resumed ?? {
    encoder: options.encoder ?? (fromMetrics?.model as string | undefined) ?? 'conv',
    autoencoder: { dir: options.from ?? path.join(out, 'autoencoder'), trainedHere: options.from === undefined, val_loss: null },
    settings: {
      labels,
      seeds,
      classifierEpochs,
      optimizer,
      lr,
      fineTuneLr,
      frozenEpochs,
      batchSize,
      backend: engine.backend,
      modelOptions: {},
      // What a resumed experiment needs besides (see resumePretraining).
      from: options.from ?? null,
      epochs: options.epochs ?? null,
      limit: options.limit ?? null,
      dataDir: options.dataDir ?? null,
    },
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
    await writeFileAtomic(
      path.join(out, 'pretraining.png'),
      await lineChartPng(series, {
        title: `Unsupervised pretraining, ${report.encoder} encoder`,
        xLabel: 'labelled training images',
        yLabel: 'test accuracy',
      }),
    );
  };
  // Written before the autoencoder trains, so that an experiment killed at any point can be resumed.
  await ensureDirectory(out);
  await write();
  const interrupted = (err: unknown): never => {
    if (!(err instanceof InterruptedError)) throw err;
    throw new InterruptedError(
      `${err.template}; pretraining.json keeps the ${report.results.length} classifiers done`,
      { checkpointed: true, epoch: err.epoch, batch: err.batch, runDir: out },
      { cause: err },
    );
  };

  let trained: tf.LayersModel;
  let model: string;
  let modelOptions: Record<string, unknown> = {};
  let aeDir: string;
  let valLoss: number | null;
  if (options.from !== undefined && fromMetrics !== null) {
    const metrics = fromMetrics;
    model = metrics.model;
    if (options.encoder !== undefined && options.encoder !== model) {
      throw new ConflictError(['encoder', 'from'], `{encoder} ${options.encoder} does not match {from} ${options.from}, a '${model}' run`);
    }
    if (model !== 'conv' && model !== 'stacked')
      throw new ArgumentError('from', `{from} ${options.from}: expected a conv or stacked run, found a '${model}' run`);
    const declared = (getRecipe(model).options ?? []).map((o) => o.key);
    modelOptions = Object.fromEntries(declared.filter((k) => k in metrics.options).map((k) => [k, metrics.options[k]]));
    trained = await loadModel(path.join(options.from, 'encoder'));
    aeDir = options.from;
    valLoss = metrics.epochs.at(-1)?.val_loss ?? null;
    log(`reusing the ${model} encoder of ${options.from} (val_loss ${valLoss?.toFixed(4) ?? '-'})`);
  } else {
    model = options.encoder ?? 'conv';
    aeDir = path.join(out, 'autoencoder');
    const train = (): Promise<TrainRunResult> => {
      log(`training the ${model} autoencoder on ${options.limit ?? data.train.count} unlabelled images into ${aeDir}`);
      return trainRun({
        model,
        epochs: options.epochs,
        out: aeDir,
        overwrite: true, // the autoencoder is part of this experiment's output, rewritten like its other files
        data: options.data,
        dataDir: options.dataDir,
        limit: options.limit,
        backend: engine.backend as BackendName,
        log,
        signal: options.signal,
      });
    };
    const ae = await (resumed === null
      ? train().then((run) => ({ encoder: run.encoder, valLoss: run.metrics.epochs.at(-1)?.val_loss ?? null }))
      : resumedAutoencoder(aeDir, train, options)
    ).catch(interrupted);
    trained = ae.encoder;
    valLoss = ae.valLoss;
  }
  report.autoencoder.val_loss = valLoss;
  report.settings.modelOptions = modelOptions;
  await write();
  const recipe = getRecipe(model);
  const testSet = labelledSamples(data.test, undefined, classCount);
  const done = report.results.length;
  if (resumed !== null && done > 0) log(`resuming after ${done} classifiers: their results are kept`);
  let index = 0;
  for (const count of labels) {
    for (let s = 0; s < seeds; s++) {
      const seed = 42 + s;
      const train = labelledSamples(data.train, stratifiedSample(data.train.labels, count, seed, classCount), classCount);
      for (const variant of PRETRAINING_VARIANTS) {
        if (index++ < done) continue; // done before the interruption
        const started = performance.now();
        const encoder = recipe.build({ seed, input: modelInputOf(dataset), ...modelOptions }).encoder;
        if (variant !== 'scratch') pretrainedEncoder(encoder, trained);
        const classifier = buildClassifier(encoder, seed, classCount);
        await trainClassifier(classifier, encoder, variant, train, {
          epochs: classifierEpochs,
          optimizer,
          lr,
          fineTuneLr,
          frozenEpochs,
          batchSize,
          seed,
          signal: options.signal,
        }).catch(interrupted);
        const scores = await evaluate(classifier, testSet);
        const accuracy = scores[classifier.metricsNames[1]];
        classifier.dispose();
        const result: PretrainingResult = {
          labels: count,
          seed,
          variant,
          test_accuracy: accuracy,
          test_loss: scores.loss,
          seconds: (performance.now() - started) / 1000,
        };
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
