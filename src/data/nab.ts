/**
 * The Numenta Anomaly Benchmark's directory layout (NAB v1.1): what `aekit nab` reads.
 *
 *   NAB_DIR/data/<category>/<file>.csv            timestamp,value — the 58 series
 *   NAB_DIR/labels/combined_windows.json          { "<category>/<file>.csv": [[start, end], …] }
 *   NAB_DIR/config/profiles.json                  { "<profile>": { "CostMatrix": { tpWeight, fpWeight, fnWeight, … } } }
 *   RESULTS_DIR/<category>/<detector>_<file>.csv  timestamp,…,anomaly_score,… — one detector's scores
 *
 * Timestamps are read as `YYYY-MM-DD HH:MM:SS[.ffffff]` in UTC and held as milliseconds. Every check
 * that fails throws one line naming the file, what was expected and what was found.
 */
import { type Dirent, promises as fs } from 'node:fs';
import * as path from 'node:path';
import { DataError } from './idx.js';
import { CsvError } from './sequences-csv.js';

/** A profile's weights as `config/profiles.json` gives them (its `CostMatrix`). */
export interface NabProfileWeights {
  /** Reward of a window detected at its first row. */
  tpWeight: number;
  /** Cost of a false positive far from any window. */
  fpWeight: number;
  /** Cost of a window never detected. */
  fnWeight: number;
}

/** A labelled window: its first and last rows' timestamps (milliseconds, UTC). */
export interface NabLabelWindow {
  start: number;
  end: number;
}

/** One data file of the corpus. */
export interface NabDataFile {
  /** Its path under `data/`, with `/`: `realKnownCause/nyc_taxi.csv` (the key of the labels file). */
  name: string;
  /** Timestamps of its rows, milliseconds since 1970 (UTC). */
  timestamps: Float64Array;
  /** Its `value` column. */
  values: Float64Array;
  /** Its labelled windows, in the labels file's order. */
  windows: NabLabelWindow[];
}

/** A NAB directory read: the data files (sorted by name), their windows, and the profiles. */
export interface NabCorpus {
  /** The directory read. */
  dir: string;
  /** Every data file, sorted by name. */
  files: NabDataFile[];
  /** The profiles of `config/profiles.json`, in its order. */
  profiles: Record<string, NabProfileWeights>;
}

/** One detector's results directory read: its name and one anomaly score per row of each data file. */
export interface NabResults {
  /** The directory read. */
  dir: string;
  /** The detector's name, the common prefix of the files (`numenta` of `numenta_nyc_taxi.csv`). */
  detector: string;
  /** Per data file name (as in {@link NabDataFile.name}): its rows' anomaly scores. */
  scores: Map<string, Float64Array>;
}

const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?$/;

/**
 * A NAB timestamp (`2014-04-10 07:15:00` or `2014-04-10 07:15:00.000000`) as milliseconds since
 * 1970, read as UTC; NaN when it is not one.
 *
 * @example parseNabTimestamp('1970-01-01 00:00:01.5') // 1500
 */
export function parseNabTimestamp(text: string): number {
  const m = TIMESTAMP.exec(text.trim());
  if (m === null) return Number.NaN;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number);
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) return Number.NaN;
  const ms = Date.UTC(year, month - 1, day, hour, minute, second);
  return m[7] === undefined ? ms : ms + Number(`0.${m[7]}`) * 1000;
}

/** Reads a file as text, or throws a `DataError` naming it (`E_NOT_FOUND` when it is missing). */
async function readText(file: string, what: string): Promise<string> {
  try {
    return await fs.readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new DataError(`${file}: no such file (expected ${what})`, 'E_NOT_FOUND', { cause: err });
    throw new DataError(`${file}: cannot be read (${(err as Error).message.split('\n')[0]}); expected ${what}`, 'E_NOT_FOUND', {
      cause: err,
    });
  }
}

