/** `aekit anomalies RUN_DIR`: reconstruction errors as anomaly scores, a threshold, pictures, and a ROC AUC against known labels. */

import * as path from 'node:path';
import { Command } from 'commander';
import { ERROR_METRICS, type ErrorMetric, percentile, reconstructionErrors, rocAuc } from '../../analysis/scores.js';
import { writeFileAtomic } from '../../core/fs.js';
import type { Dataset } from '../../data/dataset.js';
import { readImages } from '../../data/image-files.js';
import { type AnySamples, floatRows, type Samples } from '../../data/samples.js';
import { withoutLabel } from '../../data/subsets.js';
import { type BackendName, useBackend } from '../../engine/backend.js';
import { runDataset, splitOf } from '../../runs/run-data.js';
import { openRun } from '../../runs/saved-run.js';
import { errorGridPng, histogramPng } from '../../viz/anomaly-plots.js';
import { addDataFlags, type DataFlags, dataRequestOf, memoryBudgetOf } from '../data-flags.js';
import { backendOption, choiceFlag, intFlag, percentileFlag, thresholdFlag, UsageError } from '../options.js';
import { decodingProgress } from '../progress.js';
import { addSeriesAnomalyFlags, type SeriesAnomalyFlags, seriesAnomalies } from './series-anomalies.js';

/** Defaults of `aekit anomalies` (shown in `--help`): the threshold is the 99th percentile of the validation errors. */
export const ANOMALY_DEFAULTS = { split: 'test', threshold: 'auto', percentile: 99, metric: 'mse', worst: 30 } as const;

interface AnomalyFlags extends DataFlags {
  split: 'valid' | 'test';
  input?: string;
  threshold: 'auto' | number;
  percentile: number;
  metric: ErrorMetric;
  worst: number;
  holdoutClass?: number;
  outDir?: string;
  backend: BackendName;
}

const fmt = (x: number): string => x.toPrecision(4);

/** The class whose detection the ROC AUC measures: given, else the class the run left out, else the rarer of two classes in the run's validation data. */
function positiveClass(
  given: number | undefined,
  excluded: number | null,
  knownLabels: ArrayLike<number> | undefined,
  classes: number,
): { label: number; why: string } | null {
  if (given !== undefined) return { label: given, why: 'given with --holdout-class' };
  if (excluded !== null) return { label: excluded, why: 'the class this run was trained without' };
  if (classes === 2 && knownLabels !== undefined) {
    let ones = 0;
    for (let i = 0; i < knownLabels.length; i++) ones += knownLabels[i] === 1 ? 1 : 0;
    const label = ones <= knownLabels.length - ones ? 1 : 0;
    return { label, why: "the rarer of the two classes in the run's validation data" };
  }
  return null;
}

