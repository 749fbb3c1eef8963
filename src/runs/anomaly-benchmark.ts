/**
 * The anomaly benchmarks on labelled images (GEOM's one-class protocol, Golan & El-Yaniv 2018, and
 * leave-one-class-out): per class, an autoencoder is trained on the normal classes' training
 * images only, detectors are fitted on those images, and the whole test split is scored; the ROC
 * AUC of detecting the anomalous classes is reported for every score.
 *
 * The `dev` protocol runs the same on the training split alone (the test split untouched): a
 * seeded 10 % of the training images becomes the evaluation set, so that scores and settings can
 * be chosen without looking at test data.
 */
import * as path from 'node:path';
import {
  AnomalyDetector,
  type BaseScore,
  comparableScores,
  DEFAULT_ANOMALY_SCORE,
  parseScore,
  sumNormalised,
} from '../analysis/detector.js';
import { rocAuc, rocCurve } from '../analysis/scores.js';
import { ArgumentError } from '../core/errors.js';
import { writeFileAtomic } from '../core/fs.js';
import { type ProgressSink, type StepProgress, silentProgress } from '../core/progress.js';
import type { Dataset } from '../data/dataset.js';
import { type DataRequest, loadData } from '../data/load.js';
import { type AnySamples, concatSamples, pickSamples } from '../data/samples.js';
import { seededSplit } from '../data/split.js';
import { type BackendName, useBackend } from '../engine/backend.js';
import { fit } from '../training/fit.js';
import { lossFunction } from '../training/loss-functions.js';
import { makeOptimizer, type OptimizerName } from '../training/optimizers.js';
import { lineChartPng } from '../viz/line-chart.js';
import { lossFor } from './recipe.js';
import { getRecipe } from './recipes/index.js';
import { modelInputOf } from './train-run.js';

/** The benchmarks: one class normal (GEOM's protocol) or one class anomalous (leave-one-class-out). */
export type AnomalyBenchmarkMode = 'one-class' | 'holdout';

/** Where the detectors are evaluated: the official test split, or a held-out part of the training split (for choosing settings). */
export type BenchmarkProtocol = 'test' | 'dev';

/** The default score of the image benchmarks: {@link DEFAULT_ANOMALY_SCORE}. */
export const DEFAULT_BENCHMARK_SCORE = DEFAULT_ANOMALY_SCORE;

/** Options of {@link anomalyBenchmark}. */
export interface AnomalyBenchmarkOptions {
  mode: AnomalyBenchmarkMode;
  /** Labelled images with a test split: Fashion-MNIST, or a folder with `train/<class>/` and `test/<class>/`. */
  dataset: DataRequest;
  /** Class indices to run (default all). */
  classes?: number[];
  /** The score reported as the result (`results.json`'s `score`). Default {@link DEFAULT_BENCHMARK_SCORE}. */
  score?: string;
  /** Compute every score (`all_scores`), not only the chosen one and the raw-pixel baseline. Default true. */
  allScores?: boolean;
  protocol?: BenchmarkProtocol;
  /** Recipe of the autoencoder. Default `conv`. */
  model?: string;
  /** Epochs per class. Default 10. */
  epochs?: number;
  batchSize?: number;
  lr?: number;
  optimizer?: OptimizerName;
  seed?: number;
  /** Neighbours of the k-NN scores. Default 5. */
  k?: number;
  /** Training images kept as the detectors' reference set. Default 10,000. */
  maxReference?: number;
  backend?: BackendName;
  /** Directory of results.json, results.md and roc.png. */
  out: string;
  progress?: ProgressSink;
  dataProgress?: StepProgress;
  log?: (line: string) => void;
  signal?: { readonly aborted: boolean };
}

/** One class's result under one score. */
export interface ClassAuc {
  class: number;
  name: string;
  auc: number;
}

/** What `results.json` holds. */
export interface AnomalyBenchmarkResults {
  benchmark: AnomalyBenchmarkMode;
  protocol: BenchmarkProtocol;
  /** False while the benchmark runs (written after each class, so that an interrupted run keeps its classes). */
  complete: boolean;
  dataset: string;
  model: string;
  settings: Record<string, unknown>;
  score: string;
  mean_auc: number;
  classes: ClassAuc[];
  all_scores: Record<string, { mean_auc: number; classes: ClassAuc[] }>;
  seconds: { total: number; per_class: Array<{ class: number; train: number; score: number }> };
  engine: string;
  finished: string;
}

