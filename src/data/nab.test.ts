/** Reading NAB's layout: a small NAB directory made in a temp dir, then one bad input at a time. */
import assert from 'node:assert/strict';
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { errorMatching } from '../testing/errors.js';
import { FIXTURE_ROWS, fixtureTimes, writeNabFixture } from '../testing/nab-fixture.js';
import { DataError } from './idx.js';
import { loadNabCorpus, loadNabResults, loadNabThresholds, parseNabTimestamp } from './nab.js';
import { CsvError } from './sequences-csv.js';

let dir: string;
let nabDir: string;
let resultsDir: string;
let copies = 0;
before(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'aekit-nab-'));
  ({ nabDir, resultsDir } = await writeNabFixture(dir));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

const dataError = (code: string, ...parts: RegExp[]) => errorMatching(DataError, code, undefined, ...parts);
const csvError = (code: string, ...parts: RegExp[]) => errorMatching(CsvError, code, undefined, ...parts);
const literal = (s: string): RegExp => new RegExp(s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));

/** A fresh copy of the fixture (NAB dir and results), changed by `change(nab, results)`. */
async function broken(change: (nab: string, results: string) => Promise<void>): Promise<{ nab: string; results: string }> {
  const root = path.join(dir, `copy-${copies++}`);
  await cp(nabDir, path.join(root, 'nab'), { recursive: true });
  await cp(resultsDir, path.join(root, 'det'), { recursive: true });
  const paths = { nab: path.join(root, 'nab'), results: path.join(root, 'det') };
  await change(paths.nab, paths.results);
  return paths;
}

/** Rewrites a text file with `edit`. */
async function edit(file: string, change: (text: string) => string): Promise<void> {
  await writeFile(file, change(await readFile(file, 'utf8')));
}

test('parseNabTimestamp reads NAB timestamps as UTC milliseconds', () => {
  assert.equal(parseNabTimestamp('1970-01-01 00:00:01'), 1000);
  assert.equal(parseNabTimestamp('1970-01-01 00:00:01.500000'), 1500);
  assert.equal(parseNabTimestamp('2014-04-10 07:15:00.000000'), Date.UTC(2014, 3, 10, 7, 15));
  assert.equal(parseNabTimestamp('2014-04-10T07:15:00'), Date.UTC(2014, 3, 10, 7, 15));
  assert.ok(Number.isNaN(parseNabTimestamp('10/04/2014 07:15')));
  assert.ok(Number.isNaN(parseNabTimestamp('2014-13-10 07:15:00')));
});

test('loadNabCorpus reads the data files (sorted), their windows and the profiles', async () => {
  const corpus = await loadNabCorpus(nabDir);
  assert.deepEqual(
    corpus.files.map((f) => f.name),
    ['a/one.csv', 'b/two.csv'],
  );
  const one = corpus.files[0];
  assert.equal(one.timestamps.length, FIXTURE_ROWS);
  assert.equal(one.timestamps[1] - one.timestamps[0], 60_000);
  assert.equal(one.values[3], 3.5);
  assert.deepEqual(one.windows, [{ start: one.timestamps[10], end: one.timestamps[13] }]);
  assert.deepEqual(Object.keys(corpus.profiles), ['standard', 'reward_low_FP_rate', 'reward_low_FN_rate']);
  assert.deepEqual(corpus.profiles.reward_low_FN_rate, { tpWeight: 1, fpWeight: 0.11, fnWeight: 2 });
});

test("loadNabResults reads one detector's anomaly scores per data file, ignoring the files at its top", async () => {
  const results = await loadNabResults(resultsDir, await loadNabCorpus(nabDir));
  assert.equal(results.detector, 'det');
  assert.deepEqual([...results.scores.keys()], ['a/one.csv', 'b/two.csv']);
  const two = results.scores.get('b/two.csv') as Float64Array;
  assert.equal(two.length, FIXTURE_ROWS);
  assert.deepEqual([two[12], two[13], two[30]], [0, 0.6, 0.8]);
});

test('loadNabThresholds reads the thresholds of a detector from a thresholds.json', async () => {
  const file = path.join(dir, 'thresholds.json');
  await writeFile(file, JSON.stringify({ det: { standard: { score: 1, threshold: 0.6 }, reward_low_FP_rate: { threshold: 0.9 } } }));
  assert.deepEqual(await loadNabThresholds(file, 'det', ['standard', 'reward_low_FP_rate']), { standard: 0.6, reward_low_FP_rate: 0.9 });
  await assert.rejects(
    loadNabThresholds(file, 'other', ['standard']),
    dataError('E_NAB', literal(file), /no thresholds for detector 'other' \(it has 1 detectors: det\)/),
  );
  await assert.rejects(
    loadNabThresholds(file, 'det', ['reward_low_FN_rate']),
    dataError('E_NAB', /'det' has no numeric threshold for profile 'reward_low_FN_rate'/),
  );
  await assert.rejects(
    loadNabThresholds(path.join(dir, 'none.json'), 'det', ['standard']),
    dataError('E_NOT_FOUND', /none\.json: no such file/),
  );
});

