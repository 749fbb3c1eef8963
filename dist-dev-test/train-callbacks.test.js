/**
 * End to end: `aekit train linear` with early stopping, a cosine schedule and --save-best writes
 * lr per epoch and the callbacks' outcomes into metrics.json and a loadable best/ model; misused
 * schedule flags are refused in one line before anything is written.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { aekit, hasStackTrace } from './cli-helpers.js';
let dir;
before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'aekit-callbacks-'));
});
after(async () => {
    await rm(dir, { recursive: true, force: true });
});
test('aekit train linear --early-stopping 2 --lr-schedule cosine --save-best records lr per epoch and saves best/', async () => {
    const out = path.join(dir, 'run');
    const r = await aekit([
        'train',
        'linear',
        '--early-stopping',
        '2',
        '--lr-schedule',
        'cosine',
        '--save-best',
        '--backend',
        'cpu',
        '--out',
        out,
    ]);
    assert.equal(r.code, 0, r.stderr);
    const metrics = JSON.parse(await readFile(path.join(out, 'metrics.json'), 'utf8'));
    const epochs = metrics.epochs;
    assert.ok(epochs.length >= 3 && epochs.length <= 20);
    const E = 20; // the linear recipe's epochs: the cosine schedule spans them
    epochs.forEach((e) => {
        assert.ok(Math.abs(e.lr - 1.5 * 0.5 * (1 + Math.cos((Math.PI * (e.epoch - 1)) / E))) < 1e-12, `lr of epoch ${e.epoch}: ${e.lr}`);
    });
    assert.match(r.stdout, /epoch 2\/20: .* lr 1\.49 /);
    const { early_stopping: early, save_best: saved, lr_schedule: schedule } = metrics.callbacks;
    const best = epochs.reduce((a, b) => (b.val_loss < a.val_loss ? b : a));
    assert.equal(early.best_epoch, best.epoch);
    assert.equal(early.stopped_epoch, epochs.length < E ? epochs.length : null);
    assert.equal(early.restored, true);
    assert.equal(saved.best_epoch, best.epoch);
    assert.deepEqual(schedule, { name: 'cosine', initial_lr: 1.5, min_lr: 0 });
    assert.ok(existsSync(path.join(out, 'best', 'model.json')));
    // best/ holds the best epoch's weights, which early stopping also restored into model/
    assert.deepEqual(await readFile(path.join(out, 'best', 'weights.bin')), await readFile(path.join(out, 'model', 'weights.bin')));
    const { loadModel } = await import('aekit/training');
    const model = await loadModel(path.join(out, 'best'));
    assert.deepEqual(model.outputs[0].shape, [null, 3]);
});
test('schedule flags without their schedule are refused in one line, before a run directory exists', async () => {
    const out = path.join(dir, 'refused');
    for (const [flags, message] of [
        [['--lr-patience', '3'], /^aekit: --lr-patience needs --lr-schedule plateau$/m],
        [['--lr-schedule', 'cosine', '--lr-factor', '0.5'], /^aekit: --lr-factor needs --lr-schedule plateau$/m],
        [['--min-lr', '0.1'], /^aekit: --min-lr needs --lr-schedule$/m],
        [['--lr-schedule', 'cosine', '--min-lr', '2'], /^aekit: --min-lr 2 is above the run's learning rate --lr 1\.5/m],
    ]) {
        const r = await aekit(['train', 'linear', ...flags, '--out', out]);
        assert.equal(r.code, 1, `${flags.join(' ')}: ${r.stderr}`);
        assert.match(r.stderr, message);
        assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
        assert.ok(!hasStackTrace(r.stderr));
        assert.ok(!existsSync(out), 'nothing is written');
    }
    const bad = await aekit(['train', 'linear', '--lr-factor', '1.5', '--lr-schedule', 'plateau', '--out', out]);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /--lr-factor.*between 0 and 1/);
});
//# sourceMappingURL=train-callbacks.test.js.map