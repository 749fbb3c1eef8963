/**
 * `aekit anomalies RUN_DIR`: anomaly scores of a run's data (or other data) from a detector fitted
 * on the run's training data and kept in the run directory; a threshold, pictures, and ROC AUCs
 * against known labels.
 */

import * as path from 'node:path';
import { Command } from 'commander';
import {
  ANOMALY_SCORES,
  AnomalyDetector,
  comparableScores,
  DEFAULT_ANOMALY_SCORES,
  type DetectorModels,
  parseScore,
  sumNormalised,
} from '../../analysis/detector.js';
import { percentile, rocAuc } from '../../analysis/scores.js';
import { writeFileAtomic } from '../../core/fs.js';
import { type Dataset, pixelNormalization } from '../../data/dataset.js';
import { readImages } from '../../data/image-files.js';
import { parseNpy, readData } from '../../data/npy.js';
import {
  type AnySamples,
  concatSamples,
  firstSamples,
  floatRows,
  globalContrastNormalize,
  type Samples,
  sampleSize,
} from '../../data/samples.js';
import { onlyLabels, withoutLabel } from '../../data/subsets.js';
import { type BackendName, useBackend } from '../../engine/backend.js';
import { loadDetector, saveDetector } from '../../runs/detector-store.js';
import { runDataset, splitOf } from '../../runs/run-data.js';
import { openRun } from '../../runs/saved-run.js';
import { loadModel } from '../../training/io.js';
import { errorGridPng, histogramPng } from '../../viz/anomaly-plots.js';
import { addDataFlags, type DataFlags, dataRequestOf, memoryBudgetOf } from '../data-flags.js';
import {
  anomalyScoreFlag,
  backendOption,
  choiceFlag,
  fractionFlag,
  intFlag,
  percentileFlag,
  thresholdFlag,
  UsageError,
} from '../options.js';
import { decodingProgress } from '../progress.js';
import { addSeriesAnomalyFlags, type SeriesAnomalyFlags, seriesAnomalies } from './series-anomalies.js';

/** Defaults of `aekit anomalies` (shown in `--help`): the threshold is the 99th percentile of the validation scores. */
export const ANOMALY_DEFAULTS = {
  split: 'test',
  threshold: 'auto',
  percentile: 99,
  score: DEFAULT_ANOMALY_SCORES,
  worst: 30,
  k: 5,
} as const;

interface AnomalyFlags extends DataFlags {
  split: 'valid' | 'test';
  input?: string;
  threshold: 'auto' | number;
  percentile: number;
  contamination?: number;
  score?: string;
  k: number;
  refit?: boolean;
  worst: number;
  holdoutClass?: number;
  outDir?: string;
  backend: BackendName;
}

const fmt = (x: number): string => x.toPrecision(4);

/** Which labels count as anomalous for the ROC AUC, and why. */
interface Positive {
  isAnomalous: (label: number) => boolean;
  /** The class, when one class is the anomaly. */
  label: number | null;
  what: string;
  why: string;
}

/**
 * The classes whose detection the ROC AUC measures: `--holdout-class`, else those the run was not
 * trained on (`--exclude-class`, `--only-class`), else the rarer of two classes of its validation data.
 */
function positiveOf(
  given: number | undefined,
  excluded: number | null,
  only: number[] | null,
  knownLabels: ArrayLike<number> | undefined,
  classes: readonly string[],
): Positive | null {
  const name = (l: number): string => classes[l] ?? `class ${l}`;
  const one = (label: number, why: string): Positive => ({
    isAnomalous: (l) => l === label,
    label,
    what: `class ${label} ${name(label)}`,
    why,
  });
  if (given !== undefined) return one(given, 'given with --holdout-class');
  if (excluded !== null) return one(excluded, 'the class this run was trained without');
  if (only !== null) {
    const keep = new Set(only);
    return {
      isAnomalous: (l) => !keep.has(l),
      label: null,
      what: `every class but ${only.map((l) => `${l} ${name(l)}`).join(', ')}`,
      why: 'the classes this run was not trained on (--only-class)',
    };
  }
  if (classes.length === 2 && knownLabels !== undefined) {
    let ones = 0;
    for (let i = 0; i < knownLabels.length; i++) ones += knownLabels[i] === 1 ? 1 : 0;
    return one(ones <= knownLabels.length - ones ? 1 : 0, "the rarer of the two classes in the run's validation data");
  }
  return null;
}

