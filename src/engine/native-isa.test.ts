/**
 * One build, the right code per CPU (native/isa.h): the addon holds aekit's own kernels twice, for
 * AVX2 (x86-64-v3) and AVX-512 (x86-64-v4), and picks one when it loads.
 *
 * - The choice is reported (info(), the engine line) and is the best set this CPU runs; the
 *   addon's own CPUID reading agrees with /proc/cpuinfo.
 * - AEKIT_NATIVE_ISA forces a set (child processes: the choice is made once, at load) and is
 *   refused in one line for a set this CPU lacks or a name that is none.
 * - The kernel tests (every kernel against tfjs's cpu backend) run again under each other set this
 *   CPU runs; a set it cannot run is a skip that says so.
 * - The machine code is what it claims (objdump): the AVX-512 objects hold AVX-512 code, the AVX2
 *   objects AVX2 code and no AVX-512, the generic objects no AVX at all, no kernel object has a
 *   static initialiser, and in the linked addon no function uses or calls code above its level.
 * - On an emulated CPU without AVX (qemu-x86_64, when installed) the addon refuses to load, naming
 *   what is missing, and `auto` runs on wasm.
 *
 * Needs the addon (`npm run build:native`); AEKIT_SKIP_NATIVE=1 skips these tests visibly.
 */

import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { type Level, linkViolations, type ObjectCode, parseDisassembly } from './isa-code-test-helper.js';
import { describeNativeEngine, NATIVE_ADDON_PATH, NATIVE_BUILD_HINT, type NativeInfo, nativeInfo } from './native.js';

const skip = process.env.AEKIT_SKIP_NATIVE === '1' ? 'AEKIT_SKIP_NATIVE=1: native engine tests skipped' : false;
const run = promisify(execFile);

let info: NativeInfo | undefined;
let loadError = '';
if (!skip) {
  try {
    info = nativeInfo();
  } catch (err) {
    loadError = `the native addon is not built: ${(err as Error).message}. ${NATIVE_BUILD_HINT}, or set AEKIT_SKIP_NATIVE=1 to skip`;
  }
}
function loaded(): NativeInfo {
  return info ?? assert.fail(loadError);
}

/** What each set needs, as /proc/cpuinfo names the flags (native/isa.cc reads the same bits with CPUID). */
const NEEDS: Record<string, string[]> = {
  avx2: [
    'pni',
    'ssse3',
    'sse4_1',
    'sse4_2',
    'popcnt',
    'cx16',
    'lahf_lm',
    'avx',
    'avx2',
    'bmi1',
    'bmi2',
    'f16c',
    'fma',
    'abm',
    'movbe',
    'xsave',
  ],
  avx512: ['avx512f', 'avx512dq', 'avx512cd', 'avx512bw', 'avx512vl'],
};

/** Runs `script` (an ES module) in a fresh Node with `env` added; returns the JSON it printed last. */
async function child(script: string, env: Record<string, string>, prefix: string[] = []): Promise<Record<string, unknown>> {
  const [cmd, ...args] = [...prefix, process.execPath, '--input-type=module', '-e', script];
  const { stdout } = await run(cmd, args, { env: { ...process.env, ...env }, timeout: 180_000, maxBuffer: 1 << 26 });
  const last = stdout.trim().split('\n').at(-1) ?? '';
  return JSON.parse(last) as Record<string, unknown>;
}
const nativeUrl = new URL('./native.js', import.meta.url).href;
const backendUrl = new URL('./backend.js', import.meta.url).href;
/** A child script: loads the engine through `auto` and prints its description, or the error it got. */
const autoScript = `
const b = await import(${JSON.stringify(backendUrl)});
try { const e = await b.useBackend('auto'); console.log(JSON.stringify({ description: e.description })); }
catch (e) { console.log(JSON.stringify({ code: e.code, message: e.message })); }`;

test(
  'native ISA: the addon reports the instruction set it chose (the best this CPU runs) and reads the CPU as /proc/cpuinfo does',
  { skip },
  () => {
    const i = loaded();
    assert.deepEqual(
      i.isas.map((s) => s.name),
      ['avx2', 'avx512'],
    );
    assert.ok(i.isas[0].compiled, 'the AVX2 kernels are always built');
    const runnable = i.isas.filter((s) => s.compiled && s.missing.length === 0).map((s) => s.name);
    const forced = process.env.AEKIT_NATIVE_ISA || undefined;
    assert.equal(i.isa, forced ?? runnable.at(-1));
    assert.equal(i.isaForced, forced !== undefined);
    assert.equal(i.isaLabel, i.isas.find((s) => s.name === i.isa)?.label);
    assert.ok(describeNativeEngine().includes(`+ ${i.isaLabel} kernels`), describeNativeEngine());
    // Linux lists a flag in /proc/cpuinfo when the CPU has it and the kernel enabled its register
    // state, which is what the addon reads from CPUID and XGETBV.
    const flags = new Set(/^flags\s*:(.*)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1].trim().split(/\s+/) ?? []);
    assert.ok(flags.has('fpu'), 'could not read the flags of /proc/cpuinfo');
    let needed: string[] = [];
    for (const s of i.isas) {
      needed = [...needed, ...NEEDS[s.name]];
      assert.deepEqual(
        s.missing,
        needed.filter((f) => !flags.has(f)),
        `${s.name}: what the addon says the CPU lacks`,
      );
    }
  },
);

