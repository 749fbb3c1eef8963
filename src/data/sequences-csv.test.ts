import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseSequenceCsv, readSequenceCsv } from './sequences-csv.js';

test('CSV rows become row-major sequences; header, comments and blank lines are skipped', () => {
  const s = parseSequenceCsv('t0a,t0b,t1a,t1b\n# note\n\n0, 0.25 ,0.5,1\n1,0,0,0\n', { steps: 2, features: 2, source: 'x.csv' });
  assert.equal(s.count, 2);
  assert.deepEqual(Array.from(s.x), [0, 0.25, 0.5, 1, 1, 0, 0, 0]);
  assert.deepEqual(s.lines, [4, 5]);
});

test('CSV errors name the file, the line and the column', () => {
  const o = { steps: 2, features: 2, source: 'data.csv' };
  assert.throws(() => parseSequenceCsv('0,0,0,0\n0,0,0\n', o), /data\.csv, line 2: found 3 values, expected steps 2 × features 2 = 4/);
  assert.throws(() => parseSequenceCsv('0,0,0,0\n0,x,0,0\n', o), /data\.csv, line 2, column 2: 'x' is not a number/);
  assert.throws(() => parseSequenceCsv('0,0,,0\n', o), /line 1, column 3: '' is not a number/);
  assert.throws(() => parseSequenceCsv('0,0,0,2\n', o), /line 1, column 4: 2 lies outside \[0, 1\]/);
  assert.throws(() => parseSequenceCsv('# nothing\n', o), /data\.csv: no sequences found/);
  assert.throws(() => parseSequenceCsv('0\n', { steps: 0, features: 1 }), /steps: expected a positive integer/);
});

test('a missing CSV file is reported by name', async () => {
  await assert.rejects(
    readSequenceCsv('/nonexistent/s.csv', { steps: 1, features: 1 }),
    (err: Error & { code?: string }) => err.code === 'E_CSV_MISSING' && /csv '\/nonexistent\/s\.csv' does not exist/.test(err.message),
  );
});