/** Builds the `anomalies` command. */
export function anomaliesCommand(): Command {
  const command = new Command('anomalies')
    .description(
      "score samples with an anomaly detector fitted on the run's training data (kept in RUN_DIR/detectors/ and reused): the run's data, other data (the data flags), or --input files. Writes OUT_DIR/scores.csv, histogram.png, summary.json, worst.png for images, and prints the samples above the threshold. With labels it reports the ROC AUC for detecting the classes the run was not trained on (--exclude-class, --only-class), --holdout-class, or the rarer of two classes (e.g. a table's label column); --score all compares every score",
    )
    .argument('<run-dir>', "directory written by 'aekit train'")
    .option(
      '--score <name>',
      `anomaly score: ${ANOMALY_SCORES.join(', ')}, a + sum of them (normalised on the training data), or all (a comparison table; the outputs use the default) (default: ${DEFAULT_ANOMALY_SCORES.images} for images, ${DEFAULT_ANOMALY_SCORES.other} for tables and arrays)`,
      anomalyScoreFlag,
    )
    .option('--k <n>', 'neighbours of the k-NN scores', intFlag(1), ANOMALY_DEFAULTS.k)
    .option('--refit', 'fit the detector again even if the run directory holds one')
    .option(
      '--split <name>',
      'samples to score: valid, test (test when the data has one, else valid)',
      choiceFlag(['valid', 'test'] as const),
    )
    .option(
      '--input <path>',
      "score these instead: a directory of PNG, JPEG or WebP files (resized to the run's size and colour), an IDX image file, or a .npy array of the run's sample shape",
    )
    .option(
      '--threshold <auto|x>',
      `'auto' = the --percentile of the validation scores (of the classes the run was trained on), or a score value`,
      thresholdFlag,
      ANOMALY_DEFAULTS.threshold,
    )
    .option('--percentile <q>', 'percentile of the validation scores used by --threshold auto', percentileFlag, ANOMALY_DEFAULTS.percentile)
    .option('--contamination <rate>', "PyOD's rule instead: the threshold is the (1 − rate) quantile of the training scores", fractionFlag)
    .option('--worst <n>', 'images in worst.png', intFlag(1), ANOMALY_DEFAULTS.worst)
    .option(
      '--holdout-class <n>',
      'class whose detection the ROC AUC measures (default: the classes the run was trained without, or the rarer of two classes)',
      intFlag(0),
    )
    .option('--out-dir <dir>', 'directory for the outputs (default: RUN_DIR/anomalies)');
  addDataFlags(command, 'score');
  addSeriesAnomalyFlags(command);
  return command.addOption(backendOption()).action(async (dir: string, flags: AnomalyFlags) => {
    const outDir = flags.outDir ?? path.join(dir, 'anomalies');
    if (flags.contamination !== undefined && flags.threshold !== 'auto')
      throw new UsageError('--contamination and --threshold X: give one of them');
    if (flags.contamination !== undefined && !(flags.contamination < 0.5))
      throw new UsageError(`--contamination: expected a rate below 0.5, got ${flags.contamination}`);
    await useBackend(flags.backend);
    const run = await openRun(dir);
    // Series runs (--series): scores per time step, in their own module.
    if (run.metrics.data.spec?.kind === 'series') return seriesAnomalies(run, flags as AnomalyFlags & SeriesAnomalyFlags, outDir);
    const options = run.metrics.options as { excludeClass?: number | null; onlyClass?: number[] | null; limit?: number | null };
    const excluded = options.excludeClass ?? null;
    const only = options.onlyClass ?? null;
    const request = dataRequestOf(flags);
    if (flags.input !== undefined && request !== undefined) throw new UsageError('--input and a data flag: give one of them');
    const models: DetectorModels = { autoencoder: run.model, encoder: await loadModel(path.join(dir, 'encoder')) };
    const image = run.metrics.data.image;
    const isImages = image !== undefined || run.metrics.data.spec === undefined || run.metrics.data.spec.kind === 'fashion-mnist';
    const fallback = isImages ? DEFAULT_ANOMALY_SCORES.images : DEFAULT_ANOMALY_SCORES.other;
    const primary = flags.score === undefined || flags.score === 'all' ? fallback : flags.score;
    const names = flags.score === 'all' ? comparableScores({ vae: run.metrics.model === 'vae', images: isImages }) : [primary];
    const progress = decodingProgress();
    const budget = memoryBudgetOf(flags);

    // Detectors saved in the run directory are reused; the others are fitted on the run's training data (its classes) and saved.
    const detectors = new Map<string, AnomalyDetector>();
    const missing: string[] = [];
    for (const name of names) {
      const saved = flags.refit === true ? null : await loadDetector(dir, name, models);
      if (saved !== null && saved.k === flags.k) detectors.set(name, saved);
      else missing.push(name);
    }
    const own = await runDataset(run.metrics, { model: run.model, memoryBudget: budget, progress, skipTrain: missing.length === 0 });
    const normalOf = <T extends AnySamples>(s: T): T =>
      excluded !== null ? withoutLabel(s, excluded, own.classes ?? []) : only !== null ? onlyLabels(s, only, own.classes ?? []) : s;
    let data: Dataset = own;
    try {
      if (missing.length > 0) {
        // The samples the model was trained on: its classes, and the first --limit of them.
        const train = options.limit == null ? normalOf(own.train) : firstSamples(normalOf(own.train), options.limit);
        console.log(`fitting the ${missing.join(', ')} detector${missing.length > 1 ? 's' : ''} on ${train.count} training samples`);
        // One detector of every single score needed: the models pass over the training data once for all of them.
        const singles = [...new Set(missing.flatMap((n) => parseScore(n)))];
        const all = await new AnomalyDetector(models, { score: singles.join('+'), k: flags.k }).fit(train);
        for (const name of missing) {
          const detector = all.select(name);
          detectors.set(name, detector);
          await saveDetector(dir, detector);
        }
        console.log(`saved in ${path.join(dir, 'detectors')}/ (reused by later runs of this command)`);
      }
      data = request === undefined ? own : await runDataset(run.metrics, { request, model: run.model, memoryBudget: budget, progress });
      const detector = detectors.get(primary) as AnomalyDetector;
      const classes = data.classes ?? [];
      // The threshold comes from the run's own validation data, of the classes it was trained on.
      const ownValid = normalOf(own.valid);
      let threshold: number;
      let how: string;
      if (flags.contamination !== undefined) {
        threshold = detector.thresholdForContamination(flags.contamination);
        how = `${detector.thresholdRule}, as PyOD's (--contamination)`;
      } else if (flags.threshold === 'auto') {
        threshold = percentile(await detector.score(ownValid), flags.percentile);
        how = `the ${flags.percentile}th percentile of ${ownValid.count} validation scores${excluded === null && only === null ? '' : ' (the classes the run was trained on)'}`;
      } else {
        threshold = flags.threshold;
        how = 'given with --threshold';
      }
      // Other data given: all of it, train and validation parts, is scored (its own split only when it has train and test parts).
      const splitName = flags.split ?? (data.test !== undefined ? 'test' : 'valid');
      const foreign = flags.input === undefined ? null : await readInput(flags.input, data);
      const everything = request !== undefined && data.test === undefined && flags.split === undefined;
      const scored: AnySamples =
        foreign !== null ? foreign.samples : everything ? concatSamples([data.train, data.valid]) : splitOf(data, splitName);
      const where = foreign !== null ? 'input' : everything ? 'all' : splitName;
      const count = scored.count;
      const labels = scored.labels;
      const className = (l: number): string => classes[l] ?? `class ${l}`;
      const name = (i: number): string =>
        foreign !== null ? foreign.names[i] : `${where}[${i}]${labels === undefined ? '' : ` ${className(labels[i])}`}`;
      const scores = await detector.score(scored);
      const order = Array.from({ length: count }, (_, i) => i).sort((a, b) => scores[b] - scores[a]);
      const above = order.filter((i) => scores[i] > threshold);

      const positive = labels === undefined ? null : positiveOf(flags.holdoutClass, excluded, only, own.valid.labels, classes);
      if (positive !== null && positive.label !== null && classes.length > 0 && positive.label >= classes.length)
        throw new UsageError(`--holdout-class ${positive.label}: the data has classes 0–${classes.length - 1} (${classes.join(', ')})`);
      const isPositive = positive !== null && labels !== undefined ? Array.from(labels, (l) => positive.isAnomalous(l)) : null;
      const aucOf = (s: ArrayLike<number>): number | null =>
        isPositive?.some((p) => p) && isPositive.some((p) => !p) ? rocAuc(s, isPositive) : null;
      const auc = aucOf(scores);
      const comparison: Array<{ score: string; rocAuc: number | null }> = [];
      if (flags.score === 'all') {
        // Every single score once (one pass of each model over the samples), then each score from its parts.
        const singles = [...new Set(names.flatMap((n) => parseScore(n)))];
        const parts = new Map<string, Float32Array>(detector.parts.length === 1 ? [[primary, scores]] : []);
        for (const n of singles) if (!parts.has(n)) parts.set(n, await (detectors.get(n) as AnomalyDetector).score(scored));
        for (const n of names) {
          const d = detectors.get(n) as AnomalyDetector;
          const s =
            n === primary
              ? scores
              : d.parts.length === 1
                ? (parts.get(n) as Float32Array)
                : sumNormalised(
                    d.parts.map((p) => parts.get(p) as Float32Array),
                    d.normalisation,
                  );
          comparison.push({ score: n, rocAuc: aucOf(s) });
        }
      }

      const csv = [foreign === null ? 'index,label,score,anomaly' : 'index,file,score,anomaly'];
      for (let i = 0; i < count; i++)
        csv.push(
          `${i},${foreign !== null ? foreign.names[i] : labels === undefined ? '' : labels[i]},${scores[i]},${scores[i] > threshold ? 1 : 0}`,
        );
      await writeFileAtomic(path.join(outDir, 'scores.csv'), `${csv.join('\n')}\n`);
      const written = ['scores.csv', 'histogram.png', 'summary.json'];
      if (data.image !== undefined || isImages) {
        const shape = data.image ?? { height: 28, width: 28, channels: 1 as const };
        const worst = order.slice(0, flags.worst).map((i) => ({
          pixels: floatRows(scored, [i], 0, 1),
          caption: [
            fmt(scores[i]),
            foreign !== null ? foreign.names[i].slice(0, 14) : labels === undefined ? `#${i}` : className(labels[i]).slice(0, 14),
          ],
        }));
        await writeFileAtomic(
          path.join(outDir, 'worst.png'),
          await errorGridPng(worst, { title: `worst ${worst.length} by ${primary}`, shape }),
        );
        written.push('worst.png');
      }
      const groups =
        isPositive !== null && positive !== null
          ? [
              { name: 'normal', values: scores.filter((_, i) => !isPositive[i]) },
              {
                name: positive.label === null ? 'other classes' : `class ${positive.label} ${className(positive.label)}`,
                values: scores.filter((_, i) => isPositive[i]),
              },
            ]
          : [{ name: where, values: scores }];
      await writeFileAtomic(
        path.join(outDir, 'histogram.png'),
        await histogramPng(groups, {
          threshold,
          xLabel: `anomaly score (${primary})`,
          title: `anomaly scores${auc === null ? '' : `, ROC AUC ${auc.toFixed(3)}`}`,
        }),
      );
      const summary = {
        source: foreign !== null ? flags.input : data.source,
        split: where,
        count,
        score: primary,
        k: detector.k,
        detector: path.join(dir, 'detectors', primary),
        threshold,
        thresholdRule: how,
        above: above.length,
        excludedClassInTraining: excluded,
        onlyClassesInTraining: only,
        positiveClass: positive?.label ?? null,
        positiveClassRule: positive === null ? null : `${positive.what}: ${positive.why}`,
        rocAuc: auc,
        ...(comparison.length > 0 ? { scores: comparison } : {}),
        worst: order
          .slice(0, flags.worst)
          .map((i) => ({ index: i, label: labels?.[i] ?? null, file: foreign?.names[i] ?? null, score: scores[i] })),
      };
      await writeFileAtomic(path.join(outDir, 'summary.json'), `${JSON.stringify(summary, null, 2)}\n`);

      console.log(`threshold ${fmt(threshold)} (${primary}): ${how}`);
      console.log(
        `${above.length} of ${count} ${data.image === undefined && !isImages ? 'samples' : 'images'} above the threshold (${((100 * above.length) / count).toFixed(1)}%); the worst:`,
      );
      for (const i of above.slice(0, 10)) console.log(`  ${name(i)}: ${fmt(scores[i])}`);
      if (above.length > 10) console.log(`  … ${above.length - 10} more in ${path.join(outDir, 'scores.csv')}`);
      if (auc !== null && positive !== null && isPositive !== null) {
        const caught = above.filter((i) => isPositive[i]).length;
        const total = isPositive.filter((p) => p).length;
        console.log(
          `ROC AUC for detecting ${positive.what} (${positive.why}) among ${count} ${where} samples: ${auc.toFixed(4)}; above the threshold: ${caught} of ${total}`,
        );
      } else if (positive !== null) console.log(`no ROC AUC: the scored samples are all of one kind for ${positive.what}`);
      if (comparison.length > 0) {
        console.log('score comparison (ROC AUC):');
        for (const c of comparison) console.log(`  ${c.score.padEnd(32)} ${c.rocAuc === null ? '-' : c.rocAuc.toFixed(4)}`);
      }
      console.log(`wrote ${outDir}/${written.join(', ')}`);
    } finally {
      await data.close?.();
      if (data !== own) await own.close?.();
    }
  });
}

