import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { errorMatching } from '../testing/errors.js';
import type { Samples } from './samples.js';
import { CsvError } from './sequences-csv.js';
import { seededSplit } from './split.js';
import { loadTable, parseTable, type TableSpec } from './table.js';

/** 20 rows: a = row index, b = 2·index + 1, label alternates ok / bad. */
const TWENTY = `a,b,label\n${Array.from({ length: 20 }, (_, i) => `${i},${2 * i + 1},${i % 2 ? 'bad' : 'ok'}`).join('\n')}\n`;

const csvError = (code: string, argument: string, ...parts: RegExp[]) => errorMatching(CsvError, code, argument, ...parts);

const rows = (s: Samples): number[][] =>
  Array.from({ length: s.count }, (_, i) => Array.from(s.x.subarray(i * s.shape[0], (i + 1) * s.shape[0])));

test('a table becomes feature samples with labels from the label column; the split is seeded', () => {
  const d = parseTable(TWENTY, 'm.csv', { labelColumn: 'label', scale: 'none', validationSplit: 0.25, seed: 3 });
  const train = d.train as Samples;
  const valid = d.valid as Samples;
  assert.deepEqual(train.shape, [2]);
  assert.equal(train.count, 15);
  assert.equal(valid.count, 5);
  assert.deepEqual(d.features, ['a', 'b']);
  assert.deepEqual(d.classes, ['bad', 'ok']);
  assert.equal(d.unitRange, false);
  assert.equal(d.image, undefined);
  assert.equal(d.test, undefined);
  // every row exactly once, values unscaled, label = index of the sorted classes
  const all = [...rows(train), ...rows(valid)].map((r) => r[0]).sort((p, q) => p - q);
  assert.deepEqual(
    all,
    Array.from({ length: 20 }, (_, i) => i),
  );
  for (const s of [train, valid])
    rows(s).forEach(([a, b], i) => {
      assert.equal(b, 2 * a + 1);
      assert.equal(s.labels![i], a % 2 ? 0 : 1);
    });
  // the same seed gives the same split, another seed another one
  const again = parseTable(TWENTY, 'm.csv', { labelColumn: 'label', scale: 'none', validationSplit: 0.25, seed: 3 });
  assert.deepEqual(Array.from((again.valid as Samples).x), Array.from(valid.x));
  const other = parseTable(TWENTY, 'm.csv', { labelColumn: 'label', scale: 'none', validationSplit: 0.25, seed: 4 });
  assert.notDeepEqual(Array.from((other.valid as Samples).x), Array.from(valid.x));
  assert.match(
    d.source,
    /^m\.csv: 20 rows × 2 features \(a, b\), label column 'label' \(2 classes\), 15 train \/ 5 validation, no scaling$/,
  );
  assert.deepEqual(
    { ...d.spec, scaling: undefined },
    {
      kind: 'table',
      file: 'm.csv',
      columns: ['a', 'b'],
      labelColumn: 'label',
      classes: ['bad', 'ok'],
      missing: 'error',
      scaling: undefined,
      means: (d.spec as TableSpec).means,
      validationSplit: 0.25,
      seed: 3,
    },
  );
});

test('seededSplit holds out round(n × split), at least 1 each way, ascending, deterministic', () => {
  assert.deepEqual(
    [seededSplit(10, 0.2, 1).valid.length, seededSplit(2, 0.1, 1).valid.length, seededSplit(2, 0.9, 1).train.length],
    [2, 1, 1],
  );
  const { train, valid } = seededSplit(50, 0.1, 7);
  assert.deepEqual(
    Array.from(train),
    Array.from(train).sort((a, b) => a - b),
  );
  assert.deepEqual(Array.from(seededSplit(50, 0.1, 7).valid), Array.from(valid));
  assert.equal(new Set([...train, ...valid]).size, 50);
  assert.throws(() => seededSplit(10, 1, 0), /validationSplit: expected a fraction between 0 and 1/);
  assert.throws(() => seededSplit(10, 0.1, -1), /seed: expected a non-negative integer/);
});

