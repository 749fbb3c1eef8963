/**
 * The bench's roofline (bench/roofline.mjs): FLOPs and bytes of kernels from tf.profile's shapes,
 * the table's GFLOP/s, GB/s and percentages, and the theoretical peak from /proc/cpuinfo's text.
 */
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

interface Kernel {
  name: string;
  ms?: number;
  inputShapes: (number[] | null)[];
  outputShapes: number[][];
}
interface Row {
  kernel: string;
  shape?: string;
  calls: number;
  ms: number;
  flops?: number;
  bytes?: number;
  gflops?: number;
  gbps?: number;
  flopPerByte?: number;
  pctMeasured?: number | null;
  pctTheoretical?: number | null;
  pctTriad?: number | null;
}
interface Table {
  compute: Row[];
  memory: Row[];
  views: { calls: number; ms: number };
  other: Row[];
  totals: {
    ms: number;
    compute: { ms: number; flops: number; gflops: number; pctMeasured: number | null; pctTheoretical: number | null };
    memory: { ms: number; bytes: number; gbps: number; pctTriad: number | null };
  };
}
interface Facts {
  vendor: string;
  family: number;
  model: number;
  cores: number;
  processors: number;
  flags: Set<string>;
  mhz: number | null;
}
interface Roofline {
  classify(name: string): string;
  kernelFlops(k: Kernel): number | null;
  kernelBytes(k: Kernel): number;
  inferStrides(conv: { x: number[]; y: number[]; filter: number[] }): { strides: number[]; padding: string } | null;
  forwardConv(k: Kernel): { x: number[]; y: number[]; filter: number[] } | null;
  describeKernel(k: Kernel): string;
  rooflineTable(kernels: Kernel[], peak?: { gflops?: number | null; theoreticalGflops?: number | null; gbps?: number | null }): Table;
  formatRoofline(table: Table, title: string, memoryRows?: number): string;
  parseCpuinfo(text: string): Facts;
  theoreticalPeak(
    facts: Facts,
    clock: { mhz: number; source: string },
    given?: number | null,
  ): { gflops: number; flopsPerCycle: number; uarch: string; terms: string[] };
  measurePeak(cc?: string): { skipped?: string };
  profiledKernels(
    profile: { kernels: { name: string; kernelTimeMs: number; inputShapes: number[][]; outputShapes: number[][] }[] },
    isKernel?: (name: string) => boolean,
  ): Kernel[];
}
const r = (await import(pathToFileURL(path.join(ROOT, 'bench', 'roofline.mjs')).href)) as Roofline;

/** The seed model's first convolution at batch 32: 28×28×1 → 28×28×16, 3×3, same, with bias and SELU fused. */
const conv1: Kernel = { name: 'FusedConv2D', inputShapes: [[32, 28, 28, 1], [3, 3, 1, 16], [16], null], outputShapes: [[32, 28, 28, 16]] };
const CONV1_FLOPS = 2 * 32 * 28 * 28 * 16 * 9 * 1;

