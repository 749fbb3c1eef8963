/**
 * scripts/reproduce-book.mjs: argument errors are one line; finished run directories are read
 * (not retrained) and summarised over seeds into results.json and results.md.
 */
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { hasStackTrace, runNode } from './cli-helpers.js';
const SCRIPT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'scripts', 'reproduce-book.mjs');
test('reproduce-book rejects an unknown model or seed list in one line', async () => {
    const bad = await runNode(SCRIPT, ['--models=stacked,nope']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--models: unknown model 'nope'; expected some of conv, stacked/);
    assert.ok(!hasStackTrace(bad.stderr));
    const seeds = await runNode(SCRIPT, ['--seeds=1,x']);
    assert.equal(seeds.code, 2);
    assert.match(seeds.stderr, /--seeds expects integers/);
});
test('reproduce-book summarises finished runs over seeds against the book and the bar', async () => {
    const out = await mkdtemp(path.join(tmpdir(), 'aekit-book-'));
    try {
        const finished = async (seed, acc, model = 'stacked') => {
            await mkdir(path.join(out, `${model}-seed${seed}`));
            const metrics = {
                started: '2026-01-01T00:00:00Z',
                finished: '2026-01-01T00:03:00Z',
                backend: 'native',
                epochs: [
                    { epoch: 1, val_loss: 0.3, val_rounded_accuracy: 0.9 },
                    { epoch: 20, val_loss: 0.28, val_rounded_accuracy: acc },
                ],
            };
            await writeFile(path.join(out, `${model}-seed${seed}`, 'metrics.json'), JSON.stringify(metrics));
        };
        await finished(1, 0.936);
        await finished(2, 0.938);
        const r = await runNode(SCRIPT, ['--models=stacked', '--seeds=1,2', `--out=${out}`]);
        assert.equal(r.code, 0, r.stderr);
        const results = JSON.parse(await readFile(path.join(out, 'results.json'), 'utf8'));
        const [row] = results.rows;
        assert.equal(row.model, 'stacked');
        assert.deepEqual(row.values, [0.936, 0.938]);
        assert.ok(Math.abs(row.mean - 0.937) < 1e-12);
        assert.ok(Math.abs(row.sd - Math.sqrt(2e-6)) < 1e-9);
        assert.equal(row.runsMeetingBar, 1);
        assert.equal(row.meanMeetsBar, true);
        assert.equal(results.runs[0].minutes, 3);
        const md = await readFile(path.join(out, 'results.md'), 'utf8');
        assert.match(md, /\| stacked \| val_rounded_accuracy \| 2 \(1, 2\) \| 0\.9370 ± 0\.0014 \| 0\.9360 – 0\.9380 \| 0\.937 \| ≥ 0\.937 \| yes \| 1\/2 \|/);
        // a later invocation for another model keeps the earlier rows
        await finished(1, 0.934, 'tied');
        const again = await runNode(SCRIPT, ['--models=tied', '--seeds=1', `--out=${out}`]);
        assert.equal(again.code, 0, again.stderr);
        const merged = JSON.parse(await readFile(path.join(out, 'results.json'), 'utf8'));
        assert.deepEqual(merged.rows.map((r) => [r.model, r.values]), [
            ['stacked', [0.936, 0.938]],
            ['tied', [0.934]],
        ]);
    }
    finally {
        await rm(out, { recursive: true, force: true });
    }
});
//# sourceMappingURL=reproduce-book.test.js.map