/**
 * `aekit nab …`: the Numenta Anomaly Benchmark (NAB v1.1). `nab score` scores one detector's results
 * as NAB does. Each subcommand is a builder in {@link NAB_SUBCOMMANDS}; adding one there adds it to
 * `aekit nab` and to its help.
 */
import * as path from 'node:path';
import { Command } from 'commander';
import { type NabScoreboard, scoreNab } from '../../analysis/nab-scorer.js';
import { AekitError } from '../../core/errors.js';
import { writeFileAtomic } from '../../core/fs.js';
import { loadNabCorpus, loadNabResults, loadNabThresholds } from '../../data/nab.js';

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

/** The builders of `aekit nab`'s subcommands, in the order its help lists them. */
export const NAB_SUBCOMMANDS: ReadonlyArray<() => Command> = [nabScoreCommand];

/** Builds the `nab` command: its subcommands, and their help after its own. */
export function nabCommand(): Command {
  const command = new Command('nab').description(
    'the Numenta Anomaly Benchmark (NAB v1.1): 58 time series with labelled anomaly windows, scored as NAB scores detectors',
  );
  const subcommands = NAB_SUBCOMMANDS.map((build) => build());
  for (const sub of subcommands) command.addCommand(sub);
  return command.addHelpText('after', () => subcommands.map((sub) => `\n${sub.helpInformation().trimEnd()}`).join('\n'));
}
