/**
 * Time series as data sets: a CSV file with a header line, a timestamp column and one or more
 * numeric value columns, one row per time step. Samples are sliding windows `[window, features]`;
 * the rows are split by time (the last `validationSplit` of them validate, and no window crosses
 * the boundary), and the z-score scaling is fitted on the training rows only and recorded in the
 * {@link DataSpec}, so that a later command (or another series scored by a trained run) is scaled
 * exactly as the training rows were.
 */

import { promises as fs } from 'node:fs';
import { ArgumentError } from '../core/errors.js';
import type { ColumnScaling, DataSpec, Dataset } from './dataset.js';
import { parseNabTimestamp } from './nab.js';
import type { Samples } from './samples.js';
import { CsvError } from './sequences-csv.js';
import { DEFAULT_VALIDATION_SPLIT } from './split.js';

/** The {@link DataSpec} of a series. */
export type SeriesSpec = Extract<DataSpec, { kind: 'series' }>;

/** Default window length: one day of 5-minute steps (the Keras example's). */
export const DEFAULT_SERIES_WINDOW = 288;

/** What to read from a series file; every field but `file` has a default. */
export interface SeriesRequest {
  /** The CSV file: a header line, then one row per time step, in time order. */
  file: string;
  /** The timestamp column. Default: `timestamp` when the header has it, else the first column. */
  timestampColumn?: string;
  /** Value columns by name, in this order. Default: every column but the timestamp column. */
  valueColumns?: string[];
  /** Time steps per window (sample). Default {@link DEFAULT_SERIES_WINDOW}. */
  window?: number;
  /** Steps between the starts of consecutive windows. Default 1. */
  stride?: number;
  /** Fraction of the rows, the last ones, held out for validation, in (0, 1). Default 0.1. */
  validationSplit?: number;
}

/** Options of {@link loadSeries} and {@link parseSeries}. */
export interface SeriesOptions {
  /** The spec of a run trained earlier: its columns, window, stride and scaling are applied, never refitted. */
  like?: SeriesSpec;
}

/** A series read in full: what scoring per time step needs besides the windows. */
export interface SeriesData {
  /** The timestamp of every row, as written in the file. */
  timestamps: string[];
  /** The timestamps as milliseconds since 1970 (UTC), or the numbers themselves for numeric timestamps. */
  times: Float64Array;
  /** The value columns' names. */
  columns: string[];
  /** Raw values, `rows × features`, row-major. */
  values: Float64Array;
  /** Scaled values (the spec's scaling), `rows × features`, row-major. */
  scaled: Float32Array;
  /** Rows. */
  rows: number;
  /** Rows of the training part (the first ones). */
  trainRows: number;
}

/** A {@link Dataset} of series windows, with the series itself. */
export interface SeriesDataset extends Dataset {
  spec: SeriesSpec;
  series: SeriesData;
}

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/**
 * The start rows of the windows of `window` steps, `stride` apart, that lie inside rows
 * `[from, to)`.
 *
 * @example windowStarts(0, 10, 4, 3) // [0, 3, 6]
 */
export function windowStarts(from: number, to: number, window: number, stride: number): number[] {
  const starts: number[] = [];
  for (let s = from; s + window <= to; s += stride) starts.push(s);
  return starts;
}

/**
 * The windows of `scaled` (`rows × features`, row-major) starting at `starts`, as samples of shape
 * `[window, features]`.
 */
export function seriesWindows(scaled: Float32Array, features: number, window: number, starts: readonly number[]): Samples {
  const per = window * features;
  const x = new Float32Array(starts.length * per);
  starts.forEach((s, k) => {
    x.set(scaled.subarray(s * features, s * features + per), k * per);
  });
  return { x, shape: [window, features], count: starts.length };
}

/** A timestamp as a number: NAB's `YYYY-MM-DD HH:MM:SS`, any ISO 8601 date, or a plain number. */
function timeOf(text: string): number {
  if (NUMBER.test(text)) return Number(text);
  const nab = parseNabTimestamp(text);
  return Number.isNaN(nab) ? Date.parse(text) : nab;
}

function positiveInt(name: string, v: number): void {
  if (!Number.isInteger(v) || v < 1) throw new ArgumentError(name, `expected a positive integer, got ${v}`);
}

