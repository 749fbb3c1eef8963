/**
 * Checkpoints, `aekit resume` and signals, end to end through the CLI (`aekit train stacked` on
 * 1,000 Fashion-MNIST images, 3 epochs, wasm, Adam — about 8 s a run): a run killed with -9 during
 * epoch 3 and resumed ends exactly as the uninterrupted one; SIGINT during epoch 2 exits 130 with a
 * checkpoint and the resumed run is again the same; so does a run killed mid-epoch after an
 * in-epoch checkpoint (--checkpoint-minutes) and a run started with --overwrite over an older
 * unfinished one; a second SIGINT ends the process at once with the checkpoints intact; finished
 * runs and non-runs are refused.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { aekit, hasStackTrace } from './cli-helpers.js';
import { latestCheckpoint, type Metrics, metricsOf, start, values, waitFor, waitForCheckpoint } from './resume-helpers.js';

const skip = process.env.AEKIT_SKIP_REAL_DATA === '1' ? 'AEKIT_SKIP_REAL_DATA=1' : false;
const FLAGS = ['stacked', '--epochs', '3', '--limit', '1000', '--seed', '7', '--backend', 'wasm', '--optimizer', 'adam', '--lr', '0.002'];

let dir: string;
before(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'aekit-resume-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Starts `aekit train …FLAGS --out out`; `exited` resolves with its exit code and output once it ends. */
function startTrain(out: string, flags = FLAGS): ReturnType<typeof start> {
  return start(['train', ...flags, '--out', out]);
}

/** Waits until the live metrics.json of `out` records `epochs` epochs. */
async function waitForEpochs(out: string, epochs: number, timeoutMs = 120_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (((await metricsOf(out))?.epochs.length ?? 0) >= epochs) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`${out}: ${epochs} epochs not reached in ${timeoutMs} ms`);
}

/** Waits until the latest checkpoint of `out` is at the start of epoch `epoch` (the epoch before it complete). */
async function waitForEpochCheckpoint(out: string, epoch: number, timeoutMs = 120_000): Promise<void> {
  const area = path.join(out, 'checkpoint');
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    try {
      const { checkpoint } = JSON.parse(await readFile(path.join(area, 'latest.json'), 'utf8')) as { checkpoint: string };
      const state = JSON.parse(await readFile(path.join(area, checkpoint, 'state.json'), 'utf8')) as { position: { epoch: number } };
      if (state.position.epoch >= epoch) return;
    } catch {
      // not written yet, or replaced while read
    }
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`${out}: no checkpoint of epoch ${epoch} in ${timeoutMs} ms`);
}

let reference: Metrics;

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
  await waitForEpochCheckpoint(out, 3);
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
  assert.deepEqual(values(m.epochs), values(reference.epochs), 'every epoch record equals the uninterrupted run');
  assert.equal(m.epochs[2].val_loss, reference.epochs[2].val_loss);
  for (const part of ['model', 'encoder', 'decoder']) assert.ok(existsSync(path.join(out, part, 'model.json')), part);
  assert.equal(existsSync(path.join(out, 'checkpoint')), false);
  assert.deepEqual(
    (await readdirSafe(dir)).filter((n) => n.startsWith('.killed')),
    [],
    'no staging or checkpoint directory is left beside the run',
  );
});

async function readdirSafe(at: string): Promise<string[]> {
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
  assert.deepEqual(values(m.epochs), values(reference.epochs), 'mid-epoch resume continues the same batches with the same optimizer state');
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

test(
  '--checkpoint-minutes 0.002: kill -9 mid-epoch after an in-epoch checkpoint, aekit resume ends as the uninterrupted run',
  { skip },
  async () => {
    const out = path.join(dir, 'in-epoch');
    const { child, exited } = start(['train', ...FLAGS, '--checkpoint-minutes', '0.002', '--out', out]);
    const state = await waitForCheckpoint(
      path.join(out, 'checkpoint'),
      (s) => s.position.epoch === 2 && s.position.batch > 0,
      'a checkpoint inside epoch 2',
    );
    child.kill('SIGKILL');
    assert.equal((await exited).signal, 'SIGKILL');
    const left = await latestCheckpoint(path.join(out, 'checkpoint'));
    assert.ok(left !== null, 'the checkpoint survives the kill');
    assert.equal(left.state.position.epoch, 2);
    assert.ok(
      left.state.position.batch >= state.position.batch && left.state.position.batch < 32,
      `mid-epoch: batch ${left.state.position.batch} of 32`,
    );
    assert.equal(left.state.metrics.options.checkpointMinutes, 0.002, 'recorded for resume');
    const r = await aekit(['resume', out]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`at epoch 2/3, after batch ${left.state.position.batch}\\n`));
    const m = await metricsOf(out);
    assert.ok(m !== null && m.finished !== null);
    assert.deepEqual(values(m.epochs), values(reference.epochs), 'every epoch record equals the uninterrupted run');
  },
);