test('native ISA: AEKIT_NATIVE_ISA=avx2 runs the AVX2 kernels, and the engine line says so (child process)', { skip }, async () => {
  loaded();
  const script = `
const n = await import(${JSON.stringify(nativeUrl)});
const a = n.loadNativeAddon();
const heap = new ArrayBuffer(8192), x = new Float32Array(heap, 0, 1000);
for (let i = 0; i < x.length; i++) x[i] = (i - 500) / 25;
a.unary(heap, a.unaryOps.exp, 0, 4096, x.length);
const y = new Float32Array(heap, 4096, x.length);
let err = 0;
for (let i = 0; i < x.length; i++) err = Math.max(err, Math.abs(y[i] - Math.exp(x[i])) / Math.exp(x[i]));
console.log(JSON.stringify({ info: n.nativeInfo(), line: n.describeNativeEngine(), err }));`;
  const out = await child(script, { AEKIT_NATIVE_ISA: 'avx2' });
  const i = out.info as NativeInfo;
  assert.equal(i.isa, 'avx2');
  assert.equal(i.isaForced, true);
  assert.match(out.line as string, /\+ AVX2 kernels, forced by AEKIT_NATIVE_ISA, on tfjs wasm memory/);
  assert.ok((out.err as number) < 1e-6, `exp on the AVX2 kernels: relative error ${out.err}`);
});

const unrunnable = info?.isas.find((s) => !s.compiled || s.missing.length > 0);
test(
  'native ISA: AEKIT_NATIVE_ISA naming a set this CPU or build lacks is refused in one line, not a fallback (child process)',
  {
    skip:
      skip ||
      (info !== undefined && unrunnable === undefined
        ? 'this CPU runs every instruction set of this build: there is none to refuse'
        : false),
  },
  async () => {
    const s = unrunnable ?? assert.fail(loadError);
    const out = await child(autoScript, { AEKIT_NATIVE_ISA: s.name });
    assert.equal(out.code, 'E_ENVIRONMENT', JSON.stringify(out));
    const message = out.message as string;
    assert.ok(!message.includes('\n'), message);
    const why = s.compiled ? `this CPU lacks ${s.missing.join(', ')} for the ${s.label} kernels` : `this build has no ${s.label} kernels`;
    assert.ok(message.startsWith(`AEKIT_NATIVE_ISA=${s.name}, but ${why}`), message);
  },
);

test('native ISA: AEKIT_NATIVE_ISA naming no instruction set is refused, listing the names (child process)', { skip }, async () => {
  loaded();
  const out = await child(autoScript, { AEKIT_NATIVE_ISA: 'avx3' });
  assert.equal(out.code, 'E_ENVIRONMENT', JSON.stringify(out));
  assert.equal(
    out.message,
    "AEKIT_NATIVE_ISA='avx3': expected one of avx2, avx512 (the kernels' instruction set), or leave it unset for the best this CPU runs",
  );
});

