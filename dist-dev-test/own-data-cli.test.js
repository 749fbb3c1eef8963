/**
 * End to end through the CLI on the user's own data: a colour image folder of a size that does not
 * divide by 8 (train/ and test/ with class folders) and a labelled table. Each trains, then every
 * command that reads data works on the run without a data flag, and data of another kind or shape
 * is refused with one line naming both shapes.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import sharp from 'sharp';
import { aekit, hasStackTrace } from './cli-helpers.js';
let dir;
let images;
let table;
const imageRun = () => path.join(dir, 'image-run');
const tableRun = () => path.join(dir, 'table-run');
/** A 20×12 RGB picture of class `c` (0–2): a coloured bar whose position varies with `i`. */
function picture(c, i) {
    const [h, w] = [20, 12];
    const px = Buffer.alloc(h * w * 3, 30);
    for (let y = 0; y < h; y++)
        for (let x = 0; x < w; x++) {
            const on = c === 0 ? Math.abs(x - (i % w)) < 2 : c === 1 ? Math.abs(y - (i % h)) < 3 : (x + y + i) % 5 === 0;
            if (on)
                px.set(c === 0 ? [230, 40, 40] : c === 1 ? [40, 200, 60] : [60, 80, 240], (y * w + x) * 3);
        }
    return px;
}
before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'aekit-own-'));
    images = path.join(dir, 'images');
    for (const [split, n] of [
        ['train', 24],
        ['test', 6],
    ])
        for (const [c, name] of ['red', 'green', 'blue'].entries()) {
            await mkdir(path.join(images, split, name), { recursive: true });
            for (let i = 0; i < n; i++)
                await sharp(picture(c, i), { raw: { width: 12, height: 20, channels: 3 } })
                    .png()
                    .toFile(path.join(images, split, name, `${i}.png`));
        }
    // 300 rows of 4 correlated sensor-like features; the last 30 are anomalies (label 1) off the correlation.
    const rows = ['temperature,humidity,pressure,light,label'];
    for (let i = 0; i < 300; i++) {
        const t = 20 + 5 * Math.sin(i / 7);
        const anomaly = i >= 270;
        const h = anomaly ? 40 + 20 * Math.cos(i) : 80 - 2 * t;
        rows.push([t.toFixed(3), h.toFixed(3), (1000 + t / 2).toFixed(3), (100 + 3 * t).toFixed(3), anomaly ? 1 : 0].join(','));
    }
    table = path.join(dir, 'sensor.csv');
    await writeFile(table, `${rows.join('\n')}\n`);
});
after(async () => {
    await rm(dir, { recursive: true, force: true });
});
function ok(r, what) {
    assert.equal(r.code, 0, `${what}: ${r.stderr}${r.stdout}`);
    assert.ok(!hasStackTrace(r.stderr), r.stderr);
}
function refused(r, pattern) {
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.ok(!hasStackTrace(r.stderr), r.stderr);
    // One line; commander's own parse errors add its usual hint line.
    const lines = r.stderr
        .trim()
        .split('\n')
        .filter((l) => l !== '(run with --help for usage)' && !l.startsWith('decoding images: '));
    assert.equal(lines.length, 1, `one line: ${r.stderr}`);
    assert.match(r.stderr, pattern);
}
test('train conv --images: a 20×12 RGB folder with train/ and test/ and class folders', async () => {
    const r = await aekit(['train', 'conv', '--images', images, '--epochs', '1', '--backend', 'wasm', '--out', imageRun()]);
    ok(r, 'train');
    assert.match(r.stdout, /72 train \/ 18 validation \(test\/\) \/ 18 test, 20×12 RGB, 3 classes, in memory/);
    const metrics = JSON.parse(await readFile(path.join(imageRun(), 'metrics.json'), 'utf8'));
    assert.equal(metrics.data.spec.kind, 'images');
    assert.deepEqual(metrics.data.shape, [20, 12, 3]);
    assert.deepEqual(metrics.data.classes, ['blue', 'green', 'red']);
    assert.ok(metrics.peak_rss_mib > 0);
    const grid = await sharp(path.join(imageRun(), 'reconstructions.png')).raw().toBuffer({ resolveWithObject: true });
    assert.equal(grid.info.channels >= 3, true);
    // Colour is kept: some pixel has clearly different channels.
    let coloured = false;
    for (let p = 0; p < grid.data.length; p += grid.info.channels)
        if (Math.abs(grid.data[p] - grid.data[p + 1]) > 60 || Math.abs(grid.data[p + 1] - grid.data[p + 2]) > 60)
            coloured = true;
    assert.ok(coloured, 'reconstructions.png is in colour');
});
test('every command works on the image run without a data flag', async () => {
    const run = imageRun();
    const evaluate = await aekit(['evaluate', run, '--backend', 'wasm']);
    ok(evaluate, 'evaluate');
    assert.match(evaluate.stdout, /validation \(18 samples\): loss \d\.\d+ \(recorded at the end of training: \d\.\d+\).*PSNR \d+\.\d+ dB/);
    ok(await aekit(['reconstruct', run, '--out', path.join(dir, 'rec.png'), '--backend', 'wasm']), 'reconstruct');
    assert.deepEqual((await sharp(path.join(dir, 'rec.png')).metadata()).format, 'png');
    const encode = await aekit(['encode', run, '--out', path.join(dir, 'codings.csv'), '--backend', 'wasm']);
    ok(encode, 'encode');
    const csv = (await readFile(path.join(dir, 'codings.csv'), 'utf8')).trim().split('\n');
    assert.equal(csv.length, 19);
    const map = await aekit(['map', run, '--method', 'pca', '--thumbnails', '--no-raw', '--backend', 'wasm']);
    ok(map, 'map');
    assert.ok(existsSync(path.join(run, 'map-pca-thumbnails.png')));
    const anomalies = await aekit(['anomalies', run, '--holdout-class', '0', '--backend', 'wasm']);
    ok(anomalies, 'anomalies');
    assert.match(anomalies.stdout, /ROC AUC for detecting class 0 blue \(given with --holdout-class\) among 18 test samples: \d\.\d{4}/);
    assert.ok(existsSync(path.join(run, 'anomalies', 'worst.png')));
    ok(await aekit(['report', run]), 'report');
    ok(await aekit(['interpolate', run, '--rows', '2', '--out', path.join(dir, 'lines.png'), '--backend', 'wasm']), 'interpolate');
    // pretraining --from: classifiers over the run's three colour classes, scored on its test/ images.
    const pre = path.join(dir, 'pre');
    const p = await aekit([
        'pretraining',
        '--from',
        run,
        '--labels',
        '9',
        '--seeds',
        '1',
        '--classifier-epochs',
        '2',
        '--out',
        pre,
        '--backend',
        'wasm',
    ]);
    ok(p, 'pretraining --from');
    const report = JSON.parse(await readFile(path.join(pre, 'pretraining.json'), 'utf8'));
    assert.equal(report.results.length, 3);
    for (const r of report.results)
        assert.ok(r.test_accuracy >= 0 && r.test_accuracy <= 1);
});
test('the image run refuses a table and resizes other images to its size', async () => {
    refused(await aekit(['evaluate', imageRun(), '--table', table, '--backend', 'wasm']), /trained on 20×12 RGB images .*samples \[20, 12, 3\].*sensor\.csv has samples \[5\]/);
    // Other images (here grey ones of another size) are resized and turned to the run's colour.
    const other = path.join(dir, 'other');
    await mkdir(other);
    for (let i = 0; i < 4; i++)
        await sharp(Buffer.alloc(30 * 30, i * 60), { raw: { width: 30, height: 30, channels: 1 } })
            .png()
            .toFile(path.join(other, `g${i}.png`));
    const r = await aekit(['anomalies', imageRun(), '--images', other, '--backend', 'wasm', '--out-dir', path.join(dir, 'other-out')]);
    ok(r, 'anomalies --images');
    assert.match(r.stdout, /of 4 images above the threshold/);
});
test('train dense --table --label-column, then anomalies prints the ROC AUC against the label column', async () => {
    const r = await aekit([
        'train',
        'dense',
        '--table',
        table,
        '--label-column',
        'label',
        '--epochs',
        '30',
        '--backend',
        'wasm',
        '--out',
        tableRun(),
    ]);
    ok(r, 'train dense');
    assert.match(r.stdout, /300 rows × 4 features/);
    const metrics = JSON.parse(await readFile(path.join(tableRun(), 'metrics.json'), 'utf8'));
    assert.equal(metrics.data.spec.kind, 'table');
    assert.equal(metrics.data.spec.scaling.method, 'standard');
    assert.equal(metrics.options.loss, 'meanSquaredError');
    assert.ok(existsSync(path.join(tableRun(), 'feature-errors.png')));
    const a = await aekit(['anomalies', tableRun(), '--backend', 'wasm']);
    ok(a, 'anomalies');
    const m = /ROC AUC for detecting class 1 1 \(the rarer of the two classes in the run's validation data\) among (\d+) valid samples: (\d\.\d+)/.exec(a.stdout);
    assert.ok(m, a.stdout);
    // The anomalies break the features' correlation: the autoencoder ranks them well above chance.
    assert.ok(Number(m[2]) > 0.8, `ROC AUC ${m[2]}`);
    const rec = await aekit(['reconstruct', tableRun(), '--out', path.join(dir, 'features.png'), '--backend', 'wasm']);
    ok(rec, 'reconstruct');
    assert.match(rec.stdout, /error per feature over \d+ valid samples; largest: /);
    ok(await aekit(['evaluate', tableRun(), '--backend', 'wasm']), 'evaluate');
    refused(await aekit(['map', tableRun(), '--images', images, '--backend', 'wasm']), /trained on rows of 4 columns of .*sensor\.csv .*samples \[4\]/);
});
test('data flags: one clear line for bad combinations', async () => {
    refused(await aekit(['train', 'conv', '--images', images, '--table', table]), /--images and --table: give one data source/);
    refused(await aekit(['train', 'dense', '--columns', 'a,b']), /--columns applies to --table data only/);
    refused(await aekit(['train', 'conv', '--images', images, '--image-size', '32']), /--image-size.*expected HEIGHTxWIDTH such as 32x32/);
    refused(await aekit(['train', 'conv', '--table', table, '--epochs', '1', '--out', path.join(dir, 'x')]), /^aekit: --table: the conv model takes images.*\[5\].*dense/);
    refused(await aekit(['train', 'dense', '--table', path.join(dir, 'nope.csv'), '--out', path.join(dir, 'y')]), /nope\.csv/);
});
/** A version-1.0 `.npy` file of uint8 values of `shape` (written here: tests reach aekit through its CLI only). */
function npyBytes(data, shape) {
    let header = `{'descr': '|u1', 'fortran_order': False, 'shape': (${shape.join(', ')}), }`;
    header += `${' '.repeat(63 - ((10 + header.length) % 64))}\n`;
    const head = Buffer.alloc(10);
    head.set([0x93, ...Buffer.from('NUMPY'), 1, 0]);
    head.writeUInt16LE(header.length, 8);
    return Buffer.concat([head, Buffer.from(header, 'latin1'), Buffer.from(data)]);
}
/** An IDX file of uint8 values with dimensions `dims`. */
function idxBytes(dims, data) {
    const head = Buffer.alloc(4 + 4 * dims.length);
    head.set([0, 0, 0x08, dims.length]);
    dims.forEach((d, i) => head.writeUInt32BE(d, 4 + 4 * i));
    return Buffer.concat([head, Buffer.from(Uint8Array.from(data))]);
}
test('train on a .npy array and on an IDX file of another size; evaluate and reconstruct read them back', async () => {
    // 40 grey 16×16 images as uint8 [n, h, w] (.npy), and the same as an IDX image file with labels.
    const n = 40;
    const pixels = new Uint8Array(n * 16 * 16);
    for (let i = 0; i < n; i++)
        for (let p = 0; p < 256; p++)
            pixels[i * 256 + p] = (p % 16 === i % 16 ? 200 : 20) + (i % 3);
    const npy = path.join(dir, 'images.npy');
    await writeFile(npy, npyBytes(pixels, [n, 16, 16]));
    const idx = path.join(dir, 'images.idx');
    await writeFile(idx, idxBytes([n, 16, 16], pixels));
    const labels = path.join(dir, 'labels.idx');
    await writeFile(labels, idxBytes([n], Array.from({ length: n }, (_, i) => i % 2)));
    for (const [name, flags] of [
        ['npy', ['--npy', npy]],
        ['idx', ['--idx', idx, '--idx-labels', labels]],
    ]) {
        const run = path.join(dir, `${name}-run`);
        ok(await aekit(['train', 'conv', ...flags, '--epochs', '1', '--backend', 'wasm', '--out', run]), `train --${name}`);
        const metrics = JSON.parse(await readFile(path.join(run, 'metrics.json'), 'utf8'));
        assert.equal(metrics.data.spec.kind, name);
        assert.deepEqual(metrics.data.shape, [16, 16]);
        assert.deepEqual(metrics.data.image, { height: 16, width: 16, channels: 1 });
        const e = await aekit(['evaluate', run, '--backend', 'wasm']);
        ok(e, `evaluate ${name}`);
        assert.match(e.stdout, /validation \(4 samples\).*PSNR/);
        ok(await aekit(['reconstruct', run, '--out', path.join(dir, `${name}.png`), '--backend', 'wasm']), `reconstruct ${name}`);
    }
    // Other images are resized and turned grey to fit the 16×16 grey run; a table is refused.
    const resized = await aekit(['evaluate', path.join(dir, 'npy-run'), '--images', images, '--backend', 'wasm']);
    ok(resized, 'evaluate --images on the npy run');
    assert.match(resized.stdout, /validation \(18 samples\)/);
    refused(await aekit(['evaluate', path.join(dir, 'idx-run'), '--table', table, '--backend', 'wasm']), /samples \[16, 16\].*sensor\.csv has samples \[5\]/);
});
//# sourceMappingURL=own-data-cli.test.js.map