/**
 * Tables as data sets: a CSV file with a header line, one sample per row, some columns as features
 * and optionally one label column kept out of training (its values become classes for evaluation
 * and anomaly scores). Rows are split into training and validation rows with a seed; the column
 * scaling is fitted on the training rows only and recorded in the {@link DataSpec}, so that a later
 * command (or a new file scored by a trained run) is scaled exactly as the training rows were.
 */

import { promises as fs } from 'node:fs';
import { ArgumentError } from '../core/errors.js';
import type { ColumnScaling, DataSpec, Dataset } from './dataset.js';
import type { Samples } from './samples.js';
import { CsvError } from './sequences-csv.js';
import { checkSplit, DEFAULT_VALIDATION_SPLIT, seededSplit } from './split.js';

/** The {@link DataSpec} of a table. */
export type TableSpec = Extract<DataSpec, { kind: 'table' }>;

/** What to read from a table file; every field but `file` has a default. */
export interface TableRequest {
  /** The CSV file: a header line, then one row per sample. */
  file: string;
  /** Feature columns by name, in this order. Default: every column but {@link TableRequest.labelColumn}. */
  columns?: string[];
  /** A column of class values (numbers or strings), kept out of training. Default: none. */
  labelColumn?: string;
  /** Column scaling fitted on the training rows: `standard` (mean 0, std 1; default), `minmax` (to [0, 1]) or `none`. */
  scale?: 'standard' | 'minmax' | 'none';
  /** Rows with a missing value (empty, `NA`, `NaN`, `null`): `error` (default), `drop` them, or fill in the training rows' `mean`. */
  missing?: 'drop' | 'mean' | 'error';
  /** Fraction of the rows held out for validation, in (0, 1). Default 0.1 (at least one row each way). */
  validationSplit?: number;
  /** Seed of the train / validation split. Default 0. */
  seed?: number;
}

/** Options of {@link loadTable} and {@link parseTable}. */
export interface TableOptions {
  /**
   * The spec of a run trained earlier: its columns, label column, classes, scaling and means are
   * applied to this table, never refitted (and its split fraction and seed are the defaults).
   */
  like?: TableSpec;
}

/** At most this many classes (labels are bytes). */
const MAX_CLASSES = 256;
const MISSING = new Set(['', 'na', 'nan', 'null']);
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** One CSV record: its fields and the 1-based line it starts on. */
interface CsvRecord {
  fields: string[];
  line: number;
}

/** The field delimiter of a table: a comma when the header line has one (outside quotes), else `;`, else a tab. */
export function detectDelimiter(text: string): ',' | ';' | '\t' {
  const header = text.split('\n', 1)[0].replace(/"[^"]*"/g, '');
  if (header.includes(',')) return ',';
  if (header.includes(';')) return ';';
  if (header.includes('\t')) return '\t';
  return ',';
}

/**
 * Splits CSV text into records per RFC 4180: fields separated by `delimiter`, optionally quoted
 * with `"` (a quoted field may hold the delimiter, line breaks and `""` for a quote), CRLF or LF
 * line ends; fields are trimmed; blank lines are skipped.
 */
