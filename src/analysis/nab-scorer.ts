/**
 * The Numenta Anomaly Benchmark's scoring rules (NAB v1.1; Lavin & Ahmad 2015), as NAB's own
 * `nab/sweeper.py`, `nab/optimizer.py`, `nab/scorer.py` and `nab/runner.py` apply them. Pure: arrays
 * of timestamps, anomaly scores and labelled windows in, numbers out (reading NAB's files is
 * `src/data/nab.ts`'s job).
 *
 * The rules, per file of `n` rows:
 * - the first `min(floor(0.15 n), 0.15 · 5000)` rows are the probationary period: nothing there is scored;
 * - a row is a detection when its anomaly score is ≥ the threshold;
 * - a labelled window scores its earliest detection only, `tpWeight · S(p) / S(-1)`, where
 *   `S(p) = 2 · sigmoid(-5 p) - 1` and `p = -(right - i + 1) / width` runs from -1 at the window's
 *   first row to just below 0 at its last; a window with no detection scores `-fnWeight`;
 * - every detection outside the windows scores `fpWeight · S(q)` with `q = (i - right) / (width - 1)`
 *   measured from the preceding window (so a false positive right after a window costs little, one
 *   far after it up to `fpWeight`), and `-fpWeight` when no window precedes it;
 * - a file's score is the sum of its windows' and false positives' scores.
 *
 * Over a corpus the threshold is one per profile, the one that maximises the sum of the files'
 * scores (NAB's sweeper: every distinct anomaly score is tried, ties go to the highest threshold).
 * The corpus score is normalised as `100 · (raw - null) / (perfect - null)`: `null` is the score of
 * NAB's null detector (a constant 0.5 on every row, its threshold optimised the same way) and
 * `perfect` is `tpWeight` times the number of labelled windows.
 */
import { AekitError, ArgumentError } from '../core/errors.js';

/** The weights of a NAB application profile (`config/profiles.json`'s `CostMatrix`). */
export interface NabCostMatrix {
  /** Reward of a window detected at its very first row. */
  tpWeight: number;
  /** Cost of a false positive far from any window. */
  fpWeight: number;
  /** Cost of a window never detected. */
  fnWeight: number;
}

/** The names of NAB v1.1's three application profiles. */
export type NabProfileName = 'standard' | 'reward_low_FP_rate' | 'reward_low_FN_rate';

/** NAB v1.1's three profiles, as its `config/profiles.json` sets them. */
export const NAB_PROFILES: Readonly<Record<NabProfileName, NabCostMatrix>> = {
  standard: { tpWeight: 1, fpWeight: 0.11, fnWeight: 1 },
  reward_low_FP_rate: { tpWeight: 1, fpWeight: 0.22, fnWeight: 1 },
  reward_low_FN_rate: { tpWeight: 1, fpWeight: 0.11, fnWeight: 2 },
};

/** The share of each file's rows in the probationary period (NAB's `probationaryPercent`). */
export const NAB_PROBATION_PERCENT = 0.15;

/** The constant anomaly score of NAB's null detector. */
export const NAB_NULL_SCORE = 0.5;

/** The threshold above every anomaly score that NAB's sweeper starts from: nothing is detected. */
export const NAB_START_THRESHOLD = 1.1;

/** A labelled anomaly window: the timestamps of its first and last rows (both rows of the file). */
export interface NabWindow {
  /** Timestamp of the window's first row, in the unit of the file's timestamps. */
  start: number;
  /** Timestamp of the window's last row. */
  end: number;
}

/** One file of a detector's results: its rows' timestamps and anomaly scores, and its windows. */
export interface NabSeries {
  /** The file's name in messages and tables, e.g. `realKnownCause/nyc_taxi.csv`. */
  name: string;
  /** One timestamp per row, in file order (any unit, e.g. milliseconds). */
  timestamps: ArrayLike<number>;
  /** One anomaly score per row (NAB's detectors emit values in [0, 1]). */
  scores: ArrayLike<number>;
  /** The labelled windows, in any order; they may not overlap. */
  windows: readonly NabWindow[];
}

/** Row kind in {@link LabelledSeries.window}: outside every window, after the probationary period. */
export const OUTSIDE = -1;
/** Row kind in {@link LabelledSeries.window}: in the probationary period (never scored). */
export const PROBATION = -2;

/**
 * A series with every row placed: which window it is in and its unweighted score `S(·)` were it a
 * detection. Profile-free, so one labelling serves every profile and threshold.
 */
