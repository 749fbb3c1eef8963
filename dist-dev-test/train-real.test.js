/**
 * Integration: train the seed model briefly on the real Fashion-MNIST (installed by .ci/run from
 * Debian's dataset-fashion-mnist) through the CLI, then reload the run.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import sharp from 'sharp';
import { aekit } from './cli-helpers.js';
const SYSTEM_DIR = '/usr/share/datasets/fashion-mnist';
let dir;
before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'aekit-real-'));
});
after(async () => {
    await rm(dir, { recursive: true, force: true });
});
test('aekit train conv on real data: loss falls, run directory complete, reload reproduces val_loss', async (t) => {
    if (!existsSync(SYSTEM_DIR)) {
        if (process.env.AEKIT_SKIP_REAL_DATA === '1') {
            t.skip('AEKIT_SKIP_REAL_DATA=1 and no real data');
            return;
        }
        assert.fail(`real Fashion-MNIST missing at ${SYSTEM_DIR}: apt-get install -y dataset-fashion-mnist (or set AEKIT_SKIP_REAL_DATA=1)`);
    }
    const run = path.join(dir, 'run');
    const r = await aekit(['train', 'conv', '--epochs', '2', '--limit', '1500', '--backend', 'wasm', '--out', run]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /engine: tfjs wasm/);
    assert.match(r.stdout, /epoch 2\/2: loss/);
    const metrics = JSON.parse(await readFile(path.join(run, 'metrics.json'), 'utf8'));
    assert.equal(metrics.model, 'conv');
    assert.equal(metrics.backend, 'wasm');
    assert.deepEqual(metrics.params, { encoder: 23296, decoder: 23233 });
    assert.equal(metrics.options.limit, 1500);
    assert.equal(metrics.data.valid, 5000);
    assert.equal(metrics.epochs.length, 2);
    const [e1, e2] = metrics.epochs;
    for (const key of ['loss', 'rounded_accuracy', 'val_loss', 'val_rounded_accuracy', 'seconds', 'images_per_second']) {
        assert.ok(Number.isFinite(e2[key]), `${key} is finite`);
    }
    assert.ok(e2.loss < e1.loss, `training loss falls: ${e1.loss} → ${e2.loss}`);
    assert.ok(e2.val_loss < e1.val_loss && e2.val_loss < 0.42, `val_loss falls below 0.42: ${e1.val_loss} → ${e2.val_loss}`);
    for (const part of ['model', 'encoder', 'decoder']) {
        assert.ok(existsSync(path.join(run, part, 'model.json')) && existsSync(path.join(run, part, 'weights.bin')), `${part}/ saved`);
    }
    const png = await sharp(path.join(run, 'reconstructions.png')).metadata();
    assert.equal(png.format, 'png');
    assert.ok(png.width >= 10 * 28 * 2 && png.height >= 2 * 28 * 2, `grid ${png.width}×${png.height} holds 10 pairs, scaled up`);
    const ev = await aekit(['evaluate', run, '--backend', 'wasm']);
    assert.equal(ev.code, 0, ev.stderr);
    const val = Number(/validation \(5000 samples\): loss ([\d.]+)/.exec(ev.stdout)?.[1]);
    assert.ok(Math.abs(val - e2.val_loss) < 1e-3, `reloaded model's val_loss ${val} matches recorded ${e2.val_loss}`);
    assert.match(ev.stdout, /test \(10000 samples\): loss [\d.]+, rounded_accuracy 0\.\d+/);
    const out = path.join(dir, 'grid.png');
    const rc = await aekit(['reconstruct', run, '--out', out, '--count', '12', '--backend', 'wasm']);
    assert.equal(rc.code, 0, rc.stderr);
    assert.ok((await sharp(out).metadata()).width > 0);
});
//# sourceMappingURL=train-real.test.js.map