function csvRecords(text: string, delimiter: string, source: string): CsvRecord[] {
  const records: CsvRecord[] = [];
  const n = text.length;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let line = 1;
  while (i < n) {
    const start = line;
    const fields: string[] = [];
    let field = '';
    let structured = false; // a delimiter or a quote was seen: not a blank line
    for (;;) {
      if (i >= n) {
        fields.push(field);
        break;
      }
      const c = text[i];
      if (c === '"' && field.trim() === '') {
        structured = true;
        field = '';
        i++;
        let closed = false;
        while (i < n) {
          const d = text[i];
          if (d === '"') {
            if (text[i + 1] === '"') {
              field += '"';
              i += 2;
              continue;
            }
            i++;
            closed = true;
            break;
          }
          if (d === '\n') line++;
          field += d;
          i++;
        }
        if (!closed)
          throw new CsvError(`${source}, line ${start}: a quoted field is never closed (a '"' is missing)`, 'E_CSV_SHAPE', {
            argument: 'table',
          });
        while (i < n && (text[i] === ' ' || (text[i] === '\t' && delimiter !== '\t') || text[i] === '\r')) i++;
        if (i < n && text[i] !== delimiter && text[i] !== '\n')
          throw new CsvError(
            `${source}, line ${line}: unexpected '${text[i]}' after a closing quote (expected '${delimiter === '\t' ? '\\t' : delimiter}' or the end of the line)`,
            'E_CSV_SHAPE',
            { argument: 'table' },
          );
        fields.push(field);
        field = '';
        if (i >= n) break;
        if (text[i] === '\n') {
          i++;
          line++;
          break;
        }
        i++; // the delimiter
        if (i >= n) {
          fields.push('');
          break;
        }
        continue;
      }
      if (c === delimiter) {
        structured = true;
        fields.push(field.trim());
        field = '';
        i++;
        continue;
      }
      if (c === '\n') {
        fields.push(field.trim());
        i++;
        line++;
        break;
      }
      field += c;
      i++;
    }
    if (!structured && fields.length === 1 && fields[0] === '') continue;
    records.push({ fields: fields.map((f) => f.trim()), line: start });
  }
  return records;
}

const fmt = (n: number): string => n.toLocaleString('en-US');
const quoteList = (names: readonly string[]): string => names.map((c) => `'${c}'`).join(', ');
const isMissing = (v: string): boolean => MISSING.has(v.toLowerCase());
/** A class value as a name: numbers written canonically (`1.0` and `1` are one class). */
const className = (v: string): string => (NUMBER.test(v) ? String(Number(v)) : v);

