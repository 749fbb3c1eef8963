/**
 * The bench's roofline (`npm run bench`): each kernel of one profiled training step against this
 * CPU's peaks.
 *
 * - FLOPs from the shapes tf.profile records (`inputShapes`, `outputShapes`; it records no
 *   attributes, so strides and padding are inferred from the shapes). Convolutions (NHWC, filter
 *   `[kh, kw, ci, co]`): 2·N·Ho·Wo·Co·kh·kw·ci, the multiply-adds of the forward convolution, padded
 *   positions included; `Conv2DBackpropInput` (dy → dx) and `Conv2DBackpropFilter` (x, dy → dw) are
 *   counted as the forward convolution they differentiate (the same multiply-adds), and aekit's
 *   fused `AekitConv2DSelu` / `AekitConv2DTransposeSelu` as FusedConv2D / Conv2DBackpropInput (the
 *   bias and SELU they also apply are not counted). Matrix products
 *   (`BatchMatMul`, `_FusedMatMul`): 2·B·M·N·K, K = the size of A over B·M (transposes need no
 *   attribute). aekit's fused LSTM: its matrix products only, 2·B·T·4U·(F+U) forward and twice that
 *   backward; gate arithmetic not counted.
 * - Bytes of element-wise, pooling and reduction kernels: 4 bytes × (elements of every input and
 *   output), each read or written once: float32 assumed (tf.profile gives no dtypes; a bool tensor
 *   is 1 byte in tfjs, so comparisons are over-counted), a lower bound for kernels that pass over
 *   their data more than once. Reshape and Identity move no data (views).
 * - Peaks: theoretical = physical cores × clock × FP32 FLOP/cycle/core, each term from
 *   /proc/cpuinfo (and cpufreq), the FMA-unit count an assumption per microarchitecture family
 *   (FMA_ASSUMPTIONS); measured = bench/peak.c (FMA chains, STREAM-like triad) compiled with
 *   `cc -O2 -fopenmp` into the OS's temporary folder.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Bytes of one tensor element as the roofline counts it (float32). */
export const ELEMENT_BYTES = 4;

/** Elements of a tensor of `shape` (`[]`: a scalar, 1). */
export function size(shape) {
  return shape.reduce((a, b) => a * b, 1);
}

const CONV_KERNELS = new Set([
  'Conv2D',
  'FusedConv2D',
  'Conv2DBackpropInput',
  'Conv2DBackpropFilter',
  // aekit's fused convolution + bias + SELU (src/engine/fused-conv.ts): shaped as FusedConv2D and
  // as Conv2DBackpropInput (the transposed convolution)
  'AekitConv2DSelu',
  'AekitConv2DTransposeSelu',
]);
const MATMUL_KERNELS = new Set(['BatchMatMul', '_FusedMatMul']);
const LSTM_KERNELS = new Set(['AekitLstm', 'AekitLstmGrad']);
const VIEW_KERNELS = new Set(['Reshape', 'Identity']);
/** Kernels whose inputs are not read (only their shape is): their output is the traffic. */
const OUTPUT_ONLY_KERNELS = new Set(['ZerosLike', 'OnesLike', 'Fill']);
/** Compute kernels the roofline has no FLOP rule for: listed with their time, not as memory-bound. */
const UNCOUNTED_COMPUTE = /Conv|MatMul|Einsum|Lstm|Gru|FFT|Pool3D/;

/**
 * What the roofline does with a kernel: `compute` (FLOPs counted against the FMA peak), `memory`
 * (bytes counted against the triad bandwidth), `view` (no data moved) or `other` (time only).
 */
export function classify(name) {
  if (CONV_KERNELS.has(name) || MATMUL_KERNELS.has(name) || LSTM_KERNELS.has(name)) return 'compute';
  if (VIEW_KERNELS.has(name)) return 'view';
  if (UNCOUNTED_COMPUTE.test(name)) return 'other';
  return 'memory';
}

/**
 * The forward convolution a conv kernel computes or differentiates: `x` its input `[N, H, W, Ci]`,
 * `y` its output `[N, Ho, Wo, Co]`, `filter` `[kh, kw, Ci, Co]`; null when the shapes are not those
 * of an NHWC conv2d.
 */
