/** `aekit anomalies RUN_DIR`: reconstruction errors as anomaly scores, a threshold, pictures, and a held-out-class ROC AUC. */

import * as path from 'node:path';
import { Command } from 'commander';
import { ERROR_METRICS, type ErrorMetric, percentile, reconstructionErrors, rocAuc } from '../../analysis/scores.js';
import { writeFileAtomic } from '../../core/fs.js';
import { CLASS_NAMES, loadFashionMnist } from '../../data/fashion-mnist.js';
import { readImages } from '../../data/image-files.js';
import { withoutClass } from '../../data/subsets.js';
import { type BackendName, useBackend } from '../../engine/backend.js';
import { openRun } from '../../runs/saved-run.js';
import { errorGridPng, histogramPng } from '../../viz/anomaly-plots.js';
import { backendOption, choiceFlag, classFlag, dataDirOption, intFlag, percentileFlag, thresholdFlag } from '../options.js';

/** Defaults of `aekit anomalies` (shown in `--help`): the threshold is the 99th percentile of the validation errors. */
export const ANOMALY_DEFAULTS = { split: 'test', threshold: 'auto', percentile: 99, metric: 'mse', worst: 30 } as const;

interface AnomalyFlags {
  split: 'valid' | 'test';
  input?: string;
  threshold: 'auto' | number;
  percentile: number;
  metric: ErrorMetric;
  worst: number;
  holdoutClass?: number;
  outDir?: string;
  dataDir?: string;
  backend: BackendName;
}

const fmt = (x: number): string => x.toPrecision(4);