test('standard scaling is fitted on the training rows only and applied to the validation rows', () => {
  const d = parseTable(TWENTY, 'm.csv', { labelColumn: 'label', validationSplit: 0.25, seed: 3 });
  const spec = d.spec as TableSpec;
  const train = d.train as Samples;
  const valid = d.valid as Samples;
  // recompute the training rows' raw values from the validation set's complement
  const validA = rows(valid).map((r) => r[0]);
  const raw = parseTable(TWENTY, 'm.csv', { labelColumn: 'label', scale: 'none', validationSplit: 0.25, seed: 3 });
  const trainA = rows(raw.train as Samples).map((r) => r[0]);
  const validRawA = rows(raw.valid as Samples).map((r) => r[0]);
  const mean = trainA.reduce((s, v) => s + v, 0) / trainA.length;
  const std = Math.sqrt(trainA.reduce((s, v) => s + (v - mean) ** 2, 0) / trainA.length);
  assert.equal(spec.scaling.method, 'standard');
  assert.ok(Math.abs(spec.scaling.shift[0] - mean) < 1e-12 && Math.abs(spec.scaling.scale[0] - std) < 1e-12);
  assert.ok(Math.abs(spec.means[0] - mean) < 1e-12);
  const allMean = 9.5;
  assert.notEqual(mean, allMean, 'the fixture makes the training mean differ from the mean of all rows');
  // training rows: mean 0, std 1; validation rows: scaled with the training statistics
  const scaledTrain = rows(train).map((r) => r[0]);
  const m = scaledTrain.reduce((s, v) => s + v, 0) / scaledTrain.length;
  assert.ok(Math.abs(m) < 1e-6);
  validA.forEach((v, i) => assert.ok(Math.abs(v - (validRawA[i] - mean) / std) < 1e-5));
  assert.match(d.source, /standard scaling fitted on the training rows$/);
});

test('minmax scales the training rows to [0, 1] and sets unitRange; none leaves values alone', () => {
  const d = parseTable(TWENTY, 'm.csv', { labelColumn: 'label', scale: 'minmax', validationSplit: 0.25, seed: 3 });
  assert.equal(d.unitRange, true);
  const t = rows(d.train as Samples).flat();
  assert.equal(Math.min(...t), 0);
  assert.equal(Math.max(...t), 1);
  const spec = d.spec as TableSpec;
  const raw = rows(parseTable(TWENTY, 'm.csv', { labelColumn: 'label', scale: 'none', validationSplit: 0.25, seed: 3 }).train as Samples);
  const lo = Math.min(...raw.map((r) => r[1]));
  const hi = Math.max(...raw.map((r) => r[1]));
  assert.deepEqual([spec.scaling.shift[1], spec.scaling.scale[1]], [lo, hi - lo]);
  const none = parseTable(TWENTY, 'm.csv', { scale: 'none', columns: ['b'] }).spec as TableSpec;
  assert.deepEqual(none.scaling, { method: 'none', shift: [0], scale: [1] });
});

test('columns pick and order the features; without a label column every column is a feature', () => {
  const d = parseTable('x,y,z\n1,2,3\n4,5,6\n7,8,9\n', 'p.csv', { columns: ['z', 'x'], scale: 'none', validationSplit: 0.34 });
  assert.deepEqual(d.features, ['z', 'x']);
  const all = [...rows(d.train as Samples), ...rows(d.valid as Samples)].sort((p, q) => p[0] - q[0]);
  assert.deepEqual(all, [
    [3, 1],
    [6, 4],
    [9, 7],
  ]);
  assert.equal((d.train as Samples).labels, undefined);
  assert.equal(d.classes, undefined);
  assert.match(d.source, /no label column/);
  assert.deepEqual(parseTable('x,y,z\n1,2,3\n4,5,6\n', 'p.csv', { scale: 'none' }).features, ['x', 'y', 'z']);
});

