#!/usr/bin/env node
/**
 * `npm run bench`: trains the seed conv autoencoder (SGD lr 1.0, BCE, trainOnBatch) on every engine
 * aekit offers and on PyTorch (bench/torch_peer.py, /usr/bin/python3, 2 threads), at batch 32
 * and 128, and the book's stacked dense (SGD lr 1.5) and recurrent (SGD lr 0.1) autoencoders at
 * batch 32 on the default engine, on wasm (for the recurrent one: tfjs's step-by-step LSTM, a few
 * steps) and on PyTorch; reports median images/s of ≥ 3 timed runs after a warm-up, the per-kernel time of one
 * step on aekit's default engine, peak RSS, and the ratio to PyTorch. Each engine runs in its own
 * child process (clean RSS, no shared state). Writes JSON (--out, default bench/results.json).
 *
 *   node bench/bench.mjs [--steps=30] [--runs=3] [--batches=32,128] [--engines=auto,wasm,cpu]
 *                        [--models=conv,stacked,recurrent] [--out=path]
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';

const DEFAULTS = {
  steps: 30,
  runs: 3,
  batches: '32,128',
  engines: 'auto,wasm,cpu',
  models: 'conv,stacked,recurrent',
  out: 'bench/results.json',
  fullData: 'true',
};

function parseArgs(argv) {
  const o = { ...DEFAULTS };
  for (const a of argv) {
    const m = /^--([a-zA-Z]+)=(.*)$/.exec(a);
    if (!m || !(m[1] in DEFAULTS))
      throw new Error(`bench: unknown argument '${a}'; expected --key=value with key in ${Object.keys(DEFAULTS).join(', ')}`);
    o[m[1]] = m[2];
  }
  return o;
}

// ---------------------------------------------------------------------------------------------
// Child: one engine, one batch size.
async function child({ model, engine, batch, steps, runs, profile, fullData }) {
  const tf = await import('../dist/core/tf.js');
  const { useBackend } = await import('../dist/engine/backend.js');
  const { convAutoencoder } = await import('../dist/models/conv.js');
  const { recurrentAutoencoder } = await import('../dist/models/recurrent.js');
  const { stackedAutoencoder } = await import('../dist/models/stacked.js');
  const info = await useBackend(engine);
  let data;
  if (fullData) {
    // The full training set's footprint: 55,000 images as Float32 (172 MB), batches sliced from it.
    data = new Float32Array(55000 * 784);
    for (let i = 0; i < data.length; i++) data[i] = ((i * 2654435761) % 4294967296) / 4294967296;
  }
  const build = { conv: convAutoencoder, stacked: stackedAutoencoder, recurrent: recurrentAutoencoder }[model];
  const { autoencoder } = build({ seed: 42 });
  autoencoder.compile({ optimizer: tf.train.sgd({ conv: 1.0, stacked: 1.5, recurrent: 0.1 }[model]), loss: 'binaryCrossentropy' });
  let cursor = 0;
  const nextBatch = () => {
    if (!data) return tf.randomUniform([batch, 28, 28]);
    if (cursor + batch > 55000) cursor = 0;
    const t = tf.tensor3d(data.subarray(cursor * 784, (cursor + batch) * 784), [batch, 28, 28]);
    cursor += batch;
    return t;
  };
  const step = async () => {
    const x = nextBatch();
    await autoencoder.trainOnBatch(x, x);
    x.dispose();
  };
  for (let i = 0; i < Math.min(10, steps); i++) await step(); // warm-up: kernels compile, per-shape thread choice settles
  const rates = [];
  for (let r = 0; r < runs; r++) {
    const t0 = performance.now();
    for (let i = 0; i < steps; i++) await step();
    rates.push((batch * steps * 1000) / (performance.now() - t0));
  }
  let kernels;
  if (profile) {
    const p = await tf.profile(step);
    const by = {};
    for (const k of p.kernels) if (!k.name.endsWith('__op')) by[k.name] = (by[k.name] ?? 0) + k.kernelTimeMs;
    kernels = Object.fromEntries(
      Object.entries(by)
        .sort((a, b) => b[1] - a[1])
        .map(([k, v]) => [k, +v.toFixed(3)]),
    );
  }
  const median = [...rates].sort((a, b) => a - b)[Math.floor(rates.length / 2)];
  return {
    model,
    engine,
    backend: info.backend,
    description: info.description,
    batch,
    steps,
    rates,
    median,
    kernels,
    peakRssMiB: +(process.resourceUsage().maxRSS / 1024).toFixed(1),
    fullData,
  };
}

if (process.env.AEKIT_BENCH_CHILD) {
  const r = await child(JSON.parse(process.env.AEKIT_BENCH_CHILD));
  process.stdout.write(`\nRESULT ${JSON.stringify(r)}\n`);
  process.exit(0);
}

// ---------------------------------------------------------------------------------------------
// Parent
let opts;
try {
  opts = parseArgs(process.argv.slice(2));
  for (const m of opts.models.split(','))
    if (!['conv', 'stacked', 'recurrent'].includes(m)) throw new Error(`bench: --models takes conv, stacked and/or recurrent, got '${m}'`);
} catch (err) {
  console.error(err.message);
  process.exit(2);
}
const here = fileURLToPath(new URL('.', import.meta.url));
const batches = opts.batches.split(',').map(Number);
const engines = opts.engines.split(',');
const models = opts.models.split(',');

function runChild(cfg) {
  const r = spawnSync(process.execPath, [fileURLToPath(import.meta.url)], {
    env: { ...process.env, AEKIT_BENCH_CHILD: JSON.stringify(cfg) },
    encoding: 'utf8',
    maxBuffer: 1 << 26,
  });
  const line = (r.stdout ?? '').split('\n').find((l) => l.startsWith('RESULT '));
  if (!line)
    return {
      engine: cfg.engine,
      batch: cfg.batch,
      error: (r.stderr || r.stdout || `exit ${r.status}`).trim().split('\n').slice(-3).join(' | '),
    };
  return JSON.parse(line.slice(7));
}

function torch(model, batch, steps, runs) {
  try {
    execFileSync('/usr/bin/python3', ['-c', 'import torch'], { stdio: 'ignore' });
  } catch {
    console.log('PyTorch: skipped (/usr/bin/python3 -c "import torch" failed)');
    return null;
  }
  const out = execFileSync(
    '/usr/bin/python3',
    [
      `${here}torch_peer.py`,
      '--model',
      model,
      '--batch',
      String(batch),
      '--steps',
      String(steps),
      '--runs',
      String(runs),
      '--threads',
      '2',
    ],
    {
      encoding: 'utf8',
      // PyTorch runs with its own defaults (OpenMP workers spin while idle), as its users get it: on an
      // idle machine that is its fastest setting (measured: ~1000 vs ~580 images/s with passive waiting).
      env: { ...process.env },
    },
  );
  return JSON.parse(out.trim().split('\n').pop());
}

const started = new Date().toISOString();
const results = [];
for (const model of models) {
  for (const batch of model === 'conv' ? batches : [32]) {
    const steps = Number(opts.steps),
      runs = Math.max(3, Number(opts.runs));
    const peer = torch(model, batch, steps, runs);
    const row = { model, batch, torch: peer, engines: [] };
    for (const engine of engines) {
      // cpu trains at ~1 image/s and tfjs's own LSTM steps through time op by op: a few steps say enough
      const slow = engine === 'cpu' || (model === 'recurrent' && engine === 'wasm');
      if (engine === 'cpu' && (batch > 32 || model !== 'conv')) continue;
      const cfg = {
        model,
        engine,
        batch,
        steps: slow ? (engine === 'cpu' ? 1 : 3) : steps,
        runs: slow ? 3 : runs,
        profile: engine === 'auto',
        fullData: opts.fullData === 'true' && engine === 'auto',
      };
      process.stderr.write(`bench: ${model}, batch ${batch}, engine ${engine}...\n`);
      const r = runChild(cfg);
      if (peer && r.median) r.ratioToTorch = +(r.median / peer.median).toFixed(2);
      row.engines.push(r);
    }
    results.push(row);
  }
}

const report = { started, machine: `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}`, node: process.version, opts, results };
writeFileSync(opts.out, `${JSON.stringify(report, null, 2)}\n`);

console.log(`\naekit bench (${report.machine}, ${report.node}); median of ${Math.max(3, Number(opts.runs))} runs × ${opts.steps} steps`);
console.log('model | batch | engine | images/s | runs | × PyTorch | peak RSS MiB');
for (const row of results) {
  if (row.torch)
    console.log(
      `${row.model} | ${row.batch} | PyTorch ${row.torch.torch} (2 threads) | ${row.torch.median.toFixed(0)} | ${row.torch.images_per_second.map((v) => v.toFixed(0)).join(' ')} | 1.00 | -`,
    );
  for (const e of row.engines) {
    if (e.error) {
      console.log(`${row.model} | ${row.batch} | ${e.engine} | failed: ${e.error}`);
      continue;
    }
    console.log(
      `${row.model} | ${row.batch} | ${e.engine} → ${e.backend}${e.fullData ? ' (55k images held)' : ''} | ${e.median.toFixed(1)} | ${e.rates.map((v) => v.toFixed(0)).join(' ')} | ${e.ratioToTorch ?? '-'} | ${e.peakRssMiB}`,
    );
  }
}
for (const row of results) {
  const e = row.engines.find((x) => x.kernels);
  if (!e) continue;
  console.log(
    `\n${row.model}, batch ${row.batch}, ${e.description}: kernel ms in one step (total ${Object.values(e.kernels)
      .reduce((a, b) => a + b, 0)
      .toFixed(1)} ms; step ${((1000 * row.batch) / e.median).toFixed(1)} ms)`,
  );
  console.log(
    Object.entries(e.kernels)
      .slice(0, 14)
      .map(([k, v]) => `${k} ${v.toFixed(2)}`)
      .join(', '),
  );
}
console.log(`\nwritten: ${opts.out}`);