test('a bad NAB directory is refused with one line naming the file', async () => {
  await assert.rejects(
    loadNabCorpus(path.join(dir, 'nowhere')),
    dataError('E_NOT_FOUND', /nowhere.data: no such directory \(expected a NAB directory/),
  );
  let b = await broken((nab) => rm(path.join(nab, 'labels'), { recursive: true }));
  await assert.rejects(
    loadNabCorpus(b.nab),
    dataError('E_NOT_FOUND', /combined_windows\.json: no such file \(expected NAB's labelled windows\)/),
  );
  b = await broken((nab) => writeFile(path.join(nab, 'labels', 'combined_windows.json'), '{"a/one.csv": ['));
  await assert.rejects(loadNabCorpus(b.nab), dataError('E_NAB', /combined_windows\.json: not valid JSON/));
  b = await broken((nab) => edit(path.join(nab, 'labels', 'combined_windows.json'), (t) => t.replace('a/one.csv', 'a/other.csv')));
  await assert.rejects(loadNabCorpus(b.nab), dataError('E_NAB', /labels for 'a\/other\.csv', which is not a file under data\//));
  b = await broken((nab) =>
    edit(path.join(nab, 'labels', 'combined_windows.json'), (t) => t.replace('00:10:00.000000', '00:10:30.000000')),
  );
  await assert.rejects(
    loadNabCorpus(b.nab),
    dataError('E_NAB', /combined_windows\.json: 'a\/one\.csv', window 1: 2015-01-01 00:10:30\.000000 is not a row of data\/a\/one\.csv/),
  );
  b = await broken(async (nab) => {
    await mkdir(path.join(nab, 'data', 'c'));
    await writeFile(path.join(nab, 'data', 'c', 'three.csv'), `timestamp,value\n${fixtureTimes[0]},1\n`);
  });
  await assert.rejects(loadNabCorpus(b.nab), dataError('E_NAB', /no labels for 1 data file\(s\), e\.g\. 'c\/three\.csv'/));
  b = await broken((nab) => edit(path.join(nab, 'data', 'a', 'one.csv'), (t) => t.replace('00:05:00,5.5', '00:05:00,five')));
  await assert.rejects(loadNabCorpus(b.nab), csvError('E_CSV_VALUE', /one\.csv, line 7, column 'value': 'five' is not a finite number/));
  b = await broken((nab) => edit(path.join(nab, 'data', 'a', 'one.csv'), (t) => t.replace('timestamp,value', 'time,value')));
  await assert.rejects(loadNabCorpus(b.nab), csvError('E_CSV_HEADER', /one\.csv, line 1: no 'timestamp' column/));
  b = await broken((nab) => edit(path.join(nab, 'config', 'profiles.json'), (t) => t.replace('"fpWeight": 0.22', '"fpWeight": "high"')));
  await assert.rejects(
    loadNabCorpus(b.nab),
    dataError('E_NAB', /profiles\.json: profile 'reward_low_FP_rate': CostMatrix\.fpWeight must be a number ≥ 0, found "high"/),
  );
});

test('a bad results directory is refused with one line naming the file', async () => {
  const corpus = async (nab: string) => loadNabCorpus(nab);
  await assert.rejects(
    loadNabResults(path.join(dir, 'no-results'), await corpus(nabDir)),
    dataError('E_NOT_FOUND', /no-results: no such directory/),
  );
  let b = await broken((_, results) => rm(path.join(results, 'b', 'det_two.csv')));
  await assert.rejects(
    loadNabResults(b.results, await corpus(b.nab)),
    dataError('E_NAB', /no results for 1 of the 2 data files, e\.g\. .*b.det_two\.csv/),
  );
  b = await broken((_, results) => writeFile(path.join(results, 'b', 'det_three.csv'), 'timestamp,anomaly_score\n'));
  await assert.rejects(
    loadNabResults(b.results, await corpus(b.nab)),
    dataError('E_NAB', /det_three\.csv: names no data file of .*b \(expected <detector>_<file>\.csv/),
  );
  b = await broken((_, results) => cp(path.join(results, 'b', 'det_two.csv'), path.join(results, 'b', 'other_two.csv')));
  await assert.rejects(
    loadNabResults(b.results, await corpus(b.nab)),
    dataError('E_NAB', /other_two\.csv: results of detector 'other', but .*det_one\.csv is of 'det'/),
  );
  b = await broken((_, results) => edit(path.join(results, 'a', 'det_one.csv'), (t) => t.split('\n').slice(0, -3).join('\n')));
  await assert.rejects(
    loadNabResults(b.results, await corpus(b.nab)),
    dataError('E_NAB', /det_one\.csv: 38 row\(s\), expected 40 \(one per row of data\/a\/one\.csv\)/),
  );
  b = await broken((_, results) => edit(path.join(results, 'a', 'det_one.csv'), (t) => t.replace('00:10:00,3.5,0.9', '00:10:00,3.5,1.5')));
  await assert.rejects(
    loadNabResults(b.results, await corpus(b.nab)),
    csvError('E_CSV_VALUE', /det_one\.csv, line 12, column 'anomaly_score': '1\.5' is not a number in \[0, 1\]/),
  );
  b = await broken((_, results) => edit(path.join(results, 'a', 'det_one.csv'), (t) => t.replace('anomaly_score', 'score')));
  await assert.rejects(
    loadNabResults(b.results, await corpus(b.nab)),
    csvError('E_CSV_HEADER', /det_one\.csv, line 1: no 'anomaly_score' column/),
  );
  b = await broken((_, results) =>
    edit(path.join(results, 'a', 'det_one.csv'), (t) => t.replace('2015-01-01 00:02:00', '2015-01-01 00:02:30')),
  );
  await assert.rejects(
    loadNabResults(b.results, await corpus(b.nab)),
    csvError(
      'E_CSV_VALUE',
      /det_one\.csv, line 4: timestamp 2015-01-01T00:02:30\.000Z where data\/a\/one\.csv has 2015-01-01T00:02:00\.000Z/,
    ),
  );
  b = await broken((_, results) => edit(path.join(results, 'a', 'det_one.csv'), (t) => t.replace('00:04:00,4.5,0,0', '00:04:00,4.5,0')));
  await assert.rejects(
    loadNabResults(b.results, await corpus(b.nab)),
    csvError('E_CSV_SHAPE', /det_one\.csv, line 6: found 3 field\(s\), expected 4/),
  );
});