/** Published per-class ROC AUCs (%) on Fashion-MNIST's one-class protocol, for results.md. */
const FASHION_PUBLISHED: Record<string, number[]> = {
  GEOM: [99.4, 97.6, 91.1, 89.9, 92.1, 93.4, 83.3, 98.9, 90.8, 99.2],
  ARNet: [92.7, 99.3, 89.1, 93.6, 90.8, 93.1, 85.0, 98.4, 97.8, 98.4],
};

/** Published means (%) on the one-class protocol. */
const PUBLISHED_MEANS: Record<'fashion-mnist' | 'cifar10', Array<[string, number]>> = {
  'fashion-mnist': [
    ['DSEBM', 86.6],
    ['Deep SVDD (Deep SAD without labels)', 89.2],
    ['CAE-OC-SVM', 91.7],
    ['one-class SVM, raw pixels', 92.8],
    ['GEOM', 93.5],
    ['ARNet', 93.9],
    ['ESAD', 94.0],
  ],
  cifar10: [
    ['deep conv AE (DCAE)', 59.9],
    ['Deep SVDD', 64.8],
    ['GEOM', 86.0],
  ],
};

/** The scores a benchmark computes: every comparable one with `all`, else the chosen one and the raw-pixel baseline. */
function scoresFor(isVae: boolean, chosen: string, all: boolean): string[] {
  const list = all ? comparableScores({ vae: isVae, images: true }) : [chosen, 'raw-knn'];
  if (!list.includes(chosen)) list.unshift(chosen);
  return [...new Set(list)];
}

/**
 * Runs a benchmark and writes `results.json`, `results.md` and `roc.png` (ROC curves of the chosen
 * score, one per class) to `options.out`.
 *
 * @example
 * await anomalyBenchmark({ mode: 'one-class', dataset: { kind: 'fashion-mnist' }, out: 'bench/one-class' });
 */
