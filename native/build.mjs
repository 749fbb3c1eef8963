#!/usr/bin/env node
/**
 * Builds aekit's native engine (native/aekit_native.cc → native/build/aekit_native.node).
 *
 * Compiles with the system C++ compiler against Node's own Node-API headers (shipped with Node,
 * so nothing is downloaded, unlike node-gyp's header fetch) and Debian's oneDNN (`libdnnl-dev`).
 *
 *   node native/build.mjs            build; exit 1 with the reason if it cannot
 *   node native/build.mjs --optional build if possible; never fails (used by `npm install`)
 *
 * Environment: CXX (compiler, default g++), AEKIT_NATIVE_CFLAGS (extra flags).
 * When the build fails, aekit runs on tfjs's wasm backend and says why in one line.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const optional = process.argv.includes('--optional');
const out = join(here, 'build', 'aekit_native.node');
const log = join(here, 'build', 'build.log');

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
const obj = join(here, 'build', 'aekit_native.o');
// Compiled with -ffast-math, but linked without it: linking with it adds crtfastmath.o, whose
// constructor turns on flush-to-zero / denormals-are-zero for the whole Node process when the
// addon loads (JavaScript and wasm arithmetic included).
const args = [
  '-std=c++17', '-O3', '-march=haswell', '-mtune=generic', '-ffast-math', '-fno-finite-math-only', '-fopenmp',
  '-fPIC', '-fvisibility=hidden', '-DNODE_GYP_MODULE_NAME=aekit_native',
  ...inc.slice(0, 1).map((d) => `-I${d}`),
  ...(process.env.AEKIT_NATIVE_CFLAGS ?? '').split(' ').filter(Boolean),
  '-c', join(here, 'aekit_native.cc'), '-o', obj,
];
const linkArgs = ['-shared', '-fopenmp', obj, '-o', `${out}.tmp`, '-ldnnl'];
mkdirSync(dirname(out), { recursive: true });
try {
  execFileSync(cxx, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  execFileSync(cxx, linkArgs, { stdio: ['ignore', 'pipe', 'pipe'] });
  rmSync(obj, { force: true });
} catch (err) {
  rmSync(`${out}.tmp`, { force: true });
  rmSync(obj, { force: true });
  const e = err;
  const detail = e.code === 'ENOENT' ? `C++ compiler '${cxx}' not found` : String(e.stderr || e.message);
  const hint = /dnnl\.hpp|-ldnnl/.test(detail) ? 'oneDNN missing: apt-get install libdnnl-dev' : detail.split('\n').find((l) => /error/.test(l)) ?? detail;
  fail(`${hint}\n${cxx} ${args.join(' ')}\n${cxx} ${linkArgs.join(' ')}\n${detail}`);
}
execFileSync('mv', [`${out}.tmp`, out]);
writeFileSync(log, `built ${out}\n${cxx} ${args.join(' ')}\n${cxx} ${linkArgs.join(' ')}\n`);
console.log(`aekit: native engine built: ${out}`);