/**
 * Parses series CSV `text` (named `source` in errors) into windows: training windows from the
 * first rows, validation windows from the last `validationSplit` of them (no window crosses the
 * boundary), every value z-scored with the training rows' mean and standard deviation (or the
 * `like` run's).
 *
 * @throws {CsvError} one line naming the file, line and column: no header or rows, a missing
 *   column, a field count that differs from the header's, a value that is not a number, a
 *   timestamp that cannot be read or does not increase, too few rows for one window in each part.
 * @throws {ArgumentError} a window, stride or fraction out of range.
 * @example
 * const data = parseSeries('timestamp,value\n1,0.5\n2,0.7\n3,0.1\n4,0.2\n', 'tiny.csv', { window: 2, validationSplit: 0.5 });
 * // data.train.shape = [2, 1]; data.train.count = 1 (rows 1–2); data.valid.count = 1 (rows 3–4)
 */
export function parseSeries(
  text: string,
  source: string,
  request: Omit<SeriesRequest, 'file'> = {},
  options: SeriesOptions = {},
): SeriesDataset {
  const { like } = options;
  const window = request.window ?? like?.window ?? DEFAULT_SERIES_WINDOW;
  const stride = request.stride ?? like?.stride ?? 1;
  const validationSplit = request.validationSplit ?? like?.validationSplit ?? DEFAULT_VALIDATION_SPLIT;
  positiveInt('window', window);
  positiveInt('stride', stride);
  if (!(validationSplit > 0 && validationSplit < 1))
    throw new ArgumentError('validationSplit', `expected a fraction between 0 and 1 (exclusive), got ${validationSplit}`);
  if (like !== undefined && window !== like.window)
    throw new ArgumentError('window', `the run was trained on windows of ${like.window} steps, got {window} ${window}`);

  const lines = text.replace(/^\ufeff/, '').split('\n');
  const split = (line: string): string[] =>
    line
      .replace(/\r$/, '')
      .split(',')
      .map((f) => f.trim().replace(/^"(.*)"$/, '$1'));
  let headerLine = lines.findIndex((l) => l.trim() !== '');
  if (headerLine < 0)
    throw new CsvError(`${source}: the file is empty (expected a header line, then one row per time step)`, 'E_CSV_EMPTY', {
      argument: 'series',
    });
  const header = split(lines[headerLine]);
  headerLine += 1; // 1-based from here
  const missingColumn = (name: string, flag: string): CsvError =>
    new CsvError(`${source}, line ${headerLine}: no column '${name}' (${flag}); the header has ${header.join(', ')}`, 'E_CSV_SHAPE', {
      argument: flag.replace(/^--/, ''),
    });
  const timestampColumn = request.timestampColumn ?? like?.timestampColumn ?? (header.includes('timestamp') ? 'timestamp' : header[0]);
  const tAt = header.indexOf(timestampColumn);
  if (tAt < 0) throw missingColumn(timestampColumn, '--timestamp-column');
  const columns = request.valueColumns ?? like?.valueColumns ?? header.filter((_, i) => i !== tAt);
  if (columns.length === 0)
    throw new CsvError(`${source}, line ${headerLine}: no value column besides the timestamp column '${timestampColumn}'`, 'E_CSV_SHAPE', {
      argument: 'series',
    });
  if (like !== undefined && columns.join(',') !== like.valueColumns.join(','))
    throw new ArgumentError(
      'valueColumn',
      `the run was trained on value column(s) ${like.valueColumns.join(', ')}, got ${columns.join(', ')}`,
    );
  const at = columns.map((c) => {
    const i = header.indexOf(c);
    if (i < 0) throw missingColumn(c, '--value-column');
    if (i === tAt) throw new ArgumentError('valueColumn', `'${c}' is the timestamp column; give value columns only`);
    return i;
  });
  const features = columns.length;

  const timestamps: string[] = [];
  const times: number[] = [];
  const raw: number[] = [];
  for (let l = headerLine; l < lines.length; l++) {
    if (lines[l].trim() === '') continue;
    const line = l + 1;
    const fields = split(lines[l]);
    if (fields.length !== header.length)
      throw new CsvError(
        `${source}, line ${line}: found ${fields.length} field(s), expected ${header.length} (one per header column)`,
        'E_CSV_SHAPE',
        {
          argument: 'series',
        },
      );
    const stamp = fields[tAt];
    const time = timeOf(stamp);
    if (!Number.isFinite(time))
      throw new CsvError(
        `${source}, line ${line}, column '${timestampColumn}': '${stamp}' is not a timestamp (expected YYYY-MM-DD HH:MM:SS, ISO 8601 or a number)`,
        'E_CSV_VALUE',
        { argument: 'series' },
      );
    if (times.length > 0 && time <= times[times.length - 1])
      throw new CsvError(
        `${source}, line ${line}, column '${timestampColumn}': '${stamp}' does not come after the previous row's '${timestamps[timestamps.length - 1]}' (rows must be in time order, without repeats)`,
        'E_CSV_VALUE',
        { argument: 'series' },
      );
    at.forEach((i, c) => {
      const v = fields[i];
      if (!NUMBER.test(v))
        throw new CsvError(`${source}, line ${line}, column '${columns[c]}': '${v}' is not a number`, 'E_CSV_VALUE', {
          argument: 'series',
        });
      raw.push(Number(v));
    });
    timestamps.push(stamp);
    times.push(time);
  }
  const rows = timestamps.length;
  const validRows = Math.round(rows * validationSplit);
  const trainRows = rows - validRows;
  if (trainRows < window || validRows < window)
    throw new CsvError(
      `${source}: ${rows} rows split by time into ${trainRows} training and ${validRows} validation rows; each part needs at least one window of ${window} steps (lower --window or change --validation-split)`,
      'E_CSV_EMPTY',
      { argument: 'window' },
    );
  const values = Float64Array.from(raw);
  const scaling = like?.scaling ?? fitZScore(values, features, trainRows);
  const scaled = new Float32Array(values.length);
  for (let r = 0; r < rows; r++)
    for (let c = 0; c < features; c++) scaled[r * features + c] = (values[r * features + c] - scaling.shift[c]) / scaling.scale[c];
  const train = seriesWindows(scaled, features, window, windowStarts(0, trainRows, window, stride));
  const valid = seriesWindows(scaled, features, window, windowStarts(trainRows, rows, window, stride));
  const spec: SeriesSpec = {
    kind: 'series',
    file: source,
    timestampColumn,
    valueColumns: columns,
    window,
    stride,
    validationSplit,
    scaling,
  };
  return {
    train,
    valid,
    source: [
      `${source}: ${rows} rows × ${features} value column${features === 1 ? '' : 's'} (${columns.join(', ')})`,
      `split by time: ${trainRows} training rows (${train.count} windows) / ${validRows} validation rows (${valid.count} windows) of ${window} steps, stride ${stride}`,
      like ? 'z-scores of the training run applied' : 'z-scores fitted on the training rows',
    ].join('; '),
    spec,
    unitRange: false,
    series: { timestamps, times: Float64Array.from(times), columns, values, scaled, rows, trainRows },
  };
}