/** Builds the `anomalies` command. */
export function anomaliesCommand(): Command {
  return new Command('anomalies')
    .description(
      'score images by reconstruction error; writes OUT_DIR/scores.csv, worst.png, histogram.png, summary.json and prints the images above the threshold. On a run trained with --exclude-class N, also reports the ROC AUC for detecting class N in the split',
    )
    .argument('<run-dir>', "directory written by 'aekit train'")
    .option('--split <name>', 'images to score: valid, test', choiceFlag(['valid', 'test'] as const), ANOMALY_DEFAULTS.split)
    .option(
      '--input <path>',
      'score these images instead of a split: a directory of 28×28 PNG, JPEG or WebP files (colour becomes grey), or an IDX image file',
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
      `error per image: ${ERROR_METRICS.join(' (mean squared error), ')} (mean binary cross-entropy)`,
      choiceFlag(ERROR_METRICS),
      ANOMALY_DEFAULTS.metric,
    )
    .option('--worst <n>', 'images in worst.png', intFlag(1), ANOMALY_DEFAULTS.worst)
    .option(
      '--holdout-class <n>',
      'class whose detection the ROC AUC measures (default: the class the run was trained without, from its metrics.json)',
      classFlag,
    )
    .option('--out-dir <dir>', 'directory for the outputs (default: RUN_DIR/anomalies)')
    .addOption(dataDirOption())
    .addOption(backendOption())
    .action(async (dir: string, flags: AnomalyFlags) => {
      const outDir = flags.outDir ?? path.join(dir, 'anomalies');
      await useBackend(flags.backend);
      const run = await openRun(dir);
      const excluded = (run.metrics.options as { excludeClass?: number | null }).excludeClass ?? null;
      const input = flags.input === undefined ? null : await readImages(flags.input);
      const data = await loadFashionMnist({ dataDir: flags.dataDir });
      // The threshold comes from validation images of the classes the model was trained on.
      const valid = excluded === null ? data.valid : withoutClass(data.valid, excluded);
      const threshold =
        flags.threshold === 'auto'
          ? percentile(await reconstructionErrors(run.model, valid.x, valid.count, flags.metric), flags.percentile)
          : flags.threshold;
      const how =
        flags.threshold === 'auto'
          ? `the ${flags.percentile}th percentile of ${valid.count} validation errors${excluded === null ? '' : ` (class ${excluded} ${CLASS_NAMES[excluded]} left out, as in training)`}`
          : 'given with --threshold';
      const images = input?.images ?? data[flags.split].x;
      const count = input?.count ?? data[flags.split].count;
      const labels = input === null ? data[flags.split].labels : null;
      const name = (i: number): string => (input === null ? `${flags.split}[${i}] ${CLASS_NAMES[labels![i]]}` : input.names[i]);
      const errors = await reconstructionErrors(run.model, images, count, flags.metric);
      const order = Array.from({ length: count }, (_, i) => i).sort((a, b) => errors[b] - errors[a]);
      const above = order.filter((i) => errors[i] > threshold);

      const holdout = flags.holdoutClass ?? excluded;
      let auc: number | null = null;
      if (holdout !== null && labels !== null)
        auc = rocAuc(
          errors,
          Array.from(labels, (l) => l === holdout),
        );

      const csv = ['index,' + (input === null ? 'label' : 'file') + ',error,anomaly'];
      for (let i = 0; i < count; i++)
        csv.push(`${i},${input === null ? labels![i] : input.names[i]},${errors[i]},${errors[i] > threshold ? 1 : 0}`);
      await writeFileAtomic(path.join(outDir, 'scores.csv'), `${csv.join('\n')}\n`);
      const worst = order.slice(0, flags.worst).map((i) => ({
        pixels: images.subarray(i * 784, (i + 1) * 784),
        caption: [fmt(errors[i]), input === null ? CLASS_NAMES[labels![i]] : input.names[i].slice(0, 14)],
      }));
      await writeFileAtomic(
        path.join(outDir, 'worst.png'),
        await errorGridPng(worst, { title: `worst ${worst.length} by ${flags.metric}` }),
      );
      const groups =
        holdout !== null && labels !== null
          ? [
              { name: 'other classes', values: errors.filter((_, i) => labels[i] !== holdout) },
              { name: `class ${holdout} ${CLASS_NAMES[holdout]}`, values: errors.filter((_, i) => labels[i] === holdout) },
            ]
          : [{ name: input === null ? flags.split : 'input', values: errors }];
      await writeFileAtomic(
        path.join(outDir, 'histogram.png'),
        await histogramPng(groups, {
          threshold,
          xLabel: `reconstruction error (${flags.metric})`,
          title: `reconstruction errors${auc === null ? '' : `, ROC AUC ${auc.toFixed(3)}`}`,
        }),
      );
      const summary = {
        source: input === null ? flags.split : flags.input,
        count,
        metric: flags.metric,
        threshold,
        thresholdRule: how,
        above: above.length,
        excludedClassInTraining: excluded,
        holdoutClass: holdout,
        rocAuc: auc,
        worst: order
          .slice(0, flags.worst)
          .map((i) => ({ index: i, label: labels?.[i] ?? null, file: input?.names[i] ?? null, error: errors[i] })),
      };
      await writeFileAtomic(path.join(outDir, 'summary.json'), `${JSON.stringify(summary, null, 2)}\n`);

      console.log(`threshold ${fmt(threshold)} (${flags.metric}): ${how}`);
      console.log(`${above.length} of ${count} images above the threshold (${((100 * above.length) / count).toFixed(1)}%); the worst:`);
      for (const i of above.slice(0, 10)) console.log(`  ${name(i)}: ${fmt(errors[i])}`);
      if (above.length > 10) console.log(`  … ${above.length - 10} more in ${path.join(outDir, 'scores.csv')}`);
      if (auc !== null) {
        const h = holdout!;
        const caught = above.filter((i) => labels![i] === h).length;
        const total = labels!.filter((l) => l === h).length;
        console.log(
          `ROC AUC for detecting class ${h} (${CLASS_NAMES[h]}) among ${count} ${flags.split} images: ${auc.toFixed(4)}` +
            `${excluded === h ? ' (the class this run was trained without)' : ''}; above the threshold: ${caught} of ${total}`,
        );
      }
      console.log(`wrote ${outDir}/scores.csv, worst.png, histogram.png, summary.json`);
    });
}