export function forwardConv({ name, inputShapes, outputShapes }) {
  let x, filter, y;
  if (name === 'Conv2D' || name === 'FusedConv2D' || name === 'AekitConv2DSelu')
    [x, filter, y] = [inputShapes[0], inputShapes[1], outputShapes[0]];
  else if (name === 'Conv2DBackpropInput' || name === 'AekitConv2DTransposeSelu')
    [y, filter, x] = [inputShapes[0], inputShapes[1], outputShapes[0]];
  else if (name === 'Conv2DBackpropFilter') [x, y, filter] = [inputShapes[0], inputShapes[1], outputShapes[0]];
  else return null;
  if (![x, y, filter].every((s) => Array.isArray(s) && s.length === 4)) return null;
  if (x[0] !== y[0] || filter[2] !== x[3] || filter[3] !== y[3]) return null;
  return { x, y, filter };
}

/** Output size of a conv2d along one side: `same` ⌈s/stride⌉, `valid` ⌈(s − k + 1)/stride⌉. */
function convOut(side, k, stride, padding) {
  return Math.ceil((padding === 'same' ? side : side - k + 1) / stride);
}

/**
 * Strides and padding of a forward conv inferred from its shapes: the padding (`same` first) for
 * which both sides have a stride that gives the output size, the smallest such strides; null when
 * none does.
 */
export function inferStrides({ x, y, filter }) {
  const find = (side, out, k, padding) => {
    for (let s = 1; s <= Math.max(1, side); s++) if (convOut(side, k, s, padding) === out) return s;
    return null;
  };
  let best = null;
  for (const padding of ['same', 'valid']) {
    const sh = find(x[1], y[1], filter[0], padding);
    const sw = find(x[2], y[2], filter[1], padding);
    if (sh !== null && sw !== null && (best === null || sh + sw < best.strides[0] + best.strides[1])) best = { strides: [sh, sw], padding };
  }
  return best;
}

/** FLOPs of a compute kernel (see the module comment); null for other kernels or shapes the rules do not fit. */
export function kernelFlops(kernel) {
  const { name, inputShapes, outputShapes } = kernel;
  if (CONV_KERNELS.has(name)) {
    const conv = forwardConv(kernel);
    if (conv === null) return null;
    const [kh, kw, ci] = conv.filter;
    return 2 * size(conv.y) * kh * kw * ci;
  }
  if (MATMUL_KERNELS.has(name)) {
    const a = inputShapes[0];
    const out = outputShapes[0];
    if (!a || !out || a.length < 2 || out.length < 2) return null;
    const [m, n] = out.slice(-2);
    const batch = size(out.slice(0, -2));
    const k = size(a) / (size(a.slice(0, -2)) * m);
    if (!Number.isInteger(k)) return null;
    return 2 * batch * m * n * k;
  }
  if (LSTM_KERNELS.has(name)) {
    // AekitLstm: x, kernel, recurrentKernel, bias; AekitLstmGrad: dy, x, kernel, recurrentKernel, …
    const [x, w, u] = name === 'AekitLstm' ? inputShapes.slice(0, 3) : inputShapes.slice(1, 4);
    if (!x || x.length !== 3 || !w || !u) return null;
    const [b, t, f] = x;
    const gates = w[1];
    const units = u[0];
    if (w[0] !== f || gates !== 4 * units) return null;
    const forward = 2 * b * t * gates * (f + units);
    return name === 'AekitLstm' ? forward : 2 * forward;
  }
  return null;
}

/** Bytes a kernel reads and writes (see the module comment); 0 for views. */
export function kernelBytes({ name, inputShapes, outputShapes }) {
  if (VIEW_KERNELS.has(name)) return 0;
  const outs = outputShapes.filter(Boolean).reduce((a, s) => a + size(s), 0);
  const ins = OUTPUT_ONLY_KERNELS.has(name) ? 0 : inputShapes.filter(Boolean).reduce((a, s) => a + size(s), 0);
  return ELEMENT_BYTES * (ins + outs);
}

