/** Test support: a small NAB directory (two series of 40 rows, one window each) and one detector's results. */
import { mkdir, writeFile } from 'node:fs/promises';
import * as path from 'node:path';

/** Rows of each fixture series, one minute apart from 2015-01-01 00:00:00. */
export const FIXTURE_ROWS = 40;

/** The fixture's row timestamps as NAB writes them. */
export const fixtureTimes = Array.from({ length: FIXTURE_ROWS }, (_, i) => `2015-01-01 00:${String(i).padStart(2, '0')}:00`);

/**
 * The detector's anomaly scores: `a/one.csv` finds its window (rows 10–13) at its first row (0.9);
 * `b/two.csv` at its last row (0.6), with two false positives far after it (0.8). Standard profile:
 * threshold 0.6, raw 1 + S(-1/4)/S(-1) - 2 · 0.11 = 1.34212, null -2, perfect 2.
 */
export const FIXTURE_SCORES: Record<string, Record<number, number>> = {
  'a/one.csv': { 10: 0.9 },
  'b/two.csv': { 13: 0.6, 30: 0.8, 31: 0.8 },
};

/** NAB v1.1's profiles file. */
export const PROFILES_JSON = {
  standard: { CostMatrix: { tpWeight: 1.0, fnWeight: 1.0, fpWeight: 0.11, tnWeight: 1.0 } },
  reward_low_FP_rate: { CostMatrix: { tpWeight: 1.0, fnWeight: 1.0, fpWeight: 0.22, tnWeight: 1.0 } },
  reward_low_FN_rate: { CostMatrix: { tpWeight: 1.0, fnWeight: 2.0, fpWeight: 0.11, tnWeight: 1.0 } },
};

/**
 * Writes `dir/nab` (data/, labels/combined_windows.json, config/profiles.json) and `dir/det` (the
 * detector `det`'s results in category folders, plus a `det_standard_scores.csv` at the top that
 * must be ignored). Returns both paths.
 */
export async function writeNabFixture(dir: string): Promise<{ nabDir: string; resultsDir: string }> {
  const nabDir = path.join(dir, 'nab');
  const resultsDir = path.join(dir, 'det');
  const windows: Record<string, string[][]> = {};
  for (const [name, at] of Object.entries(FIXTURE_SCORES)) {
    const [category, file] = name.split('/');
    await mkdir(path.join(nabDir, 'data', category), { recursive: true });
    await mkdir(path.join(resultsDir, category), { recursive: true });
    const data = ['timestamp,value', ...fixtureTimes.map((t, i) => `${t},${(i % 7) + 0.5}`)];
    await writeFile(path.join(nabDir, 'data', category, file), `${data.join('\n')}\n`);
    const results = ['timestamp,value,anomaly_score,label', ...fixtureTimes.map((t, i) => `${t},${(i % 7) + 0.5},${at[i] ?? 0},0`)];
    await writeFile(path.join(resultsDir, category, `det_${file}`), `${results.join('\n')}\n`);
    windows[name] = [[`${fixtureTimes[10]}.000000`, `${fixtureTimes[13]}.000000`]];
  }
  await mkdir(path.join(nabDir, 'labels'), { recursive: true });
  await writeFile(path.join(nabDir, 'labels', 'combined_windows.json'), JSON.stringify(windows, null, 4));
  await mkdir(path.join(nabDir, 'config'), { recursive: true });
  await writeFile(path.join(nabDir, 'config', 'profiles.json'), JSON.stringify(PROFILES_JSON, null, 2));
  await writeFile(path.join(resultsDir, 'det_standard_scores.csv'), 'Detector,Profile,File\n');
  return { nabDir, resultsDir };
}