// The kernel tests against tfjs's cpu backend, run again (child `node --test`) under each set
// other than this process's choice, which the rest of this test run covers.
const KERNEL_TESTS = [
  './native.test.js',
  './native-boundary.test.js',
  './native-op-codes.test.js',
  './model-gradients.test.js',
  './selu-grad.test.js',
  './fused-conv.test.js',
  './resize-nearest.test.js',
  './fused-loss.test.js',
  '../training/fused-optimizers.test.js',
  '../layers/lstm.test.js',
  '../layers/conv.test.js',
].map((f) => fileURLToPath(new URL(f, import.meta.url)));
for (const name of ['avx2', 'avx512']) {
  const s = info?.isas.find((x) => x.name === name);
  const why =
    skip ||
    (s === undefined
      ? false // fails below, saying why the addon did not load
      : name === info?.isa
        ? `${name} is what this process chose: the kernel test files, run without AEKIT_NATIVE_ISA, cover it`
        : !s.compiled
          ? `this build has no ${s.label} kernels (the compiler could not build them, see native/build/build.log)`
          : s.missing.length > 0
            ? `this CPU has no ${s.missing.join(', ')}: the ${s.label} kernels were compiled but not run`
            : false);
  test(
    `native ISA: the kernel tests pass on the ${s?.label ?? name} kernels (AEKIT_NATIVE_ISA=${name}, child node --test)`,
    { skip: why },
    async () => {
      loaded();
      // (without this runner's NODE_TEST_CONTEXT, which would make the child report to it in its own protocol)
      const { NODE_TEST_CONTEXT: _, ...env } = process.env;
      const result = await run(process.execPath, ['--test', '--test-reporter=tap', ...KERNEL_TESTS], {
        env: { ...env, AEKIT_NATIVE_ISA: name },
        maxBuffer: 1 << 28,
      }).catch((err: { stdout?: string; stderr?: string; code?: number }) =>
        assert.fail(
          `node --test under AEKIT_NATIVE_ISA=${name} exited ${err.code}:\n${(err.stdout ?? '')
            .split('\n')
            .filter((l) => /^\s*not ok|^# (pass|fail)/.test(l))
            .join('\n')}\n${err.stderr ?? ''}`,
        ),
      );
      const count = (what: string): number => Number(new RegExp(`^# ${what} (\\d+)$`, 'm').exec(result.stdout)?.[1] ?? NaN);
      assert.equal(count('fail'), 0);
      assert.equal(count('skipped'), 0, 'no kernel test may skip under a forced instruction set');
      assert.ok(count('pass') >= 20, `only ${count('pass')} kernel tests passed`);
    },
  );
}

// ---------------------------------------------------------------------------------------------
// The machine code (objdump)

