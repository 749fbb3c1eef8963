/**
 * `aekit anomalies RUN` on a run trained on series windows (`--series`): window reconstruction
 * errors become scores per time step (centred or causal), normalised to [0, 1]; the steps above
 * the threshold (the largest training window error, as in Keras's example, or a percentile of
 * those errors) are flagged. Writes OUT_DIR/scores.csv, intervals.json and series.png.
 */
import * as path from 'node:path';
import { type Command, Option } from 'commander';
import { reconstructionErrors } from '../../analysis/scores.js';
import {
  errorThreshold,
  flaggedIntervals,
  normaliseScores,
  STEP_SCORE_MODES,
  type StepScoreMode,
  stepScores,
} from '../../analysis/series-scores.js';
import { writeFileAtomic } from '../../core/fs.js';
import type { Dataset } from '../../data/dataset.js';
import { type SeriesDataset, seriesWindows, windowStarts } from '../../data/series.js';
import { runDataset } from '../../runs/run-data.js';
import type { SavedRun } from '../../runs/saved-run.js';
import { seriesPlotPng } from '../../viz/series-plot.js';
import { type DataFlags, dataRequestOf, memoryBudgetOf } from '../data-flags.js';
import { choiceFlag, UsageError } from '../options.js';

/** Defaults of the series flags of `aekit anomalies`. */
export const SERIES_ANOMALY_DEFAULTS = { stepScores: 'centred', seriesThreshold: 'max' } as const;

/** The flags {@link seriesAnomalies} reads. */
export interface SeriesAnomalyFlags extends DataFlags {
  threshold: 'auto' | number;
  percentile: number;
  input?: string;
  holdoutClass?: number;
  stepScores: StepScoreMode;
  seriesThreshold: 'max' | 'percentile';
}

/** Adds the flags only series runs use to `aekit anomalies`. */
export function addSeriesAnomalyFlags(command: Command): Command {
  return command
    .addOption(
      new Option(
        '--step-scores <mode>',
        'series runs: a step scores the mean error of the windows covering it (centred), or the error of the window ending at it (causal: rows ≤ t only)',
      )
        .argParser(choiceFlag(STEP_SCORE_MODES))
        .default(SERIES_ANOMALY_DEFAULTS.stepScores),
    )
    .addOption(
      new Option(
        '--series-threshold <rule>',
        "series runs, with --threshold auto: max (the largest training window error, the Keras example's) or percentile (--percentile of the training window errors)",
      )
        .argParser(choiceFlag(['max', 'percentile'] as const))
        .default(SERIES_ANOMALY_DEFAULTS.seriesThreshold),
    );
}

/** True when `data` holds a whole series (a `--series` run's data). */
export function isSeriesData(data: Dataset): data is SeriesDataset {
  return data.spec.kind === 'series' && 'series' in data;
}

const fmt = (x: number): string => x.toPrecision(4);

/**
 * Scores the series of `run` (or the series its data flags give, prepared the run's way) per time
 * step and writes scores.csv, intervals.json and series.png into `outDir`.
 */
