import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import type { NabDataFile } from '../data/nab.js';
import { useBackend } from '../engine/backend.js';
import { detectNab, NAB_RUN_DEFAULTS, nabWindow } from './nab-detector.js';

before(async () => {
  await useBackend('wasm');
});

/** 400 rows, 5 minutes apart, of a 24-step sine; a spike of 6 at rows 250–253. */
function file(change?: { row: number; value: number }): NabDataFile {
  const values = Float64Array.from({ length: 400 }, (_, i) => Math.sin((2 * Math.PI * i) / 24) + (i >= 250 && i <= 253 ? 6 : 0));
  if (change !== undefined) values[change.row] = change.value;
  return {
    name: 'synthetic/sine.csv',
    timestamps: Float64Array.from({ length: 400 }, (_, i) => Date.UTC(2015, 0, 1) + i * 300_000),
    values,
    windows: [],
  };
}

test('nabWindow: a quarter of the probation, a multiple of 4, between 8 and the maximum', () => {
  assert.equal(nabWindow(750, 32), 32);
  assert.equal(nabWindow(169, 32), 32);
  assert.equal(nabWindow(100, 32), 24);
  assert.equal(nabWindow(60, 32), 12);
  assert.equal(nabWindow(20, 32), 8);
});

test('detectNab: causal scores in [0, 1], the spike scores highest, and no score depends on a later row', async () => {
  const settings = { ...NAB_RUN_DEFAULTS, epochs: 3 };
  const a = await detectNab(file(), 'conv1d', settings);
  assert.equal(a.probation, 60); // floor(0.15 · 400)
  assert.equal(a.window, 12);
  assert.ok(a.raw.slice(0, 11).every(Number.isNaN), 'no raw score before the first window ends');
  assert.ok(a.scores.every((s) => s >= 0 && s <= 1));
  const peak = a.scores.indexOf(Math.max(...a.scores));
  assert.ok(peak >= 250 && peak <= 265, `the highest score is at the spike (row ${peak})`);
  // the same file with row 320 changed: every score before row 320 is the same
  const b = await detectNab(file({ row: 320, value: 9 }), 'conv1d', settings);
  assert.deepEqual(b.scores.slice(0, 320), a.scores.slice(0, 320));
  assert.notDeepEqual(b.scores.slice(320), a.scores.slice(320));
});
