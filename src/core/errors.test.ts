import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AekitError, ArgumentError, ConflictError } from './errors.js';

test('an ArgumentError names its argument in the message and in `argument`, with a stable code', () => {
  const e = new ArgumentError('units', 'expected a non-empty list of positive integers, got []');
  assert.ok(e instanceof AekitError && e instanceof Error);
  assert.equal(e.name, 'ArgumentError');
  assert.equal(e.code, 'E_ARGUMENT');
  assert.equal(e.argument, 'units');
  assert.equal(e.message, 'units: expected a non-empty list of positive integers, got []');
  assert.equal(
    e.describe((a) => `--${a}`),
    '--units: expected a non-empty list of positive integers, got []',
  );
});

test('a marked argument stays where the message puts it; a leading "where:" stays first', () => {
  const marked = new ArgumentError('noise', "{noise} 'salt:1': expected gaussian:STDDEV");
  assert.equal(marked.message, "noise 'salt:1': expected gaussian:STDDEV");
  assert.equal(
    marked.describe((a) => `--${a}`),
    "--noise 'salt:1': expected gaussian:STDDEV",
  );
  const where = new ArgumentError('points', 'pca: expected at least 2 points');
  assert.equal(where.message, 'pca: points: expected at least 2 points');
});

test('a ConflictError names every argument involved; describe rewrites each of them', () => {
  const e = new ConflictError(['greedyEpochs', 'greedy'], '{greedyEpochs} needs {greedy}');
  assert.equal(e.code, 'E_CONFLICT');
  assert.equal(e.argument, 'greedyEpochs');
  assert.deepEqual(e.arguments, ['greedyEpochs', 'greedy']);
  assert.equal(e.message, 'greedyEpochs needs greedy');
  assert.equal(
    e.describe((a) => `--${a.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`),
    '--greedy-epochs needs --greedy',
  );
});

test('an AekitError keeps its cause and a default code; braces that are not names are left alone', () => {
  const cause = new Error('disk full');
  const e = new AekitError('could not write {"a": 1}', { cause });
  assert.equal(e.code, 'E_AEKIT');
  assert.equal(e.cause, cause);
  assert.equal(e.message, 'could not write {"a": 1}');
});