test('conv FLOPs: 2·N·Ho·Wo·Co·kh·kw·ci, the gradients counted as the forward conv', () => {
  assert.equal(r.kernelFlops(conv1), CONV1_FLOPS);
  assert.equal(CONV1_FLOPS, 7_225_344);
  // its filter gradient: x [32, 28, 28, 1], dy [32, 28, 28, 16] → dw [3, 3, 1, 16]
  assert.equal(
    r.kernelFlops({
      name: 'Conv2DBackpropFilter',
      inputShapes: [
        [32, 28, 28, 1],
        [32, 28, 28, 16],
      ],
      outputShapes: [[3, 3, 1, 16]],
    }),
    CONV1_FLOPS,
  );
  // the 28×28 decoder's first transposed conv (3×3×64 → 7×7×32, valid, stride 2) is a Conv2DBackpropInput
  // whose forward conv maps 7×7×32 to 3×3×64
  const deconv1: Kernel = {
    name: 'Conv2DBackpropInput',
    inputShapes: [
      [32, 3, 3, 64],
      [3, 3, 32, 64],
    ],
    outputShapes: [[32, 7, 7, 32]],
  };
  const forward: Kernel = {
    name: 'Conv2D',
    inputShapes: [
      [32, 7, 7, 32],
      [3, 3, 32, 64],
    ],
    outputShapes: [[32, 3, 3, 64]],
  };
  assert.equal(r.kernelFlops(deconv1), 2 * 32 * 3 * 3 * 64 * 9 * 32);
  assert.equal(r.kernelFlops(deconv1), r.kernelFlops(forward));
  // aekit's fused convolution + bias + SELU kernels count as FusedConv2D and Conv2DBackpropInput
  assert.equal(r.kernelFlops({ ...conv1, name: 'AekitConv2DSelu' }), CONV1_FLOPS);
  assert.equal(r.classify('AekitConv2DSelu'), 'compute');
  const fusedDeconv1: Kernel = { ...deconv1, name: 'AekitConv2DTransposeSelu', inputShapes: [...deconv1.inputShapes, [32]] };
  assert.equal(r.kernelFlops(fusedDeconv1), r.kernelFlops(deconv1));
  assert.equal(r.describeKernel(fusedDeconv1), r.describeKernel(deconv1));
  assert.equal(r.classify('AekitSeluBiasGrad'), 'memory');
  assert.deepEqual(r.inferStrides(r.forwardConv(deconv1)!), { strides: [2, 2], padding: 'valid' });
  // a stride-2 'same' conv (a transposed conv's input gradient): the output size carries the stride
  const strided: Kernel = {
    name: 'Conv2D',
    inputShapes: [
      [32, 32, 32, 3],
      [3, 3, 3, 16],
    ],
    outputShapes: [[32, 16, 16, 16]],
  };
  assert.equal(r.kernelFlops(strided), 2 * 32 * 16 * 16 * 16 * 9 * 3);
  assert.deepEqual(r.inferStrides(r.forwardConv(strided)!), { strides: [2, 2], padding: 'same' });
  assert.deepEqual(r.inferStrides(r.forwardConv(conv1)!), { strides: [1, 1], padding: 'same' });
  // conv1d's [1, 7] kernels with [1, 2] strides on a 1-pixel-high image
  const c1d: Kernel = {
    name: 'Conv2D',
    inputShapes: [
      [32, 1, 288, 1],
      [1, 7, 1, 32],
    ],
    outputShapes: [[32, 1, 144, 32]],
  };
  assert.equal(r.kernelFlops(c1d), 2 * 32 * 144 * 32 * 7);
  assert.deepEqual(r.inferStrides(r.forwardConv(c1d)!), { strides: [1, 2], padding: 'same' });
  assert.equal(r.describeKernel(c1d), 'N32 1×288×1 → 1×144×32, 1×7 /1×2 same');
  // shapes that are not a conv's (channels do not match): no count
  assert.equal(
    r.kernelFlops({
      name: 'Conv2D',
      inputShapes: [
        [32, 28, 28, 2],
        [3, 3, 1, 16],
      ],
      outputShapes: [[32, 28, 28, 16]],
    }),
    null,
  );
});

test('matrix product FLOPs: 2·B·M·N·K with K from A, whatever the transposes', () => {
  // dense layer 20 → 10 at batch 32 (forward), its kernel gradient (Aᵀ·B) and input gradient (A·Bᵀ)
  assert.equal(
    r.kernelFlops({ name: '_FusedMatMul', inputShapes: [[1, 32, 20], [1, 20, 10], null, null], outputShapes: [[1, 32, 10]] }),
    2 * 32 * 10 * 20,
  );
  assert.equal(
    r.kernelFlops({
      name: 'BatchMatMul',
      inputShapes: [
        [1, 32, 10],
        [1, 32, 20],
      ],
      outputShapes: [[1, 10, 20]],
    }),
    2 * 10 * 20 * 32,
  );
  assert.equal(
    r.kernelFlops({
      name: 'BatchMatMul',
      inputShapes: [
        [1, 32, 10],
        [1, 20, 10],
      ],
      outputShapes: [[1, 32, 20]],
    }),
    2 * 32 * 20 * 10,
  );
  assert.equal(
    r.kernelFlops({
      name: 'BatchMatMul',
      inputShapes: [
        [4, 8, 16],
        [4, 16, 2],
      ],
      outputShapes: [[4, 8, 2]],
    }),
    2 * 4 * 8 * 2 * 16,
  );
});

test('fused LSTM FLOPs: its matrix products, 2·B·T·4U·(F+U) forward, twice that backward', () => {
  const fwd = 2 * 32 * 28 * 400 * (28 + 100);
  assert.equal(
    r.kernelFlops({ name: 'AekitLstm', inputShapes: [[32, 28, 28], [28, 400], [100, 400], [400]], outputShapes: [[32, 28, 100]] }),
    fwd,
  );
  assert.equal(
    r.kernelFlops({
      name: 'AekitLstmGrad',
      inputShapes: [
        [32, 28, 100],
        [32, 28, 28],
        [28, 400],
        [100, 400],
        [32, 28, 100],
        [32, 28, 100],
        [32, 28, 400],
      ],
      outputShapes: [[32, 28, 28], [28, 400], [100, 400], [400]],
    }),
    2 * fwd,
  );
});

