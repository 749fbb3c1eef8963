/**
 * `aekit nab …`: the Numenta Anomaly Benchmark (NAB v1.1). `nab score` scores one detector's results
 * as NAB does. Each subcommand is a builder in {@link NAB_SUBCOMMANDS}; adding one there adds it to
 * `aekit nab` and to its help.
 */
import * as path from 'node:path';
import { Command, Option } from 'commander';
import { type NabScoreboard, scoreNab } from '../../analysis/nab-scorer.js';
import { AekitError } from '../../core/errors.js';
import { ensureDirectory, writeFileAtomic } from '../../core/fs.js';
import { loadNabCorpus, loadNabResults, loadNabThresholds, type NabCorpus, type NabDataFile } from '../../data/nab.js';
import { type BackendName, useBackend } from '../../engine/backend.js';
import { detectNab, NAB_DETECTORS, NAB_RUN_DEFAULTS, type NabDetectorName } from '../../runs/nab-detector.js';
import { backendOption, choiceFlag, fractionFlag, intFlag, UsageError } from '../options.js';
import { stepProgress } from '../progress.js';

/** Defaults of `aekit nab score` (shown in `--help`): thresholds are optimised over the corpus. */
export const NAB_SCORE_DEFAULTS = { thresholds: 'sweep' } as const;

interface ScoreFlags {
  nab: string;
  results: string;
  json?: string;
  thresholds: string;
}

/** Keys of the JSON summary that a profile may not be called. */
const RESERVED = new Set(['detector', 'thresholds', 'thresholdsFrom', 'raw', 'null', 'perfect', 'files']);

/** The `--json` summary: the normalised scores by profile at the top, then thresholds, raw scores and the per-file table. */
function summaryJson(detector: string, board: NabScoreboard, thresholdsFrom: string): Record<string, unknown> {
  const profiles = Object.entries(board.profiles);
  const byProfile = (pick: (p: (typeof profiles)[number][1]) => number) => Object.fromEntries(profiles.map(([name, p]) => [name, pick(p)]));
  return {
    detector,
    ...byProfile((p) => p.normalized),
    thresholds: byProfile((p) => p.threshold),
    thresholdsFrom,
    raw: byProfile((p) => p.raw),
    null: byProfile((p) => p.null),
    perfect: byProfile((p) => p.perfect),
    files: board.files.map((f) => ({
      file: f.name,
      rows: f.rows,
      probation: f.probation,
      windows: f.windows,
      ...Object.fromEntries(
        Object.entries(f.profiles).map(([name, s]) => [
          name,
          { score: s.score, tp: s.tp, fp: s.fp, fn: s.fn, tn: s.tn, windowsDetected: s.windowsDetected, windowsMissed: s.windowsMissed },
        ]),
      ),
    })),
  };
}

