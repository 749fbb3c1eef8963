import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { aekit, hasStackTrace } from './cli-helpers.js';
let dir;
before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'aekit-cli-'));
});
after(async () => {
    await rm(dir, { recursive: true, force: true });
});
/** Bad input: non-zero exit, a message that matches, no stack trace. */
async function expectClearError(args, pattern, env = {}) {
    const r = await aekit(args, env);
    assert.notEqual(r.code, 0, `aekit ${args.join(' ')} should fail`);
    assert.match(r.stderr, pattern);
    assert.ok(!hasStackTrace(r.stderr + r.stdout), `stack trace printed for aekit ${args.join(' ')}:\n${r.stderr}`);
}
test("summary conv prints the seed model's parameter counts", async () => {
    const r = await aekit(['summary', 'conv']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Encoder parameters: 23,296/);
    assert.match(r.stdout, /Decoder parameters: 23,233/);
    assert.match(r.stdout, /deconv1 \(Conv2DTranspose\)\s+\S+\s+\[null,7,7,32\]\s+18464/);
});
test('summary builds the model for --image-size, --color and --features; wrong input is one clear line', async () => {
    const rgb = await aekit(['summary', 'conv', '--image-size', '30x20', '--color', 'rgb', '--decoder', 'upsample']);
    assert.equal(rgb.code, 0, rgb.stderr);
    assert.match(rgb.stdout, /upconv3 \(Conv2D\)\s+\S+\s+\[null,30,20,3\]/);
    assert.doesNotMatch(rgb.stdout, /Conv2DTranspose/);
    const table = await aekit(['summary', 'dense', '--features', '7']);
    assert.equal(table.code, 0, table.stderr);
    assert.match(table.stdout, /decoder_output \(Dense\)\s+\S+\s+\[null,7\]/);
    await expectClearError(['summary', 'conv', '--image-size', '64'], /--image-size <HxW>' argument '64' is invalid. expected HEIGHTxWIDTH such as 32x32/);
    await expectClearError(['summary', 'conv', '--features', '7'], /^aekit: conv summary: the conv model takes images .*shape \[7\]: use the dense model for them\n$/);
    await expectClearError(['summary', 'dense', '--features', '7', '--color', 'rgb'], /--features describes table rows/);
});
test('unknown commands, models and options are refused clearly', async () => {
    await expectClearError(['trian'], /unknown command 'trian'/);
    await expectClearError(['train', 'convv'], /unknown model 'convv': expected one of .*conv/);
    await expectClearError(['train', 'conv', '--bogus'], /unknown option '--bogus'/);
    await expectClearError(['summary'], /missing required argument 'model'/);
});
test('flag values of the wrong type are refused, naming the flag', async () => {
    await expectClearError(['train', 'conv', '--epochs', 'five'], /--epochs <n>' argument 'five' is invalid. expected an integer/);
    await expectClearError(['train', 'conv', '--lr', '-1'], /--lr <x>' argument '-1' is invalid. expected a positive number/);
    await expectClearError(['train', 'conv', '--limit', '0'], /--limit <n>' argument '0' is invalid/);
    await expectClearError(['train', 'conv', '--optimizer', 'adagrad'], /--optimizer <name>' argument 'adagrad' is invalid/);
    await expectClearError(['train', 'conv', '--backend', 'gpu'], /--backend <name>' argument 'gpu' is invalid/);
});
test('missing or corrupt data is reported with where to get it', async () => {
    await expectClearError(['train', 'conv', '--backend', 'wasm', '--data-dir', path.join(dir, 'absent'), '--out', path.join(dir, 'r1')], /absent/);
    const corrupt = path.join(dir, 'corrupt');
    await mkdir(corrupt);
    for (const name of ['train-images-idx3-ubyte', 'train-labels-idx1-ubyte', 't10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte']) {
        await writeFile(path.join(corrupt, name), Buffer.from([0, 0, 8, 3, 0, 0, 0, 1]));
    }
    await expectClearError(['train', 'conv', '--backend', 'wasm', '--data-dir', corrupt, '--out', path.join(dir, 'r2')], /corrupt|truncated|expected/i);
});
test('an unreadable run directory is reported, not thrown', async () => {
    await expectClearError(['evaluate', path.join(dir, 'no-run')], /metrics\.json' does not exist: RUN_DIR must be a directory written by 'aekit train'/);
    const broken = path.join(dir, 'broken');
    await mkdir(broken);
    await writeFile(path.join(broken, 'metrics.json'), '{"model": "conv", "epochs": []}');
    await expectClearError(['reconstruct', broken, '--out', path.join(dir, 'x.png')], /no model at .*model\.json/);
    await expectClearError(['reconstruct', broken], /required option '--out <file.png>' not specified/);
});
//# sourceMappingURL=cli-errors.test.js.map