/** Sorted distinct class names: numerically when all are numbers, else as strings. */
function sortedClasses(values: Iterable<string>): string[] {
  const distinct = [...new Set(values)];
  if (distinct.every((v) => NUMBER.test(v))) return distinct.sort((a, b) => Number(a) - Number(b));
  return distinct.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/**
 * Parses a table (the text of a CSV file) into a {@link Dataset}: train / validation float samples
 * of shape `[features]`, with labels when there is a label column. `source` names the file in
 * messages and is recorded as the spec's `file`. See {@link loadTable} for the rules.
 *
 * @throws {CsvError} naming the file, line and column: a missing column (`E_CSV_HEADER`), a line with
 *   another field count (`E_CSV_SHAPE`), a value that is not a number (`E_CSV_VALUE`), a missing value
 *   (`E_CSV_NA`), too many or unseen classes (`E_CSV_LABEL`), a constant column (`E_CSV_CONSTANT`),
 *   fewer than 2 rows (`E_CSV_EMPTY`). `argument` names the request field at fault (`table`,
 *   `columns`, `labelColumn`, `missing`).
 * @example
 * const data = parseTable('a,b,label\n1,2,x\n3,5,y\n4,4,x\n', 'small.csv', { labelColumn: 'label' });
 * // data.train.shape = [2], data.classes = ['x', 'y']
 */
export function parseTable(text: string, source: string, request: Omit<TableRequest, 'file'> = {}, options: TableOptions = {}): Dataset {
  const { like } = options;
  const scale = request.scale ?? like?.scaling.method ?? 'standard';
  const missing = request.missing ?? like?.missing ?? 'error';
  const validationSplit = request.validationSplit ?? like?.validationSplit ?? DEFAULT_VALIDATION_SPLIT;
  const seed = request.seed ?? like?.seed ?? 0;
  if (!['standard', 'minmax', 'none'].includes(scale))
    throw new ArgumentError('scale', `expected standard, minmax or none, got '${scale}'`);
  if (!['drop', 'mean', 'error'].includes(missing)) throw new ArgumentError('missing', `expected drop, mean or error, got '${missing}'`);
  checkSplit(validationSplit, seed);
  if (like) checkLike(request, like, scale);

  const records = csvRecords(text, detectDelimiter(text), source);
  if (records.length === 0)
    throw new CsvError(`${source}: the file is empty (expected a header line, then one row per sample)`, 'E_CSV_EMPTY', {
      argument: 'table',
    });
  const header = records[0].fields;
  checkHeader(header, source);
  const { columns, labelColumn } = like ? likeColumns(header, like, source) : chooseColumns(header, request, source);

  // Read every row: features as numbers (NaN where missing and filled later), the label as text.
  const featureAt = columns.map((c) => header.indexOf(c));
  const labelAt = labelColumn === undefined ? -1 : header.indexOf(labelColumn);
  const width = columns.length;
  const values = new Float64Array((records.length - 1) * width);
  const labelValues: string[] = [];
  const lines: number[] = [];
  let dropped = 0;
  let filled = 0;
  for (let r = 1; r < records.length; r++) {
    const { fields, line } = records[r];
    if (fields.length !== header.length)
      throw new CsvError(
        `${source}, line ${line}: found ${fields.length} field(s), expected ${header.length} (one per header column)`,
        'E_CSV_SHAPE',
        { argument: 'table' },
      );
    const row = lines.length;
    let incomplete = false;
    let gaps = 0;
    for (let c = 0; c < width; c++) {
      const v = fields[featureAt[c]];
      if (isMissing(v)) {
        if (missing === 'error')
          throw new CsvError(
            `${source}, line ${line}, column '${columns[c]}': missing value (${v === '' ? 'an empty cell' : `'${v}'`}); ` +
              `{missing} drop leaves such rows out, {missing} mean fills in the training rows' column mean`,
            'E_CSV_NA',
            { argument: 'missing' },
          );
        incomplete = true;
        gaps++;
        values[row * width + c] = Number.NaN;
        continue;
      }
      if (!NUMBER.test(v))
        throw new CsvError(`${source}, line ${line}, column '${columns[c]}': '${v}' is not a number`, 'E_CSV_VALUE', { argument: 'table' });
      values[row * width + c] = Number(v);
    }
    let label: string | undefined;
    if (labelAt >= 0) {
      label = fields[labelAt];
      if (isMissing(label)) {
        if (missing !== 'drop')
          throw new CsvError(
            `${source}, line ${line}, column '${labelColumn}': the label is missing (${label === '' ? 'an empty cell' : `'${label}'`}); ` +
              `fill it in, or {missing} drop leaves such rows out`,
            'E_CSV_NA',
            { argument: 'missing' },
          );
        incomplete = true;
      }
    }
    if (incomplete && missing === 'drop') {
      dropped++;
      continue;
    }
    filled += gaps;
    if (label !== undefined) labelValues.push(className(label));
    lines.push(line);
  }
  const count = lines.length;
  if (count < 2)
    throw new CsvError(
      `${source}: ${count} data row(s)${dropped > 0 ? ` left after dropping ${fmt(dropped)} with missing values` : ''}; ` +
        'need at least 2 (one to train on, one to validate)',
      'E_CSV_EMPTY',
      { argument: 'table' },
    );

  const { train, valid } = seededSplit(count, validationSplit, seed);
  const means = like ? like.means : trainingMeans(values, width, train, columns, source);
  for (let r = 0; r < count; r++) for (let c = 0; c < width; c++) if (Number.isNaN(values[r * width + c])) values[r * width + c] = means[c];
  const scaling = like ? like.scaling : fitScaling(values, width, train, columns, scale, source);

  // Labels: indices into the sorted distinct values (or the earlier run's classes).
  let classes: string[] | undefined;
  let labels: Uint8Array | undefined;
  if (labelColumn !== undefined && (labelAt >= 0 || like === undefined)) {
    classes = like?.classes ?? sortedClasses(labelValues);
    if (like === undefined && classes.length > MAX_CLASSES)
      throw new CsvError(
        `${source}: label column '${labelColumn}' has ${fmt(classes.length)} distinct values; at most ${MAX_CLASSES} classes are supported ` +
          `(is it a class column? leave {labelColumn} out to have none)`,
        'E_CSV_LABEL',
        { argument: 'labelColumn' },
      );
    const index = new Map(classes.map((name, i) => [name, i]));
    labels = new Uint8Array(count);
    for (let r = 0; r < count; r++) {
      const i = index.get(labelValues[r]);
      if (i === undefined)
        throw new CsvError(
          `${source}, line ${lines[r]}, column '${labelColumn}': label '${labelValues[r]}' did not occur in the training table ` +
            `(its classes: ${quoteList(classes)})`,
          'E_CSV_LABEL',
          { argument: 'table' },
        );
      labels[r] = i;
    }
  }

  const pick = (rows: Uint32Array): Samples => {
    const x = new Float32Array(rows.length * width);
    for (let j = 0; j < rows.length; j++)
      for (let c = 0; c < width; c++) x[j * width + c] = (values[rows[j] * width + c] - scaling.shift[c]) / scaling.scale[c];
    return { x, shape: [width], count: rows.length, ...(labels === undefined ? {} : { labels: Uint8Array.from(rows, (r) => labels[r]) }) };
  };

  const shown = columns.length > 3 ? `${columns.slice(0, 3).join(', ')}, …` : columns.join(', ');
  const parts = [
    `${source}: ${fmt(count)} rows × ${width} feature${width === 1 ? '' : 's'} (${shown})`,
    labelColumn === undefined || classes === undefined ? 'no label column' : `label column '${labelColumn}' (${classes.length} classes)`,
    ...(dropped > 0 ? [`${fmt(dropped)} rows with missing values dropped`] : []),
    ...(filled > 0 ? [`${fmt(filled)} missing values filled with the training means`] : []),
    `${fmt(train.length)} train / ${fmt(valid.length)} validation`,
    scaling.method === 'none'
      ? 'no scaling'
      : like
        ? `${scaling.method} scaling of the training run applied`
        : `${scaling.method} scaling fitted on the training rows`,
  ];
  const spec: TableSpec = {
    kind: 'table',
    file: source,
    columns,
    ...(labelColumn === undefined ? {} : { labelColumn }),
    ...(classes === undefined ? {} : { classes }),
    missing,
    scaling,
    means,
    validationSplit,
    seed,
  };
  return {
    train: pick(train),
    valid: pick(valid),
    source: parts.join(', '),
    spec,
    unitRange: scaling.method === 'minmax',
    features: columns,
    ...(classes === undefined ? {} : { classes }),
  };
}

/**
 * Reads a table from a CSV file as a {@link Dataset}.
 *
 * Rules: a header line, fields separated by commas (RFC 4180 quoting allowed), or by `;` or tabs
 * when the header has no comma. Feature columns are `columns` (each must exist) or every column but
 * the label column; the label column's values (numbers or strings) become classes, label `i` =
 * `classes[i]` of the sorted distinct values (at most 256). Rows are split with `seed`
 * (`validationSplit` of them, at least 1, held out; no test set). Missing values (empty, `NA`, `NaN`,
 * `null`) are an error unless `missing` is `drop` or `mean` (the training rows' column mean). Scaling
 * is fitted on the training rows only (`standard`: `(x − mean) / std`, `minmax`: to [0, 1], `none`);
 * a constant column cannot be scaled and is an error (leave it out with `columns`). With
 * `options.like`, the earlier run's columns, label column, classes, scaling and means are applied.
 *
 * @throws {CsvError} `E_CSV_MISSING` when the file cannot be read; otherwise as {@link parseTable}.
 * @example
 * const data = await loadTable({ file: 'sensor.csv', labelColumn: 'label', columns: ['humidity', 'temperature'] });
 * const again = await loadTable({ file: 'new-readings.csv' }, { like: data.spec as TableSpec });
 */
export async function loadTable(request: TableRequest, options: TableOptions = {}): Promise<Dataset> {
  let text: string;
  try {
    text = await fs.readFile(request.file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new CsvError(
      `{table} '${request.file}' ${code === 'ENOENT' ? 'does not exist' : code === 'EISDIR' ? 'is a directory, not a CSV file' : `cannot be read (${code})`}`,
      'E_CSV_MISSING',
      { argument: 'table', cause: err },
    );
  }
  const { file, ...rest } = request;
  return parseTable(text, file, rest, options);
}

function checkHeader(header: string[], source: string): void {
  const seen = new Set<string>();
  header.forEach((name, i) => {
    if (name === '')
      throw new CsvError(`${source}, line 1: column ${i + 1} of the header has no name (every column needs one)`, 'E_CSV_HEADER', {
        argument: 'table',
      });
    if (seen.has(name))
      throw new CsvError(`${source}, line 1: the header names column '${name}' twice`, 'E_CSV_HEADER', { argument: 'table' });
    seen.add(name);
  });
}

/** The feature and label columns a request asks for, checked against the header. */
function chooseColumns(header: string[], request: Omit<TableRequest, 'file'>, source: string): { columns: string[]; labelColumn?: string } {
  const { labelColumn } = request;
  const has = (c: string) => header.includes(c);
  if (labelColumn !== undefined && !has(labelColumn))
    throw new CsvError(`${source}: {labelColumn} '${labelColumn}' is not a column; the header has ${quoteList(header)}`, 'E_CSV_HEADER', {
      argument: 'labelColumn',
    });
  let columns: string[];
  if (request.columns !== undefined) {
    if (request.columns.length === 0)
      throw new CsvError(`${source}: {columns} is empty; name at least one feature column`, 'E_CSV_HEADER', { argument: 'columns' });
    const absent = request.columns.find((c) => !has(c));
    if (absent !== undefined)
      throw new CsvError(
        `${source}: {columns} names '${absent}', which is not a column; the header has ${quoteList(header)}`,
        'E_CSV_HEADER',
        {
          argument: 'columns',
        },
      );
    const twice = request.columns.find((c, i) => request.columns!.indexOf(c) !== i);
    if (twice !== undefined) throw new CsvError(`${source}: {columns} names '${twice}' twice`, 'E_CSV_HEADER', { argument: 'columns' });
    if (labelColumn !== undefined && request.columns.includes(labelColumn))
      throw new CsvError(
        `${source}: {columns} includes the label column '${labelColumn}'; the label is kept out of training`,
        'E_CSV_HEADER',
        {
          argument: 'columns',
        },
      );
    columns = [...request.columns];
  } else {
    columns = header.filter((c) => c !== labelColumn);
    if (columns.length === 0)
      throw new CsvError(`${source}: no feature columns: the header has only the label column '${labelColumn}'`, 'E_CSV_HEADER', {
        argument: 'table',
      });
  }
  return { columns, ...(labelColumn === undefined ? {} : { labelColumn }) };
}

/** An earlier run's columns, each checked against this file's header (a missing label column means unlabelled rows). */
function likeColumns(header: string[], like: TableSpec, source: string): { columns: string[]; labelColumn?: string } {
  const absent = like.columns.find((c) => !header.includes(c));
  if (absent !== undefined)
    throw new CsvError(
      `${source}: has no column '${absent}', which the run was trained on; the run's columns: ${quoteList(like.columns)}` +
        `${like.labelColumn === undefined ? '' : ` (label '${like.labelColumn}')`}; this file's header: ${quoteList(header)}`,
      'E_CSV_HEADER',
      { argument: 'table' },
    );
  if (
    like.scaling.shift.length !== like.columns.length ||
    like.scaling.scale.length !== like.columns.length ||
    like.means.length !== like.columns.length
  )
    throw new ArgumentError(
      'like',
      `the spec's scaling and means have ${like.scaling.shift.length} and ${like.means.length} values for ${like.columns.length} columns`,
    );
  return { columns: [...like.columns], ...(like.labelColumn === undefined ? {} : { labelColumn: like.labelColumn }) };
}

/** A request that contradicts the earlier run's spec is refused rather than silently overridden. */
function checkLike(request: Omit<TableRequest, 'file'>, like: TableSpec, scale: string): void {
  if (request.columns !== undefined && request.columns.join('\u0000') !== like.columns.join('\u0000'))
    throw new CsvError(
      `{columns} ${quoteList(request.columns)} differ from the run's columns ${quoteList(like.columns)}: a run reads tables with the columns it was trained on`,
      'E_CSV_HEADER',
      { argument: 'columns' },
    );
  if (request.labelColumn !== undefined && request.labelColumn !== like.labelColumn)
    throw new CsvError(
      `{labelColumn} '${request.labelColumn}' differs from the run's label column ${like.labelColumn === undefined ? '(none)' : `'${like.labelColumn}'`}`,
      'E_CSV_HEADER',
      { argument: 'labelColumn' },
    );
  if (scale !== like.scaling.method)
    throw new ArgumentError(
      'scale',
      `'${scale}' differs from the run's ${like.scaling.method} scaling: a run's scaling is applied, never refitted`,
    );
}

/** Column means over the training rows, ignoring missing values. */
function trainingMeans(values: Float64Array, width: number, train: Uint32Array, columns: string[], source: string): number[] {
  const sum = new Float64Array(width);
  const n = new Float64Array(width);
  for (const r of train)
    for (let c = 0; c < width; c++) {
      const v = values[r * width + c];
      if (!Number.isNaN(v)) {
        sum[c] += v;
        n[c]++;
      }
    }
  const empty = columns.filter((_, c) => n[c] === 0);
  if (empty.length > 0)
    throw new CsvError(
      `${source}: column(s) ${quoteList(empty)} have no value in any training row, so no mean can fill them in; leave them out with {columns}`,
      'E_CSV_NA',
      { argument: 'columns' },
    );
  return Array.from(sum, (s, c) => s / n[c]);
}

/** The column scaling of `method`, fitted on the training rows. */
function fitScaling(
  values: Float64Array,
  width: number,
  train: Uint32Array,
  columns: string[],
  method: ColumnScaling['method'],
  source: string,
): ColumnScaling {
  if (method === 'none') return { method, shift: new Array(width).fill(0), scale: new Array(width).fill(1) };
  const min = new Float64Array(width).fill(Infinity);
  const max = new Float64Array(width).fill(-Infinity);
  const sum = new Float64Array(width);
  for (const r of train)
    for (let c = 0; c < width; c++) {
      const v = values[r * width + c];
      if (v < min[c]) min[c] = v;
      if (v > max[c]) max[c] = v;
      sum[c] += v;
    }
  const constant = columns.filter((_, c) => max[c] === min[c]);
  if (constant.length > 0) {
    const rest = columns.filter((c) => !constant.includes(c));
    throw new CsvError(
      `${source}: feature column(s) ${quoteList(constant)} have one value on all ${fmt(train.length)} training rows ` +
        `(${method === 'standard' ? 'std 0' : 'max = min'}), so they cannot be scaled; leave them out with {columns}` +
        `${rest.length > 0 ? ` ${rest.join(',')}` : ''}, or use {scale} none`,
      'E_CSV_CONSTANT',
      { argument: 'columns' },
    );
  }
  if (method === 'minmax') return { method, shift: Array.from(min), scale: Array.from(max, (hi, c) => hi - min[c]) };
  const mean = Array.from(sum, (s) => s / train.length);
  const sq = new Float64Array(width);
  for (const r of train)
    for (let c = 0; c < width; c++) {
      const d = values[r * width + c] - mean[c];
      sq[c] += d * d;
    }
  return { method, shift: mean, scale: Array.from(sq, (s) => Math.sqrt(s / train.length)) };
}
