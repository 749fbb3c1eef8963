#!/usr/bin/env node
/**
 * `npm run bench:train`: the end-to-end speed check. `aekit train conv --epochs 2 --limit
 * 4096 --batch-size B` (the CLI as a user runs it: real Fashion-MNIST images, shuffling, progress,
 * validation after each epoch, checkpoints) reports its second epoch's images/s in metrics.json;
 * right after, PyTorch trains the same model on the same 4,096 images for 2 epochs at the same
 * batch (bench/torch_peer.py --fashion-epochs 2, 2 threads), and its second epoch counts. Rounds
 * alternate aekit and PyTorch, so a slow phase of the machine hits both; the medians and their
 * ratio are printed and written to --out (default bench/results-train.json).
 *
 *   node bench/train-vs-torch.mjs [--batches=32,128] [--rounds=3] [--limit=4096] [--out=FILE]
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const DEFAULTS = { batches: '32,128', rounds: '3', limit: '4096', out: 'bench/results-train.json' };
const opts = { ...DEFAULTS };
for (const arg of process.argv.slice(2)) {
  const m = /^--([a-zA-Z]+)=(.*)$/.exec(arg);
  if (!m || !(m[1] in DEFAULTS)) {
    console.error(`bench:train: unknown argument '${arg}'; expected --key=value with key in ${Object.keys(DEFAULTS).join(', ')}`);
    process.exit(2);
  }
  opts[m[1]] = m[2];
}
const root = fileURLToPath(new URL('..', import.meta.url));
const cli = path.join(root, 'dist', 'cli', 'main.js');
const peer = path.join(root, 'bench', 'torch_peer.py');
try {
  execFileSync('/usr/bin/python3', ['-c', 'import torch'], { stdio: 'ignore' });
} catch {
  console.error('bench:train: PyTorch missing (/usr/bin/python3 -c "import torch" failed): apt-get install -y python3-torch');
  process.exit(1);
}
const median = (v) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];
const scratch = mkdtempSync(path.join(tmpdir(), 'aekit-bench-train-'));

function aekitEpoch2(batch) {
  const out = path.join(scratch, `conv-${batch}`);
  const args = [
    'train',
    'conv',
    '--epochs',
    '2',
    '--limit',
    opts.limit,
    '--batch-size',
    String(batch),
    '--seed',
    '42',
    '--out',
    out,
    '--overwrite',
  ];
  execFileSync(process.execPath, [cli, ...args], { stdio: ['ignore', 'ignore', 'inherit'] });
  const metrics = JSON.parse(readFileSync(path.join(out, 'metrics.json'), 'utf8'));
  return { rate: metrics.epochs[1].images_per_second, engine: metrics.engine };
}

function torchEpoch2(batch) {
  const line = execFileSync(
    '/usr/bin/python3',
    [peer, '--model', 'conv', '--batch', String(batch), '--fashion-epochs', '2', '--limit', opts.limit, '--threads', '2'],
    { encoding: 'utf8' },
  );
  const r = JSON.parse(line.trim().split('\n').pop());
  return { rate: r.epoch_images_per_second[1], torch: r.torch };
}

const rows = [];
try {
  for (const batch of opts.batches.split(',').map(Number)) {
    const aekit = [];
    const torch = [];
    let engine = '';
    let version = '';
    for (let r = 0; r < Number(opts.rounds); r++) {
      process.stderr.write(`bench:train: batch ${batch}, round ${r + 1} of ${opts.rounds}: aekit, then PyTorch\n`);
      const a = aekitEpoch2(batch);
      const t = torchEpoch2(batch);
      aekit.push(a.rate);
      torch.push(t.rate);
      engine = a.engine;
      version = t.torch;
    }
    rows.push({
      batch,
      aekit,
      torch,
      aekitMedian: median(aekit),
      torchMedian: median(torch),
      ratio: median(aekit) / median(torch),
      engine,
      version,
    });
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
const report = {
  started: new Date().toISOString(),
  machine: `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}`,
  node: process.version,
  opts,
  rows,
};
writeFileSync(path.resolve(root, opts.out), `${JSON.stringify(report, null, 2)}\n`);
console.log(`\naekit train conv --epochs 2 --limit ${opts.limit}: epoch 2 images/s, median of ${opts.rounds} rounds (${report.machine})`);
console.log('batch | aekit (rounds) | PyTorch (rounds) | × PyTorch');
for (const r of rows)
  console.log(
    `${r.batch} | ${r.aekitMedian.toFixed(0)} (${r.aekit.map((v) => v.toFixed(0)).join(', ')}) | ${r.torchMedian.toFixed(0)} (${r.torch.map((v) => v.toFixed(0)).join(', ')}) | ${r.ratio.toFixed(2)}`,
  );
console.log(`engine: ${rows[0]?.engine}; PyTorch ${rows[0]?.version}, 2 threads\nwritten: ${opts.out}`);