/** Means and standard deviations of the first `rows` rows, per column (a constant column gets scale 1). */
function fitZScore(values: Float64Array, features: number, rows: number): ColumnScaling {
  const shift: number[] = [];
  const scale: number[] = [];
  for (let c = 0; c < features; c++) {
    let sum = 0;
    for (let r = 0; r < rows; r++) sum += values[r * features + c];
    const mean = sum / rows;
    let ss = 0;
    for (let r = 0; r < rows; r++) ss += (values[r * features + c] - mean) ** 2;
    const sd = Math.sqrt(ss / rows);
    shift.push(mean);
    scale.push(sd > 0 ? sd : 1);
  }
  return { method: 'standard', shift, scale };
}

/**
 * Reads a series file as {@link parseSeries} does.
 *
 * @example
 * const data = await loadSeries({ file: 'nab/data/artificialNoAnomaly/art_daily_small_noise.csv', window: 288 });
 */
export async function loadSeries(request: SeriesRequest, options: SeriesOptions = {}): Promise<SeriesDataset> {
  let text: string;
  try {
    text = await fs.readFile(request.file, 'utf8');
  } catch (err) {
    throw new CsvError(`${request.file}: cannot read the series file (${(err as Error).message})`, 'E_CSV_MISSING', {
      argument: 'series',
      cause: err,
    });
  }
  return parseSeries(text, request.file, request, options);
}