export interface LabelledSeries {
  /** The file's name. */
  name: string;
  /** The anomaly scores, one per row. */
  scores: Float64Array;
  /** Per row: the index of its window (0-based, in time order), {@link OUTSIDE} or {@link PROBATION}. */
  window: Int32Array;
  /** Per row: `S(p)` inside a window (in (0, S(-1)]), `S(q)` or -1 outside (in [-1, 0)). */
  unweighted: Float64Array;
  /** Rows in the probationary period. */
  probation: number;
  /** Labelled windows (the count `perfect` is made of). */
  windows: number;
  /** Per window: whether it has a row after the probationary period (only those can be a TP or FN, as in NAB). */
  scorable: Uint8Array;
}

/** A file's score at one threshold and profile, with NAB's row counts. */
export interface SeriesScore {
  /** The file's name. */
  name: string;
  /** The threshold: rows with an anomaly score ≥ it are detections. */
  threshold: number;
  /** The file's raw NAB score: windows' scores plus false positives' scores. */
  score: number;
  /** Detections inside windows (rows, as NAB counts them). */
  tp: number;
  /** Rows outside windows not detected. */
  tn: number;
  /** Detections outside windows (rows). */
  fp: number;
  /** Rows inside windows not detected. */
  fn: number;
  /** Scored rows (the rows after the probationary period). */
  total: number;
  /** Windows with at least one detection. */
  windowsDetected: number;
  /** Windows (after the probationary period) with none: each costs `fnWeight`. */
  windowsMissed: number;
}

/** A threshold and the corpus score it gives. */
export interface ThresholdScore {
  /** Rows with an anomaly score ≥ it are detections. */
  threshold: number;
  /** Sum of the files' raw scores at it. */
  score: number;
}

/**
 * The rows NAB leaves out of scoring at the start of a file of `rows` rows:
 * `min(floor(percent · rows), percent · 5000)` (a fraction is possible for the cap; a row `i`
 * counts when `i ≥` it).
 *
 * @example probationLength(4032) // 604
 */
export function probationLength(rows: number, percent = NAB_PROBATION_PERCENT): number {
  return Math.min(Math.floor(percent * rows), percent * 5000);
}

/**
 * NAB's scaled sigmoid of a position relative to a window's end: `2 · sigmoid(-5 x) - 1`
 * (0.98661 at -1, a window's first row; 0 at its end; about -0.98661 at 1), and -1 beyond 3.
 *
 * @example scaledSigmoid(-1) // 0.9866142981514305
 */
export function scaledSigmoid(x: number): number {
  if (x > 3) return -1;
  return 2 / (1 + Math.exp(5 * x)) - 1;
}

/** A series that cannot be scored (code `E_NAB_SERIES`); the message starts with the file's name. */
function seriesError(message: string): AekitError {
  return new AekitError(message, { code: 'E_NAB_SERIES' });
}

/** `S(-1)`, the score of a window's first row: TP scores are divided by it so that one there earns `tpWeight`. */
const MAX_TP = scaledSigmoid(-1);

/**
 * Places every row of a series (see {@link LabelledSeries}); `probationPercent` defaults to NAB's 0.15.
 *
 * @throws {AekitError} (code `E_NAB_SERIES`) naming the file: timestamps and scores of different lengths, a
 *   score that is not a finite number, a window whose start or end is not a row's timestamp, a
 *   window that ends before it starts, or windows that overlap.
 */