test('classes and bytes: element-wise kernels read and write 4 bytes an element, views none', () => {
  assert.equal(r.classify('FusedConv2D'), 'compute');
  assert.equal(r.classify('BatchMatMul'), 'compute');
  assert.equal(r.classify('AekitLstmGrad'), 'compute');
  assert.equal(r.classify('Reshape'), 'view');
  assert.equal(r.classify('Conv3D'), 'other');
  assert.equal(r.classify('Selu'), 'memory');
  assert.equal(
    r.kernelBytes({
      name: 'Add',
      inputShapes: [
        [32, 10],
        [32, 10],
      ],
      outputShapes: [[32, 10]],
    }),
    4 * 3 * 320,
  );
  assert.equal(r.kernelBytes({ name: 'Add', inputShapes: [[32, 10], []], outputShapes: [[32, 10]] }), 4 * (320 + 1 + 320));
  assert.equal(r.kernelBytes({ name: 'Reshape', inputShapes: [[32, 10]], outputShapes: [[320]] }), 0);
  assert.equal(r.kernelBytes({ name: 'ZerosLike', inputShapes: [[32, 10]], outputShapes: [[32, 10]] }), 4 * 320);
  assert.equal(
    r.kernelBytes({ name: 'MaxPool', inputShapes: [[32, 28, 28, 16]], outputShapes: [[32, 14, 14, 16]] }),
    4 * (401408 + 100352),
  );
});

test('the table: one row per distinct compute call, GFLOP/s = FLOPs / ms / 1e6, percentages of each peak', () => {
  const kernels: Kernel[] = [
    { ...conv1, ms: 1 },
    { ...conv1, ms: 3 },
    { name: 'Add', ms: 0.5, inputShapes: [[1000], [1000]], outputShapes: [[1000]] },
    { name: 'Add', ms: 1.5, inputShapes: [[1000], [1000]], outputShapes: [[1000]] },
    { name: 'Reshape', ms: 0.25, inputShapes: [[1000]], outputShapes: [[10, 100]] },
    {
      name: 'Conv3D',
      ms: 2,
      inputShapes: [
        [1, 4, 4, 4, 1],
        [1, 1, 1, 1, 1],
      ],
      outputShapes: [[1, 4, 4, 4, 1]],
    },
  ];
  const t = r.rooflineTable(kernels, { gflops: 10, theoreticalGflops: 20, gbps: 5 });
  assert.equal(t.compute.length, 1);
  const c = t.compute[0];
  assert.equal(c.calls, 2);
  assert.equal(c.ms, 4);
  assert.equal(c.flops, 2 * CONV1_FLOPS);
  const gflops = (2 * CONV1_FLOPS) / (4 * 1e6); // 3.6127 GFLOP/s
  assert.equal(c.gflops, +gflops.toFixed(2));
  assert.equal(c.pctMeasured, +((100 * gflops) / 10).toFixed(1));
  assert.equal(c.pctTheoretical, +((100 * gflops) / 20).toFixed(1));
  const convBytes = 4 * (32 * 28 * 28 * 1 + 9 * 16 + 16 + 32 * 28 * 28 * 16);
  assert.equal(c.bytes, 2 * convBytes);
  assert.equal(c.flopPerByte, +(CONV1_FLOPS / convBytes).toFixed(1));
  assert.equal(t.memory.length, 1);
  const m = t.memory[0];
  assert.deepEqual([m.kernel, m.calls, m.ms, m.bytes], ['Add', 2, 2, 2 * 12000]);
  assert.equal(m.gbps, 0.01); // 24,000 bytes in 2 ms = 0.012 GB/s
  assert.equal(m.pctTriad, 0.2);
  assert.deepEqual(t.views, { calls: 1, ms: 0.25 });
  assert.deepEqual(
    t.other.map((o) => [o.kernel, o.ms]),
    [['Conv3D', 2]],
  );
  assert.equal(t.totals.ms, 8.25);
  assert.equal(t.totals.compute.flops, 2 * CONV1_FLOPS);
  assert.equal(t.totals.memory.bytes, 24000);
  const text = r.formatRoofline(t, 'conv, batch 32');
  assert.match(text, /FusedConv2D \| N32 28×28×1 → 28×28×16, 3×3 \/1 same \| 2 \| 4\.00 \| 14\.5 \| 3\.6 \|/);
  assert.match(text, /Add \| 2 \| 2\.00 \| 0\.02 \| 0\.0 \| 0\.2/);
  // no peaks measured: the percentages are absent, not 0 or Infinity
  const bare = r.rooflineTable(kernels);
  assert.equal(bare.compute[0].pctMeasured, null);
  assert.equal(bare.memory[0].pctTriad, null);
});

