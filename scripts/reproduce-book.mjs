#!/usr/bin/env node
/**
 * `npm run reproduce:book`: trains the book's models (Géron, ch. 17) with the book's settings on
 * the book's split, each for one or more seeds, through the CLI (`aekit train …`), and writes a
 * results file with the final validation figures per run, their mean, spread and range over the
 * seeds, the book's recorded figure and the bar aekit is held to.
 *
 *   node scripts/reproduce-book.mjs [--models=stacked,tied,greedy] [--seeds=1,2,3] [--out=runs/book]
 *                                   [--backend=auto] [--resume=true]
 *
 * Models: conv, stacked, tied, greedy, denoising-gaussian, denoising-dropout, sparse, vae,
 * recurrent (default: all). Every run writes its own run directory under --out
 * (`<model>-seed<N>`); with --resume=true (default) a finished run directory is read instead of
 * trained again. Writes `<out>/results.json` and `<out>/results.md` after every run; runs recorded
 * there by earlier invocations with the same --out are kept (and replaced when run again).
 * Takes hours for all models and several seeds on a 2-core machine: see docs/results.md for times.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The book's runs: CLI arguments, the metric compared, the book's figure and aekit's bar. */
const MODELS = {
  conv: { args: ['conv', '--epochs', '5'], metric: 'val_loss', book: 0.2671, bar: { max: 0.27 } },
  stacked: { args: ['stacked'], metric: 'val_rounded_accuracy', book: 0.937, bar: { min: 0.937 } },
  tied: { args: ['stacked', '--tied', '--epochs', '10'], metric: 'val_rounded_accuracy', book: 0.9338, bar: { min: 0.933 } },
  greedy: { args: ['stacked', '--greedy'], metric: 'val_rounded_accuracy', book: 0.9371, bar: { min: 0.937 } },
  'denoising-gaussian': {
    args: ['stacked', '--noise', 'gaussian:0.2', '--lr', '1', '--epochs', '10'],
    metric: 'val_rounded_accuracy',
    book: 0.9291,
    bar: { min: 0.928 },
  },
  'denoising-dropout': {
    args: ['stacked', '--noise', 'dropout:0.5', '--lr', '1', '--epochs', '10'],
    metric: 'val_loss',
    book: 0.2958,
    bar: null,
  },
  sparse: { args: ['sparse', '--sparsity', 'kl:0.05,0.1'], metric: 'val_rounded_accuracy', book: 0.9174, bar: { min: 0.916 } },
  vae: { args: ['vae'], metric: 'val_rounded_accuracy', book: 0.9228, bar: { min: 0.921 } },
  recurrent: { args: ['recurrent'], metric: 'val_rounded_accuracy', book: 0.9015, bar: { min: 0.9 } },
};
const DEFAULTS = { models: Object.keys(MODELS).join(','), seeds: '42', out: 'runs/book', backend: 'auto', resume: 'true' };

function parseArgs(argv) {
  const o = { ...DEFAULTS };
  for (const a of argv) {
    const m = /^--([a-z]+)=(.*)$/.exec(a);
    if (!m || !(m[1] in DEFAULTS))
      throw new Error(`reproduce-book: unknown argument '${a}'; expected --key=value with key in ${Object.keys(DEFAULTS).join(', ')}`);
    o[m[1]] = m[2];
  }
  const models = o.models.split(',');
  for (const name of models)
    if (!(name in MODELS))
      throw new Error(`reproduce-book: --models: unknown model '${name}'; expected some of ${Object.keys(MODELS).join(', ')}`);
  const seeds = o.seeds.split(',').map((s) => Number(s));
  if (seeds.some((s) => !Number.isInteger(s) || s < 0))
    throw new Error(`reproduce-book: --seeds expects integers ≥ 0 separated by commas, got '${o.seeds}'`);
  return { ...o, models, seeds };
}

const stats = (xs) => {
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  const sd = xs.length > 1 ? Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (xs.length - 1)) : 0;
  return { mean, sd, min: Math.min(...xs), max: Math.max(...xs) };
};
const meets = (bar, v) => (bar === null ? null : (bar.min === undefined || v >= bar.min) && (bar.max === undefined || v <= bar.max));
const barText = (bar) => (bar === null ? '—' : bar.min !== undefined ? `≥ ${bar.min}` : `≤ ${bar.max}`);