/** Text columns: the first left-aligned, the rest right-aligned, two spaces apart. */
function table(rows: string[][]): string {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  return rows.map((r) => r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  ')).join('\n');
}

/** Prints the scores by profile and the per-file table. */
function printScoreboard(detector: string, board: NabScoreboard, resultsDir: string): void {
  const names = Object.keys(board.profiles);
  const windows = board.files.reduce((n, f) => n + f.windows, 0);
  console.log(`NAB scores of detector '${detector}' (${resultsDir}: ${board.files.length} files, ${windows} windows)`);
  console.log(
    table([
      ['profile', 'threshold', 'from', 'raw', 'null', 'perfect', 'score'],
      ...names.map((name) => {
        const p = board.profiles[name];
        return [
          name,
          p.threshold.toPrecision(6),
          p.thresholdFrom,
          p.raw.toFixed(3),
          p.null.toFixed(3),
          p.perfect.toFixed(3),
          p.normalized.toFixed(2),
        ];
      }),
    ]),
  );
  const first = names[0];
  console.log(`\nPer file: raw scores at those thresholds; windows found and false-positive rows at the ${first} threshold`);
  console.log(
    table([
      ['file', 'rows', 'windows', 'found', 'FP', ...names],
      ...board.files.map((f) => [
        f.name,
        String(f.rows),
        String(f.windows),
        String(f.profiles[first].windowsDetected),
        String(f.profiles[first].fp),
        ...names.map((n) => f.profiles[n].score.toFixed(3)),
      ]),
    ]),
  );
}

/** Builds `aekit nab score`. */
export function nabScoreCommand(): Command {
  return new Command('score')
    .description(
      "score one detector's results as NAB's scorer does: per profile of NAB_DIR/config/profiles.json, the best threshold over all files (or those of --thresholds), every file's score at it, and the score normalised to 0 for the null detector and 100 for a perfect one",
    )
    .requiredOption('--nab <dir>', 'the NAB directory: data/<category>/<file>.csv, labels/combined_windows.json, config/profiles.json')
    .requiredOption(
      '--results <dir>',
      "one detector's results, e.g. NAB_DIR/results/numenta: <category>/<detector>_<file>.csv with an anomaly_score column, one row per data row",
    )
    .option('--json <file>', 'also write the scores, thresholds and per-file table to this JSON file')
    .option(
      '--thresholds <sweep|file>',
      "'sweep' optimises each profile's threshold over the corpus (NAB's optimize step); a file of NAB's config/thresholds.json shape gives the detector's thresholds (NAB's published scores were made at those)",
      NAB_SCORE_DEFAULTS.thresholds,
    )
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .action(async (flags: ScoreFlags) => {
      const corpus = await loadNabCorpus(flags.nab);
      const reserved = Object.keys(corpus.profiles).find((name) => RESERVED.has(name));
      if (reserved !== undefined)
        throw new AekitError(
          `${path.join(flags.nab, 'config', 'profiles.json')}: a profile may not be called '${reserved}' (a key of the --json summary)`,
          {
            code: 'E_NAB',
          },
        );
      const results = await loadNabResults(flags.results, corpus);
      const thresholds =
        flags.thresholds === 'sweep'
          ? undefined
          : await loadNabThresholds(flags.thresholds, results.detector, Object.keys(corpus.profiles));
      const board = scoreNab(
        corpus.files.map((f) => ({
          name: f.name,
          timestamps: f.timestamps,
          scores: results.scores.get(f.name) as Float64Array,
          windows: f.windows,
        })),
        { profiles: corpus.profiles, thresholds },
      );
      printScoreboard(results.detector, board, flags.results);
      if (flags.json !== undefined) {
        await writeFileAtomic(flags.json, `${JSON.stringify(summaryJson(results.detector, board, flags.thresholds), null, 2)}\n`);
        console.log(`\nwrote ${flags.json}`);
      }
    });
}

/** Scores of `results` (anomaly scores per file name) on `corpus` with the swept thresholds. */
function scoreResults(corpus: NabCorpus, files: readonly NabDataFile[], results: Map<string, Float64Array>): NabScoreboard {
  return scoreNab(
    files.map((f) => ({ name: f.name, timestamps: f.timestamps, scores: results.get(f.name) as Float64Array, windows: f.windows })),
    { profiles: corpus.profiles },
  );
}

/** A NAB timestamp as NAB writes it in result files: `YYYY-MM-DD HH:MM:SS`. */
function nabTimestamp(ms: number): string {
  return new Date(ms)
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d+Z$/, '');
}

/** A file's result in NAB's format: timestamp,value,anomaly_score,raw_score,label (label 1 inside a labelled window; raw_score the window error, as NAB's numenta results carry theirs). */
function resultCsv(file: NabDataFile, scores: Float64Array, raw: Float64Array): string {
  const lines = ['timestamp,value,anomaly_score,raw_score,label'];
  for (let i = 0; i < file.values.length; i++) {
    const t = file.timestamps[i];
    const label = file.windows.some((w) => t >= w.start && t <= w.end) ? 1 : 0;
    lines.push(`${nabTimestamp(t)},${file.values[i]},${scores[i]},${Number.isNaN(raw[i]) ? '' : raw[i]},${label}`);
  }
  return `${lines.join('\n')}\n`;
}