/** A short description of what a compute kernel multiplies (forward conv geometry, product sizes). */
export function describeKernel(kernel) {
  const { name, inputShapes, outputShapes } = kernel;
  if (CONV_KERNELS.has(name)) {
    const conv = forwardConv(kernel);
    if (conv === null) return '';
    const { x, y, filter } = conv;
    const s = inferStrides(conv);
    const stride = s === null ? '?' : s.strides[0] === s.strides[1] ? `${s.strides[0]}` : s.strides.join('×');
    return `N${x[0]} ${x[1]}×${x[2]}×${x[3]} → ${y[1]}×${y[2]}×${y[3]}, ${filter[0]}×${filter[1]} /${stride} ${s?.padding ?? '?'}`;
  }
  if (MATMUL_KERNELS.has(name)) {
    const out = outputShapes[0];
    const [m, n] = out.slice(-2);
    const batch = size(out.slice(0, -2));
    const k = size(inputShapes[0]) / (size(inputShapes[0].slice(0, -2)) * m);
    return `${batch > 1 ? `${batch} × ` : ''}[${m}×${k}]·[${k}×${n}]`;
  }
  if (LSTM_KERNELS.has(name)) {
    const [x, w, u] = name === 'AekitLstm' ? inputShapes.slice(0, 3) : inputShapes.slice(1, 4);
    return `B${x[0]} T${x[1]} F${x[2]} U${u?.[0] ?? w?.[1] / 4}`;
  }
  return '';
}

/**
 * The kernel calls of a tf.profile result, without the scopes it also records around them (an op's
 * `…__op`, a custom gradient's `unnamed scope`: their time is their kernels'). `isKernel(name)`,
 * when given, keeps only registered kernels (`tf.getKernel(name, backend) !== undefined`).
 */
export function profiledKernels(profile, isKernel = () => true) {
  return profile.kernels
    .filter((k) => !k.name.endsWith('__op') && k.name !== 'unnamed scope' && isKernel(k.name))
    .map((k) => ({ name: k.name, ms: k.kernelTimeMs, inputShapes: k.inputShapes, outputShapes: k.outputShapes }));
}

const round = (v, digits) => (v === null || !Number.isFinite(v) ? null : +v.toFixed(digits));

/**
 * The roofline of one profiled step. `kernels`: `{ name, ms, inputShapes, outputShapes }` per
 * kernel call (`profiledKernels`); `peak`: `{ gflops, theoreticalGflops, gbps }` (measured FMA
 * peak, theoretical peak, measured DRAM triad; each may be null). Compute kernels: one row per
 * distinct call (name and shapes), with FLOPs, GFLOP/s, FLOP/byte and % of each peak; memory
 * kernels: one row per kernel name, with bytes, GB/s and % of the triad; views and others: time.
 */
export function rooflineTable(kernels, peak = {}) {
  const compute = new Map();
  const memory = new Map();
  const views = { calls: 0, ms: 0 };
  const other = new Map();
  for (const k of kernels) {
    const kind = classify(k.name);
    const flops = kind === 'compute' ? kernelFlops(k) : null;
    if (kind === 'compute' && flops !== null) {
      const key = `${k.name} ${JSON.stringify(k.inputShapes)} ${JSON.stringify(k.outputShapes)}`;
      const row = compute.get(key) ?? { kernel: k.name, shape: describeKernel(k), calls: 0, ms: 0, flops: 0, bytes: 0 };
      row.calls += 1;
      row.ms += k.ms;
      row.flops += flops;
      row.bytes += kernelBytes(k);
      compute.set(key, row);
    } else if (kind === 'memory') {
      const row = memory.get(k.name) ?? { kernel: k.name, calls: 0, ms: 0, bytes: 0 };
      row.calls += 1;
      row.ms += k.ms;
      row.bytes += kernelBytes(k);
      memory.set(k.name, row);
    } else if (kind === 'view') {
      views.calls += 1;
      views.ms += k.ms;
    } else {
      const row = other.get(k.name) ?? { kernel: k.name, calls: 0, ms: 0 };
      row.calls += 1;
      row.ms += k.ms;
      other.set(k.name, row);
    }
  }
  const pct = (v, of) => (of ? round((100 * v) / of, 1) : null);
  const computeRows = [...compute.values()].map((r) => {
    const gflops = r.flops / (r.ms * 1e6);
    return {
      ...r,
      ms: round(r.ms, 3),
      gflops: round(gflops, 2),
      flopPerByte: round(r.flops / r.bytes, 1),
      pctMeasured: pct(gflops, peak.gflops),
      pctTheoretical: pct(gflops, peak.theoreticalGflops),
    };
  });
  const memoryRows = [...memory.values()]
    .map((r) => {
      const gbps = r.bytes / (r.ms * 1e6);
      return { ...r, ms: round(r.ms, 3), gbps: round(gbps, 2), pctTriad: pct(gbps, peak.gbps) };
    })
    .sort((a, b) => b.ms - a.ms);
  const sum = (rows, key) => rows.reduce((a, r) => a + r[key], 0);
  const cMs = sum([...compute.values()], 'ms');
  const cFlops = sum(computeRows, 'flops');
  const mMs = sum([...memory.values()], 'ms');
  const mBytes = sum(memoryRows, 'bytes');
  const otherRows = [...other.values()].map((r) => ({ ...r, ms: round(r.ms, 3) })).sort((a, b) => b.ms - a.ms);
  const totalMs = cMs + mMs + views.ms + sum([...other.values()], 'ms');
  return {
    peak,
    compute: computeRows,
    memory: memoryRows,
    views: { calls: views.calls, ms: round(views.ms, 3) },
    other: otherRows,
    totals: {
      ms: round(totalMs, 3),
      compute: {
        ms: round(cMs, 3),
        flops: cFlops,
        gflops: round(cFlops / (cMs * 1e6), 2),
        pctMeasured: pct(cFlops / (cMs * 1e6), peak.gflops),
        pctTheoretical: pct(cFlops / (cMs * 1e6), peak.theoreticalGflops),
      },
      memory: { ms: round(mMs, 3), bytes: mBytes, gbps: round(mBytes / (mMs * 1e6), 2), pctTriad: pct(mBytes / (mMs * 1e6), peak.gbps) },
    },
  };
}