test('semicolon and tab tables, RFC 4180 quotes, CRLF line ends, numeric labels sorted as numbers', () => {
  const semi = parseTable('"a;1";b;k\r\n1.5;2;10\r\n3;4;9\r\n5;6;10.0\r\n', 's.csv', {
    labelColumn: 'k',
    scale: 'none',
    validationSplit: 0.34,
  });
  assert.deepEqual(semi.features, ['a;1', 'b']);
  assert.deepEqual(semi.classes, ['9', '10'], '10 and 10.0 are one class; numbers sort as numbers');
  assert.deepEqual([...rows(semi.train as Samples), ...rows(semi.valid as Samples)].map((r) => r[0]).sort(), [1.5, 3, 5]);
  // decimal commas are not numbers (a ';' table still uses '.')
  assert.throws(
    () => parseTable('a;b\n1,5;2\n3;4\n', 's.csv'),
    csvError('E_CSV_VALUE', 'table', /line 2, column 'a': '1,5' is not a number/),
  );
  const tab = parseTable('a\tb\n1\t2\n3\t4\n', 't.tsv', { scale: 'none' });
  assert.deepEqual(tab.features, ['a', 'b']);
  const quoted = parseTable('name,v,"the ""class"""\n"x, y",1,"multi\nline"\n"z",2,plain\n"w",3,plain\n', 'q.csv', {
    columns: ['v'],
    labelColumn: 'the "class"',
    scale: 'none',
    validationSplit: 0.34,
  });
  assert.deepEqual(quoted.classes, ['multi\nline', 'plain']);
  assert.equal((quoted.train as Samples).count + (quoted.valid as Samples).count, 3);
  // a row after a quoted line break keeps its physical line number
  assert.throws(
    () => parseTable('a,b\n"x\ny",1\n2\n', 'q.csv', { columns: ['b'], scale: 'none' }),
    csvError('E_CSV_SHAPE', 'table', /^q\.csv, line 4: found 1 field\(s\), expected 2/),
  );
});

test('missing values: an error naming file, line and column by default; drop or mean on request', () => {
  const text = 'a,b\n1,10\n2,\n3,30\n4,NA\n5,50\n6,60\n';
  assert.throws(
    () => parseTable(text, 'gaps.csv'),
    csvError(
      'E_CSV_NA',
      'missing',
      /^gaps\.csv, line 3, column 'b': missing value \(an empty cell\); missing drop leaves such rows out, missing mean fills/,
    ),
  );
  try {
    parseTable(text, 'gaps.csv');
  } catch (err) {
    assert.match(
      (err as CsvError).describe((a) => `--${a}`),
      /--missing drop leaves such rows out, --missing mean/,
    );
  }
  assert.throws(
    () => parseTable('a,b\n1,2\n3,null\n', 'g.csv'),
    csvError('E_CSV_NA', 'missing', /line 3, column 'b': missing value \('null'\)/),
  );
  const dropped = parseTable(text, 'gaps.csv', { missing: 'drop', scale: 'none', validationSplit: 0.25 });
  const kept = [...rows(dropped.train as Samples), ...rows(dropped.valid as Samples)].map((r) => r[0]).sort();
  assert.deepEqual(kept, [1, 3, 5, 6]);
  assert.match(dropped.source, /4 rows × 2 features.*2 rows with missing values dropped/);
  const filled = parseTable(text, 'gaps.csv', { missing: 'mean', scale: 'none', validationSplit: 0.2, seed: 1 });
  const spec = filled.spec as TableSpec;
  const rawTrain = rows(filled.train as Samples);
  const known = rawTrain.filter((r) => r[0] !== 2 && r[0] !== 4).map((r) => r[1]);
  const mean = known.reduce((s, v) => s + v, 0) / known.length;
  assert.ok(Math.abs(spec.means[1] - mean) < 1e-9, 'the mean of the training rows that have a value');
  for (const r of [...rawTrain, ...rows(filled.valid as Samples)]) if (r[0] === 2 || r[0] === 4) assert.ok(Math.abs(r[1] - mean) < 1e-4);
  assert.match(filled.source, /2 missing values filled with the training means/);
});

