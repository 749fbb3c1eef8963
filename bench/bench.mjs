#!/usr/bin/env node
/**
 * `npm run bench`: trains what aekit's users train, each model on aekit's default engine and on a
 * PyTorch peer (bench/torch_peer.py, /usr/bin/python3, 2 threads, same layers, sizes, activations,
 * optimizer, learning rate, loss and batch) in the same run:
 *
 * - `conv`: the seed conv autoencoder on 28×28 grey (SGD lr 1.0, BCE), batch 32 and 128, also on
 *   wasm and tfjs cpu; `stacked` (SGD lr 1.5) and `recurrent` (SGD lr 0.1): the book's dense and
 *   recurrent autoencoders, BCE, batch 32, also on wasm;
 * - `cifar-conv`: the conv model on 32×32×3 (`convAutoencoder({ inputShape: [32, 32, 3] })`,
 *   the conv recipe's SGD lr 1.0 and BCE), batch 32 and 128; `upsample`: the same with
 *   `decoder: 'upsample'`, batch 32; `conv1d`: the time-series window model (288 × 1, the conv1d
 *   recipe's Adam lr 1e-3 and MSE), batch 32 and 128 (the recipe's); `dense`: the `dense` recipe's
 *   model on a 20-column standardised table (Adam lr 1e-3, MSE), batch 32 — these on aekit's default engine only.
 *
 * Reports median samples/s of ≥ 3 timed runs after a warm-up (the step `fit` runs: aekit's fused
 * step where it applies, `fusedTrainStep`, else `trainOnBatch`), parameter counts of
 * both sides, peak RSS, the ratio to PyTorch, the per-kernel time of one step on aekit's default
 * engine, and a roofline of that step (bench/roofline.mjs: each kernel's GFLOP/s or GB/s against
 * this CPU's theoretical and measured peaks, bench/peak.c). Each engine runs in its own child
 * process (clean RSS, no shared state). Writes JSON (--out, default bench/results.json).
 *
 *   node bench/bench.mjs [--steps=30] [--runs=3] [--batches=32,128] [--engines=auto,wasm,cpu]
 *                        [--models=conv,stacked,recurrent,cifar-conv,upsample,conv1d,dense] [--out=path]
 *                        [--flopsPerCycle=auto] [--clockMHz=auto] [--bce=fused] [--warmupSeconds=2]
 *
 * Both sides warm up for 10 steps and at least --warmupSeconds (V8 optimises the JavaScript of a
 * step only after it has run a while: a dense step takes a few hundred of them), then time --runs
 * runs of --steps steps.
 * --batches applies to the models timed at several batch sizes (conv, cifar-conv, conv1d); the
 * others run at 32. `dense` takes 10 × --steps (its steps are a few ms).
 * --bce=tfjs compiles the binary cross-entropy models with tfjs's string loss instead of
 * aekit's fused one (`lossFunction`, what `aekit train` compiles). --flopsPerCycle and
 * --clockMHz replace the theoretical peak's assumed FP32 FLOP/cycle/core and the clock it reads
 * (a virtual machine may show a generic CPU model).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { formatPeak, formatRoofline, machinePeak, profiledKernels, rooflineTable } from './roofline.mjs';

const DEFAULTS = {
  steps: 30,
  runs: 3,
  batches: '32,128',
  engines: 'auto,wasm,cpu',
  models: 'conv,stacked,recurrent,cifar-conv,upsample,conv1d,dense',
  out: 'bench/results.json',
  fullData: 'true',
  flopsPerCycle: 'auto',
  clockMHz: 'auto',
  bce: 'fused',
  warmupSeconds: '2',
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

/**
 * The models: `engines` the aekit engines each runs on (the new ones on the default engine only,
 * to keep the bench short), `batches` whether --batches applies (else batch 32), `stepsScale` the
 * multiple of --steps.
 */