test('--checkpoint-minutes takes a positive number, 0 or off; anything else is refused with one line naming the flag', async () => {
  for (const bad of ['-1', 'soon', '']) {
    const r = await aekit(['train', 'linear', '--checkpoint-minutes', bad, '--out', path.join(dir, 'never')]);
    assert.equal(r.code, 1, r.stderr);
    assert.match(
      r.stderr.split('\n')[0],
      new RegExp(
        `^error: option '--checkpoint-minutes <m>' argument '${bad}' is invalid\\. expected a positive number, or 0 or 'off', got '${bad}'`,
      ),
    );
    assert.ok(!hasStackTrace(r.stderr), r.stderr); // commander adds its usual '(run with --help for usage)'
  }
  const off = await aekit(['train', 'linear', '--epochs', '2', '--checkpoint-minutes', 'off', '--out', path.join(dir, 'off')]);
  assert.equal(off.code, 0, off.stderr);
  assert.equal((await metricsOf(path.join(dir, 'off')))?.options.checkpointMinutes, 0);
});

test('a second SIGINT ends the process at once, well before the graceful stop would, and leaves a valid checkpoint', { skip }, async () => {
  // A model whose checkpoint (7 M weights and Adam's moments) takes a while to write.
  const big = [
    'stacked',
    '--units',
    '2000,1000',
    '--epochs',
    '1',
    '--limit',
    '640',
    '--backend',
    'wasm',
    '--optimizer',
    'adam',
    '--lr',
    '0.001',
    '--checkpoint-minutes',
    '0.001',
  ];
  const stopAfterFirstCheckpoint = async (
    out: string,
    twice: boolean,
  ): Promise<{ ms: number; code: number | null; signal: string | null; output: string }> => {
    const run = start(['train', ...big, '--out', out]);
    let output = '';
    run.child.stderr?.on('data', (d: Buffer) => {
      output += d.toString();
    });
    await waitFor(`${out}: first checkpoint`, async () => (await latestCheckpoint(path.join(out, 'checkpoint'))) !== null);
    run.child.kill('SIGINT');
    await waitFor(`${out}: SIGINT seen`, async () => output.includes('stopping at the end of this batch'));
    const seen = Date.now();
    if (twice) run.child.kill('SIGINT');
    const r = await run.exited;
    return { ms: Date.now() - seen, ...r };
  };
  const graceful = await stopAfterFirstCheckpoint(path.join(dir, 'graceful'), false);
  assert.equal(graceful.code, 130, graceful.output);
  const out = path.join(dir, 'twice');
  const twice = await stopAfterFirstCheckpoint(out, true);
  // Ended by the signal's default action: the shell reports 130, as for the graceful exit.
  assert.equal(twice.signal, 'SIGINT', twice.output);
  assert.doesNotMatch(twice.output, /interrupted: resume with/);
  assert.ok(twice.ms < graceful.ms / 2, `the second SIGINT ended it ${twice.ms} ms after, the graceful stop took ${graceful.ms} ms`);
  // Not corrupted: the live metrics.json is whole and unfinished, latest.json names a complete checkpoint.
  const m = await metricsOf(out);
  assert.ok(m !== null && m.finished === null);
  const left = await latestCheckpoint(path.join(out, 'checkpoint'));
  assert.ok(left !== null, 'latest.json names a checkpoint whose state.json reads');
  assert.equal(left.state.position.epoch, 1);
  const { loadModel } = await import('aekit/training');
  const model = await loadModel(path.join(left.dir, 'model'));
  assert.equal(model.countParams(), 784 * 2000 + 2000 + 2000 * 1000 + 1000 + 1000 * 2000 + 2000 + 2000 * 784 + 784);
});

test(
  'a run started with --overwrite over an unfinished run, killed, resumes as the new run: the old one neither reappears nor mixes',
  { skip },
  async () => {
    const out = path.join(dir, 'replaced');
    const area = path.join(dir, '.replaced.checkpoint');
    // The old run: seed 1, killed after its first epoch, its checkpoint in replaced/checkpoint/.
    const old = start(['train', ...FLAGS.map((f) => (f === '7' ? '1' : f)), '--out', out]);
    await waitForCheckpoint(path.join(out, 'checkpoint'), (s) => s.position.epoch >= 2, 'the old run after epoch 1');
    old.child.kill('SIGKILL');
    await old.exited;
    const oldMetrics = await readFile(path.join(out, 'metrics.json'));
    // The new run (seed 7, as the reference) replaces it, and is killed during epoch 3.
    const fresh = start(['train', ...FLAGS, '--overwrite', '--out', out]);
    await waitForCheckpoint(area, (s) => s.position.epoch >= 3, 'the new run after epoch 2');
    fresh.child.kill('SIGKILL');
    await fresh.exited;
    assert.deepEqual(
      await readFile(path.join(out, 'metrics.json')),
      oldMetrics,
      'the old run stays as it was until the new one is complete',
    );
    const r = await aekit(['resume', out]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /resuming stacked in .* at epoch 3\/3/);
    const m = await metricsOf(out);
    assert.ok(m !== null && m.finished !== null);
    assert.equal(m.options.seed, 7);
    assert.deepEqual(values(m.epochs), values(reference.epochs), 'the new run, completed as if never interrupted');
    assert.equal(existsSync(path.join(out, 'checkpoint')), false, "the old run's checkpoint went with it");
    assert.equal(existsSync(area), false);
    for (const part of ['model', 'encoder', 'decoder']) {
      const json = JSON.parse(await readFile(path.join(out, part, 'model.json'), 'utf8'));
      assert.equal(json.userDefinedMetadata.aekit.training.seed, 7, part);
    }
    assert.deepEqual(
      (await readdirSafe(dir)).filter((n) => n.startsWith('.replaced')),
      [],
    );
  },
);