/** The per-category table of results.md: files, windows, windows found at the standard threshold, raw score per profile. */
function categoryTable(board: NabScoreboard, profiles: readonly string[]): string {
  const first = profiles[0];
  const byCategory = new Map<string, NabScoreboard['files']>();
  for (const f of board.files) {
    const category = f.name.split('/')[0];
    byCategory.set(category, [...(byCategory.get(category) ?? []), f]);
  }
  const rows = [...byCategory.entries()].map(([category, files]) => [
    category,
    String(files.length),
    String(files.reduce((n, f) => n + f.windows, 0)),
    String(files.reduce((n, f) => n + f.profiles[first].windowsDetected, 0)),
    String(files.reduce((n, f) => n + f.profiles[first].fp, 0)),
    ...profiles.map((p) => files.reduce((n, f) => n + f.profiles[p].score, 0).toFixed(2)),
  ]);
  const header = ['category', 'files', 'windows', `found (${first})`, `FP rows (${first})`, ...profiles.map((p) => `raw ${p}`)];
  return [
    `| ${header.join(' | ')} |`,
    `|${header.map((_, i) => (i === 0 ? '---' : '---:')).join('|')}|`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ].join('\n');
}

interface RunFlags {
  nab: string;
  out: string;
  detector: NabDetectorName;
  files?: string[];
  window: number;
  epochs: number;
  recent: number;
  history: number;
  suppress: number;
  seed: number;
  backend: BackendName;
}