const cpuinfo = (
  vendor: string,
  family: number,
  model: number,
  name: string,
  flags: string,
  cores: number,
  threadsPerCore: number,
  mhz: number,
) =>
  Array.from({ length: cores * threadsPerCore }, (_, i) =>
    [
      `processor\t: ${i}`,
      `vendor_id\t: ${vendor}`,
      `cpu family\t: ${family}`,
      `model\t\t: ${model}`,
      `model name\t: ${name}`,
      `cpu MHz\t\t: ${mhz}`,
      'physical id\t: 0',
      `core id\t\t: ${i % cores}`,
      `flags\t\t: fpu sse sse2 ${flags}`,
    ].join('\n'),
  ).join('\n\n');

test('theoretical peak: physical cores × clock × FMA units × lanes × 2', () => {
  const zen1 = r.parseCpuinfo(cpuinfo('AuthenticAMD', 23, 1, 'AMD EPYC', 'avx fma avx2 hypervisor', 2, 1, 1996.249));
  assert.equal(zen1.cores, 2);
  assert.equal(zen1.mhz, 1996.249);
  const p1 = r.theoreticalPeak(zen1, { mhz: 2000, source: 'test' });
  assert.equal(p1.flopsPerCycle, 16); // 2 × 128-bit FMA pipes
  assert.equal(p1.gflops, 64);
  assert.equal(p1.terms.length, 3);
  // a virtual machine's generic model: the FLOP/cycle can be given instead of assumed
  const p1given = r.theoreticalPeak(zen1, { mhz: 2000, source: 'test' }, 32);
  assert.equal(p1given.gflops, 128);
  assert.match(p1given.terms[2], /as given \(--flopsPerCycle\)/);
  const zen2 = r.parseCpuinfo(cpuinfo('AuthenticAMD', 23, 49, 'AMD EPYC 7B12', 'avx fma avx2', 4, 2, 2250));
  assert.equal(zen2.cores, 4); // SMT siblings are not cores
  assert.equal(zen2.processors, 8);
  assert.equal(r.theoreticalPeak(zen2, { mhz: 2250, source: 'test' }).gflops, 4 * 2.25 * 32);
  const spr = r.parseCpuinfo(
    cpuinfo('GenuineIntel', 6, 143, 'Intel(R) Xeon(R) Platinum 8481C CPU @ 2.70GHz', 'avx fma avx2 avx512f', 8, 2, 2700),
  );
  const p3 = r.theoreticalPeak(spr, { mhz: 2700, source: 'test' });
  assert.equal(p3.flopsPerCycle, 64); // 2 × 512-bit FMA units
  assert.equal(p3.gflops, 8 * 2.7 * 64);
  const silver = r.parseCpuinfo(
    cpuinfo('GenuineIntel', 6, 85, 'Intel(R) Xeon(R) Silver 4114 CPU @ 2.20GHz', 'avx fma avx2 avx512f', 10, 2, 2200),
  );
  assert.equal(r.theoreticalPeak(silver, { mhz: 2200, source: 'test' }).flopsPerCycle, 32);
});

test('measured peak: skipped with a reason when there is no compiler', () => {
  const m = r.measurePeak(path.join(ROOT, 'no-such-cc'));
  assert.match(m.skipped ?? '', /^measured peak skipped: no C compiler/);
});

test('profiled kernels: the scopes tf.profile records around kernels are left out', () => {
  const k = (name: string, ms: number) => ({ name, kernelTimeMs: ms, inputShapes: [[2]], outputShapes: [[2]] });
  const profile = { kernels: [k('FusedConv2D', 1), k('fusedConv2d__op', 1.2), k('AekitLstm', 2), k('unnamed scope', 2.1), k('Add', 0.5)] };
  assert.deepEqual(
    r.profiledKernels(profile).map((x) => [x.name, x.ms]),
    [
      ['FusedConv2D', 1],
      ['AekitLstm', 2],
      ['Add', 0.5],
    ],
  );
  assert.deepEqual(
    r.profiledKernels(profile, (name) => name !== 'Add').map((x) => x.name),
    ['FusedConv2D', 'AekitLstm'],
  );
});