test('every malformed table gets one line naming the file and what to do', () => {
  assert.throws(
    () => parseTable('a,b\n1,2\n3,x4\n', 'v.csv'),
    csvError('E_CSV_VALUE', 'table', /^v\.csv, line 3, column 'b': 'x4' is not a number$/),
  );
  assert.throws(
    () => parseTable('a,b\n1,2\n3,4,5\n', 'v.csv'),
    csvError('E_CSV_SHAPE', 'table', /^v\.csv, line 3: found 3 field\(s\), expected 2/),
  );
  assert.throws(
    () => parseTable('a,b\n1,2\n', 'v.csv', { columns: ['a', 'c'] }),
    csvError('E_CSV_HEADER', 'columns', /^v\.csv: columns names 'c', which is not a column; the header has 'a', 'b'$/),
  );
  assert.throws(
    () => parseTable('a,b\n1,2\n', 'v.csv', { labelColumn: 'y' }),
    csvError('E_CSV_HEADER', 'labelColumn', /^v\.csv: labelColumn 'y' is not a column; the header has 'a', 'b'$/),
  );
  assert.throws(
    () => parseTable('a,b\n1,2\n', 'v.csv', { labelColumn: 'a', columns: ['a', 'b'] }),
    csvError('E_CSV_HEADER', 'columns', /includes the label column 'a'/),
  );
  assert.throws(() => parseTable('a,a\n1,2\n', 'v.csv'), csvError('E_CSV_HEADER', 'table', /line 1: the header names column 'a' twice/));
  assert.throws(() => parseTable('a,b\n1,2\n', 'v.csv'), csvError('E_CSV_EMPTY', 'table', /^v\.csv: 1 data row\(s\); need at least 2/));
  assert.throws(() => parseTable('', 'v.csv'), csvError('E_CSV_EMPTY', 'table', /v\.csv: the file is empty/));
  assert.throws(
    () => parseTable('a,b\n1,\n2,3\n', 'v.csv', { missing: 'drop' }),
    csvError('E_CSV_EMPTY', 'table', /1 data row\(s\) left after dropping 1 with missing values; need at least 2/),
  );
  assert.throws(
    () => parseTable('a,b,c\n1,5,0\n2,5,1\n3,5,2\n', 'k.csv', { validationSplit: 0.34 }),
    csvError(
      'E_CSV_CONSTANT',
      'columns',
      /^k\.csv: feature column\(s\) 'b' have one value on all 2 training rows \(std 0\).*leave them out with columns a,c, or use scale none$/,
    ),
  );
  assert.doesNotThrow(() => parseTable('a,b,c\n1,5,0\n2,5,1\n3,5,2\n', 'k.csv', { scale: 'none', validationSplit: 0.34 }));
  const many = `v,k\n${Array.from({ length: 300 }, (_, i) => `${i % 7},${i}`).join('\n')}\n`;
  assert.throws(
    () => parseTable(many, 'c.csv', { labelColumn: 'k' }),
    csvError('E_CSV_LABEL', 'labelColumn', /^c\.csv: label column 'k' has 300 distinct values; at most 256/),
  );
  assert.throws(
    () => parseTable('a\n1\n"2\n', 'u.csv'),
    csvError('E_CSV_SHAPE', 'table', /u\.csv, line 3: a quoted field is never closed/),
  );
  assert.throws(() => parseTable(TWENTY, 'm.csv', { validationSplit: 1.5 }), /validationSplit: expected a fraction/);
  assert.throws(() => parseTable(TWENTY, 'm.csv', { missing: 'skip' as 'drop' }), /missing: expected drop, mean or error/);
});

