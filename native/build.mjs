#!/usr/bin/env node
/**
 * Builds aekit's native engine (native/*.cc → native/build/aekit_native.node): compiles every
 * source file of native/ to object files, then links them into one addon.
 *
 * Compiles with the system C++ compiler against Node's own Node-API headers (shipped with Node,
 * so nothing is downloaded, unlike node-gyp's header fetch) and Debian's oneDNN (`libdnnl-dev`).
 *
 * One build, the right code per CPU (native/isa.h): a source file that opens
 * `namespace AEKIT_ISA_NS` holds aekit's own kernels and is compiled once per instruction set
 * below, with -DAEKIT_ISA=<name> (into native/build/<name>/); the others are compiled once for
 * plain x86-64 (native/build/base/), so that loading the addon runs on any x86-64 CPU. The addon
 * picks the kernels when it loads. AVX2 (x86-64-v3) is required; AVX-512 (x86-64-v4) is built when
 * the compiler can, and the build says which it built (console and native/build/build.log).
 * The object files are kept: src/engine/native-isa.test.ts disassembles them.
 *
 *   node native/build.mjs            build; exit 1 with the reason if it cannot
 *   node native/build.mjs --optional build if possible; never fails (used by `npm install`)
 *
 * Environment: CXX (compiler, default g++), AEKIT_NATIVE_CFLAGS (extra flags, every file).
 * When the build fails, aekit runs on tfjs's wasm backend and says why in one line.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const optional = process.argv.includes('--optional');
const buildDir = join(here, 'build');
const out = join(buildDir, 'aekit_native.node');
const log = join(buildDir, 'build.log');

/**
 * The instruction sets of aekit's own kernels, lowest first (the link order, see below). `define`
 * tells the generic code (isa.cc) that an optional set was built.
 */
const ISAS = [
  { name: 'avx2', label: 'AVX2', flags: ['-march=x86-64-v3'], required: true },
  { name: 'avx512', label: 'AVX-512', flags: ['-march=x86-64-v4', '-mprefer-vector-width=512'], define: '-DAEKIT_WITH_AVX512' },
];
/** The generic code (module.cc, args.cc, threads.cc, isa.cc, conv.cc): any x86-64 CPU runs it. */
const BASE_FLAGS = ['-march=x86-64'];

/** Directories that may hold node_api.h for the running Node. */
function nodeIncludeDirs() {
  const prefix = dirname(dirname(process.execPath));
  return [join(prefix, 'include', 'node'), '/usr/include/node', '/usr/local/include/node'].filter((d) => existsSync(join(d, 'node_api.h')));
}

function fail(reason) {
  mkdirSync(dirname(log), { recursive: true });
  writeFileSync(log, `${reason}\n`);
  const msg = `aekit: native engine not built (${reason.split('\n')[0]}); aekit will use the wasm engine. Details: ${log}`;
  if (optional) {
    console.warn(msg);
    process.exit(0);
  }
  console.error(msg);
  process.exit(1);
}

if (process.platform !== 'linux' || process.arch !== 'x64') fail(`needs linux-x64, this is ${process.platform}-${process.arch}`);
const inc = nodeIncludeDirs();
if (inc.length === 0) fail('Node-API headers (node_api.h) not found next to this Node');
const cxx = process.env.CXX || 'g++';
/** The addon's translation units, one per concern (see module.cc for the list of functions). */
const sources = readdirSync(here)
  .filter((f) => f.endsWith('.cc'))
  .sort();
if (sources.length === 0) fail(`no C++ sources (*.cc) in ${here}`);
const isPerIsa = (f) => /^namespace AEKIT_ISA_NS\b/m.test(readFileSync(join(here, f), 'utf8'));
const isaSources = sources.filter(isPerIsa);
const baseSources = sources.filter((f) => !isPerIsa(f));
// Compiled with -ffast-math, but linked without it: linking with it adds crtfastmath.o, whose
// constructor turns on flush-to-zero / denormals-are-zero for the whole Node process when the
// addon loads (JavaScript and wasm arithmetic included).
const flags = [
  '-std=c++17',
  '-O3',
  '-mtune=generic',
  '-ffast-math',
  '-fno-finite-math-only',
  '-fopenmp',
  '-fPIC',
  '-fvisibility=hidden',
  '-DNODE_GYP_MODULE_NAME=aekit_native',
  ...inc.slice(0, 1).map((d) => `-I${d}`),
  ...(process.env.AEKIT_NATIVE_CFLAGS ?? '').split(' ').filter(Boolean),
];
const object = (dir, f) => join(buildDir, dir, f.replace(/\.cc$/, '.o'));
const compileArgs = (f, dir, extra) => [...flags, ...extra, '-c', join(here, f), '-o', object(dir, f)];
const show = (args) => `${cxx} ${args.join(' ')}`;