export async function anomalyBenchmark(options: AnomalyBenchmarkOptions): Promise<AnomalyBenchmarkResults> {
  const {
    mode,
    protocol = 'test',
    model: modelName = 'conv',
    epochs = 10,
    seed = 42,
    k = 5,
    maxReference = 10_000,
    allScores = true,
    log = () => {},
    progress = silentProgress,
  } = options;
  const chosen = options.score ?? DEFAULT_BENCHMARK_SCORE;
  parseScore(chosen);
  const recipe = getRecipe(modelName);
  const settings = {
    epochs,
    batchSize: options.batchSize ?? recipe.defaults.batchSize,
    lr: options.lr ?? recipe.defaults.lr,
    optimizer: options.optimizer ?? recipe.defaults.optimizer,
    loss: recipe.defaults.loss,
    seed,
    k,
    maxReference,
  };
  const started = Date.now();
  const engine = await useBackend(options.backend ?? 'auto');
  log(engine.description);
  const data = await loadData(options.dataset, { seed, progress: options.dataProgress, signal: options.signal });
  try {
    const names = data.classes;
    if (names === undefined || data.train.labels === undefined)
      throw new ArgumentError('images', `the benchmark needs labelled images (class subfolders); ${data.source} has no classes`);
    const { pool, evaluation } = splitsOf(data, protocol, seed);
    if (evaluation.labels === undefined)
      throw new ArgumentError('images', `the benchmark needs a labelled test split; ${data.source} has none`);
    const classes = options.classes ?? names.map((_, i) => i);
    for (const c of classes)
      if (!Number.isInteger(c) || c < 0 || c >= names.length)
        throw new ArgumentError('classes', `expected class indices 0–${names.length - 1} (${names.join(', ')}), got ${c}`);
    const isVae = modelName === 'vae';
    const scoreNames = scoresFor(isVae, chosen, allScores);
    const singles = [...new Set(scoreNames.flatMap((s) => parseScore(s)))] as BaseScore[];
    log(
      `${mode} benchmark (${protocol === 'test' ? 'official test split' : 'dev: 10 % of the training split, test split unused'}) on ${data.source}: ` +
        `${classes.length} classes, ${modelName} ${epochs} epochs each, scores ${scoreNames.join(', ')}`,
    );
    const input = modelInputOf(data);
    // A model that cannot take these samples is refused in one line, before any training.
    recipe.checkInput?.(input);
    const aucs = new Map<string, ClassAuc[]>(scoreNames.map((s) => [s, []]));
    const curves: Array<{ name: string; fpr: number[]; tpr: number[] }> = [];
    const perClass: AnomalyBenchmarkResults['seconds']['per_class'] = [];
    const kind =
      data.spec.kind === 'fashion-mnist' ? 'fashion-mnist' : names.length === 10 && names.includes('airplane') ? 'cifar10' : null;
    const mean = (list: ClassAuc[]): number => list.reduce((a, r) => a + r.auc, 0) / list.length;
    /** results.json and results.md of the classes done so far (`complete` false until the last). */
    const publish = async (complete: boolean): Promise<AnomalyBenchmarkResults> => {
      const all_scores: AnomalyBenchmarkResults['all_scores'] = {};
      for (const [s, list] of aucs) all_scores[s] = { mean_auc: mean(list), classes: list };
      const results: AnomalyBenchmarkResults = {
        benchmark: mode,
        protocol,
        complete,
        dataset: data.source,
        model: modelName,
        settings,
        score: chosen,
        mean_auc: all_scores[chosen].mean_auc,
        classes: all_scores[chosen].classes,
        all_scores,
        seconds: { total: (Date.now() - started) / 1000, per_class: perClass },
        engine: engine.description,
        finished: new Date().toISOString(),
      };
      await writeFileAtomic(path.join(options.out, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
      await writeFileAtomic(path.join(options.out, 'results.md'), resultsMarkdown(results, kind));
      return results;
    };
    for (const c of classes) {
      const normal = (l: number): boolean => (mode === 'one-class' ? l === c : l !== c);
      const poolLabels = pool.labels as Uint8Array;
      const trainIdx: number[] = [];
      for (let i = 0; i < pool.count; i++) if (normal(poolLabels[i])) trainIdx.push(i);
      const train = pickSamples(pool, trainIdx);
      const t0 = Date.now();
      const built = recipe.build({ seed, input });
      built.autoencoder.compile({
        optimizer: makeOptimizer(settings.optimizer, settings.lr),
        loss: lossFunction(lossFor(settings.loss, input)),
      });
      const what = mode === 'one-class' ? `class ${c} ${names[c]}` : `all but class ${c} ${names[c]}`;
      log(`${what}: training on ${train.count} images`);
      await fit(built.autoencoder, train, {
        epochs,
        batchSize: settings.batchSize,
        seed,
        progress,
        title: `${names[c]}`,
        signal: options.signal,
      });
      const t1 = Date.now();
      const models = { autoencoder: built.autoencoder, encoder: built.encoder };
      // One detector holding every single score: each model runs once over the samples for all of them.
      const detector = await new AnomalyDetector(models, { score: singles.join('+'), k, maxReference, seed }).fit(train);
      const partScores = await detector.partScores(evaluation);
      const base = new Map(singles.map((s, i) => [s, i]));
      const anomalous = Array.from(evaluation.labels, (l) => !normal(l));
      const line: string[] = [];
      for (const s of scoreNames) {
        const parts = parseScore(s);
        const at = parts.map((p) => base.get(p) as number);
        const scores = sumNormalised(
          at.map((i) => partScores[i]),
          at.map((i) => detector.normalisation[i]),
        );
        const auc = rocAuc(scores, anomalous);
        (aucs.get(s) as ClassAuc[]).push({ class: c, name: names[c], auc });
        line.push(`${s} ${auc.toFixed(3)}`);
        if (s === chosen) curves.push({ name: `${c} ${names[c]} (${auc.toFixed(3)})`, ...rocCurve(scores, anomalous) });
      }
      const t2 = Date.now();
      perClass.push({ class: c, train: (t1 - t0) / 1000, score: (t2 - t1) / 1000 });
      log(`${what}: ROC AUC ${line.join(', ')} (train ${((t1 - t0) / 1000).toFixed(0)} s, score ${((t2 - t1) / 1000).toFixed(0)} s)`);
      built.autoencoder.dispose();
      if (c !== classes[classes.length - 1]) await publish(false);
    }
    const results = await publish(true);
    await writeFileAtomic(
      path.join(options.out, 'roc.png'),
      await lineChartPng(
        curves.map((cv) => ({ name: cv.name, x: cv.fpr, y: cv.tpr })),
        {
          title: `${mode} ROC curves, score ${chosen}: mean AUC ${results.mean_auc.toFixed(3)}`,
          xLabel: 'false positive rate',
          yLabel: 'true positive rate',
          width: 720,
          height: 540,
        },
      ),
    );
    log(`mean ROC AUC (${chosen}) ${results.mean_auc.toFixed(4)}; wrote ${options.out}/results.json, results.md, roc.png`);
    return results;
  } finally {
    await data.close?.();
  }
}

/** The training pool and the evaluation split of a protocol. */
function splitsOf(data: Dataset, protocol: BenchmarkProtocol, seed: number): { pool: AnySamples; evaluation: AnySamples } {
  // Fashion-MNIST's validation images are official training images; an image folder's come from test/ or its own folder.
  const pool = data.spec.kind === 'fashion-mnist' ? concatSamples([data.train, data.valid]) : data.train;
  if (protocol === 'dev') {
    const { train, valid } = seededSplit(pool.count, 0.1, seed);
    return { pool: pickSamples(pool, train), evaluation: pickSamples(pool, valid) };
  }
  const evaluation = data.test;
  if (evaluation === undefined)
    throw new ArgumentError('images', `the benchmark needs a test split (a test/ folder); ${data.source} has none`);
  return { pool, evaluation };
}

function resultsMarkdown(r: AnomalyBenchmarkResults, kind: 'fashion-mnist' | 'cifar10' | null): string {
  const pct = (x: number): string => (100 * x).toFixed(1);
  const scores = Object.keys(r.all_scores);
  const published = r.benchmark === 'one-class' && r.protocol === 'test' && kind === 'fashion-mnist' ? FASHION_PUBLISHED : {};
  const head = ['class', ...scores.map((s) => (s === r.score ? `**${s}**` : s)), ...Object.keys(published)];
  const rows = r.classes.map((c, i) => [
    `${c.class} ${c.name}`,
    ...scores.map((s) => pct(r.all_scores[s].classes[i].auc)),
    ...Object.values(published).map((v) => v[c.class].toFixed(1)),
  ]);
  rows.push([
    '**mean**',
    ...scores.map((s) => `**${pct(r.all_scores[s].mean_auc)}**`),
    ...Object.values(published).map((v) => (v.reduce((a, b) => a + b, 0) / v.length).toFixed(1)),
  ]);
  const table = [head, head.map(() => '---'), ...rows].map((cells) => `| ${cells.join(' | ')} |`).join('\n');
  const means =
    r.benchmark === 'one-class' && r.protocol === 'test' && kind !== null
      ? `\n\nPublished means on the same protocol (ROC AUC %): ${PUBLISHED_MEANS[kind].map(([n, v]) => `${n} ${v}`).join(', ')}.`
      : '';
  const protocol =
    r.benchmark === 'one-class'
      ? "per class: trained on that class's training images only; scored on every image of the evaluation split (that class normal, the others anomalous)"
      : 'per class: trained on the training images of every other class; scored on every image of the evaluation split (that class anomalous)';
  return (
    `# ${r.benchmark} anomaly benchmark: ${r.dataset}\n\n` +
    `Protocol: ${protocol}. Evaluation split: ${r.protocol === 'test' ? 'the official test split' : 'dev (a seeded 10 % of the training split; the test split unused)'}. ` +
    `Model: ${r.model}, ${r.settings.epochs} epochs, batch ${r.settings.batchSize}, ${r.settings.optimizer} lr ${r.settings.lr}, seed ${r.settings.seed}; k = ${r.settings.k}. ` +
    `${r.complete ? '' : `**Incomplete: ${r.classes.length} classes so far.** `}Chosen score: **${r.score}** (mean ROC AUC ${pct(r.mean_auc)} %). Time: ${(r.seconds.total / 60).toFixed(1)} min on ${r.engine.replace(/^engine: /, '')}. Finished ${r.finished}.\n\n` +
    `ROC AUC (%) per class and score:\n\n${table}${means}\n`
  );
}