export function labelSeries(series: NabSeries, probationPercent = NAB_PROBATION_PERCENT): LabelledSeries {
  const { name, timestamps, scores } = series;
  const n = timestamps.length;
  if (scores.length !== n)
    throw seriesError(`${name}: ${n} timestamp(s) but ${scores.length} anomaly score(s) (expected one score per row)`);
  const copy = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const s = scores[i];
    if (!Number.isFinite(s)) throw seriesError(`${name}: row ${i + 1}: the anomaly score ${s} is not a finite number`);
    copy[i] = s;
  }
  // NAB finds a window's rows by exact timestamp (the first row with it).
  const rowOf = new Map<number, number>();
  for (let i = n - 1; i >= 0; i--) rowOf.set(timestamps[i], i);
  const spans = series.windows
    .map((w) => {
      const left = rowOf.get(w.start);
      const right = rowOf.get(w.end);
      if (left === undefined || right === undefined)
        throw seriesError(
          `${name}: the window [${w.start}, ${w.end}] ${left === undefined ? 'starts' : 'ends'} at a time that is not a row's timestamp (window limits must be rows of the file)`,
        );
      if (right < left) throw seriesError(`${name}: the window [${w.start}, ${w.end}] ends before it starts`);
      return { left, right };
    })
    .sort((a, b) => a.left - b.left);
  for (let k = 1; k < spans.length; k++)
    if (spans[k].left <= spans[k - 1].right)
      throw seriesError(
        `${name}: windows ${k} and ${k + 1} (rows ${spans[k - 1].left + 1}–${spans[k - 1].right + 1} and ${spans[k].left + 1}–${spans[k].right + 1}) overlap`,
      );

  const probation = probationLength(n, probationPercent);
  const window = new Int32Array(n);
  const unweighted = new Float64Array(n);
  const scorable = new Uint8Array(spans.length);
  let next = 0; // the next window to enter
  let previous: { right: number; width: number } | null = null;
  for (let i = 0; i < n; i++) {
    const current =
      next > 0 && i <= spans[next - 1].right ? spans[next - 1] : next < spans.length && i === spans[next].left ? spans[next++] : null;
    if (current !== null) {
      const width = current.right - current.left + 1;
      unweighted[i] = scaledSigmoid(-(current.right - i + 1) / width);
      window[i] = next - 1;
      if (i === current.right) previous = { right: current.right, width };
    } else {
      // NAB divides by (width - 1): a one-row window would divide by zero there; here its false positives count as far away.
      unweighted[i] =
        previous === null ? -1 : scaledSigmoid(previous.width > 1 ? (i - previous.right) / (previous.width - 1) : Number.POSITIVE_INFINITY);
      window[i] = OUTSIDE;
    }
    if (i < probation) window[i] = PROBATION;
    else if (window[i] >= 0) scorable[window[i]] = 1;
  }
  return { name, scores: copy, window, unweighted, probation, windows: spans.length, scorable };
}

/** Throws unless a profile's three weights are finite numbers (tpWeight > 0, the others ≥ 0). */
function checkProfile(profile: NabCostMatrix): void {
  for (const key of ['tpWeight', 'fpWeight', 'fnWeight'] as const) {
    const v = profile[key];
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || (key === 'tpWeight' && v === 0))
      throw new ArgumentError('profile', `${key} must be a finite number ${key === 'tpWeight' ? '> 0' : '≥ 0'}, got ${v}`);
  }
}

/**
 * A file's raw NAB score and row counts when the rows scoring ≥ `threshold` are detections.
 *
 * @example
 * const s = scoreSeries(labelSeries({ name: 'f', timestamps, scores, windows }), 0.5, NAB_PROFILES.standard);
 * // s.score: 1 for a single detection at a window's first row and nothing else
 */
export function scoreSeries(series: LabelledSeries, threshold: number, profile: NabCostMatrix): SeriesScore {
  checkProfile(profile);
  const { scores, window, unweighted } = series;
  const best = new Float64Array(series.windows).fill(Number.NEGATIVE_INFINITY);
  let fpScore = 0;
  let tp = 0;
  let tn = 0;
  let fp = 0;
  let fn = 0;
  for (let i = 0; i < scores.length; i++) {
    const w = window[i];
    if (w === PROBATION) continue;
    const detected = scores[i] >= threshold;
    if (w === OUTSIDE) {
      if (detected) {
        fp++;
        fpScore += unweighted[i] * profile.fpWeight;
      } else tn++;
    } else if (detected) {
      tp++;
      // Scores fall through a window, so its earliest detection is its best.
      best[w] = Math.max(best[w], (unweighted[i] * profile.tpWeight) / MAX_TP);
    } else fn++;
  }
  let score = fpScore;
  let windowsDetected = 0;
  let windowsMissed = 0;
  for (let w = 0; w < series.windows; w++) {
    if (series.scorable[w] === 0) continue;
    if (best[w] === Number.NEGATIVE_INFINITY) {
      windowsMissed++;
      score -= profile.fnWeight;
    } else {
      windowsDetected++;
      score += best[w];
    }
  }
  return { name: series.name, threshold, score, tp, tn, fp, fn, total: tp + tn + fp + fn, windowsDetected, windowsMissed };
}

/**
 * Every scored row of a corpus, sorted once by anomaly score (highest first), ready to be swept
 * for any profile by {@link bestThreshold}.
 */
