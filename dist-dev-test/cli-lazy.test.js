/**
 * The CLI loads a command's modules only when that command runs: `aekit --help` starts no engine.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { CLI, runNode } from './cli-helpers.js';
const HOOK = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'test', 'fixtures', 'record-imports.mjs');
let dir = '';
before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'aekit-lazy-'));
});
after(async () => {
    await rm(dir, { recursive: true, force: true });
});
/** The modules `aekit ...args` resolves, and its result. */
async function importsOf(args) {
    const log = path.join(dir, `${args.join('_').replace(/\W/g, '')}.log`);
    const r = await runNode('--import', [HOOK, CLI, ...args], { AEKIT_IMPORT_LOG: log });
    const modules = (await readFile(log, 'utf8').catch(() => '')).split('\n').filter((l) => l !== '');
    return { code: r.code, modules };
}
test('aekit --help loads neither tfjs nor any command module', async () => {
    const help = await importsOf(['--help']);
    assert.equal(help.code, 0);
    assert.ok(help.modules.some((m) => m.endsWith('/dist/cli/main.js')), 'the hook saw the entry point');
    const heavy = help.modules.filter((m) => m.includes('@tensorflow') || /\/dist\/(runs|engine|models|training)\//.test(m) || m.includes('/cli/commands/'));
    assert.deepEqual(heavy, [], `aekit --help loaded ${heavy.join(', ')}`);
});
test('a command that runs loads its module and tfjs (so the check above can fail)', async () => {
    const summary = await importsOf(['summary', 'linear']);
    assert.equal(summary.code, 0);
    assert.ok(summary.modules.some((m) => m.includes('/cli/commands/summary.js')));
    assert.ok(summary.modules.some((m) => m.includes('@tensorflow/tfjs')));
    assert.ok(!summary.modules.some((m) => m.includes('/cli/commands/train.js')), 'only the command that runs is loaded');
});
//# sourceMappingURL=cli-lazy.test.js.map