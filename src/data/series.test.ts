import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { AekitError } from '../core/errors.js';
import { loadData } from './load.js';
import type { Samples } from './samples.js';
import { loadSeries, parseSeries, windowStarts } from './series.js';

let dir: string;
before(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'aekit-series-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A CSV of `rows` rows: timestamp, a = row, b = 10·row. */
function csv(rows: number): string {
  const lines = ['timestamp,a,b'];
  for (let i = 0; i < rows; i++)
    lines.push(`2015-01-01 ${String(Math.floor(i / 60)).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}:00,${i},${10 * i}`);
  return `${lines.join('\n')}\n`;
}

test('windowStarts: windows inside [from, to) with a stride', () => {
  assert.deepEqual(windowStarts(0, 10, 4, 3), [0, 3, 6]);
  assert.deepEqual(windowStarts(5, 10, 5, 1), [5]);
  assert.deepEqual(windowStarts(5, 9, 5, 1), []);
});

test('series: windows of [window, features], split by time, no window across the boundary', () => {
  const data = parseSeries(csv(20), 'twenty.csv', { window: 4, stride: 2, validationSplit: 0.3 });
  // 20 rows: 14 training rows (0–13), 6 validation rows (14–19)
  assert.equal(data.series.trainRows, 14);
  assert.deepEqual(data.train.shape, [4, 2]);
  assert.equal(data.train.count, windowStarts(0, 14, 4, 2).length); // starts 0,2,…,10: 6 windows
  assert.equal(data.train.count, 6);
  assert.equal(data.valid.count, 2); // starts 14, 16
  assert.deepEqual(data.spec.valueColumns, ['a', 'b']);
  // z-scores fitted on rows 0–13 only: column a has mean 6.5 and std sqrt((14²-1)/12)
  const sd = Math.sqrt((14 * 14 - 1) / 12);
  assert.ok(Math.abs(data.spec.scaling.shift[0] - 6.5) < 1e-12);
  assert.ok(Math.abs(data.spec.scaling.scale[0] - sd) < 1e-12);
  assert.ok(Math.abs(data.spec.scaling.shift[1] - 65) < 1e-12);
  // the first validation window starts at row 14, the first training window at row 0; row-major [step, feature]
  assert.ok(Math.abs((data.valid as Samples).x[0] - (14 - 6.5) / sd) < 1e-5);
  assert.ok(Math.abs((data.valid as Samples).x[1] - (140 - 65) / (10 * sd)) < 1e-4);
  assert.ok(Math.abs((data.train as Samples).x[2] - (1 - 6.5) / sd) < 1e-5);
  // the last training window ends at row 11 < 14: none crosses the boundary
  const lastTrain = (data.train as Samples).x[(data.train.count - 1) * 8 + 6] * sd + 6.5;
  assert.ok(Math.abs(lastTrain - 13) < 1e-4);
});

test('series: --value-column picks columns; a run spec (like) applies its scaling to other data', async () => {
  const one = path.join(dir, 'one.csv');
  const other = path.join(dir, 'other.csv');
  await writeFile(one, csv(60));
  await writeFile(other, csv(50));
  const data = await loadSeries({ file: one, valueColumns: ['b'], window: 5 });
  assert.deepEqual(data.train.shape, [5, 1]);
  assert.equal(data.spec.timestampColumn, 'timestamp');
  const again = await loadData({ kind: 'series', file: other }, { like: data.spec });
  assert.equal(again.spec.kind, 'series');
  assert.deepEqual(again.spec.kind === 'series' ? again.spec.scaling : null, data.spec.scaling);
  assert.deepEqual(again.train.shape, [5, 1]);
  // the recorded spec loads the same data again
  const same = await loadData(data.spec);
  assert.deepEqual((same.train as Samples).x, (data.train as Samples).x);
});

test('series: each bad input is one error naming the file, line and column', () => {
  const bad = (text: string, request: Parameters<typeof parseSeries>[2], pattern: RegExp) =>
    assert.throws(
      () => parseSeries(text, 'bad.csv', request),
      (err: unknown) => err instanceof AekitError && pattern.test(err.message) && !err.message.includes('\n'),
    );
  bad('timestamp,a\n2015-01-01 00:00:00,1\n2015-01-01 00:01:00,x\n', { window: 1 }, /^bad\.csv, line 3, column 'a': 'x' is not a number/);
  bad('timestamp,a\nyesterday,1\n', { window: 1 }, /^bad\.csv, line 2, column 'timestamp': 'yesterday' is not a timestamp/);
  bad(
    'timestamp,a\n2015-01-01 00:01:00,1\n2015-01-01 00:00:00,2\n',
    { window: 1 },
    /^bad\.csv, line 3, column 'timestamp': .* does not come after/,
  );
  bad('timestamp,a\n2015-01-01 00:00:00,1,2\n', { window: 1 }, /^bad\.csv, line 2: found 3 field\(s\), expected 2/);
  bad('timestamp,a\n2015-01-01 00:00:00,1\n', { window: 1, valueColumns: ['z'] }, /^bad\.csv, line 1: no column 'z' \(--value-column\)/);
  bad(
    csv(10),
    { window: 4 },
    /^bad\.csv: 10 rows split by time into 9 training and 1 validation rows; each part needs at least one window of 4 steps/,
  );
  bad('', {}, /^bad\.csv: the file is empty/);
});