/** Builds `aekit nab run`. */
export function nabRunCommand(): Command {
  const d = NAB_RUN_DEFAULTS;
  return new Command('run')
    .description(
      "run one of aekit's detectors on NAB: per file, a windowed autoencoder trained on the probationary first 15 % of the rows, every row scored causally (the error of the window ending at it, as an anomaly likelihood with repeated detections suppressed); writes NAB result files OUT/<detector>/<category>/<detector>_<file>.csv, then scores them into OUT/score.json and OUT/results.md",
    )
    .requiredOption('--nab <dir>', 'the NAB directory: data/<category>/<file>.csv, labels/combined_windows.json, config/profiles.json')
    .requiredOption('--out <dir>', 'where the results, score.json and results.md go')
    .addOption(
      new Option(
        '--detector <name>',
        "the autoencoder: conv1d (the Keras example's, with 16 and 8 filters) or lstm (the recurrent autoencoder, LSTM(16) → LSTM(4))",
      )
        .argParser(choiceFlag(NAB_DETECTORS))
        .default('conv1d'),
    )
    .option(
      '--files <list>',
      'only these data files, comma-separated, by name under data/ (realKnownCause/nyc_taxi.csv) or file name (nyc_taxi.csv); scored over them alone',
      (v: string) => v.split(',').map((s) => s.trim()),
    )
    .option(
      '--window <n>',
      'steps per window, at most (a quarter of the probation where that is shorter; a multiple of 4)',
      intFlag(8),
      d.window,
    )
    .option('--epochs <n>', 'training epochs on the probationary windows', intFlag(1), d.epochs)
    .option('--recent <n>', 'raw scores averaged into the recent score of the anomaly likelihood', intFlag(1), d.recent)
    .option('--history <n>', 'raw scores the anomaly likelihood fits its Gaussian to', intFlag(2), d.history)
    .option('--suppress <fraction>', 'rows scored 0 after a detection, as a fraction of the probation', fractionFlag, d.suppress)
    .option('--seed <n>', 'seed of the weights and the shuffling', intFlag(0), d.seed)
    .addOption(backendOption())
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .action(async (flags: RunFlags) => {
      const started = Date.now();
      const engine = await useBackend(flags.backend);
      const corpus = await loadNabCorpus(flags.nab);
      const files =
        flags.files === undefined
          ? corpus.files
          : flags.files.map((want) => {
              const found = corpus.files.find((f) => f.name === want || path.basename(f.name) === want);
              if (found === undefined)
                throw new UsageError(
                  `--files: no data file '${want}' in ${path.join(flags.nab, 'data')} (e.g. realKnownCause/nyc_taxi.csv)`,
                );
              return found;
            });
      if (files.length === 0) throw new UsageError('--files: no files given');
      const settings = {
        ...d,
        window: Math.floor(flags.window / 4) * 4,
        epochs: flags.epochs,
        recent: flags.recent,
        history: flags.history,
        suppress: flags.suppress,
        seed: flags.seed,
      };
      console.log(`${engine.description}\nnab run: detector ${flags.detector} on ${files.length} file(s) of ${corpus.dir}`);
      const rows = files.reduce((n, f) => n + f.values.length, 0);
      const progress = stepProgress(`nab run ${flags.detector}`);
      const results = new Map<string, Float64Array>();
      const resultsDir = path.join(flags.out, flags.detector);
      let done = 0;
      try {
        for (const file of files) {
          const detection = await detectNab(file, flags.detector, settings);
          results.set(file.name, detection.scores);
          const out = path.join(resultsDir, path.dirname(file.name), `${flags.detector}_${path.basename(file.name)}`);
          await ensureDirectory(path.dirname(out));
          await writeFileAtomic(out, resultCsv(file, detection.scores, detection.raw));
          done += file.values.length;
          await progress.update(done, rows);
        }
      } finally {
        progress.stop();
      }
      const seconds = (Date.now() - started) / 1000;
      const board = scoreResults(corpus, files, results);
      printScoreboard(flags.detector, board, resultsDir);
      const summary = { ...summaryJson(flags.detector, board, 'sweep'), settings: { detector: flags.detector, ...settings }, seconds };
      const scoreFile = path.join(flags.out, 'score.json');
      await writeFileAtomic(scoreFile, `${JSON.stringify(summary, null, 2)}\n`);
      const profiles = Object.keys(board.profiles);
      const md = [
        `# NAB: aekit ${flags.detector}`,
        '',
        `${files.length} file(s), ${rows} rows, ${seconds.toFixed(0)} s (${engine.description}).`,
        `Settings: ${JSON.stringify(settings)}.`,
        '',
        `| profile | threshold | score |`,
        `|---|---:|---:|`,
        ...profiles.map((p) => `| ${p} | ${board.profiles[p].threshold.toPrecision(6)} | ${board.profiles[p].normalized.toFixed(2)} |`),
        '',
        'Per category (raw scores at the thresholds above; the normalised scores are over all the files scored):',
        '',
        categoryTable(board, profiles),
        '',
      ].join('\n');
      await writeFileAtomic(path.join(flags.out, 'results.md'), md);
      console.log(`\n${categoryTable(board, profiles)}`);
      console.log(`\nwrote ${resultsDir}/, ${scoreFile} and ${path.join(flags.out, 'results.md')} in ${seconds.toFixed(1)} s`);
    });
}

/** The builders of `aekit nab`'s subcommands, in the order its help lists them. */
export const NAB_SUBCOMMANDS: ReadonlyArray<() => Command> = [nabScoreCommand, nabRunCommand];

/** Builds the `nab` command: its subcommands, and their help after its own. */
export function nabCommand(): Command {
  const command = new Command('nab').description(
    'the Numenta Anomaly Benchmark (NAB v1.1): 58 time series with labelled anomaly windows, scored as NAB scores detectors',
  );
  const subcommands = NAB_SUBCOMMANDS.map((build) => build());
  for (const sub of subcommands) command.addCommand(sub);
  return command.addHelpText('after', () => subcommands.map((sub) => `\n${sub.helpInformation().trimEnd()}`).join('\n'));
}
