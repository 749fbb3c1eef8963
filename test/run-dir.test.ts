/**
 * The run directory contract, end to end through the CLI (`aekit train linear`, about 2 s a run):
 * existing runs are refused without --overwrite and left byte-identical, --overwrite replaces a
 * run completely, a kill during the save never leaves a mix of two runs, stale staging is cleaned,
 * a full disk and /proc give one line, a diverged run publishes no models, a bad AEKIT_THREADS (or AEKIT_NATIVE_CONV_FORMAT) is
 * refused.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { aekit, CLI, hasStackTrace } from './cli-helpers.js';

let dir: string;
before(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'aekit-rundir-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Every file under `root` (relative path → sha256 of its bytes). */
async function hashTree(root: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  async function walk(at: string): Promise<void> {
    for (const entry of (await readdir(at, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name))) {
      const full = path.join(at, entry.name);
      if (entry.isDirectory()) await walk(full);
      else
        out[path.relative(root, full)] = createHash('sha256')
          .update(await readFile(full))
          .digest('hex');
    }
  }
  await walk(root);
  return out;
}

/** What `aekit train linear` writes into a fresh run directory. */
const LINEAR_FILES = [
  'codings.png',
  'curves.png',
  'decoder/model.json',
  'decoder/weights.bin',
  'encoder/model.json',
  'encoder/weights.bin',
  'metrics.json',
  'model/model.json',
  'model/weights.bin',
];

/** Leftovers of staging or publication in `parent`. */
async function leftovers(parent: string): Promise<string[]> {
  return (await readdir(parent)).filter((n) => /\.(staging|old)-\d+$/.test(n));
}

/** The one line aekit printed on stderr (fails when there are more, or a stack trace). */
function oneLine(r: { code: number | null; stdout: string; stderr: string }): string {
  assert.notEqual(r.code, 0, `expected a failure, got exit ${r.code}\n${r.stdout}`);
  assert.ok(!hasStackTrace(r.stderr + r.stdout), r.stderr);
  const lines = r.stderr.trim().split('\n');
  assert.equal(lines.length, 1, `expected one line on stderr, got:\n${r.stderr}`);
  return lines[0];
}

async function train(out: string, ...flags: string[]): Promise<void> {
  const r = await aekit(['train', 'linear', '--out', out, ...flags]);
  assert.equal(r.code, 0, r.stderr);
}

/** The `training.seed` each saved model of run `run` was written with. */
async function modelSeeds(run: string): Promise<number[]> {
  const seeds: number[] = [];
  for (const part of ['model', 'encoder', 'decoder']) {
    const json = JSON.parse(await readFile(path.join(run, part, 'model.json'), 'utf8'));
    seeds.push(json.userDefinedMetadata.aekit.training.seed);
  }
  return seeds;
}

/** A pid no process has now (a child that has exited). */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'console.log(process.pid)'], { encoding: 'utf8' });
  return Number(child.stdout.trim());
}

test('a fresh --out gets exactly the run files; an existing run is refused and stays byte-identical', async () => {
  const run = path.join(dir, 'kept');
  await train(run);
  const before = await hashTree(run);
  assert.deepEqual(Object.keys(before).sort(), LINEAR_FILES);
  const metrics = JSON.parse(await readFile(path.join(run, 'metrics.json'), 'utf8'));
  assert.equal(typeof metrics.finished, 'string');
  assert.equal(metrics.failed, undefined);

  const line = oneLine(await aekit(['train', 'linear', '--out', run, '--seed', '7']));
  assert.match(
    line,
    /^aekit: --out '.*kept' already holds a linear run finished \S+: set --overwrite to replace it, or choose another --out$/,
  );
  assert.deepEqual(await hashTree(run), before);
  assert.deepEqual(await leftovers(dir), []);

  const file = path.join(dir, 'a-file');
  await writeFile(file, 'not a directory');
  assert.match(oneLine(await aekit(['train', 'linear', '--out', file])), /--out '.*a-file' is a file, not a directory/);
  assert.equal(await readFile(file, 'utf8'), 'not a directory');
});

test('a non-empty directory that is not a run is refused, saying what it holds, even with --overwrite', async () => {
  const other = path.join(dir, 'photos');
  await mkdir(other);
  await writeFile(path.join(other, 'holiday.jpg'), 'jpeg');
  await writeFile(path.join(other, 'notes.txt'), 'text');
  for (const extra of [[], ['--overwrite']]) {
    const line = oneLine(await aekit(['train', 'linear', '--out', other, ...extra]));
    assert.match(line, /--out '.*photos' is not empty and is not a run directory \(it holds holiday\.jpg, notes\.txt\)/);
  }
  assert.deepEqual((await readdir(other)).sort(), ['holiday.jpg', 'notes.txt']);
  const empty = path.join(dir, 'empty');
  await mkdir(empty);
  await train(empty);
  assert.deepEqual(Object.keys(await hashTree(empty)).sort(), LINEAR_FILES);
});

