/**
 * Sequences from a CSV file, for the recurrent autoencoder: one sequence per line,
 * `steps × features` numbers in row-major order (all features of step 1, then of step 2, …).
 */
import { promises as fs } from 'node:fs';
import { AekitError, ArgumentError } from '../core/errors.js';
import type { Samples } from './samples.js';

/**
 * The `code` of a {@link CsvError}: `E_CSV_MISSING` the file cannot be read, `E_CSV_SHAPE` a line
 * with the wrong number of fields, `E_CSV_VALUE` a value that is not a number (or out of range),
 * `E_CSV_EMPTY` too few rows; for tables also `E_CSV_HEADER` a column that is not in the header (or
 * a header that names one twice), `E_CSV_NA` a missing value, `E_CSV_LABEL` a label column with too
 * many classes or a value the training rows did not have, `E_CSV_CONSTANT` a constant feature column.
 */
export type CsvErrorCode =
  | 'E_CSV_MISSING'
  | 'E_CSV_SHAPE'
  | 'E_CSV_VALUE'
  | 'E_CSV_EMPTY'
  | 'E_CSV_HEADER'
  | 'E_CSV_NA'
  | 'E_CSV_LABEL'
  | 'E_CSV_CONSTANT';

/** Error for unreadable or malformed CSV files (sequences, tables); `code` says which check failed. */
export class CsvError extends AekitError {
  constructor(message: string, code: CsvErrorCode, options: { argument?: string; cause?: unknown } = {}) {
    super(message, { ...options, code });
  }
}

/** Options of {@link parseSequenceCsv}. */
export interface SequenceCsvOptions {
  /** Time steps per sequence. */
  steps: number;
  /** Values per time step. */
  features: number;
  /** File name used in error messages. */
  source?: string;
}

/** Sequences read from a CSV file: samples of shape `[steps, features]`, row-major. */
export interface Sequences extends Samples {
  /** 1-based line number of every sequence in the file. */
  lines: number[];
}

/**
 * Parses CSV text into sequences. Rules: values separated by commas (spaces around them are
 * ignored); empty lines and lines starting with `#` are skipped; a first line whose fields are all
 * non-numeric is a header and skipped; every other line must hold exactly `steps × features` finite
 * numbers in [0, 1] (the decoder ends in a sigmoid: scale your data first). Errors name the file,
 * the line and, where it applies, the column.
 *
 * @example
 * const seqs = parseSequenceCsv('0.1,0.2,0.3,0.4\n0.5,0.6,0.7,0.8\n', { steps: 2, features: 2 });
 */
export function parseSequenceCsv(text: string, options: SequenceCsvOptions): Sequences {
  const { steps, features, source = 'CSV' } = options;
  for (const [name, v] of [
    ['steps', steps],
    ['features', features],
  ] as const) {
    if (!Number.isInteger(v) || v < 1) throw new ArgumentError(name, `expected a positive integer, got ${v}`);
  }
  const width = steps * features;
  const rows: Float32Array[] = [];
  const lines: number[] = [];
  const all = text.split(/\r?\n/);
  let sawData = false;
  all.forEach((raw, i) => {
    const line = raw.trim();
    const lineNo = i + 1;
    if (line === '' || line.startsWith('#')) return;
    const fields = line.split(',').map((f) => f.trim());
    if (!sawData && rows.length === 0 && fields.every((f) => f === '' || Number.isNaN(Number(f)))) {
      sawData = true; // header
      return;
    }
    sawData = true;
    if (fields.length !== width) {
      throw new CsvError(
        `${source}, line ${lineNo}: found ${fields.length} values, expected {steps} ${steps} × {features} ${features} = ${width} (one sequence per line, row-major)`,
        'E_CSV_SHAPE',
      );
    }
    const row = new Float32Array(width);
    fields.forEach((f, c) => {
      const v = f === '' ? NaN : Number(f);
      if (!Number.isFinite(v)) throw new CsvError(`${source}, line ${lineNo}, column ${c + 1}: '${f}' is not a number`, 'E_CSV_VALUE');
      if (v < 0 || v > 1)
        throw new CsvError(
          `${source}, line ${lineNo}, column ${c + 1}: ${v} lies outside [0, 1]; scale the data to [0, 1] first (the decoder's output is a sigmoid)`,
          'E_CSV_VALUE',
        );
      row[c] = v;
    });
    rows.push(row);
    lines.push(lineNo);
  });
  if (rows.length === 0)
    throw new CsvError(`${source}: no sequences found (expected one sequence of ${width} comma-separated numbers per line)`, 'E_CSV_EMPTY');
  const x = new Float32Array(rows.length * width);
  rows.forEach((r, i) => x.set(r, i * width));
  return { x, shape: [steps, features], count: rows.length, lines };
}

/** Reads and parses a sequence CSV file (see {@link parseSequenceCsv}). */
export async function readSequenceCsv(file: string, options: Omit<SequenceCsvOptions, 'source'>): Promise<Sequences> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new CsvError(`{csv} '${file}' ${code === 'ENOENT' ? 'does not exist' : `cannot be read (${code})`}`, 'E_CSV_MISSING', {
      argument: 'csv',
    });
  }
  return parseSequenceCsv(text, { ...options, source: file });
}