/** Builds the `anomalies` command. */
export function anomaliesCommand(): Command {
  const command = new Command('anomalies')
    .description(
      "score samples by reconstruction error (the run's data, or the data given); writes OUT_DIR/scores.csv, histogram.png, summary.json, worst.png for images, and prints the samples above the threshold. With labels it reports the ROC AUC for detecting a class: the one the run was trained without (--exclude-class), --holdout-class, or the rarer of two classes (e.g. a table's label column)",
    )
    .argument('<run-dir>', "directory written by 'aekit train'")
    .option(
      '--split <name>',
      'samples to score: valid, test (test when the data has one, else valid)',
      choiceFlag(['valid', 'test'] as const),
    )
    .option(
      '--input <path>',
      "score these images instead: a directory of PNG, JPEG or WebP files (resized to the run's size), or an IDX image file",
    )
    .option(
      '--threshold <auto|x>',
      `'auto' = the --percentile of the validation errors (classes the run excluded left out), or an error value`,
      thresholdFlag,
      ANOMALY_DEFAULTS.threshold,
    )
    .option('--percentile <q>', 'percentile of the validation errors used by --threshold auto', percentileFlag, ANOMALY_DEFAULTS.percentile)
    .option(
      '--metric <name>',
      `error per sample: ${ERROR_METRICS.join(' (mean squared error), ')} (mean binary cross-entropy)`,
      choiceFlag(ERROR_METRICS),
      ANOMALY_DEFAULTS.metric,
    )
    .option('--worst <n>', 'images in worst.png', intFlag(1), ANOMALY_DEFAULTS.worst)
    .option(
      '--holdout-class <n>',
      'class whose detection the ROC AUC measures (default: the class the run was trained without, or the rarer of two classes)',
      intFlag(0),
    )
    .option('--out-dir <dir>', 'directory for the outputs (default: RUN_DIR/anomalies)');
  addDataFlags(command, 'score');
  addSeriesAnomalyFlags(command);
  return command.addOption(backendOption()).action(async (dir: string, flags: AnomalyFlags) => {
    const outDir = flags.outDir ?? path.join(dir, 'anomalies');
    await useBackend(flags.backend);
    const run = await openRun(dir);
    // Series runs (--series): scores per time step, in their own module.
    if (run.metrics.data.spec?.kind === 'series') return seriesAnomalies(run, flags as AnomalyFlags & SeriesAnomalyFlags, outDir);
    const excluded = (run.metrics.options as { excludeClass?: number | null }).excludeClass ?? null;
    const request = dataRequestOf(flags);
    if (flags.input !== undefined && request !== undefined) throw new UsageError('--input and a data flag: give one of them');
    // The threshold comes from the run's own validation data, of the classes it was trained on.
    const progress = decodingProgress();
    const budget = memoryBudgetOf(flags);
    // Training samples are never scored here: an image folder's are not decoded.
    const own = await runDataset(run.metrics, { model: run.model, memoryBudget: budget, progress, skipTrain: true });
    const data = request === undefined ? own : await runDataset(run.metrics, { request, model: run.model, memoryBudget: budget, progress });
    try {
      const classes = data.classes ?? [];
      const ownValid = excluded === null ? own.valid : withoutLabel(own.valid, excluded, own.classes ?? []);
      const threshold =
        flags.threshold === 'auto'
          ? percentile(await reconstructionErrors(run.model, ownValid, ownValid.count, flags.metric), flags.percentile)
          : flags.threshold;
      const how =
        flags.threshold === 'auto'
          ? `the ${flags.percentile}th percentile of ${ownValid.count} validation errors${excluded === null ? '' : ` (class ${excluded} ${own.classes?.[excluded] ?? ''} left out, as in training)`}`
          : 'given with --threshold';
      // Other data given: all of it is scored (its own split only when it has train and test parts).
      const splitName = flags.split ?? (data.test !== undefined ? 'test' : 'valid');
      // --input: image files (named in the output) or an IDX file, at the run's size and colour.
      const image = data.image ?? { height: 28, width: 28, channels: 1 as const };
      const files =
        flags.input === undefined
          ? null
          : await readImages(flags.input, {
              size: { height: image.height, width: image.width },
              resize: true,
              colour: image.channels === 3 ? 'rgb' : 'grey',
            });
      const everything = request !== undefined && data.test === undefined && flags.split === undefined;
      const scored: AnySamples =
        files !== null
          ? { x: files.images, shape: data.train.shape, count: files.count }
          : everything
            ? concatenated(data)
            : splitOf(data, splitName);
      const where = files !== null ? 'input' : everything ? 'all' : splitName;
      const count = scored.count;
      const labels = scored.labels;
      const className = (l: number): string => classes[l] ?? `class ${l}`;
      const name = (i: number): string =>
        files !== null ? files.names[i] : `${where}[${i}]${labels === undefined ? '' : ` ${className(labels[i])}`}`;
      const errors = await reconstructionErrors(run.model, scored, count, flags.metric);
      const order = Array.from({ length: count }, (_, i) => i).sort((a, b) => errors[b] - errors[a]);
      const above = order.filter((i) => errors[i] > threshold);

      const positive = labels === undefined ? null : positiveClass(flags.holdoutClass, excluded, own.valid.labels, classes.length);
      if (positive !== null && classes.length > 0 && positive.label >= classes.length)
        throw new UsageError(`--holdout-class ${positive.label}: the data has classes 0–${classes.length - 1} (${classes.join(', ')})`);
      let auc: number | null = null;
      if (positive !== null && labels !== undefined) {
        const isPositive = Array.from(labels, (l) => l === positive.label);
        if (isPositive.some((p) => p) && isPositive.some((p) => !p)) auc = rocAuc(errors, isPositive);
      }

      const csv = [files === null ? 'index,label,error,anomaly' : 'index,file,error,anomaly'];
      for (let i = 0; i < count; i++)
        csv.push(
          `${i},${files !== null ? files.names[i] : labels === undefined ? '' : labels[i]},${errors[i]},${errors[i] > threshold ? 1 : 0}`,
        );
      await writeFileAtomic(path.join(outDir, 'scores.csv'), `${csv.join('\n')}\n`);
      const written = ['scores.csv', 'histogram.png', 'summary.json'];
      if (data.image !== undefined) {
        const worst = order.slice(0, flags.worst).map((i) => ({
          pixels: floatRows(scored, [i], 0, 1),
          caption: [
            fmt(errors[i]),
            files !== null ? files.names[i].slice(0, 14) : labels === undefined ? `#${i}` : className(labels[i]).slice(0, 14),
          ],
        }));
        await writeFileAtomic(
          path.join(outDir, 'worst.png'),
          await errorGridPng(worst, { title: `worst ${worst.length} by ${flags.metric}`, shape: data.image }),
        );
        written.push('worst.png');
      }
      const groups =
        positive !== null && labels !== undefined
          ? [
              { name: 'other classes', values: errors.filter((_, i) => labels[i] !== positive.label) },
              {
                name: `class ${positive.label} ${className(positive.label)}`,
                values: errors.filter((_, i) => labels[i] === positive.label),
              },
            ]
          : [{ name: where, values: errors }];
      await writeFileAtomic(
        path.join(outDir, 'histogram.png'),
        await histogramPng(groups, {
          threshold,
          xLabel: `reconstruction error (${flags.metric})`,
          title: `reconstruction errors${auc === null ? '' : `, ROC AUC ${auc.toFixed(3)}`}`,
        }),
      );
      const summary = {
        source: data.source,
        split: where,
        count,
        metric: flags.metric,
        threshold,
        thresholdRule: how,
        above: above.length,
        excludedClassInTraining: excluded,
        positiveClass: positive?.label ?? null,
        positiveClassRule: positive?.why ?? null,
        rocAuc: auc,
        worst: order
          .slice(0, flags.worst)
          .map((i) => ({ index: i, label: labels?.[i] ?? null, file: files?.names[i] ?? null, error: errors[i] })),
      };
      await writeFileAtomic(path.join(outDir, 'summary.json'), `${JSON.stringify(summary, null, 2)}\n`);

      console.log(`threshold ${fmt(threshold)} (${flags.metric}): ${how}`);
      console.log(
        `${above.length} of ${count} ${data.image === undefined ? 'samples' : 'images'} above the threshold (${((100 * above.length) / count).toFixed(1)}%); the worst:`,
      );
      for (const i of above.slice(0, 10)) console.log(`  ${name(i)}: ${fmt(errors[i])}`);
      if (above.length > 10) console.log(`  … ${above.length - 10} more in ${path.join(outDir, 'scores.csv')}`);
      if (auc !== null && positive !== null && labels !== undefined) {
        const caught = above.filter((i) => labels[i] === positive.label).length;
        const total = Array.from(labels).filter((l) => l === positive.label).length;
        console.log(
          `ROC AUC for detecting class ${positive.label} (${className(positive.label)}, ${positive.why}) among ${count} ${where} samples: ${auc.toFixed(4)}; above the threshold: ${caught} of ${total}`,
        );
      } else if (positive !== null) console.log(`no ROC AUC: the scored samples are all of one kind for class ${positive.label}`);
      console.log(`wrote ${outDir}/${written.join(', ')}`);
    } finally {
      await data.close?.();
      if (data !== own) await own.close?.();
    }
  });
}

/** Every sample of other data given to score: its train and validation parts, one after the other. */
function concatenated(data: Dataset): Samples {
  const parts = [data.train, data.valid];
  const count = parts.reduce((n, p) => n + p.count, 0);
  const per = data.train.shape.reduce((a, b) => a * b, 1);
  const x = new Float32Array(count * per);
  const labelled = parts.every((p) => p.labels !== undefined);
  const labels = labelled ? new Uint8Array(count) : undefined;
  let at = 0;
  for (const p of parts) {
    x.set(floatRows(p, null, 0, p.count), at * per);
    if (labels !== undefined && p.labels !== undefined) labels.set(p.labels.subarray(0, p.count), at);
    at += p.count;
  }
  return { x, shape: data.train.shape, count, ...(labels === undefined ? {} : { labels }) };
}
