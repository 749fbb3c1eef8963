#!/usr/bin/env node
/**
 * Benchmark of loadImageFolder (build first: npm run build).
 *
 *   node scripts/bench-image-folder.mjs --generate N DIR
 *       writes N random-but-structured 32×32 RGB JPEGs into 10 class folders DIR/class-0 … class-9
 *   node scripts/bench-image-folder.mjs DIR [--out FILE] [--batch 128] [--cache-dir DIR]
 *       loads DIR in memory and streamed from a cache file (memoryBudget 0), each in its own child
 *       process so that their peak RSS do not mix, and reports for each: images/s of loading,
 *       images/s of one pass of shuffled batches read as floats (floatRows), peak RSS
 *       (process.resourceUsage().maxRSS, KiB); writes them as JSON to FILE (default
 *       bench-image-folder.json).
 *
 * The image files are read once before the children run, so both find them in the page cache.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const SCRIPT = fileURLToPath(import.meta.url);
const DIST = path.join(path.dirname(SCRIPT), '..', 'dist');
const CLASSES = 10;

function usage(message) {
  console.error(`bench-image-folder: ${message}`);
  console.error('usage: bench-image-folder.mjs --generate N DIR | bench-image-folder.mjs DIR [--out FILE] [--batch 128] [--cache-dir DIR]');
  process.exit(2);
}

/** Small seeded PRNG (mulberry32), as src/core/random.ts. */
function seeded(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** N JPEGs: each class a colour gradient in its own direction, each image a random disc and noise over it. */
async function generate(n, dir) {
  const { default: sharp } = await import('sharp');
  const size = 32;
  const started = performance.now();
  for (let c = 0; c < CLASSES; c++) await mkdir(path.join(dir, `class-${c}`), { recursive: true });
  let next = 0;
  const worker = async () => {
    const raw = Buffer.alloc(size * size * 3);
    while (next < n) {
      const i = next++;
      const c = i % CLASSES;
      const random = seeded(i + 1);
      const angle = (2 * Math.PI * c) / CLASSES;
      const [dx, dy] = [Math.cos(angle), Math.sin(angle)];
      const [cx, cy, r] = [random() * size, random() * size, 4 + random() * 8];
      const disc = [random() * 255, random() * 255, random() * 255];
      for (let y = 0; y < size; y++)
        for (let x = 0; x < size; x++) {
          const t = ((x - size / 2) * dx + (y - size / 2) * dy) / size + 0.5;
          const inside = (x - cx) ** 2 + (y - cy) ** 2 < r * r;
          for (let ch = 0; ch < 3; ch++) {
            const base = inside ? disc[ch] : 255 * t * (ch === c % 3 ? 1 : 0.4) + 30 * ch;
            raw[(y * size + x) * 3 + ch] = Math.max(0, Math.min(255, base + (random() - 0.5) * 40));
          }
        }
      await sharp(raw, { raw: { width: size, height: size, channels: 3 } })
        .jpeg({ quality: 90 })
        .toFile(path.join(dir, `class-${c}`, `${String(i).padStart(7, '0')}.jpg`));
    }
  };
  await Promise.all(Array.from({ length: 2 * os.availableParallelism() }, worker));
  const seconds = (performance.now() - started) / 1000;
  console.log(`wrote ${n} 32×32 RGB JPEGs in ${CLASSES} class folders of ${dir} in ${seconds.toFixed(1)} s`);
}

/** Child: one path, measured; prints one JSON line. */
async function child(mode, dir, batch, cacheDir) {
  const { loadImageFolder } = await import(pathToFileURL(path.join(DIST, 'data', 'index.js')).href);
  const { floatRows } = await import(pathToFileURL(path.join(DIST, 'data', 'samples.js')).href);
  const rssBeforeKiB = process.resourceUsage().maxRSS;
  const t0 = performance.now();
  const data = await loadImageFolder({ dir }, { memoryBudget: mode === 'memory' ? Number.MAX_SAFE_INTEGER : 0, cacheDir });
  const loadSeconds = (performance.now() - t0) / 1000;
  const maxRssAfterLoadKiB = process.resourceUsage().maxRSS;
  const images = data.train.count + data.valid.count + (data.test === undefined || data.test === data.valid ? 0 : data.test.count);
  const train = data.train;
  const random = seeded(7);
  const order = Uint32Array.from({ length: train.count }, (_, i) => i);
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  // Warm-up: one batch, untimed.
  floatRows(train, order, 0, Math.min(batch, train.count));
  let checksum = 0;
  const t1 = performance.now();
  for (let from = 0; from < train.count; from += batch) {
    const x = floatRows(train, order, from, Math.min(from + batch, train.count));
    checksum += x[0];
  }
  const passSeconds = (performance.now() - t1) / 1000;
  await data.close?.();
  const result = {
    mode,
    source: data.source,
    images,
    loadSeconds,
    loadImagesPerSecond: images / loadSeconds,
    passImages: train.count,
    batch,
    passSeconds,
    passImagesPerSecond: train.count / passSeconds,
    rssBeforeLoadKiB: rssBeforeKiB,
    maxRssAfterLoadKiB,
    maxRssKiB: process.resourceUsage().maxRSS,
    checksum,
  };
  console.log(JSON.stringify(result));
}

async function bench(dir, out, batch, cacheDir) {
  if (!existsSync(path.join(DIST, 'data', 'image-folder.js'))) usage(`${DIST}/data/image-folder.js is missing: run npm run build first`);
  // Warm the page cache for both children alike.
  let files = 0;
  const warm = async (d) => {
    for (const e of await readdir(d, { withFileTypes: true })) {
      if (e.isDirectory()) await warm(path.join(d, e.name));
      else {
        await readFile(path.join(d, e.name));
        files++;
      }
    }
  };
  await warm(dir);
  const results = {};
  for (const mode of ['memory', 'stream']) {
    const args = [SCRIPT, '--child', mode, dir, '--batch', String(batch), ...(cacheDir === undefined ? [] : ['--cache-dir', cacheDir])];
    const line = execFileSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 1 << 24, stdio: ['ignore', 'pipe', 'inherit'] })
      .trim()
      .split('\n')
      .at(-1);
    results[mode] = JSON.parse(line);
    const r = results[mode];
    console.log(
      `${mode.padEnd(6)}  load ${r.loadImagesPerSecond.toFixed(0).padStart(7)} images/s (${r.loadSeconds.toFixed(2)} s)  ` +
        `shuffled float batches of ${batch} ${r.passImagesPerSecond.toFixed(0).padStart(8)} images/s  peak RSS ${(r.maxRssKiB / 1024).toFixed(0)} MiB`,
    );
    console.log(`        ${r.source}`);
  }
  if (results.memory.checksum !== results.stream.checksum) throw new Error('the two paths read different pixels');
  const report = {
    date: new Date().toISOString(),
    node: process.version,
    cpus: os.availableParallelism(),
    cpuModel: os.cpus()[0]?.model,
    dir,
    files,
    batch,
    results,
    ratios: {
      loadStreamOverMemory: results.stream.loadImagesPerSecond / results.memory.loadImagesPerSecond,
      passStreamOverMemory: results.stream.passImagesPerSecond / results.memory.passImagesPerSecond,
      peakRssStreamOverMemory: results.stream.maxRssKiB / results.memory.maxRssKiB,
    },
  };
  await writeFile(out, `${JSON.stringify(report, null, 2)}\n`);
  console.log(`wrote ${out}`);
}

const argv = process.argv.slice(2);
const flag = (name, fallback) => {
  const i = argv.indexOf(name);
  if (i < 0) return fallback;
  const value = argv[i + 1];
  if (value === undefined) usage(`${name} needs a value`);
  argv.splice(i, 2);
  return value;
};
if (argv[0] === '--generate') {
  const n = Number(argv[1]);
  if (!Number.isInteger(n) || n < 1 || argv[2] === undefined) usage('--generate takes N (a positive integer) and DIR');
  await generate(n, argv[2]);
} else {
  const batch = Number(flag('--batch', '128'));
  if (!Number.isInteger(batch) || batch < 1) usage(`--batch: expected a positive integer, got ${batch}`);
  const cacheDir = flag('--cache-dir', undefined);
  if (argv[0] === '--child') await child(argv[1], argv[2], batch, cacheDir);
  else {
    const out = flag('--out', 'bench-image-folder.json');
    if (argv.length !== 1) usage('expected one folder');
    await bench(argv[0], out, batch, cacheDir);
  }
}