const fmt = (v, digits = 1) => (v === null || v === undefined ? '-' : v.toFixed(digits));

/** The roofline table as printed lines; at most `memoryRows` memory kernels, the rest summed into one line. */
export function formatRoofline(table, title, memoryRows = 10) {
  const { peak, totals } = table;
  const lines = [`\nRoofline: ${title}; one profiled step, ${fmt(totals.ms, 1)} ms in kernels`];
  const ridge = peak.gflops && peak.gbps ? ` ridge point ${fmt(peak.gflops / peak.gbps)} FLOP/byte;` : '';
  lines.push(
    `peaks: measured ${fmt(peak.gflops)} GFLOP/s, theoretical ${fmt(peak.theoreticalGflops)} GFLOP/s, DRAM triad ${fmt(peak.gbps)} GB/s;${ridge} (see "peak" above)`,
  );
  lines.push('kernel | forward conv / product | calls | ms | MFLOP | GFLOP/s | FLOP/B | % measured | % theoretical');
  for (const r of table.compute)
    lines.push(
      `${r.kernel} | ${r.shape} | ${r.calls} | ${fmt(r.ms, 2)} | ${fmt(r.flops / 1e6, 1)} | ${fmt(r.gflops)} | ${fmt(r.flopPerByte)} | ${fmt(r.pctMeasured)} | ${fmt(r.pctTheoretical)}`,
    );
  const c = totals.compute;
  lines.push(
    `compute total | | | ${fmt(c.ms, 2)} | ${fmt(c.flops / 1e6, 1)} | ${fmt(c.gflops)} | | ${fmt(c.pctMeasured)} | ${fmt(c.pctTheoretical)}`,
  );
  lines.push('element-wise, pooling, reductions | calls | ms | MB | GB/s | % DRAM triad');
  const shown = table.memory.slice(0, memoryRows);
  for (const r of shown)
    lines.push(`${r.kernel} | ${r.calls} | ${fmt(r.ms, 2)} | ${fmt(r.bytes / 1e6, 2)} | ${fmt(r.gbps)} | ${fmt(r.pctTriad)}`);
  const rest = table.memory.slice(memoryRows);
  if (rest.length > 0) {
    const ms = rest.reduce((a, r) => a + r.ms, 0);
    const bytes = rest.reduce((a, r) => a + r.bytes, 0);
    lines.push(
      `${rest.length} others | ${rest.reduce((a, r) => a + r.calls, 0)} | ${fmt(ms, 2)} | ${fmt(bytes / 1e6, 2)} | ${fmt(bytes / (ms * 1e6))} | -`,
    );
  }
  const m = totals.memory;
  lines.push(`memory total | | ${fmt(m.ms, 2)} | ${fmt(m.bytes / 1e6, 2)} | ${fmt(m.gbps)} | ${fmt(m.pctTriad)}`);
  const tail = [`views (Reshape, Identity) ${table.views.calls} calls ${fmt(table.views.ms, 2)} ms`];
  if (table.other.length > 0) tail.push(`not counted: ${table.other.map((r) => `${r.kernel} ${fmt(r.ms, 2)} ms`).join(', ')}`);
  lines.push(tail.join('; '));
  return lines.join('\n');
}