const MODELS = {
  conv: { engines: ['auto', 'wasm', 'cpu'], batches: true },
  stacked: { engines: ['auto', 'wasm'], batches: false },
  recurrent: { engines: ['auto', 'wasm'], batches: false },
  'cifar-conv': { engines: ['auto'], batches: true },
  upsample: { engines: ['auto'], batches: false },
  conv1d: { engines: ['auto'], batches: true },
  dense: { engines: ['auto'], batches: false, stepsScale: 10 },
};
/** Columns of the `dense` model's table. */
const TABLE_FEATURES = 20;
/** Random samples the new models' batches are sliced from. */
const POOL = 2048;

// ---------------------------------------------------------------------------------------------
// Child: one engine, one batch size.
async function child({ model, engine, batch, steps, runs, profile, fullData, bce, warmupSeconds }) {
  const tf = await import('../dist/core/tf.js');
  const { useBackend } = await import('../dist/engine/backend.js');
  const { convAutoencoder } = await import('../dist/models/conv.js');
  const { recurrentAutoencoder } = await import('../dist/models/recurrent.js');
  const { stackedAutoencoder } = await import('../dist/models/stacked.js');
  const { conv1dAutoencoder } = await import('../dist/models/conv1d.js');
  const { convRecipe } = await import('../dist/runs/recipes/conv.js');
  const { conv1dRecipe } = await import('../dist/runs/recipes/conv1d.js');
  const { denseRecipe } = await import('../dist/runs/recipes/dense.js');
  const { lossFor } = await import('../dist/runs/recipe.js');
  const { makeOptimizer } = await import('../dist/training/optimizers.js');
  const { lossFunction } = await import('../dist/training/loss-functions.js');
  const { fusedTrainStep } = await import('../dist/training/fused-step.js');
  // what `aekit train` compiles (the fused binary cross-entropy), or with --bce=tfjs tfjs's string loss
  const compiledLoss = (name) => (bce === 'tfjs' ? name : lossFunction(name));
  const info = await useBackend(engine);
  let autoencoder, sample;
  if (['conv', 'stacked', 'recurrent'].includes(model)) {
    const build = { conv: convAutoencoder, stacked: stackedAutoencoder, recurrent: recurrentAutoencoder }[model];
    autoencoder = build({ seed: 42 }).autoencoder;
    autoencoder.compile({
      optimizer: makeOptimizer('sgd', { conv: 1.0, stacked: 1.5, recurrent: 0.1 }[model]),
      loss: compiledLoss('binaryCrossentropy'),
    });
    sample = [28, 28];
  } else {
    // What `aekit train` builds and compiles (optimizer, rate and loss from the recipe's defaults;
    // no metric, as the PyTorch peer): images in [0, 1], windows and table rows standardised.
    const input = {
      'cifar-conv': { shape: [32, 32, 3], kind: 'images', unitRange: true },
      upsample: { shape: [32, 32, 3], kind: 'images', unitRange: true },
      conv1d: { shape: [288, 1], kind: 'sequences', unitRange: false },
      dense: { shape: [TABLE_FEATURES], kind: 'table', unitRange: false },
    }[model];
    const recipe = { 'cifar-conv': convRecipe, upsample: convRecipe, conv1d: conv1dRecipe, dense: denseRecipe }[model];
    if (model === 'conv1d') autoencoder = conv1dAutoencoder({ seed: 42, window: 288, features: 1 }).autoencoder;
    else if (model === 'dense') autoencoder = denseRecipe.build({ seed: 42, input }).autoencoder;
    else
      autoencoder = convAutoencoder({
        seed: 42,
        inputShape: input.shape,
        decoder: model === 'upsample' ? 'upsample' : 'transpose',
      }).autoencoder;
    const { optimizer, lr, loss } = recipe.defaults;
    autoencoder.compile({ optimizer: makeOptimizer(optimizer, lr), loss: compiledLoss(lossFor(loss, input)) });
    sample = input.shape;
  }
  const per = sample.reduce((a, b) => a * b, 1);
  // Batches are tensors made from a Float32Array, as aekit's fit makes them (tfjs's Slice of a large
  // tensor costs more than some of these models' steps): the 28×28 models' from a full training
  // set's footprint (55,000 images as Float32, 172 MB), the others' from POOL random samples, in
  // [0, 1] for images, N(0, 1) for windows and standardised table rows.
  const count = fullData ? 55000 : POOL;
  let data = null;
  if (fullData || !['conv', 'stacked', 'recurrent'].includes(model)) {
    data = new Float32Array(count * per);
    const uniform = (i) => (Math.imul(i, 2654435761) >>> 0) / 4294967296; // Knuth's multiplicative hash, exact in 32 bits
    const normal = ['conv1d', 'dense'].includes(model);
    for (let i = 0; i < data.length; i++)
      data[i] = normal ? Math.sqrt(-2 * Math.log(1 - uniform(2 * i))) * Math.cos(2 * Math.PI * uniform(2 * i + 1)) : uniform(i);
  }
  let cursor = 0;
  const nextBatch = () => {
    if (!data) return tf.randomUniform([batch, ...sample]);
    if (cursor + batch > count) cursor = 0;
    const t = tf.tensor(data.subarray(cursor * per, (cursor + batch) * per), [batch, ...sample]);
    cursor += batch;
    return t;
  };
  // the step aekit's fit runs: the fused step where it applies (runs of dense layers as one op on
  // the native engine), else trainOnBatch
  const fused = fusedTrainStep(autoencoder);
  const step = async () => {
    const x = nextBatch();
    if (fused === null) await autoencoder.trainOnBatch(x, x);
    else await fused.train(x, x);
    x.dispose();
  };
  // warm-up: kernels compile, per-shape thread choice settles, V8 optimises the step's JavaScript
  const warmStart = performance.now();
  for (let i = 0; i < Math.min(10, steps) || performance.now() - warmStart < 1000 * warmupSeconds; i++) await step();
  const rates = [];
  for (let r = 0; r < runs; r++) {
    const t0 = performance.now();
    for (let i = 0; i < steps; i++) await step();
    rates.push((batch * steps * 1000) / (performance.now() - t0));
  }
  let kernels;
  let profiled;
  if (profile) {
    const p = await tf.profile(step);
    // kernels only: the scopes tf.profile records around them would count their time twice
    profiled = profiledKernels(p, (name) => tf.getKernel(name, tf.getBackend()) !== undefined);
    const by = {};
    for (const k of profiled) by[k.name] = (by[k.name] ?? 0) + k.ms;
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
    params: autoencoder.countParams(),
    kernels,
    profiled,
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
  if (!(Number(opts.warmupSeconds) >= 0))
    throw new Error(`bench: --warmupSeconds takes a number of seconds ≥ 0, got '${opts.warmupSeconds}'`);
  for (const k of ['flopsPerCycle', 'clockMHz'])
    if (opts[k] !== 'auto' && !(Number(opts[k]) > 0)) throw new Error(`bench: --${k} takes 'auto' or a positive number, got '${opts[k]}'`);
  if (!['fused', 'tfjs'].includes(opts.bce)) throw new Error(`bench: --bce takes fused or tfjs, got '${opts.bce}'`);
  for (const m of opts.models.split(','))
    if (!(m in MODELS)) throw new Error(`bench: --models takes a list of ${Object.keys(MODELS).join(', ')}; got '${m}'`);
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

let torchMissing;
function torch(model, batch, steps, runs) {
  if (torchMissing === undefined) {
    try {
      execFileSync('/usr/bin/python3', ['-c', 'import torch'], { stdio: 'ignore' });
      torchMissing = false;
    } catch {
      console.log('PyTorch: skipped (/usr/bin/python3 -c "import torch" failed)');
      torchMissing = true;
    }
  }
  if (torchMissing) return null;
  try {
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
        '--features',
        String(TABLE_FEATURES),
        '--warmup',
        '10',
        '--warmup-seconds',
        String(Number(opts.warmupSeconds)),
      ],
      {
        encoding: 'utf8',
        // PyTorch runs with its own defaults (OpenMP workers spin while idle), as its users get it: on an
        // idle machine that is its fastest setting (measured: ~1000 vs ~580 images/s with passive waiting).
        env: { ...process.env },
      },
    );
    return JSON.parse(out.trim().split('\n').pop());
  } catch (err) {
    const why = String(err.stderr || err.message)
      .trim()
      .split('\n')
      .slice(-2)
      .join(' | ');
    console.log(`PyTorch ${model}, batch ${batch}: failed: ${why}`);
    return { error: why };
  }
}