test('like: an earlier run’s columns, classes, scaling and means are applied, never refitted', () => {
  const first = parseTable(TWENTY, 'm.csv', { labelColumn: 'label', missing: 'mean', validationSplit: 0.25, seed: 3 });
  const spec = first.spec as TableSpec;
  // new data: other column order, an extra column, values far from the training rows
  const later = parseTable('label,extra,b,a\nok,0,1001,500\nbad,0,,1000\n', 'new.csv', {}, { like: spec });
  assert.deepEqual(later.features, ['a', 'b']);
  assert.deepEqual(later.classes, ['bad', 'ok']);
  assert.deepEqual((later.spec as TableSpec).scaling, spec.scaling);
  assert.deepEqual((later.spec as TableSpec).means, spec.means);
  assert.equal((later.spec as TableSpec).validationSplit, 0.25);
  assert.match(later.source, /standard scaling of the training run applied/);
  const all = [...rows(later.train as Samples), ...rows(later.valid as Samples)];
  const labels = [...(later.train as Samples).labels!, ...(later.valid as Samples).labels!];
  const [sa, sb] = [0, 1].map((c) => ({ shift: spec.scaling.shift[c], scale: spec.scaling.scale[c] }));
  for (const [i, r] of all.entries()) {
    const rawA = labels[i] === 1 ? 500 : 1000;
    assert.ok(Math.abs(r[0] - (rawA - sa.shift) / sa.scale) < 1e-4);
    const rawB = labels[i] === 1 ? 1001 : spec.means[1];
    assert.ok(Math.abs(r[1] - (rawB - sb.shift) / sb.scale) < 1e-4);
  }
  assert.throws(
    () => parseTable('label,b\nok,1\nbad,2\n', 'new.csv', {}, { like: spec }),
    csvError(
      'E_CSV_HEADER',
      'table',
      /^new\.csv: has no column 'a', which the run was trained on; the run's columns: 'a', 'b' \(label 'label'\); this file's header: 'label', 'b'$/,
    ),
  );
  assert.throws(
    () => parseTable('a,b,label\n1,2,ok\n3,4,maybe\n', 'new.csv', {}, { like: spec }),
    csvError(
      'E_CSV_LABEL',
      'table',
      /^new\.csv, line 3, column 'label': label 'maybe' did not occur in the training table \(its classes: 'bad', 'ok'\)$/,
    ),
  );
  assert.throws(
    () => parseTable(TWENTY, 'm.csv', { columns: ['b'] }, { like: spec }),
    csvError('E_CSV_HEADER', 'columns', /differ from the run's columns/),
  );
  assert.throws(
    () => parseTable(TWENTY, 'm.csv', { scale: 'minmax' }, { like: spec }),
    /scale: 'minmax' differs from the run's standard scaling/,
  );
  // unlabelled new rows are allowed: no labels, the run's classes kept
  const unlabelled = parseTable('a,b\n1,2\n3,4\n', 'new.csv', {}, { like: spec });
  assert.equal((unlabelled.train as Samples).labels, undefined);
});

test('loadTable reads the file; a missing file names the table argument', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'aekit-table-'));
  try {
    const file = path.join(dir, 'sensor.csv');
    await writeFile(file, TWENTY);
    const d = await loadTable({ file, labelColumn: 'label', seed: 1 });
    assert.equal((d.spec as TableSpec).file, file);
    assert.equal((d.train as Samples).count + (d.valid as Samples).count, 20);
    assert.equal((d.valid as Samples).count, 2);
    await assert.rejects(
      loadTable({ file: path.join(dir, 'none.csv') }),
      csvError('E_CSV_MISSING', 'table', /table '.*none\.csv' does not exist/),
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