// ---------------------------------------------------------------------------------------------
// Peaks

/**
 * FMA units per core (count × vector width) by microarchitecture family: an assumption from the
 * vendors' optimisation manuals, not something the CPU reports. `test(facts)` picks the first
 * family that fits.
 */
export const FMA_ASSUMPTIONS = [
  {
    uarch: 'AMD Zen / Zen+ (family 23, model < 0x30)',
    test: (f) => f.vendor === 'AuthenticAMD' && f.family === 23 && f.model < 0x30,
    units: 2,
    bits: 128,
    note: '2 × 128-bit FMA pipes; a 256-bit FMA takes both',
  },
  {
    uarch: 'AMD Zen 2 (family 23, model ≥ 0x30)',
    test: (f) => f.vendor === 'AuthenticAMD' && f.family === 23,
    units: 2,
    bits: 256,
    note: '2 × 256-bit FMA pipes',
  },
  {
    uarch: 'AMD Zen 4 (family 25 with avx512f)',
    test: (f) => f.vendor === 'AuthenticAMD' && f.family === 25 && f.flags.has('avx512f'),
    units: 2,
    bits: 256,
    note: '2 × 256-bit FMA pipes; a 512-bit FMA takes both halves',
  },
  {
    uarch: 'AMD Zen 3 (family 25)',
    test: (f) => f.vendor === 'AuthenticAMD' && f.family === 25,
    units: 2,
    bits: 256,
    note: '2 × 256-bit FMA pipes',
  },
  {
    uarch: 'AMD Zen 5 (family 26)',
    test: (f) => f.vendor === 'AuthenticAMD' && f.family === 26 && f.flags.has('avx512f'),
    units: 2,
    bits: 512,
    note: '2 × 512-bit FMA pipes (desktop and server parts; mobile parts split 512-bit FMAs in two)',
  },
  {
    uarch: 'Intel Xeon Gold / Platinum with AVX-512 (Skylake-SP … Sapphire Rapids and later)',
    test: (f) => f.vendor === 'GenuineIntel' && f.flags.has('avx512f') && /Xeon.*(Gold|Platinum|Max)/i.test(f.modelName),
    units: 2,
    bits: 512,
    note: '2 × 512-bit FMA units (ports 0+1 fused and port 5)',
  },
  {
    uarch: 'Intel with AVX-512, one FMA unit (Xeon Silver / Bronze, client cores)',
    test: (f) => f.vendor === 'GenuineIntel' && f.flags.has('avx512f'),
    units: 1,
    bits: 512,
    note: '1 × 512-bit FMA unit (ports 0+1 fused)',
  },
  {
    uarch: 'x86 with AVX2 + FMA (Intel Haswell and later, other vendors)',
    test: (f) => f.flags.has('avx2') && f.flags.has('fma'),
    units: 2,
    bits: 256,
    note: '2 × 256-bit FMA units',
  },
  {
    uarch: 'x86 with AVX, no FMA',
    test: (f) => f.flags.has('avx'),
    units: 1,
    bits: 256,
    note: 'one 256-bit multiply and one 256-bit add a cycle, counted as one FMA unit',
  },
  { uarch: 'unknown (SSE)', test: () => true, units: 1, bits: 128, note: 'one 128-bit multiply and one add a cycle' },
];

/**
 * Facts about the CPU from /proc/cpuinfo's text: vendor, family, model, model name, flags, logical
 * processors, physical cores (distinct physical id × core id pairs) and the `cpu MHz` of the first
 * processor.
 */
export function parseCpuinfo(text) {
  const blocks = text
    .split(/\n\s*\n/)
    .map((b) =>
      Object.fromEntries(
        b
          .split('\n')
          .filter((l) => l.includes(':'))
          .map((l) => [l.slice(0, l.indexOf(':')).trim(), l.slice(l.indexOf(':') + 1).trim()]),
      ),
    )
    .filter((b) => b.processor !== undefined);
  const first = blocks[0] ?? {};
  const coresSeen = new Set(blocks.filter((b) => b['core id'] !== undefined).map((b) => `${b['physical id'] ?? 0}:${b['core id']}`));
  const physical = coresSeen.size > 0 ? coresSeen.size : blocks.length;
  return {
    vendor: first.vendor_id ?? '',
    family: Number(first['cpu family'] ?? Number.NaN),
    model: Number(first.model ?? Number.NaN),
    modelName: first['model name'] ?? '',
    flags: new Set((first.flags ?? '').split(/\s+/).filter(Boolean)),
    processors: blocks.length,
    cores: physical,
    mhz: first['cpu MHz'] === undefined ? null : Number(first['cpu MHz']),
  };
}