const started = new Date().toISOString();
// The peaks first, on a machine the bench has not started loading yet.
process.stderr.write('bench: measuring the peaks (bench/peak.c)...\n');
const given = (v) => (v === 'auto' ? null : Number(v));
const peak = machinePeak({ flopsPerCycle: given(opts.flopsPerCycle), clockMHz: given(opts.clockMHz) });
const runs = Math.max(3, Number(opts.runs));
const results = [];
for (const model of models) {
  const spec = MODELS[model];
  for (const batch of spec.batches ? batches : [32]) {
    const steps = Number(opts.steps) * (spec.stepsScale ?? 1);
    const peer = torch(model, batch, steps, runs);
    const row = { model, batch, steps, torch: peer, engines: [] };
    for (const engine of engines) {
      if (!spec.engines.includes(engine)) continue;
      // cpu trains at ~1 image/s and tfjs's own LSTM steps through time op by op: a few steps say enough
      const slow = engine === 'cpu' || (model === 'recurrent' && engine === 'wasm');
      if (engine === 'cpu' && batch > 32) continue;
      const cfg = {
        model,
        engine,
        batch,
        steps: slow ? (engine === 'cpu' ? 1 : 3) : steps,
        runs: slow ? 3 : runs,
        profile: engine === 'auto',
        // the full-data footprint is the 28×28 models' (Fashion-MNIST's 55,000 images)
        fullData: opts.fullData === 'true' && engine === 'auto' && ['conv', 'stacked', 'recurrent'].includes(model),
        bce: opts.bce,
        warmupSeconds: Number(opts.warmupSeconds),
      };
      process.stderr.write(`bench: ${model}, batch ${batch}, engine ${engine}...\n`);
      const r = runChild(cfg);
      if (peer?.median && r.median) r.ratioToTorch = +(r.median / peer.median).toFixed(2);
      if (r.profiled) {
        r.roofline = rooflineTable(r.profiled, peak);
        delete r.profiled;
      }
      row.engines.push(r);
    }
    results.push(row);
  }
}