function finished(dir) {
  const file = path.join(dir, 'metrics.json');
  if (!existsSync(file)) return null;
  const m = JSON.parse(readFileSync(file, 'utf8'));
  return m.finished ? m : null;
}

function fail(message) {
  console.error(message);
  process.exit(1);
}

function writeAtomic(file, text) {
  writeFileSync(`${file}.tmp`, text);
  renameSync(`${file}.tmp`, file);
}

let opts;
try {
  opts = parseArgs(process.argv.slice(2));
} catch (err) {
  console.error(err.message);
  process.exit(2);
}
const cli = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
mkdirSync(opts.out, { recursive: true });
// Runs of earlier invocations with the same --out stay in the results (this one's replace them).
const resultsFile = path.join(opts.out, 'results.json');
const earlier = existsSync(resultsFile) ? (JSON.parse(readFileSync(resultsFile, 'utf8')).runs ?? []) : [];
const runs = [];

function report() {
  const all = [...earlier.filter((e) => !runs.some((r) => r.model === e.model && r.seed === e.seed)), ...runs];
  const models = Object.keys(MODELS).filter((name) => all.some((r) => r.model === name));
  const rows = models.map((name) => {
    const spec = MODELS[name];
    const mine = all.filter((r) => r.model === name).sort((p, q) => p.seed - q.seed);
    const values = mine.map((r) => r.final[spec.metric]);
    const s = values.length > 0 ? stats(values) : null;
    return {
      model: name,
      command: `aekit train ${spec.args.join(' ')}`,
      metric: spec.metric,
      book: spec.book,
      bar: spec.bar,
      seeds: mine.map((r) => r.seed),
      values,
      ...(s ?? {}),
      meanMeetsBar: s === null ? null : meets(spec.bar, s.mean),
      runsMeetingBar: mine.filter((r) => meets(spec.bar, r.final[spec.metric])).length,
    };
  });
  writeAtomic(resultsFile, `${JSON.stringify({ written: new Date().toISOString(), rows, runs: all }, null, 2)}\n`);
  const f = (v) => (v === undefined ? '–' : v.toFixed(4));
  const md = [
    '| model | metric | runs (seeds) | mean ± sd | min – max | book | bar | mean meets bar | runs meeting bar |',
    '|---|---|---|---|---|---|---|---|---|',
    ...rows.map(
      (r) =>
        `| ${r.model} | ${r.metric} | ${r.values.length} (${r.seeds.join(', ')}) | ${f(r.mean)} ± ${f(r.sd)} | ${f(r.min)} – ${f(r.max)} | ${r.book} | ${barText(r.bar)} | ${r.meanMeetsBar === null ? '–' : r.meanMeetsBar ? 'yes' : 'no'} | ${r.bar === null ? '–' : `${r.runsMeetingBar}/${r.values.length}`} |`,
    ),
  ];
  writeAtomic(path.join(opts.out, 'results.md'), `${md.join('\n')}\n`);
  return md.join('\n');
}

for (const name of opts.models) {
  for (const seed of opts.seeds) {
    const dir = path.join(opts.out, `${name}-seed${seed}`);
    let metrics = opts.resume === 'true' ? finished(dir) : null;
    if (metrics === null) {
      const args = [cli, 'train', ...MODELS[name].args, '--seed', String(seed), '--backend', opts.backend, '--out', dir];
      process.stderr.write(`reproduce-book: aekit ${args.slice(1).join(' ')}\n`);
      const r = spawnSync(process.execPath, args, { stdio: ['ignore', 'inherit', 'inherit'] });
      if (r.status !== 0) fail(`reproduce-book: '${name}' with seed ${seed} failed (exit ${r.status}); its run directory is ${dir}`);
      metrics = finished(dir);
      if (metrics === null) fail(`reproduce-book: ${dir}/metrics.json is missing or unfinished after training`);
    }
    const final = metrics.epochs.at(-1);
    const minutes = (Date.parse(metrics.finished) - Date.parse(metrics.started)) / 60000;
    runs.push({ model: name, seed, dir, final, minutes: +minutes.toFixed(1), backend: metrics.backend });
    report();
  }
}
console.log(report());
console.log(`\nwritten: ${path.join(opts.out, 'results.json')}, ${path.join(opts.out, 'results.md')}`);