/**
 * The theoretical FP32 peak from CPU facts (`parseCpuinfo`) and a clock `{ mhz, source }`: cores ×
 * GHz × FLOP/cycle/core, FLOP/cycle = FMA units × lanes (bits / 32) × 2, the units from the first
 * FMA_ASSUMPTIONS family that fits; each term with where it came from.
 */
export function theoreticalPeak(facts, clock, given = null) {
  const a = FMA_ASSUMPTIONS.find((x) => x.test(facts));
  const lanes = a.bits / 32;
  const flopsPerCycle = given ?? a.units * lanes * 2;
  const ghz = clock.mhz / 1000;
  const gflops = facts.cores * ghz * flopsPerCycle;
  const isa = facts.flags.has('avx512f') ? 'avx512f' : facts.flags.has('avx2') && facts.flags.has('fma') ? 'avx2 + fma' : 'no avx2/fma';
  return {
    gflops: round(gflops, 1),
    cores: facts.cores,
    ghz: round(ghz, 3),
    flopsPerCycle,
    uarch: a.uarch,
    fmaUnits: a.units,
    vectorBits: a.bits,
    terms: [
      `${facts.cores} physical cores (/proc/cpuinfo: distinct physical id/core id pairs; ${facts.processors} logical processors` +
        `${facts.flags.has('hypervisor') ? '; a virtual machine: these are the cores it is shown, whether they share host cores is not visible' : ''})`,
      `${round(ghz, 3)} GHz (${clock.source})`,
      given !== null
        ? `${flopsPerCycle} FP32 FLOP/cycle/core, as given (--flopsPerCycle); cpuinfo's family would have given ${a.units * lanes * 2} (${a.uarch})`
        : `${flopsPerCycle} FP32 FLOP/cycle/core = ${a.units} FMA unit${a.units > 1 ? 's' : ''} × ${lanes} lanes (${a.bits}-bit) × 2 — ` +
          `ASSUMED for ${a.uarch}: ${a.note}; the flags say ${isa}; cpuinfo: ${facts.vendor} family ${facts.family} model ${facts.model} "${facts.modelName}"` +
          `${facts.flags.has('hypervisor') ? " (a hypervisor may show a generic model: QEMU's 'EPYC' is family 23 model 1 whatever the host; --flopsPerCycle=N sets it)" : ''}`,
    ],
  };
}

/** The clock for the theoretical peak: cpufreq's maximum when the kernel exposes it, else /proc/cpuinfo's `cpu MHz`. */
export function readClock(facts, sysfs = '/sys/devices/system/cpu/cpu0/cpufreq/cpuinfo_max_freq') {
  if (existsSync(sysfs)) {
    const khz = Number(readFileSync(sysfs, 'utf8').trim());
    if (khz > 0) return { mhz: khz / 1000, source: `${sysfs}: the highest (boost) clock; all-core vector clocks can be lower` };
  }
  if (facts.mhz)
    return {
      mhz: facts.mhz,
      source:
        "/proc/cpuinfo 'cpu MHz': the clock the kernel reports now (under a hypervisor, the host's nominal TSC rate, not its boost clock)",
    };
  const mhz = os.cpus()[0]?.speed ?? 0;
  return { mhz, source: "os.cpus()[0].speed (no cpufreq, no 'cpu MHz')" };
}

/**
 * Compiles bench/peak.c with `cc -O2 -fopenmp` into the OS's temporary folder and runs it: its JSON
 * (`avx2`/`avx512` GFLOP/s on 1 and all threads, `triadDram`/`triadCache` GB/s), or
 * `{ skipped: reason }` when there is no compiler or the program fails.
 */