export async function seriesAnomalies(run: SavedRun, flags: SeriesAnomalyFlags, outDir: string): Promise<void> {
  if (flags.input !== undefined) throw new UsageError('--input reads images: give another series of a series run with --series FILE');
  if (flags.holdoutClass !== undefined) throw new UsageError('--holdout-class applies to labelled samples, not to a series run');
  const request = dataRequestOf(flags);
  if (request !== undefined && request.kind !== 'series')
    throw new UsageError(`this run was trained on series windows: give other data with --series FILE, not as ${request.kind}`);
  const budget = memoryBudgetOf(flags);
  const own = await runDataset(run.metrics, { model: run.model, memoryBudget: budget });
  const data = request === undefined ? own : await runDataset(run.metrics, { request, model: run.model, memoryBudget: budget });
  if (!isSeriesData(own) || !isSeriesData(data)) throw new UsageError("the run's data is not a series (train it with --series FILE)");
  const { series, spec } = data;
  const features = series.columns.length;
  // The threshold comes from the run's own training windows, as in the Keras example.
  const trainErrors = await reconstructionErrors(run.model, own.train, own.train.count);
  const threshold =
    flags.threshold !== 'auto'
      ? flags.threshold
      : errorThreshold(trainErrors, flags.seriesThreshold === 'max' ? { method: 'max' } : { method: 'percentile', q: flags.percentile });
  const how =
    flags.threshold !== 'auto'
      ? 'given with --threshold'
      : flags.seriesThreshold === 'max'
        ? `the largest of ${trainErrors.length} training window errors`
        : `the ${flags.percentile}th percentile of ${trainErrors.length} training window errors`;
  const starts = windowStarts(0, series.rows, spec.window, spec.stride);
  const errors = await reconstructionErrors(run.model, seriesWindows(series.scaled, features, spec.window, starts), starts.length);
  const raw = stepScores(errors, starts, spec.window, series.rows, flags.stepScores);
  const { scores, low, high } = normaliseScores(raw);
  const normalisedThreshold = high > low ? (threshold - low) / (high - low) : threshold > low ? 1 : 0;
  const intervals = flaggedIntervals(raw, threshold);
  const flagged = new Uint8Array(series.rows);
  for (const f of intervals) flagged.fill(1, f.start, f.end + 1);

  const csv = [['timestamp', ...series.columns, 'score', 'error', 'flagged'].join(',')];
  for (let t = 0; t < series.rows; t++) {
    const values = Array.from({ length: features }, (_, c) => String(series.values[t * features + c]));
    csv.push(
      [series.timestamps[t], ...values, scores[t].toPrecision(6), Number.isNaN(raw[t]) ? '' : raw[t].toPrecision(6), flagged[t]].join(','),
    );
  }
  await writeFileAtomic(path.join(outDir, 'scores.csv'), `${csv.join('\n')}\n`);
  const summary = {
    file: spec.file,
    rows: series.rows,
    window: spec.window,
    stride: spec.stride,
    stepScores: flags.stepScores,
    error: 'mse of each window (z-scores)',
    threshold: { error: threshold, normalised: normalisedThreshold, how },
    normalisation: { low, high },
    intervals: intervals.map((f) => ({
      start: f.start,
      end: f.end,
      rows: f.end - f.start + 1,
      startTime: series.timestamps[f.start],
      endTime: series.timestamps[f.end],
      peakTime: series.timestamps[f.peakRow],
      peakError: f.peak,
    })),
  };
  await writeFileAtomic(path.join(outDir, 'intervals.json'), `${JSON.stringify(summary, null, 2)}\n`);
  const png = await seriesPlotPng({
    values: series.columns.map((name, c) => ({
      name,
      values: Array.from({ length: series.rows }, (_, t) => series.values[t * features + c]),
    })),
    scores,
    threshold: Math.min(1, normalisedThreshold),
    flagged: intervals,
    firstTime: series.timestamps[0],
    lastTime: series.timestamps[series.rows - 1],
    title: `${path.basename(spec.file)}: ${flags.stepScores} scores of ${spec.window}-step windows`,
  });
  await writeFileAtomic(path.join(outDir, 'series.png'), png);
  console.log(`${data.source}`);
  console.log(`threshold ${fmt(threshold)} (window mse; ${fmt(normalisedThreshold)} on the [0, 1] score scale): ${how}`);
  console.log(
    `${intervals.length} flagged interval(s), ${flagged.reduce((a, b) => a + b, 0)} of ${series.rows} rows (${flags.stepScores} step scores):`,
  );
  for (const f of summary.intervals.slice(0, 10))
    console.log(`  rows ${f.start}–${f.end} (${f.startTime} … ${f.endTime}), peak error ${fmt(f.peakError)}`);
  if (intervals.length > 10) console.log(`  … ${intervals.length - 10} more in ${path.join(outDir, 'intervals.json')}`);
  console.log(`wrote ${path.join(outDir, 'scores.csv')}, intervals.json and series.png`);
}