test('--overwrite replaces the old run completely, stale files included', async () => {
  const run = path.join(dir, 'replaced');
  await train(run);
  await writeFile(path.join(run, 'map.png'), 'an old picture of the old run');
  await mkdir(path.join(run, 'anomalies'));
  await writeFile(path.join(run, 'anomalies', 'scores.csv'), 'old');
  await train(run, '--overwrite', '--seed', '7');
  assert.deepEqual(Object.keys(await hashTree(run)).sort(), LINEAR_FILES);
  const metrics = JSON.parse(await readFile(path.join(run, 'metrics.json'), 'utf8'));
  assert.equal(metrics.options.seed, 7);
  assert.deepEqual(await modelSeeds(run), [7, 7, 7]);
  assert.deepEqual(await leftovers(dir), []);
});

test('kill -9 during the save leaves the old complete run or the new complete run, never a mix; the next run cleans up', async (t) => {
  const parent = path.join(dir, 'kills');
  await mkdir(parent);
  const run = path.join(parent, 'run');
  await train(run, '--seed', '1');
  let old = await hashTree(run);
  const outcomes: string[] = [];
  for (let attempt = 0; attempt < 4; attempt++) {
    const seed = 100 + attempt;
    const child = spawn(process.execPath, [CLI, 'train', 'linear', '--out', run, '--overwrite', '--seed', String(seed)], {
      stdio: 'ignore',
    });
    const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
    const staging = path.join(parent, `.run.staging-${child.pid}`);
    // Wait until the save has begun (the staging directory gets model/ or its temporary), then kill at a random moment.
    let done = false;
    exited.then(() => {
      done = true;
    });
    while (!done) {
      const names = await readdir(staging).catch(() => [] as string[]);
      if (names.some((n) => n === 'model' || n.startsWith('.model.tmp'))) break;
      await new Promise((r) => setTimeout(r, 2));
    }
    await new Promise((r) => setTimeout(r, Math.floor(Math.random() * 250)));
    child.kill('SIGKILL');
    await exited;
    if (!existsSync(run)) {
      // Killed between the two renames of publication: the old run waits as .run.old-PID, restored by the next run.
      assert.ok(existsSync(path.join(parent, `.run.old-${child.pid}`)), `attempt ${attempt}: the target is gone and no .old kept`);
      outcomes.push('between');
      continue;
    }
    const now = await hashTree(run);
    if (JSON.stringify(now) === JSON.stringify(old)) {
      outcomes.push('old');
    } else {
      assert.deepEqual(Object.keys(now).sort(), LINEAR_FILES, `attempt ${attempt}: the target holds neither run whole`);
      const metrics = JSON.parse(await readFile(path.join(run, 'metrics.json'), 'utf8'));
      assert.equal(metrics.options.seed, seed);
      assert.equal(typeof metrics.finished, 'string');
      assert.deepEqual(await modelSeeds(run), [seed, seed, seed], `attempt ${attempt}: models of two runs`);
      outcomes.push('new');
      old = now;
    }
  }
  t.diagnostic(`what a reader found after each kill: ${outcomes.join(', ')}`);
  // Whatever the kills left is cleaned by the next run into the same parent.
  await train(run, '--overwrite', '--seed', '2');
  assert.deepEqual(await leftovers(parent), [], `outcomes ${outcomes.join(', ')}`);
  assert.deepEqual(await modelSeeds(run), [2, 2, 2]);
});

test('stale staging of dead processes is deleted, an interrupted publication is rolled back, live ones are kept', async () => {
  const parent = path.join(dir, 'stale');
  await mkdir(parent);
  const dead = deadPid();
  const stale = path.join(parent, `.other.staging-${dead}`);
  await mkdir(path.join(stale, 'model'), { recursive: true });
  await writeFile(path.join(stale, 'metrics.json'), '{}');
  // Killed between "rename the old run away" and "rename the new one in": the old run comes back.
  const movedAway = path.join(parent, `.gone.old-${dead}`);
  await mkdir(movedAway);
  await writeFile(path.join(movedAway, 'metrics.json'), '{"model": "linear", "epochs": []}');
  const live = path.join(parent, `.busy.staging-${process.pid}`);
  await mkdir(live);
  await train(path.join(parent, 'new'));
  assert.ok(!existsSync(stale), 'the dead process’s staging directory is still there');
  assert.ok(!existsSync(movedAway));
  assert.equal(await readFile(path.join(parent, 'gone', 'metrics.json'), 'utf8'), '{"model": "linear", "epochs": []}');
  assert.ok(existsSync(live), 'a live process’s staging directory was deleted');
});