export interface CorpusSweep {
  /** Anomaly scores of the scored rows, highest first. */
  scores: Float64Array;
  /** Per sorted row: its window's index in the corpus (0-based over all files' windows), or {@link OUTSIDE}. */
  window: Int32Array;
  /** Per sorted row: its unweighted score. */
  unweighted: Float64Array;
  /** Per corpus window: whether it can be a TP or FN (it has rows after the probationary period). */
  scorable: Uint8Array;
}

/** Sorts the scored rows of `series` (all files together) for {@link bestThreshold}. */
export function corpusSweep(series: readonly LabelledSeries[]): CorpusSweep {
  let rows = 0;
  let windows = 0;
  for (const s of series) {
    for (let i = 0; i < s.window.length; i++) if (s.window[i] !== PROBATION) rows++;
    windows += s.windows;
  }
  const scores = new Float64Array(rows);
  const window = new Int32Array(rows);
  const unweighted = new Float64Array(rows);
  const scorable = new Uint8Array(windows);
  let r = 0;
  let offset = 0;
  for (const s of series) {
    for (let i = 0; i < s.window.length; i++) {
      const w = s.window[i];
      if (w === PROBATION) continue;
      scores[r] = s.scores[i];
      window[r] = w === OUTSIDE ? OUTSIDE : w + offset;
      unweighted[r] = s.unweighted[i];
      r++;
    }
    scorable.set(s.scorable, offset);
    offset += s.windows;
  }
  // Highest score first; equal scores keep file and row order (NAB's stable sort).
  const order = Array.from({ length: rows }, (_, i) => i).sort((a, b) => scores[b] - scores[a] || a - b);
  const sorted: CorpusSweep = {
    scores: new Float64Array(rows),
    window: new Int32Array(rows),
    unweighted: new Float64Array(rows),
    scorable,
  };
  for (let k = 0; k < rows; k++) {
    const i = order[k];
    sorted.scores[k] = scores[i];
    sorted.window[k] = window[i];
    sorted.unweighted[k] = unweighted[i];
  }
  return sorted;
}

/**
 * The corpus score at every threshold NAB's sweeper tries — {@link NAB_START_THRESHOLD} (nothing
 * detected), then each distinct anomaly score, highest first — in that order.
 */
export function thresholdScores(sweep: CorpusSweep, profile: NabCostMatrix): ThresholdScore[] {
  checkProfile(profile);
  const { scores, window, unweighted, scorable } = sweep;
  // Each scorable window starts as a miss; a detection replaces that by its TP score when better.
  const windowScore = new Float64Array(scorable.length);
  let windowTotal = 0;
  for (let w = 0; w < scorable.length; w++)
    if (scorable[w] === 1) {
      windowScore[w] = -profile.fnWeight;
      windowTotal -= profile.fnWeight;
    }
  let fpTotal = 0;
  const out: ThresholdScore[] = [];
  let threshold = NAB_START_THRESHOLD;
  for (let k = 0; k < scores.length; k++) {
    if (scores[k] !== threshold) {
      out.push({ threshold, score: fpTotal + windowTotal });
      threshold = scores[k];
    }
    const w = window[k];
    if (w === OUTSIDE) fpTotal += unweighted[k] * profile.fpWeight;
    else {
      const s = (unweighted[k] * profile.tpWeight) / MAX_TP;
      if (s > windowScore[w]) {
        windowTotal += s - windowScore[w];
        windowScore[w] = s;
      }
    }
  }
  out.push({ threshold, score: fpTotal + windowTotal });
  return out;
}

/**
 * The threshold that maximises the corpus score for `profile` (NAB's optimizer; of equal scores
 * the highest threshold).
 *
 * @example const { threshold, score } = bestThreshold(corpusSweep(labelled), NAB_PROFILES.standard);
 */
export function bestThreshold(sweep: CorpusSweep, profile: NabCostMatrix): ThresholdScore {
  let best: ThresholdScore | null = null;
  for (const t of thresholdScores(sweep, profile)) if (best === null || t.score > best.score) best = t;
  return best as ThresholdScore;
}

/**
 * `100 · (raw - nullScore) / (perfect - nullScore)`: 0 for the null detector, 100 for a perfect one.
 *
 * @throws {AekitError} (code `E_NAB_SERIES`) when `perfect` equals `nullScore` (a corpus without windows).
 */
export function normalizedScore(raw: number, nullScore: number, perfect: number): number {
  if (perfect === nullScore)
    throw new AekitError(
      `the perfect and the null detector's scores are both ${perfect}: a corpus without labelled windows cannot be normalised`,
      { code: 'E_NAB_SERIES' },
    );
  return (100 * (raw - nullScore)) / (perfect - nullScore);
}

