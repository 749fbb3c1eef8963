/**
 * Checkpoints, `aekit resume` and signals, end to end through the CLI (`aekit train stacked` on
 * 1,000 Fashion-MNIST images, 3 epochs, wasm, Adam — about 8 s a run): a run killed with -9 during
 * epoch 3 and resumed ends exactly as the uninterrupted one; SIGINT during epoch 2 exits 130 with a
 * checkpoint and the resumed run is again the same; finished runs and non-runs are refused.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { aekit, CLI, hasStackTrace } from './cli-helpers.js';
const skip = process.env.AEKIT_SKIP_REAL_DATA === '1' ? 'AEKIT_SKIP_REAL_DATA=1' : false;
const FLAGS = ['stacked', '--epochs', '3', '--limit', '1000', '--seed', '7', '--backend', 'wasm', '--optimizer', 'adam', '--lr', '0.002'];
let dir;
before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'aekit-resume-'));
});
after(async () => {
    await rm(dir, { recursive: true, force: true });
});
async function metricsOf(run) {
    try {
        return JSON.parse(await readFile(path.join(run, 'metrics.json'), 'utf8'));
    }
    catch {
        return null; // not written yet, or being replaced
    }
}
/** The epoch records without their timings (which differ between runs). */
function values(m) {
    return m.epochs.map(({ seconds: _s, images_per_second: _i, ...rest }) => rest);
}
/** Starts `aekit train …FLAGS --out out`; `exited` resolves with its exit code and output once it ends. */
function startTrain(out, flags = FLAGS) {
    const child = spawn(process.execPath, [CLI, 'train', ...flags, '--out', out], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout?.on('data', (d) => {
        output += d.toString();
    });
    child.stderr?.on('data', (d) => {
        output += d.toString();
    });
    const exited = new Promise((resolve) => {
        child.on('close', (code, signal) => resolve({ code, signal, output }));
    });
    return { child, exited };
}
/** Waits until the live metrics.json of `out` records `epochs` epochs. */
async function waitForEpochs(out, epochs, timeoutMs = 120_000) {
    const until = Date.now() + timeoutMs;
    while (Date.now() < until) {
        if (((await metricsOf(out))?.epochs.length ?? 0) >= epochs)
            return;
        await new Promise((r) => setTimeout(r, 10));
    }
    throw new Error(`${out}: ${epochs} epochs not reached in ${timeoutMs} ms`);
}
/** Waits until the latest checkpoint of `out` is at the start of epoch `epoch` (the epoch before it complete). */
async function waitForCheckpoint(out, epoch, timeoutMs = 120_000) {
    const area = path.join(out, 'checkpoint');
    const until = Date.now() + timeoutMs;
    while (Date.now() < until) {
        try {
            const { checkpoint } = JSON.parse(await readFile(path.join(area, 'latest.json'), 'utf8'));
            const state = JSON.parse(await readFile(path.join(area, checkpoint, 'state.json'), 'utf8'));
            if (state.position.epoch >= epoch)
                return;
        }
        catch {
            // not written yet, or replaced while read
        }
        await new Promise((r) => setTimeout(r, 10));
    }
    throw new Error(`${out}: no checkpoint of epoch ${epoch} in ${timeoutMs} ms`);
}
let reference;
test('an uninterrupted run finishes with no checkpoint left in it', { skip }, async () => {
    const out = path.join(dir, 'whole');
    const r = await aekit(['train', ...FLAGS, '--out', out]);
    assert.equal(r.code, 0, r.stderr);
    const m = await metricsOf(out);
    assert.ok(m !== null && m.finished !== null);
    assert.equal(m.epochs.length, 3);
    assert.equal(existsSync(path.join(out, 'checkpoint')), false, 'a finished run keeps no checkpoint');
    reference = m;
});
test('kill -9 during epoch 3, then aekit resume: the same 3 epochs and the same final val_loss', { skip }, async () => {
    const out = path.join(dir, 'killed');
    const { child, exited } = startTrain(out);
    await waitForCheckpoint(out, 3);
    child.kill('SIGKILL');
    const killed = await exited;
    assert.equal(killed.signal, 'SIGKILL');
    const left = await metricsOf(out);
    assert.ok(left !== null && left.finished === null, 'the run was killed before it finished');
    assert.ok(existsSync(path.join(out, 'checkpoint', 'latest.json')), 'the checkpoint survives the kill');
    const r = await aekit(['resume', out]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /resuming stacked in .* at epoch 3\/3/);
    const m = await metricsOf(out);
    assert.ok(m !== null && m.finished !== null);
    assert.equal(m.epochs.length, 3);
    assert.deepEqual(values(m), values(reference), 'every epoch record equals the uninterrupted run');
    assert.equal(m.epochs[2].val_loss, reference.epochs[2].val_loss);
    for (const part of ['model', 'encoder', 'decoder'])
        assert.ok(existsSync(path.join(out, part, 'model.json')), part);
    assert.equal(existsSync(path.join(out, 'checkpoint')), false);
    assert.deepEqual((await readdirSafe(dir)).filter((n) => n.startsWith('.killed')), [], 'no staging or checkpoint directory is left beside the run');
});
async function readdirSafe(at) {
    const { readdir } = await import('node:fs/promises');
    return readdir(at);
}
test('SIGINT during epoch 2 exits 130 within 10 s with a checkpoint; aekit resume completes the same 3 epochs', { skip }, async () => {
    const out = path.join(dir, 'interrupted');
    const { child, exited } = startTrain(out);
    await waitForEpochs(out, 1);
    const sent = Date.now();
    child.kill('SIGINT');
    const r = await exited;
    assert.ok(Date.now() - sent < 10_000, `exited ${Date.now() - sent} ms after SIGINT`);
    assert.equal(r.code, 130, r.output);
    assert.match(r.output, new RegExp(`interrupted: resume with aekit resume ${out.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\n`));
    assert.ok(!hasStackTrace(r.output), r.output);
    assert.ok(existsSync(path.join(out, 'checkpoint', 'latest.json')), 'a checkpoint was written');
    const again = await aekit(['resume', out]);
    assert.equal(again.code, 0, again.stderr);
    const m = await metricsOf(out);
    assert.ok(m !== null && m.finished !== null);
    assert.equal(m.epochs.length, 3);
    assert.deepEqual(values(m), values(reference), 'mid-epoch resume continues the same batches with the same optimizer state');
});
test('aekit resume refuses a run still training; SIGTERM exits 143 with a checkpoint', { skip }, async () => {
    const out = path.join(dir, 'terminated');
    const { child, exited } = startTrain(out);
    await waitForEpochs(out, 1);
    const busy = await aekit(['resume', out]);
    assert.equal(busy.code, 1);
    assert.match(busy.stderr, new RegExp(`^aekit: RUN_DIR '.*terminated' is being trained now by process ${child.pid}: stop it first`));
    child.kill('SIGTERM');
    const r = await exited;
    assert.equal(r.code, 143, r.output);
    assert.match(r.output, /interrupted: resume with aekit resume /);
    assert.ok(existsSync(path.join(out, 'checkpoint', 'latest.json')));
});
test('aekit resume refuses a finished run, a non-run and a missing directory with one line', { skip }, async () => {
    const finished = await aekit(['resume', path.join(dir, 'whole')]);
    assert.equal(finished.code, 1);
    assert.match(finished.stderr, /^aekit: RUN_DIR '.*whole' holds a run finished .*: nothing to resume\n$/);
    const other = path.join(dir, 'not-a-run');
    await mkdir(other);
    await writeFile(path.join(other, 'notes.txt'), 'hello\n');
    for (const target of [other, path.join(dir, 'missing')]) {
        const r = await aekit(['resume', target]);
        assert.equal(r.code, 1, r.stderr);
        assert.match(r.stderr, /^aekit: RUN_DIR '.*' has no metrics\.json: expected the directory of an interrupted aekit run\n$/);
        assert.ok(!hasStackTrace(r.stderr));
    }
});
test('a greedy run stops on SIGINT without a checkpoint, and aekit resume refuses it with one line', { skip }, async () => {
    const out = path.join(dir, 'greedy');
    const { child, exited } = startTrain(out, ['stacked', '--greedy', '--limit', '1000', '--backend', 'wasm']);
    await waitForStages(out);
    child.kill('SIGINT');
    const r = await exited;
    assert.equal(r.code, 130, r.output);
    assert.match(r.output, /the run cannot be resumed \(greedy runs/);
    assert.equal(existsSync(path.join(out, 'checkpoint')), false);
    const again = await aekit(['resume', out]);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /^aekit: RUN_DIR '.*greedy' holds an unfinished greedy stacked run: greedy runs \(stages, then fine-tuning\) cannot be resumed, train it again\n$/);
});
/** Waits until the live metrics.json of `out` records a greedy stage. */
async function waitForStages(out, timeoutMs = 120_000) {
    const until = Date.now() + timeoutMs;
    while (Date.now() < until) {
        const m = (await metricsOf(out));
        if ((m?.stages?.length ?? 0) > 0)
            return;
        await new Promise((r) => setTimeout(r, 10));
    }
    throw new Error(`${out}: no greedy stage recorded in ${timeoutMs} ms`);
}
//# sourceMappingURL=resume.test.js.map