test('a diverged run (--lr 1e300) exits 1 with one line, records the failure and publishes no models; with --overwrite the old run stays', async () => {
  const run = path.join(dir, 'diverged');
  const line = oneLine(await aekit(['train', 'linear', '--out', run, '--lr', '1e300']));
  assert.match(
    line,
    /^aekit: the loss became (NaN|Infinity) at epoch 1, batch \d+: training diverged; lower the learning rate --lr \((the model keeps the weights (training started from|of the end of epoch \d+)|the weights are as they were after that batch)\)$/,
  );
  assert.deepEqual(await readdir(run), ['metrics.json']);
  const metrics = JSON.parse(await readFile(path.join(run, 'metrics.json'), 'utf8'));
  assert.equal(metrics.finished, null);
  assert.equal(metrics.failed.code, 'E_DIVERGED');
  assert.deepEqual(await leftovers(dir), []);
  // A failed run is a run: replacing it needs --overwrite.
  assert.match(oneLine(await aekit(['train', 'linear', '--out', run])), /already holds a failed linear run: set --overwrite/);

  const good = path.join(dir, 'good');
  await train(good);
  const before = await hashTree(good);
  oneLine(await aekit(['train', 'linear', '--out', good, '--overwrite', '--lr', '1e300']));
  assert.deepEqual(await hashTree(good), before);
  assert.deepEqual(await leftovers(dir), []);
});

test('--out under /proc returns within seconds with one line', async () => {
  for (const out of ['/proc/aekit-x', '/proc/aekit-x/y']) {
    const started = Date.now();
    const line = oneLine(await aekit(['train', 'linear', '--out', out], {}, 20_000));
    assert.ok(Date.now() - started < 15_000);
    assert.match(line, /^aekit: --out '\/proc\/aekit-x.*' is under \/proc, a kernel file system that cannot hold files/);
  }
});

test('a bad AEKIT_THREADS is refused with one line instead of falling back to wasm', async () => {
  for (const value of ['-1', '0', '2.5']) {
    const out = path.join(dir, `threads${value}`);
    const line = oneLine(await aekit(['train', 'linear', '--out', out], { AEKIT_THREADS: value }));
    assert.match(line, new RegExp(`^aekit: AEKIT_THREADS='${value.replace('.', '\\.')}': expected a positive integer`));
    assert.ok(!existsSync(out), `${out} was written`);
  }
});

test('a bad AEKIT_NATIVE_CONV_FORMAT is refused with one line instead of being ignored', async () => {
  const out = path.join(dir, 'conv-format');
  const line = oneLine(await aekit(['train', 'linear', '--out', out], { AEKIT_NATIVE_CONV_FORMAT: 'blocked' }));
  assert.equal(line, "aekit: AEKIT_NATIVE_CONV_FORMAT='blocked': expected auto or plain, or leave it unset for auto");
  assert.ok(!existsSync(out), `${out} was written`);
});

test('a full disk: one line naming the path and --out, the old run intact, no staging left', async (t) => {
  const mnt = path.join(dir, 'small');
  await mkdir(mnt);
  const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', mnt], { encoding: 'utf8' });
  if (mounted.status !== 0) {
    t.skip(
      `disk-full case not tested: 'mount -t tmpfs' is not permitted here (needs root): ${(mounted.stderr || mounted.error?.message || '').trim()}`,
    );
    return;
  }
  try {
    const run = path.join(mnt, 'run');
    await train(run);
    const before = await hashTree(run);
    // Leave about 24 KiB: the new run's metrics fit, its pictures do not.
    const free = (await import('node:fs')).statfsSync(mnt);
    await writeFile(path.join(mnt, 'filler'), Buffer.alloc(Math.max(0, free.bavail * free.bsize - 24 * 1024)));
    const line = oneLine(await aekit(['train', 'linear', '--out', run, '--overwrite']));
    // The first file that does not fit: one in the staging directory, or a checkpoint beside it.
    assert.match(
      line,
      /^aekit: --out '.*small\/run': cannot write '.*small\/\.run\.(staging-\d+\/\S+|checkpoint\S*)': no space left on the device \(ENOSPC\); the run was not published; the run already in '.*small\/run' is unchanged$/,
    );
    assert.deepEqual(await hashTree(run), before);
    assert.deepEqual(await leftovers(mnt), []);
    assert.ok(!existsSync(path.join(mnt, '.run.checkpoint')), 'the failed run deletes its checkpoints');
    assert.ok((await stat(path.join(run, 'model', 'weights.bin'))).size > 0);
    // Completely full: a new run cannot write its first metrics.json and leaves nothing behind.
    const left = (await import('node:fs')).statfsSync(mnt);
    await writeFile(path.join(mnt, 'filler2'), Buffer.alloc(left.bavail * left.bsize)).catch(() => {});
    const fresh = path.join(mnt, 'new');
    assert.match(
      oneLine(await aekit(['train', 'linear', '--out', fresh])),
      /^aekit: --out '.*small\/new': cannot write '.*': no space left on the device \(ENOSPC\)/,
    );
    assert.ok(!existsSync(fresh), `${fresh} was left behind`);
    assert.deepEqual(await leftovers(mnt), []);
  } finally {
    spawnSync('umount', [mnt]);
  }
});
