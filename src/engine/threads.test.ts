import assert from 'node:assert/strict';
import { availableParallelism } from 'node:os';
import { test } from 'node:test';
import { nativeConvFormat, nativeThreads } from './threads.js';

test('AEKIT_THREADS: unset or empty means one thread per core, a positive integer is taken', () => {
  assert.equal(nativeThreads({}), Math.max(1, availableParallelism()));
  assert.equal(nativeThreads({ AEKIT_THREADS: '' }), Math.max(1, availableParallelism()));
  assert.equal(nativeThreads({ AEKIT_THREADS: '3' }), 3);
  assert.equal(nativeThreads({ AEKIT_THREADS: ' 1 ' }), 1);
});

test('AEKIT_THREADS: negative, zero, fractional or non-numeric values are refused with E_ENVIRONMENT', () => {
  for (const bad of ['-1', '0', '1.5', 'four', '1e3', '99999']) {
    assert.throws(
      () => nativeThreads({ AEKIT_THREADS: bad }),
      (err: Error & { code?: string }) => {
        assert.equal(err.code, 'E_ENVIRONMENT');
        assert.match(err.message, new RegExp(`^AEKIT_THREADS='${bad.replace('.', '\\.')}': expected a positive integer`));
        return true;
      },
      bad,
    );
  }
});

test('AEKIT_NATIVE_CONV_FORMAT: unset or empty is auto, auto and plain are taken, anything else is refused with E_ENVIRONMENT', () => {
  assert.equal(nativeConvFormat({}), 'auto');
  assert.equal(nativeConvFormat({ AEKIT_NATIVE_CONV_FORMAT: ' ' }), 'auto');
  assert.equal(nativeConvFormat({ AEKIT_NATIVE_CONV_FORMAT: 'plain' }), 'plain');
  assert.equal(nativeConvFormat({ AEKIT_NATIVE_CONV_FORMAT: 'auto' }), 'auto');
  for (const bad of ['Plain', 'blocked', 'nhwc', '1']) {
    assert.throws(
      () => nativeConvFormat({ AEKIT_NATIVE_CONV_FORMAT: bad }),
      (err: Error & { code?: string }) => {
        assert.equal(err.code, 'E_ENVIRONMENT');
        assert.equal(err.message, `AEKIT_NATIVE_CONV_FORMAT='${bad}': expected auto or plain, or leave it unset for auto`);
        return true;
      },
      bad,
    );
  }
});
