/**
 * The engine's modules import each other without a cycle (static `import … from` and dynamic
 * `import(…)` both count): `backend.ts` loads `native.ts` lazily, and `native.ts` takes what it
 * shares with `backend.ts` from `errors.ts` and `wasm-kernels.ts`, never from `backend.ts`.
 *
 * Reads the compiled modules next to this test (dist/engine/*.js), so it checks what runs.
 */

import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

/** Relative imports of one module's source, as file names in the same folder (others are ignored). */
function localImports(source: string): string[] {
  const found = new Set<string>();
  const patterns = [/\bfrom\s*['"]\.\/([^'"/]+)['"]/g, /\bimport\s*\(\s*['"]\.\/([^'"/]+)['"]\s*\)/g, /\bimport\s*['"]\.\/([^'"/]+)['"]/g];
  for (const re of patterns) for (const m of source.matchAll(re)) found.add(m[1]);
  return [...found];
}

/** A cycle in `graph` as a list of nodes (first = last), or null when there is none. */
function findCycle(graph: Map<string, string[]>): string[] | null {
  const state = new Map<string, 'open' | 'done'>();
  const path: string[] = [];
  const visit = (node: string): string[] | null => {
    if (state.get(node) === 'done') return null;
    if (state.get(node) === 'open') return [...path.slice(path.indexOf(node)), node];
    state.set(node, 'open');
    path.push(node);
    for (const next of graph.get(node) ?? []) {
      const cycle = visit(next);
      if (cycle !== null) return cycle;
    }
    path.pop();
    state.set(node, 'done');
    return null;
  };
  for (const node of graph.keys()) {
    const cycle = visit(node);
    if (cycle !== null) return cycle;
  }
  return null;
}

test('findCycle finds a two-module cycle and accepts a chain', () => {
  assert.deepEqual(
    findCycle(
      new Map([
        ['a', ['b']],
        ['b', ['a']],
      ]),
    ),
    ['a', 'b', 'a'],
  );
  assert.equal(
    findCycle(
      new Map([
        ['a', ['b']],
        ['b', ['c']],
        ['c', []],
      ]),
    ),
    null,
  );
  assert.deepEqual(
    localImports("import { x } from './a.js';\nconst m = await import('./b.js');\nimport './c.js';\nimport y from 'tfjs';"),
    ['a.js', 'b.js', 'c.js'],
  );
});

test('src/engine has no import cycle (static or dynamic imports)', () => {
  const modules = readdirSync(here).filter((f) => f.endsWith('.js') && !f.endsWith('.test.js'));
  assert.ok(modules.includes('backend.js') && modules.includes('native.js'), `engine modules found: ${modules.join(', ')}`);
  const graph = new Map(modules.map((m) => [m, localImports(readFileSync(join(here, m), 'utf8')).filter((d) => modules.includes(d))]));
  assert.ok(graph.get('backend.js')?.includes('native.js'), 'backend.js loads native.js (the edge this test is about)');
  assert.equal(graph.get('native.js')?.includes('backend.js'), false, 'native.js must not import backend.js');
  const cycle = findCycle(graph);
  assert.equal(cycle, null, `import cycle: ${cycle?.join(' → ')}`);
});