/** Runs the compiler; resolves to null, or to what went wrong (its message and stderr). */
function run(args) {
  return new Promise((resolve) => {
    execFile(cxx, args, { maxBuffer: 64 * 1024 * 1024 }, (err, _stdout, stderr) => {
      if (err === null) return resolve(null);
      resolve(err.code === 'ENOENT' ? `C++ compiler '${cxx}' not found` : String(stderr || err.message));
    });
  });
}

/** Runs every command, as many at once as there are cores; resolves to the failures (null for each success). */
async function runAll(commands) {
  const results = new Array(commands.length).fill(null);
  let next = 0;
  const worker = async () => {
    while (next < commands.length) {
      const i = next++;
      results[i] = await run(commands[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(commands.length, availableParallelism()) }, worker));
  return results;
}

function failBuild(detail, commands) {
  rmSync(`${out}.tmp`, { force: true });
  const hint = /dnnl\.h(pp)?: No such file|cannot find -ldnnl/.test(detail)
    ? 'oneDNN missing: apt-get install libdnnl-dev'
    : (detail.split('\n').find((l) => /error/.test(l)) ?? detail);
  fail(`${hint}\n${commands.join('\n')}\n${detail}`);
}

for (const dir of ['base', ...ISAS.map((i) => i.name)]) {
  rmSync(join(buildDir, dir), { recursive: true, force: true });
  mkdirSync(join(buildDir, dir), { recursive: true });
}
// Each instruction set's kernels: a required set that does not compile fails the build; an
// optional one is left out (the addon then runs the others), and the log says why.
const isaCommands = ISAS.flatMap((isa) => isaSources.map((f) => compileArgs(f, isa.name, [...isa.flags, `-DAEKIT_ISA=${isa.name}`])));
const isaResults = await runAll(isaCommands);
const built = [];
const skipped = [];
ISAS.forEach((isa, k) => {
  const results = isaResults.slice(k * isaSources.length, (k + 1) * isaSources.length);
  const bad = results.findIndex((r) => r !== null);
  if (bad < 0) return built.push(isa);
  const commands = isaCommands.slice(k * isaSources.length, (k + 1) * isaSources.length).map(show);
  if (isa.required) failBuild(results[bad], commands);
  rmSync(join(buildDir, isa.name), { recursive: true, force: true });
  const reason = results[bad].split('\n').find((l) => /error/.test(l)) ?? results[bad].split('\n')[0];
  skipped.push({ isa, reason: reason.trim(), command: commands[bad] });
});
const baseCommands = baseSources.map((f) => compileArgs(f, 'base', [...BASE_FLAGS, ...built.flatMap((i) => (i.define ? [i.define] : []))]));
const baseResults = await runAll(baseCommands);
const baseBad = baseResults.findIndex((r) => r !== null);
if (baseBad >= 0) failBuild(baseResults[baseBad], baseCommands.map(show));
// Link order matters. An inline function or template instantiation used by several files (from
// the C++ library, say) is compiled into each of their objects, and the linker keeps the first
// copy it meets. Linked from the lowest instruction set up (generic, AVX2, AVX-512), every such
// function is linked as compiled for the lowest set that uses it: generic code calls only generic
// code and AVX2 code nothing built for AVX-512 (native-isa.test.ts checks the linked addon).
const objects = [...baseSources.map((f) => object('base', f)), ...built.flatMap((isa) => isaSources.map((f) => object(isa.name, f)))];
const linkArgs = ['-shared', '-fopenmp', ...objects, '-o', `${out}.tmp`, '-ldnnl'];
const linkError = await run(linkArgs);
const allCommands = [...baseCommands, ...isaCommands.filter((a) => existsSync(a[a.length - 1])), linkArgs].map(show);
if (linkError !== null) failBuild(linkError, allCommands);
renameSync(`${out}.tmp`, out);

const setsLine = `kernels: ${built.map((i) => `${i.label} (${i.flags.join(' ')}: ${isaSources.join(' ')})`).join('; ')}; generic code (${BASE_FLAGS.join(' ')}): ${baseSources.join(' ')}`;
const skippedLines = skipped.map((s) => `${s.isa.label} kernels not built (the compiler failed on them): ${s.reason}\n  ${s.command}`);
writeFileSync(log, [`built ${out}`, setsLine, ...skippedLines, ...allCommands, ''].join('\n'));
const sets =
  skipped.length === 0
    ? `${built.map((i) => i.label).join(' + ')}, chosen per CPU at load`
    : `${built.map((i) => i.label).join(' + ')} only; ${skipped.map((s) => `${s.isa.label} not built: ${s.reason}`).join('; ')}`;
console.log(`aekit: native engine built: ${out} (kernels: ${sets})`);
