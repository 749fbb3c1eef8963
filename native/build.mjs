#!/usr/bin/env node
/**
 * Builds aekit's native engine (native/*.cc → native/build/aekit_native.node): compiles every
 * source file of native/ to an object file, then links them into one addon.
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
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
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
/** The addon's translation units, one per concern (see module.cc for the list of functions). */
const sources = readdirSync(here)
  .filter((f) => f.endsWith('.cc'))
  .sort();
if (sources.length === 0) fail(`no C++ sources (*.cc) in ${here}`);
const objects = sources.map((f) => join(here, 'build', f.replace(/\.cc$/, '.o')));
// Compiled with -ffast-math, but linked without it: linking with it adds crtfastmath.o, whose
// constructor turns on flush-to-zero / denormals-are-zero for the whole Node process when the
// addon loads (JavaScript and wasm arithmetic included).
const flags = [
  '-std=c++17',
  '-O3',
  '-march=haswell',
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
const compileArgs = sources.map((f, i) => [...flags, '-c', join(here, f), '-o', objects[i]]);
const linkArgs = ['-shared', '-fopenmp', ...objects, '-o', `${out}.tmp`, '-ldnnl'];
const commands = [...compileArgs, linkArgs].map((a) => `${cxx} ${a.join(' ')}`).join('\n');
const removeObjects = () => {
  for (const o of objects) rmSync(o, { force: true });
};
mkdirSync(dirname(out), { recursive: true });
try {
  for (const a of compileArgs) execFileSync(cxx, a, { stdio: ['ignore', 'pipe', 'pipe'] });
  execFileSync(cxx, linkArgs, { stdio: ['ignore', 'pipe', 'pipe'] });
  removeObjects();
} catch (err) {
  rmSync(`${out}.tmp`, { force: true });
  removeObjects();
  const e = err;
  const detail = e.code === 'ENOENT' ? `C++ compiler '${cxx}' not found` : String(e.stderr || e.message);
  const hint = /dnnl\.h(pp)?: No such file|cannot find -ldnnl/.test(detail)
    ? 'oneDNN missing: apt-get install libdnnl-dev'
    : (detail.split('\n').find((l) => /error/.test(l)) ?? detail);
  fail(`${hint}\n${commands}\n${detail}`);
}
execFileSync('mv', [`${out}.tmp`, out]);
writeFileSync(log, `built ${out}\n${commands}\n`);
console.log(`aekit: native engine built: ${out}`);