/** `--input`: image files (named), an IDX image file, or a `.npy` array, prepared as the run's samples (size, colour, normalisation). */
async function readInput(input: string, data: Dataset): Promise<{ samples: Samples; names: string[] }> {
  const shape = data.train.shape;
  // Prepared as the run's images were (`--normalize gcn`), whatever format they come in.
  const normalize = pixelNormalization(data.spec);
  if (input.toLowerCase().endsWith('.npy')) {
    const npy = parseNpy(await readData(input, 'input'), input);
    const per = sampleSize(shape);
    const count = npy.shape[0] ?? 0;
    if (npy.shape.length < 1 || sampleSize(npy.shape.slice(1)) !== per)
      throw new UsageError(
        `--input '${input}': expected an array of [n, ${shape.join(', ')}] (the run's samples), found [${npy.shape.join(', ')}]`,
      );
    const x = npy.data instanceof Uint8Array ? Float32Array.from(npy.data, (v) => v / 255) : npy.data;
    if (normalize === 'gcn') globalContrastNormalize(x, per);
    return { samples: { x, shape, count }, names: Array.from({ length: count }, (_, i) => `${path.basename(input)}[${i}]`) };
  }
  const image = data.image ?? { height: 28, width: 28, channels: 1 as const };
  const files = await readImages(input, {
    size: { height: image.height, width: image.width },
    resize: true,
    colour: image.channels === 3 ? 'rgb' : 'grey',
  });
  if (normalize === 'gcn') globalContrastNormalize(files.images, sampleSize(shape));
  return { samples: { x: files.images, shape, count: files.count }, names: files.names };
}