export function measurePeak(cc = process.env.CC ?? 'cc') {
  const source = fileURLToPath(new URL('./peak.c', import.meta.url));
  const binary = path.join(os.tmpdir(), `aekit-peak-${process.pid}`);
  try {
    execFileSync(cc, ['-O2', '-fopenmp', source, '-o', binary], { stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (err) {
    const why =
      err.code === 'ENOENT'
        ? `no C compiler ('${cc}' not found)`
        : `'${cc} -O2 -fopenmp' failed: ${
            String(err.stderr ?? err.message)
              .trim()
              .split('\n')[0]
          }`;
    return { skipped: `measured peak skipped: ${why}` };
  }
  try {
    return JSON.parse(execFileSync(binary, [], { encoding: 'utf8' }).trim());
  } catch (err) {
    return { skipped: `measured peak skipped: bench/peak.c's program failed: ${err.message.split('\n')[0]}` };
  } finally {
    rmSync(binary, { force: true });
  }
}

/**
 * This machine's peaks for the roofline: theoretical (from /proc/cpuinfo, or null with a reason off
 * Linux; `flopsPerCycle` and `clockMHz`, when given, replace the assumed FLOP/cycle and the clock
 * read) and measured (`measurePeak`), and the three figures the table compares against: `gflops`
 * (measured FMA peak on all threads, AVX-512 when the CPU has it, else AVX2), `theoreticalGflops`,
 * `gbps` (measured DRAM triad on all threads).
 */
export function machinePeak({ flopsPerCycle = null, clockMHz = null } = {}) {
  let theoretical = null;
  let theoreticalSkipped;
  if (existsSync('/proc/cpuinfo')) {
    const facts = parseCpuinfo(readFileSync('/proc/cpuinfo', 'utf8'));
    const clock = clockMHz === null ? readClock(facts) : { mhz: clockMHz, source: 'as given (--clockMHz)' };
    theoretical = theoreticalPeak(facts, clock, flopsPerCycle);
  } else theoreticalSkipped = 'theoretical peak skipped: no /proc/cpuinfo';
  const measured = measurePeak();
  const fma = measured.avx512 ?? measured.avx2 ?? null;
  return {
    theoretical,
    ...(theoreticalSkipped ? { theoreticalSkipped } : {}),
    measured,
    gflops: fma?.gflopsAll ?? null,
    gflopsIsa: measured.avx512 ? 'AVX-512' : measured.avx2 ? 'AVX2' : null,
    theoreticalGflops: theoretical?.gflops ?? null,
    gbps: measured.triadDram?.gbpsAll ?? null,
  };
}

/** The peaks as printed lines. */
export function formatPeak(p) {
  const lines = ['\npeak (the roofline compares each kernel with these):'];
  if (p.theoretical) {
    const t = p.theoretical;
    lines.push(`theoretical FP32: ${t.gflops} GFLOP/s = ${t.cores} cores × ${t.ghz} GHz × ${t.flopsPerCycle} FLOP/cycle, where`);
    for (const term of t.terms) lines.push(`  - ${term}`);
  } else lines.push(p.theoreticalSkipped);
  const m = p.measured;
  if (m.skipped) lines.push(m.skipped);
  else {
    const f = (x) => (x ? `${x.gflops1} GFLOP/s on 1 thread, ${x.gflopsAll} on ${m.threads}` : 'not measured (no such ISA)');
    lines.push(`measured FP32 FMA (bench/peak.c): AVX2 ${f(m.avx2)}; AVX-512 ${f(m.avx512)}`);
    lines.push(
      `measured triad: DRAM (${m.triadDram.arrayMiB} MiB arrays) ${m.triadDram.gbps1} GB/s on 1 thread, ${m.triadDram.gbpsAll} on ${m.threads}; ` +
        `cache (${m.triadCache.arrayKiB} KiB arrays per thread) ${m.triadCache.gbps1} / ${m.triadCache.gbpsAll} GB/s`,
    );
    lines.push(
      'measured at bench time on this machine: on a busy one they are low; kernels on tensors that fit in cache can beat the DRAM triad',
    );
    const one = (m.avx512 ?? m.avx2)?.gflops1;
    if (p.theoretical && one > p.theoretical.gflops / p.theoretical.cores)
      lines.push(
        `note: one thread measured ${one} GFLOP/s, above the theoretical ${(p.theoretical.gflops / p.theoretical.cores).toFixed(1)} of one core: the assumed FMA units or the clock are too low for this CPU`,
      );
  }
  return lines.join('\n');
}
