/**
 * Resume of runs with phases and state, end to end through the CLI on wasm (Fashion-MNIST, a few
 * hundred images): a greedy run killed in a stage or in the fine-tuning resumes in that phase
 * without retraining the phases before it; a run with early stopping, a plateau schedule and
 * --save-best killed mid-epoch keeps the callbacks' state; a pretraining experiment killed while
 * its autoencoder trains or between its classifiers resumes. Each ends exactly as the
 * uninterrupted run.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { aekit } from './cli-helpers.js';
import { type Metrics, metricsOf, start, values, waitFor, waitForCheckpoint } from './resume-helpers.js';

const skip = process.env.AEKIT_SKIP_REAL_DATA === '1' ? 'AEKIT_SKIP_REAL_DATA=1' : false;

let dir: string;
before(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'aekit-resume-phases-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Runs `aekit …args --out out` to the end; returns its metrics.json. */
async function whole(args: string[], out: string): Promise<Metrics> {
  const r = await aekit([...args, '--out', out]);
  assert.equal(r.code, 0, r.stderr);
  const m = await metricsOf(out);
  assert.ok(m !== null && m.finished !== null);
  return m;
}

/** Starts `aekit …args --out out`, kills it with -9 once its latest checkpoint passes `when`, then resumes it; returns the resume's stdout. */
async function killAndResume(
  args: string[],
  out: string,
  when: Parameters<typeof waitForCheckpoint>[1],
  what: string,
  area = path.join(out, 'checkpoint'),
): Promise<string> {
  const run = start([...args, '--out', out]);
  await waitForCheckpoint(area, when, what);
  run.child.kill('SIGKILL');
  assert.equal((await run.exited).signal, 'SIGKILL');
  const r = await aekit(['resume', out]);
  assert.equal(r.code, 0, r.stderr);
  return r.stdout;
}

const stageValues = (m: Metrics) => (m.stages ?? []).map((s) => ({ ...s, epochs_run: values(s.epochs_run) }));

const GREEDY = [
  'train',
  'stacked',
  '--greedy',
  '--greedy-epochs',
  '2,2,2',
  '--limit',
  '600',
  '--seed',
  '7',
  '--backend',
  'wasm',
  '--checkpoint-minutes',
  '0.002',
];

test(
  'a greedy run killed in stage 2, or mid-epoch in the fine-tuning, resumes in that phase and ends as the uninterrupted run',
  { skip },
  async () => {
    const reference = await whole(GREEDY, path.join(dir, 'greedy-whole'));
    assert.deepEqual(
      reference.stages?.map((s) => s.epochs_run.length),
      [2, 2],
    );
    assert.equal(reference.epochs.length, 2, 'the fine-tuning epochs');
    for (const [name, when, phase] of [
      [
        'stage2',
        (s: { phase?: { index: number }; position: { epoch: number } }) => s.phase?.index === 1 && s.position.epoch === 2,
        /at stage2, epoch 2\/2/,
      ],
      [
        'fine-tune',
        (s: { phase?: { index: number }; position: { epoch: number; batch: number } }) =>
          s.phase?.index === 2 && s.position.epoch === 2 && s.position.batch > 0,
        /at fine_tune, epoch 2\/2, after batch \d+/,
      ],
    ] as const) {
      const out = path.join(dir, `greedy-${name}`);
      const stdout = await killAndResume(GREEDY, out, when, `a checkpoint in ${name}`);
      assert.match(stdout, phase);
      assert.doesNotMatch(stdout, /stage1 epoch/, 'stage 1 is not trained again');
      const m = await metricsOf(out);
      assert.ok(m !== null && m.finished !== null);
      assert.deepEqual(stageValues(m), stageValues(reference), `${name}: every stage's epochs`);
      assert.deepEqual(values(m.epochs), values(reference.epochs), `${name}: every fine-tuning epoch`);
      for (const file of ['model/weights.bin', 'reconstructions-stacked.png'])
        assert.deepEqual(await readFile(path.join(out, file)), await readFile(path.join(dir, 'greedy-whole', file)), `${name}: ${file}`);
      assert.equal(existsSync(path.join(out, 'checkpoint')), false);
    }
  },
);

const CALLBACKS = [
  'train',
  'stacked',
  '--epochs',
  '6',
  '--limit',
  '1000',
  '--seed',
  '7',
  '--backend',
  'wasm',
  '--optimizer',
  'adam',
  '--lr',
  '0.05',
  '--early-stopping',
  '1',
  '--lr-schedule',
  'plateau',
  '--lr-patience',
  '1',
  '--lr-factor',
  '0.5',
  '--save-best',
  '--checkpoint-minutes',
  '0.002',
];