const report = { started, machine: `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}`, node: process.version, opts, peak, results };
writeFileSync(opts.out, `${JSON.stringify(report, null, 2)}\n`);

console.log(
  `\naekit bench (${report.machine}, ${report.node}); median of ${runs} runs × the steps shown (samples: images, windows or table rows)`,
);
console.log('model | batch | steps | engine | samples/s | runs | × PyTorch | params | peak RSS MiB');
for (const row of results) {
  const t = row.torch;
  if (t?.error) console.log(`${row.model} | ${row.batch} | ${row.steps} | PyTorch | failed: ${t.error}`);
  else if (t)
    console.log(
      `${row.model} | ${row.batch} | ${row.steps} | PyTorch ${t.torch} (2 threads) | ${t.median.toFixed(0)} | ${t.images_per_second.map((v) => v.toFixed(0)).join(' ')} | 1.00 | ${t.params} | -`,
    );
  for (const e of row.engines) {
    if (e.error) {
      console.log(`${row.model} | ${row.batch} | | ${e.engine} | failed: ${e.error}`);
      continue;
    }
    const differ = t?.params !== undefined && t.params !== e.params ? ` (≠ PyTorch${t.params_note ? `: ${t.params_note}` : ''})` : '';
    console.log(
      `${row.model} | ${row.batch} | ${e.steps} | ${e.engine} → ${e.backend}${e.fullData ? ' (55k images held)' : ''} | ${e.median.toFixed(1)} | ${e.rates.map((v) => v.toFixed(0)).join(' ')} | ${e.ratioToTorch ?? '-'} | ${e.params}${differ} | ${e.peakRssMiB}`,
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
console.log(formatPeak(peak));
for (const row of results)
  for (const e of row.engines)
    if (e.roofline) console.log(formatRoofline(e.roofline, `${row.model}, batch ${row.batch}, ${e.engine} → ${e.backend}`));
console.log(`\nwritten: ${opts.out}`);
