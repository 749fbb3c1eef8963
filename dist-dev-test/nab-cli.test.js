/**
 * `aekit nab score` end to end on a small NAB directory made in a temp dir: two series of 40 rows
 * (probation: 6 rows), one window each on rows 10–13. The detector finds one window at its first
 * row (0.9) and the other at its last row (0.6), with two false positives far after it (0.8).
 */
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { aekit, hasStackTrace } from './cli-helpers.js';
let dir;
let nabDir;
let resultsDir;
const times = Array.from({ length: 40 }, (_, i) => `2015-01-01 00:${String(i).padStart(2, '0')}:00`);
const SCORES = { 'a/one.csv': { 10: 0.9 }, 'b/two.csv': { 13: 0.6, 30: 0.8, 31: 0.8 } };
before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'aekit-nab-cli-'));
    nabDir = path.join(dir, 'nab');
    resultsDir = path.join(dir, 'det');
    const windows = {};
    for (const [name, at] of Object.entries(SCORES)) {
        const [category, file] = name.split('/');
        await mkdir(path.join(nabDir, 'data', category), { recursive: true });
        await mkdir(path.join(resultsDir, category), { recursive: true });
        await writeFile(path.join(nabDir, 'data', category, file), ['timestamp,value', ...times.map((t, i) => `${t},${i}`)].join('\n'));
        await writeFile(path.join(resultsDir, category, `det_${file}`), ['timestamp,value,anomaly_score', ...times.map((t, i) => `${t},${i},${at[i] ?? 0}`)].join('\n'));
        windows[name] = [[`${times[10]}.000000`, `${times[13]}.000000`]];
    }
    await mkdir(path.join(nabDir, 'labels'));
    await writeFile(path.join(nabDir, 'labels', 'combined_windows.json'), JSON.stringify(windows));
    await mkdir(path.join(nabDir, 'config'));
    const matrix = (fpWeight, fnWeight) => ({ CostMatrix: { tpWeight: 1, fpWeight, fnWeight, tnWeight: 1 } });
    await writeFile(path.join(nabDir, 'config', 'profiles.json'), JSON.stringify({ standard: matrix(0.11, 1), reward_low_FP_rate: matrix(0.22, 1), reward_low_FN_rate: matrix(0.11, 2) }));
});
after(async () => {
    await rm(dir, { recursive: true, force: true });
});
test('nab score prints the three normalised scores and the per-file table, and writes them with --json', async () => {
    const json = path.join(dir, 'out', 'scores.json');
    const r = await aekit(['nab', 'score', '--nab', nabDir, '--results', resultsDir, '--json', json]);
    assert.equal(r.code, 0, r.stderr);
    // By hand: b's window found at its last row earns S(-1/4)/S(-1) = tanh(0.625)/tanh(2.5); a's earns 1.
    const late = Math.tanh(0.625) / Math.tanh(2.5);
    const expected = {
        standard: (100 * (1 + late - 0.22 + 2)) / 4,
        reward_low_FP_rate: (100 * (1 + late - 0.44 + 2)) / 4,
        reward_low_FN_rate: (100 * (1 + late - 0.22 + 4)) / 6,
    };
    assert.match(r.stdout, /NAB scores of detector 'det' \(.*: 2 files, 2 windows\)/);
    for (const [profile, score] of Object.entries(expected))
        assert.match(r.stdout, new RegExp(`^${profile} +0\\.600000 +sweep .* ${score.toFixed(2)}$`, 'm'), `${profile} ${score}`);
    assert.match(r.stdout, /^a\/one\.csv +40 +1 +1 +0 +1\.000 +1\.000 +1\.000$/m);
    assert.match(r.stdout, /^b\/two\.csv +40 +1 +1 +2 +0\.342 +0\.122 +0\.342$/m);
    const out = JSON.parse(await readFile(json, 'utf8'));
    assert.equal(out.detector, 'det');
    for (const [profile, score] of Object.entries(expected)) {
        assert.ok(Math.abs(out[profile] - score) < 1e-9, `${profile}: ${out[profile]} vs ${score}`);
        assert.equal(out.thresholds[profile], 0.6);
    }
    assert.equal(out.thresholdsFrom, 'sweep');
    assert.deepEqual(out.null, { standard: -2, reward_low_FP_rate: -2, reward_low_FN_rate: -4 });
    assert.deepEqual(out.files.map((f) => [
        f.file,
        f.windows,
        f.standard.fp,
        f.standard.windowsDetected,
    ]), [
        ['a/one.csv', 1, 0, 1],
        ['b/two.csv', 1, 2, 1],
    ]);
    assert.ok(Math.abs(out.files[1].standard.score - (late - 0.22)) < 1e-12);
});
test('nab score --thresholds FILE scores at the thresholds the file gives the detector', async () => {
    const file = path.join(dir, 'thresholds.json');
    const at = (threshold) => ({ threshold, score: 0 });
    await writeFile(file, JSON.stringify({ det: { standard: at(0.9), reward_low_FP_rate: at(0.9), reward_low_FN_rate: at(0.6) } }));
    const r = await aekit(['nab', 'score', '--nab', nabDir, '--results', resultsDir, '--thresholds', file]);
    assert.equal(r.code, 0, r.stderr);
    // At 0.9 only a's window is found: raw 1 - 1 = 0, normalised 100 · 2 / 4.
    assert.match(r.stdout, /^standard +0\.900000 +given +0\.000 +-2\.000 +2\.000 +50\.00$/m);
    assert.match(r.stdout, /^reward_low_FN_rate +0\.600000 +given /m);
});
test('bad input to nab score is one line naming the path, without a stack trace', async () => {
    const missing = path.join(dir, 'partial');
    await mkdir(path.join(missing, 'a'), { recursive: true });
    await writeFile(path.join(missing, 'a', 'det_one.csv'), await readFile(path.join(resultsDir, 'a', 'det_one.csv')));
    const r = await aekit(['nab', 'score', '--nab', nabDir, '--results', missing]);
    assert.equal(r.code, 1);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /^aekit: .*partial: no results for 1 of the 2 data files, e\.g\. .*partial.b.det_two\.csv \(NAB scores every file\)\n$/);
    assert.ok(!hasStackTrace(r.stderr));
    const nowhere = await aekit(['nab', 'score', '--nab', path.join(dir, 'nowhere'), '--results', resultsDir]);
    assert.equal(nowhere.code, 1);
    assert.match(nowhere.stderr, /^aekit: .*nowhere.data: no such directory \(expected a NAB directory with data\/<category>\/<file>\.csv series\)\n$/);
    const noFlag = await aekit(['nab', 'score', '--results', resultsDir]);
    assert.notEqual(noFlag.code, 0);
    assert.match(noFlag.stderr, /required option '--nab <dir>' not specified/);
    assert.ok(!hasStackTrace(noFlag.stderr));
});
//# sourceMappingURL=nab-cli.test.js.map