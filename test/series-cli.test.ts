/**
 * Series end to end: `aekit train conv1d --series` on a small generated series (a daily sine with a
 * jump in a second file), `aekit anomalies` on it writing scores.csv, intervals.json and series.png,
 * and `aekit nab run` on two of NAB's real files (skipped, visibly, without ../shared/data/nab.tar.gz).
 */

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { aekit } from './cli-helpers.js';

const ARCHIVE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'shared', 'data', 'nab.tar.gz');

let dir: string;
before(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'aekit-series-cli-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** `rows` rows of a 48-step sine (plus a jump of 8 on rows `jump` when given), 5 minutes apart. */
function sine(rows: number, jump?: [number, number]): string {
  const lines = ['timestamp,value'];
  for (let i = 0; i < rows; i++) {
    const t = new Date(Date.UTC(2014, 3, 1) + i * 300_000)
      .toISOString()
      .replace('T', ' ')
      .replace(/\.\d+Z$/, '');
    const v = 20 + 10 * Math.sin((2 * Math.PI * i) / 48) + (jump !== undefined && i >= jump[0] && i <= jump[1] ? 8 : 0);
    lines.push(`${t},${v.toFixed(4)}`);
  }
  return `${lines.join('\n')}\n`;
}

test('train conv1d --series, then anomalies writes scores.csv, intervals.json and series.png with the jump flagged', async () => {
  const train = path.join(dir, 'train.csv');
  const jumps = path.join(dir, 'jumps.csv');
  await writeFile(train, sine(400));
  await writeFile(jumps, sine(400, [200, 215]));
  const run = path.join(dir, 'run');
  const t = await aekit(['train', 'conv1d', '--series', train, '--window', '24', '--epochs', '1', '--out', run, '--backend', 'wasm']);
  assert.equal(t.code, 0, t.stderr);
  const metrics = JSON.parse(await readFile(path.join(run, 'metrics.json'), 'utf8'));
  assert.equal(metrics.data.spec.kind, 'series');
  assert.equal(metrics.data.spec.window, 24);
  assert.equal(metrics.data.spec.scaling.method, 'standard');
  assert.ok(Math.abs(metrics.data.spec.scaling.shift[0] - 20) < 0.5, 'z-score mean of the training rows');
  const out = path.join(dir, 'anomalies');
  const a = await aekit(['anomalies', run, '--series', jumps, '--out-dir', out, '--backend', 'wasm']);
  assert.equal(a.code, 0, a.stderr);
  const csv = (await readFile(path.join(out, 'scores.csv'), 'utf8')).trim().split('\n');
  assert.equal(csv[0], 'timestamp,value,score,error,flagged');
  assert.equal(csv.length, 401);
  const scores = csv.slice(1).map((l) => Number(l.split(',')[2]));
  assert.ok(
    scores.every((s) => s >= 0 && s <= 1),
    'scores in [0, 1]',
  );
  const peak = scores.indexOf(Math.max(...scores));
  assert.ok(peak >= 180 && peak <= 240, `the highest score (row ${peak}) is at the jump (rows 200–215)`);
  const intervals = JSON.parse(await readFile(path.join(out, 'intervals.json'), 'utf8'));
  assert.ok(intervals.intervals.length >= 1);
  assert.ok(
    intervals.intervals.some((f: { start: number; end: number }) => f.start <= 215 && f.end >= 200),
    'a flagged interval overlaps the jump',
  );
  const refused = await aekit(['anomalies', run, '--input', dir, '--backend', 'wasm']);
  assert.notEqual(refused.code, 0);
  assert.match(refused.stderr, /--input reads images: give another series of a series run with --series FILE/);
  const png = await readFile(path.join(out, 'series.png'));
  assert.deepEqual([...png.subarray(1, 4)], [0x50, 0x4e, 0x47]); // "PNG"
  assert.ok(png.length > 5000);
});

test(
  "nab run --files on two of NAB's files writes NAB result files, score.json and results.md",
  {
    skip: existsSync(ARCHIVE) ? false : `needs NAB v1.1 in ../shared/data/nab.tar.gz (not found at ${ARCHIVE})`,
  },
  async () => {
    const nabDir = path.join(dir, 'nab-data');
    await (await import('node:fs/promises')).mkdir(nabDir);
    execFileSync('tar', ['-xzf', ARCHIVE, '-C', nabDir, 'nab/data', 'nab/labels', 'nab/config']);
    const out = path.join(dir, 'nab-out');
    const files = 'artificialWithAnomaly/art_daily_jumpsup.csv,ambient_temperature_system_failure.csv';
    const r = await aekit(['nab', 'run', '--nab', path.join(nabDir, 'nab'), '--files', files, '--out', out, '--epochs', '2'], {}, 600_000);
    assert.equal(r.code, 0, r.stderr);
    const score = JSON.parse(await readFile(path.join(out, 'score.json'), 'utf8'));
    for (const key of ['standard', 'reward_low_FP_rate', 'reward_low_FN_rate']) assert.equal(typeof score[key], 'number', key);
    assert.equal(score.files.length, 2);
    const result = (await readFile(path.join(out, 'conv1d', 'artificialWithAnomaly', 'conv1d_art_daily_jumpsup.csv'), 'utf8'))
      .trim()
      .split('\n');
    assert.equal(result[0], 'timestamp,value,anomaly_score,raw_score,label');
    assert.equal(result.length, 4033);
    assert.match(result[1], /^2014-04-01 00:00:00,/);
    const anomaly = result.slice(1).map((l) => Number(l.split(',')[2]));
    assert.ok(anomaly.every((s) => s >= 0 && s <= 1));
    const md = await readFile(path.join(out, 'results.md'), 'utf8');
    assert.match(md, /\| artificialWithAnomaly \| 1 \| 1 \|/);
    assert.match(md, /\| realKnownCause \| 1 \| 2 \|/);
    assert.match(r.stdout, /wrote .* in \d+\.\d s/);
  },
);