/** The entries of a directory, sorted, or a `DataError` naming it (`E_NOT_FOUND`). */
async function listDir(dir: string, what: string): Promise<Dirent[]> {
  try {
    return (await fs.readdir(dir, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const found = code === 'ENOENT' ? 'no such directory' : code === 'ENOTDIR' ? 'it is a file' : (err as Error).message.split('\n')[0];
    throw new DataError(`${dir}: ${found} (expected ${what})`, 'E_NOT_FOUND', { cause: err });
  }
}

/** Parses JSON text, or throws `E_NAB` naming the file. */
function parseJson(text: string, file: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new DataError(`${file}: not valid JSON (${(err as Error).message}); expected ${what}`, 'E_NAB', { cause: err });
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The columns read from a NAB CSV file: timestamps and one numeric column. */
interface CsvColumns {
  timestamps: Float64Array;
  values: Float64Array;
  /** The 1-based line of every row. */
  lines: number[];
}

/**
 * Reads the `timestamp` column and one numeric column (`column`) of a NAB CSV file's text; `range`
 * bounds the numbers (inclusive). Fields are comma-separated; blank lines are skipped.
 */
function parseColumns(text: string, source: string, column: string, range?: [number, number]): CsvColumns {
  const lines = text.replace(/^\uFEFF/, '').split('\n');
  let at = 0;
  while (at < lines.length && lines[at].trim() === '') at++;
  if (at === lines.length)
    throw new CsvError(
      `${source}: the file is empty (expected a header line with timestamp and ${column}, then one row per time step)`,
      'E_CSV_EMPTY',
    );
  const header = lines[at].split(',').map((h) => h.trim());
  const tAt = header.indexOf('timestamp');
  const vAt = header.indexOf(column);
  if (tAt < 0 || vAt < 0)
    throw new CsvError(
      `${source}, line ${at + 1}: no '${tAt < 0 ? 'timestamp' : column}' column (expected a header with timestamp and ${column}, found ${header.map((h) => `'${h}'`).join(', ')})`,
      'E_CSV_HEADER',
    );
  const timestamps: number[] = [];
  const values: number[] = [];
  const rowLines: number[] = [];
  for (let i = at + 1; i < lines.length; i++) {
    const line = lines[i].trim();
    if (line === '') continue;
    const fields = line.split(',');
    if (fields.length !== header.length)
      throw new CsvError(
        `${source}, line ${i + 1}: found ${fields.length} field(s), expected ${header.length} (one per header column)`,
        'E_CSV_SHAPE',
      );
    const t = parseNabTimestamp(fields[tAt]);
    if (Number.isNaN(t))
      throw new CsvError(
        `${source}, line ${i + 1}: '${fields[tAt].trim()}' is not a timestamp (expected YYYY-MM-DD HH:MM:SS)`,
        'E_CSV_VALUE',
      );
    const field = fields[vAt].trim();
    const v = field === '' ? Number.NaN : Number(field);
    if (!Number.isFinite(v) || (range !== undefined && (v < range[0] || v > range[1])))
      throw new CsvError(
        `${source}, line ${i + 1}, column '${column}': '${field}' is not ${range === undefined ? 'a finite number' : `a number in [${range[0]}, ${range[1]}]`}`,
        'E_CSV_VALUE',
      );
    timestamps.push(t);
    values.push(v);
    rowLines.push(i + 1);
  }
  if (timestamps.length === 0) throw new CsvError(`${source}: a header but no rows (expected one row per time step)`, 'E_CSV_EMPTY');
  return { timestamps: Float64Array.from(timestamps), values: Float64Array.from(values), lines: rowLines };
}

/** The windows of `labels/combined_windows.json`, checked against the data files' timestamps. */
function readWindows(json: unknown, file: string, data: Map<string, { timestamps: Float64Array }>): Map<string, NabLabelWindow[]> {
  const expected = 'an object mapping "<category>/<file>.csv" to a list of ["start", "end"] timestamp pairs';
  if (!isObject(json)) throw new DataError(`${file}: expected ${expected}, found ${Array.isArray(json) ? 'a list' : typeof json}`, 'E_NAB');
  const out = new Map<string, NabLabelWindow[]>();
  for (const [name, list] of Object.entries(json)) {
    const rows = data.get(name);
    if (rows === undefined)
      throw new DataError(`${file}: labels for '${name}', which is not a file under data/ (expected one key per data file)`, 'E_NAB');
    if (!Array.isArray(list))
      throw new DataError(`${file}: '${name}': expected a list of ["start", "end"] pairs, found ${typeof list}`, 'E_NAB');
    const known = new Set(rows.timestamps);
    out.set(
      name,
      list.map((pair, k) => {
        if (!Array.isArray(pair) || pair.length !== 2 || pair.some((t) => typeof t !== 'string'))
          throw new DataError(
            `${file}: '${name}', window ${k + 1}: expected a pair of timestamp strings, found ${JSON.stringify(pair)}`,
            'E_NAB',
          );
        const [start, end] = (pair as string[]).map(parseNabTimestamp);
        for (const [text, t] of [
          [pair[0], start],
          [pair[1], end],
        ] as const) {
          if (Number.isNaN(t))
            throw new DataError(
              `${file}: '${name}', window ${k + 1}: '${text}' is not a timestamp (expected YYYY-MM-DD HH:MM:SS.ffffff)`,
              'E_NAB',
            );
          if (!known.has(t))
            throw new DataError(
              `${file}: '${name}', window ${k + 1}: ${text} is not a row of data/${name} (window limits must be rows' timestamps)`,
              'E_NAB',
            );
        }
        if (end < start)
          throw new DataError(`${file}: '${name}', window ${k + 1}: it ends (${pair[1]}) before it starts (${pair[0]})`, 'E_NAB');
        return { start, end };
      }),
    );
  }
  return out;
}

/** The profiles of `config/profiles.json`. */
function readProfiles(json: unknown, file: string): Record<string, NabProfileWeights> {
  const expected = 'an object of profiles, each { "CostMatrix": { "tpWeight": …, "fpWeight": …, "fnWeight": … } }';
  if (!isObject(json) || Object.keys(json).length === 0)
    throw new DataError(`${file}: expected ${expected}, found ${JSON.stringify(json)?.slice(0, 60)}`, 'E_NAB');
  const out: Record<string, NabProfileWeights> = {};
  for (const [name, profile] of Object.entries(json)) {
    const matrix = isObject(profile) ? profile.CostMatrix : undefined;
    if (!isObject(matrix)) throw new DataError(`${file}: profile '${name}' has no CostMatrix object (expected ${expected})`, 'E_NAB');
    const weights = {} as NabProfileWeights;
    for (const key of ['tpWeight', 'fpWeight', 'fnWeight'] as const) {
      const v = matrix[key];
      if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || (key === 'tpWeight' && v === 0))
        throw new DataError(
          `${file}: profile '${name}': CostMatrix.${key} must be a number ${key === 'tpWeight' ? '> 0' : '≥ 0'}, found ${JSON.stringify(v)}`,
          'E_NAB',
        );
      weights[key] = v;
    }
    out[name] = weights;
  }
  return out;
}

/** The CSV files one level under `dir`'s subfolders: `[category, file name, path]`, sorted. */
async function categoryFiles(dir: string, what: string): Promise<Array<[string, string, string]>> {
  const out: Array<[string, string, string]> = [];
  for (const entry of await listDir(dir, what)) {
    if (!entry.isDirectory()) continue;
    const sub = path.join(dir, entry.name);
    for (const file of await listDir(sub, what))
      if (file.isFile() && file.name.endsWith('.csv')) out.push([entry.name, file.name, path.join(sub, file.name)]);
  }
  return out;
}

/**
 * Reads a NAB directory: every `data/<category>/<file>.csv`, `labels/combined_windows.json` and
 * `config/profiles.json`.
 *
 * @throws {DataError} `E_NOT_FOUND` for a missing folder or file; `E_NAB` for labels or profiles
 *   of another shape, labels for a file that is not there, a data file without labels, or a window
 *   limit that is not one of its file's timestamps.
 * @throws {CsvError} for a data file without a `timestamp` and `value` column, or with a bad row.
 * @example const corpus = await loadNabCorpus('nab'); // corpus.files.length === 58 for NAB v1.1
 */
export async function loadNabCorpus(dir: string): Promise<NabCorpus> {
  const dataDir = path.join(dir, 'data');
  const found = await categoryFiles(dataDir, 'a NAB directory with data/<category>/<file>.csv series');
  if (found.length === 0)
    throw new DataError(
      `${dataDir}: no <category>/<file>.csv files (expected NAB's series, e.g. data/realKnownCause/nyc_taxi.csv)`,
      'E_NAB',
    );
  const data = new Map<string, { timestamps: Float64Array; values: Float64Array }>();
  for (const [category, name, file] of found) {
    const { timestamps, values } = parseColumns(await readText(file, 'a NAB series'), file, 'value');
    data.set(`${category}/${name}`, { timestamps, values });
  }
  const labelsFile = path.join(dir, 'labels', 'combined_windows.json');
  const windows = readWindows(
    parseJson(await readText(labelsFile, "NAB's labelled windows"), labelsFile, 'the labelled windows'),
    labelsFile,
    data,
  );
  const unlabelled = [...data.keys()].filter((name) => !windows.has(name));
  if (unlabelled.length > 0)
    throw new DataError(
      `${labelsFile}: no labels for ${unlabelled.length} data file(s), e.g. '${unlabelled[0]}' (expected a key for every file under data/, [] when it has no anomaly)`,
      'E_NAB',
    );
  const profilesFile = path.join(dir, 'config', 'profiles.json');
  const profiles = readProfiles(
    parseJson(await readText(profilesFile, "NAB's scoring profiles"), profilesFile, 'the scoring profiles'),
    profilesFile,
  );
  const files = [...data.entries()].map(([name, d]) => ({ name, ...d, windows: windows.get(name) as NabLabelWindow[] }));
  return { dir, files, profiles };
}

/**
 * Reads one detector's results directory (`results/<detector>/` of NAB: category subfolders of
 * `<detector>_<file>.csv` with an `anomaly_score` column, one row per data row, in the same order);
 * files directly in `dir` (NAB's `*_scores.csv`) are not read.
 *
 * @throws {DataError} `E_NOT_FOUND` for a missing directory; `E_NAB` for a file that names no data
 *   file, files of two detectors, a data file without results, or another row count.
 * @throws {CsvError} for a file without `timestamp` and `anomaly_score` columns, a score that is
 *   not a number in [0, 1], or a timestamp other than the data file's.
 * @example const results = await loadNabResults('nab/results/numenta', corpus); // results.detector === 'numenta'
 */
export async function loadNabResults(dir: string, corpus: NabCorpus): Promise<NabResults> {
  const expected = 'a results directory: <category>/<detector>_<file>.csv for every NAB data file';
  const found = await categoryFiles(dir, expected);
  const byName = new Map(corpus.files.map((f) => [f.name, f]));
  const scores = new Map<string, Float64Array>();
  let detector: string | undefined;
  let first = '';
  for (const [category, name, file] of found) {
    // The data file is the longest `<file>.csv` of the category that the name ends with after a `_`.
    let match: string | undefined;
    for (const f of corpus.files)
      if (f.name.startsWith(`${category}/`)) {
        const base = f.name.slice(category.length + 1);
        if (name.endsWith(`_${base}`) && name.length > base.length + 1 && (match === undefined || base.length > match.length)) match = base;
      }
    if (match === undefined)
      throw new DataError(
        `${file}: names no data file of ${path.join(corpus.dir, 'data', category)} (expected <detector>_<file>.csv for a file there)`,
        'E_NAB',
      );
    const prefix = name.slice(0, name.length - match.length - 1);
    if (detector === undefined) {
      detector = prefix;
      first = file;
    } else if (prefix !== detector)
      throw new DataError(
        `${file}: results of detector '${prefix}', but ${first} is of '${detector}' (expected one detector's files)`,
        'E_NAB',
      );
    const data = byName.get(`${category}/${match}`) as NabDataFile;
    const columns = parseColumns(await readText(file, "a detector's results"), file, 'anomaly_score', [0, 1]);
    if (columns.timestamps.length !== data.timestamps.length)
      throw new DataError(
        `${file}: ${columns.timestamps.length} row(s), expected ${data.timestamps.length} (one per row of data/${data.name})`,
        'E_NAB',
      );
    for (let i = 0; i < columns.timestamps.length; i++)
      if (columns.timestamps[i] !== data.timestamps[i])
        throw new CsvError(
          `${file}, line ${columns.lines[i]}: timestamp ${new Date(columns.timestamps[i]).toISOString()} where data/${data.name} has ${new Date(data.timestamps[i]).toISOString()} (expected the data file's rows in order)`,
          'E_CSV_VALUE',
        );
    scores.set(data.name, columns.values);
  }
  if (detector === undefined) throw new DataError(`${dir}: no <category>/<detector>_<file>.csv files (expected ${expected})`, 'E_NAB');
  const missing = corpus.files.filter((f) => !scores.has(f.name));
  if (missing.length > 0)
    throw new DataError(
      `${dir}: no results for ${missing.length} of the ${corpus.files.length} data files, e.g. ${path.join(dir, path.dirname(missing[0].name), `${detector}_${path.basename(missing[0].name)}`)} (NAB scores every file)`,
      'E_NAB',
    );
  return { dir, detector, scores };
}

/**
 * The thresholds NAB scored `detector` at, by profile, from a thresholds file of NAB's shape
 * (`config/thresholds.json`: `{ "<detector>": { "<profile>": { "threshold": x, "score": y } } }`).
 * NAB's `run.py --score` without `--optimize` scores at these; its published scores were made so.
 *
 * @throws {DataError} `E_NOT_FOUND` for a missing file; `E_NAB` when the file is not of that shape,
 *   has no entry for `detector`, or lacks one of `profiles`.
 * @example const t = await loadNabThresholds('nab/config/thresholds.json', 'numenta', ['standard']); // { standard: 0.5421… }
 */
export async function loadNabThresholds(file: string, detector: string, profiles: readonly string[]): Promise<Record<string, number>> {
  const json = parseJson(await readText(file, "NAB's thresholds"), file, 'the thresholds of each detector and profile');
  const expected = `{ "${detector}": { "<profile>": { "threshold": <number> } } }`;
  if (!isObject(json)) throw new DataError(`${file}: expected ${expected}, found ${Array.isArray(json) ? 'a list' : typeof json}`, 'E_NAB');
  const entry = json[detector];
  if (!isObject(entry))
    throw new DataError(
      `${file}: no thresholds for detector '${detector}' (it has ${Object.keys(json).length} detectors: ${Object.keys(json).slice(0, 8).join(', ')}${Object.keys(json).length > 8 ? ', …' : ''})`,
      'E_NAB',
    );
  const out: Record<string, number> = {};
  for (const profile of profiles) {
    const t = isObject(entry[profile]) ? entry[profile].threshold : undefined;
    if (typeof t !== 'number' || !Number.isFinite(t))
      throw new DataError(`${file}: '${detector}' has no numeric threshold for profile '${profile}' (expected ${expected})`, 'E_NAB');
    out[profile] = t;
  }
  return out;
}