const BUILD = join(fileURLToPath(new URL('../../native/build', import.meta.url)));
const DIRS: [string, Level][] = [
  ['base', 0],
  ['avx2', 1],
  ['avx512', 2],
];
const hasObjdump = (() => {
  try {
    execFileSync('objdump', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();
const objectsBuilt = DIRS.slice(0, 2).every(
  ([d]) => existsSync(join(BUILD, d)) && readdirSync(join(BUILD, d)).some((f) => f.endsWith('.o')),
);
const codeSkip =
  skip ||
  (!hasObjdump
    ? 'objdump is not installed (binutils): the machine code of the instruction sets was not checked'
    : !objectsBuilt
      ? `${BUILD} has no object files per instruction set: rebuild with npm run build:native`
      : false);
const disassemble = (file: string): string =>
  execFileSync('objdump', ['-d', '-C', '--insn-width=15', file], { encoding: 'utf8', maxBuffer: 1 << 30 });
function objects(): ObjectCode[] {
  return DIRS.flatMap(([dir, level]) =>
    existsSync(join(BUILD, dir))
      ? readdirSync(join(BUILD, dir))
          .filter((f) => f.endsWith('.o'))
          .sort()
          .map((f) => ({ file: `${dir}/${f}`, level, functions: parseDisassembly(disassemble(join(BUILD, dir, f))) }))
      : [],
  );
}

test(
  'native ISA: the AVX-512 objects hold AVX-512 (zmm) code, the AVX2 objects AVX2 code and no AVX-512, the generic objects no AVX',
  { skip: codeSkip },
  () => {
    const objs = objects();
    const avx512Built = loaded().isas[1].compiled;
    assert.equal(existsSync(join(BUILD, 'avx512')), avx512Built, 'native/build/avx512/ exists exactly when the addon has AVX-512 kernels');
    for (const o of objs) {
      const sum = (f: (x: (typeof o.functions)[number]) => number): number => o.functions.reduce((a, x) => a + f(x), 0);
      const top = Math.max(0, ...o.functions.map((f) => f.level));
      assert.ok(top <= o.level, `${o.file} uses ${['generic', 'AVX2', 'AVX-512'][top]} code`);
      if (o.functions.length === 0) continue; // the kernel table: data only
      if (o.level === 1) assert.ok(sum((f) => f.ymm) > 0, `${o.file} has no AVX2 (ymm) code`);
      if (o.level === 2) assert.ok(sum((f) => f.zmm) > 0, `${o.file} has no AVX-512 (zmm) code`);
    }
    for (const [, level] of DIRS.slice(0, avx512Built ? 3 : 2)) assert.ok(objs.some((o) => o.level === level && o.functions.length > 0));
  },
);

test('native ISA: no kernel object has a static initialiser (it would run on every CPU when the addon loads)', { skip: codeSkip }, () => {
  for (const [dir, level] of DIRS) {
    if (level === 0 || !existsSync(join(BUILD, dir))) continue;
    for (const f of readdirSync(join(BUILD, dir)).filter((x) => x.endsWith('.o'))) {
      const sections = execFileSync('objdump', ['-h', join(BUILD, dir, f)], { encoding: 'utf8' });
      assert.doesNotMatch(sections, /\.init_array|\.ctors/, `${dir}/${f} has a static initialiser`);
    }
  }
});

test(
  'native ISA: in the linked addon no function uses or calls code of a higher instruction set than the code that calls it',
  { skip: codeSkip },
  () => {
    const linked = parseDisassembly(disassemble(NATIVE_ADDON_PATH));
    assert.ok(
      linked.some((f) => f.name.startsWith('aekit::avx2::')),
      'the linked addon has no aekit::avx2 functions (stripped, or not this build)',
    );
    assert.deepEqual(linkViolations(objects(), linked), []);
  },
);

test('native ISA: the link check finds a shared function linked as its AVX-512 copy, and a call upwards', () => {
  // Two objects define std::f (an inline function): the generic one and an AVX-512 one.
  const f = (name: string, level: Level, calls: string[] = []) => ({
    name,
    level,
    counts: [0, 0, 0] as [number, number, number],
    zmm: 0,
    ymm: 0,
    calls,
  });
  const objs: ObjectCode[] = [
    { file: 'base/a.o', level: 0, functions: [f('std::f()', 0), f('aekit::g()', 0)] },
    { file: 'avx512/b.o', level: 2, functions: [f('std::f()', 2), f('aekit::avx512::k()', 2)] },
  ];
  assert.deepEqual(linkViolations(objs, [f('std::f()', 0), f('aekit::g()', 0), f('aekit::avx512::k()', 2, ['std::f()'])]), []);
  assert.deepEqual(linkViolations(objs, [f('std::f()', 2), f('aekit::g()', 0, ['std::f()'])]), [
    'std::f(): its linked copy uses avx512 code, but generic code calls it',
    'aekit::g() (generic) calls std::f(), which uses avx512 code',
  ]);
  assert.deepEqual(linkViolations(objs, [f('aekit::g()', 0, ['aekit::avx512::k()']), f('aekit::avx512::k()', 2)]), [
    'aekit::g() (generic) calls aekit::avx512::k(), which uses avx512 code',
  ]);
  // Instruction bytes: EVEX (62), VEX (c4/c5, also after an address-size prefix), LZCNT, plain SSE.
  const listing = [
    '0000000000000000 <k()>:',
    '   0:\t62 f1 7c 48 10 07    \tvmovups (%rdi),%zmm0',
    '   6:\t67 c5 fc 10 07       \tvmovups (%edi),%ymm0',
    '   b:\tf3 48 0f bd c7       \tlzcnt  %rdi,%rax',
    '  10:\t0f 10 07             \tmovups (%rdi),%xmm0',
    '  13:\te8 00 00 00 00       \tcall   18 <std::f()@plt>',
  ].join('\n');
  assert.deepEqual(parseDisassembly(listing), [{ name: 'k()', level: 2, counts: [2, 2, 1], zmm: 1, ymm: 1, calls: ['std::f()'] }]);
});

// ---------------------------------------------------------------------------------------------
// A CPU without AVX, emulated

const hasQemu = (() => {
  try {
    execFileSync('qemu-x86_64', ['-version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();
test(
  'native ISA: on an emulated CPU without AVX (qemu-x86_64 -cpu Nehalem) the addon refuses to load in one line, and auto runs on wasm',
  {
    skip:
      skip || (hasQemu ? false : 'qemu-x86_64 is not installed (apt-get install qemu-user): loading on a CPU without AVX was not emulated'),
  },
  async () => {
    loaded();
    const script = `
let refusal;
try { (await import('node:module')).createRequire(import.meta.url)(${JSON.stringify(NATIVE_ADDON_PATH)}); }
catch (e) { refusal = { code: e.code, message: e.message }; }
const b = await import(${JSON.stringify(backendUrl)});
const engine = await b.useBackend('auto');
const tf = await import(${JSON.stringify(new URL('../core/tf.js', import.meta.url).href)});
console.log(JSON.stringify({ refusal, description: engine.description, backend: engine.backend, y: Array.from(tf.exp(tf.tensor([0, 1])).dataSync()) }));`;
    const out = await child(script, {}, ['qemu-x86_64', '-cpu', 'Nehalem']);
    const refusal = out.refusal as { code: string; message: string };
    assert.equal(refusal?.code, 'ERR_AEKIT_NATIVE_CPU', JSON.stringify(out));
    assert.equal(
      refusal.message,
      `aekit native: this CPU lacks ${['avx', 'avx2', 'bmi1', 'bmi2', 'f16c', 'fma', 'abm', 'movbe', 'xsave'].join(', ')} (x86-64-v3), which aekit's native kernels need`,
    );
    assert.equal(out.backend, 'wasm');
    assert.equal(
      out.description,
      `engine: tfjs wasm + aekit kernels, 1 thread (native engine unavailable: native addon not loaded: ${refusal.message.replace('aekit native: ', '')})`,
    );
    const y = out.y as number[];
    assert.ok(y[0] === 1 && Math.abs(y[1] - Math.E) < 1e-6, `exp on wasm: ${y}`);
  },
);