/** A detector's result for one profile over a corpus. */
export interface NabProfileScore {
  /** The corpus-wide threshold of the profile. */
  threshold: number;
  /** Where it comes from: `sweep` (optimised over the corpus) or `given` ({@link ScoreNabOptions.thresholds}). */
  thresholdFrom: 'sweep' | 'given';
  /** Sum of the files' raw scores at it. */
  raw: number;
  /** The null detector's raw score (its own optimised threshold). */
  null: number;
  /** A perfect detector's raw score: `tpWeight` × the number of windows. */
  perfect: number;
  /** The normalised NAB score (see {@link normalizedScore}). */
  normalized: number;
}

/** One file of a scored corpus: its size and, per profile, its score at that profile's threshold. */
export interface NabFileScore {
  /** The file's name. */
  name: string;
  /** Rows in the file. */
  rows: number;
  /** Rows in its probationary period. */
  probation: number;
  /** Labelled windows in the file. */
  windows: number;
  /** Per profile name: the file's score at the profile's corpus threshold. */
  profiles: Record<string, SeriesScore>;
}

/** A detector scored on a corpus: per profile the corpus result, and the per-file table. */
export interface NabScoreboard {
  /** Per profile name, in the order given. */
  profiles: Record<string, NabProfileScore>;
  /** Per file, in the order given. */
  files: NabFileScore[];
}

/** Options of {@link scoreNab}. */
export interface ScoreNabOptions {
  /** The profiles to score, by name. Default: {@link NAB_PROFILES}. */
  profiles?: Readonly<Record<string, NabCostMatrix>>;
  /** Share of each file's rows in the probationary period. Default 0.15. */
  probationPercent?: number;
  /**
   * Thresholds to score at instead of optimising, by profile name (NAB's `run.py --score` without
   * `--optimize` reads them from `config/thresholds.json`); profiles not named here are optimised.
   */
  thresholds?: Readonly<Record<string, number>>;
}

/**
 * Scores a detector on a corpus as NAB does: per profile the best corpus threshold, every file's
 * score at it, and the normalised score against the null and a perfect detector on the same files.
 *
 * @throws {AekitError} (`E_NAB_SERIES`) for a file that cannot be labelled (see {@link labelSeries}),
 *   no files, or no windows at all; {@link ArgumentError} for a bad profile or threshold.
 * @example
 * const board = scoreNab(files);
 * console.log(board.profiles.standard.normalized);
 */
export function scoreNab(series: readonly NabSeries[], options: ScoreNabOptions = {}): NabScoreboard {
  const profiles = options.profiles ?? NAB_PROFILES;
  const percent = options.probationPercent ?? NAB_PROBATION_PERCENT;
  if (!(percent >= 0 && percent < 1)) throw new ArgumentError('probationPercent', `expected a number in [0, 1), got ${percent}`);
  if (series.length === 0) throw seriesError('no files to score');
  if (Object.keys(profiles).length === 0) throw new ArgumentError('profiles', 'no profiles to score');
  const labelled = series.map((s) => labelSeries(s, percent));
  const sweep = corpusSweep(labelled);
  const nullSweep = corpusSweep(labelled.map((s) => ({ ...s, scores: new Float64Array(s.scores.length).fill(NAB_NULL_SCORE) })));
  const windows = labelled.reduce((sum, s) => sum + s.windows, 0);
  const files: NabFileScore[] = labelled.map((s) => ({
    name: s.name,
    rows: s.scores.length,
    probation: s.probation,
    windows: s.windows,
    profiles: {},
  }));
  const result: Record<string, NabProfileScore> = {};
  for (const [name, profile] of Object.entries(profiles)) {
    const given = options.thresholds?.[name];
    if (given !== undefined && !Number.isFinite(given))
      throw new ArgumentError('thresholds', `the threshold of profile '${name}' must be a finite number, got ${given}`);
    const threshold = given ?? bestThreshold(sweep, profile).threshold;
    let raw = 0;
    labelled.forEach((s, i) => {
      const fileScore = scoreSeries(s, threshold, profile);
      files[i].profiles[name] = fileScore;
      raw += fileScore.score;
    });
    const nullScore = bestThreshold(nullSweep, profile).score;
    const perfect = windows * profile.tpWeight;
    result[name] = {
      threshold,
      thresholdFrom: given === undefined ? 'sweep' : 'given',
      raw,
      null: nullScore,
      perfect,
      normalized: normalizedScore(raw, nullScore, perfect),
    };
  }
  return { profiles: result, files };
}