test(
  'early stopping, a plateau schedule and --save-best across a kill -9 mid-epoch: the same stop, reductions, best/ and restored weights',
  { skip },
  async () => {
    const reference = await whole(CALLBACKS, path.join(dir, 'callbacks-whole'));
    const early = reference.callbacks?.early_stopping as { stopped_epoch: number; best_epoch: number };
    const schedule = reference.callbacks?.lr_schedule as { reductions: Array<{ epoch: number }> };
    // What the test relies on: training stops early, after a reduction of the rate, with an earlier best epoch.
    assert.ok(early.stopped_epoch !== null && early.stopped_epoch < 6, JSON.stringify(reference.callbacks));
    assert.ok(schedule.reductions.length > 0 && early.best_epoch < early.stopped_epoch, JSON.stringify(reference.callbacks));
    const stop = early.stopped_epoch;
    const out = path.join(dir, 'callbacks-killed');
    const stdout = await killAndResume(
      CALLBACKS,
      out,
      (s) => s.position.epoch === stop && s.position.batch > 0,
      `a checkpoint inside epoch ${stop}, after the best epoch`,
    );
    assert.match(stdout, new RegExp(`at epoch ${stop}/6, after batch \\d+`));
    const m = await metricsOf(out);
    assert.ok(m !== null && m.finished !== null);
    assert.deepEqual(values(m.epochs), values(reference.epochs), 'every epoch record, lr included');
    assert.deepEqual(m.callbacks, reference.callbacks, 'the same stop, best epoch, reductions and saves');
    for (const file of ['model/weights.bin', 'best/weights.bin'])
      assert.deepEqual(await readFile(path.join(out, file)), await readFile(path.join(dir, 'callbacks-whole', file)), file);
  },
);

const PRETRAINING = [
  'pretraining',
  '--encoder',
  'stacked',
  '--epochs',
  '2',
  '--limit',
  '500',
  '--labels',
  '20',
  '--seeds',
  '1',
  '--classifier-epochs',
  '2',
  '--backend',
  'wasm',
];

interface Report {
  autoencoder: { val_loss: number };
  results: Array<{ seconds?: number; [k: string]: unknown }>;
  finished: string | null;
}

async function reportOf(out: string): Promise<Report | null> {
  try {
    return JSON.parse(await readFile(path.join(out, 'pretraining.json'), 'utf8')) as Report;
  } catch {
    return null;
  }
}

const results = (r: Report) => r.results.map(({ seconds: _s, ...rest }) => rest);

test(
  'aekit pretraining killed while its autoencoder trains, or between classifiers, resumes and reports the same results',
  { skip },
  async () => {
    const ref = path.join(dir, 'pre-whole');
    const r = await aekit([...PRETRAINING, '--out', ref]);
    assert.equal(r.code, 0, r.stderr);
    const reference = (await reportOf(ref)) as Report;
    assert.equal(reference.results.length, 3);

    // Killed after the autoencoder's first epoch: its run is resumed from its checkpoint, not trained again.
    const inAutoencoder = path.join(dir, 'pre-ae');
    const first = await killAndResume(
      PRETRAINING,
      inAutoencoder,
      (s) => s.position.epoch >= 2,
      'the autoencoder after epoch 1',
      path.join(inAutoencoder, 'autoencoder', 'checkpoint'),
    );
    assert.match(first, /resuming stacked in .*autoencoder at epoch 2\/2/);
    // Killed once the first classifier is reported: the autoencoder is loaded, that classifier kept.
    const between = path.join(dir, 'pre-classifiers');
    const run = start([...PRETRAINING, '--out', between]);
    await waitFor('the first classifier', async () => ((await reportOf(between))?.results.length ?? 0) >= 1);
    run.child.kill('SIGKILL');
    await run.exited;
    const kept = ((await reportOf(between)) as Report).results.length;
    const again = await aekit(['resume', between]);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /reusing the autoencoder trained before the interruption/);
    if (kept < 3) assert.match(again.stdout, new RegExp(`resuming after ${kept} classifiers`));
    for (const out of [inAutoencoder, between]) {
      const report = (await reportOf(out)) as Report;
      assert.ok(report.finished !== null, out);
      assert.equal(report.autoencoder.val_loss, reference.autoencoder.val_loss, `${out}: the same autoencoder`);
      assert.deepEqual(results(report), results(reference), `${out}: every classifier's test accuracy and loss`);
    }
    const done = await aekit(['resume', between]);
    assert.equal(done.code, 1);
    assert.match(done.stderr, /^aekit: RUN_DIR '.*' holds a pretraining experiment finished .*: nothing to resume\n$/);
  },
);
