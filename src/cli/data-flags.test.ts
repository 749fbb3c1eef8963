import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type DataFlags, dataRequestOf } from './data-flags.js';
import { UsageError } from './options.js';

test('--series with its flags becomes a series request; its flags without --series are refused', () => {
  assert.deepEqual(dataRequestOf({ series: 's.csv', window: 48, stride: 2, valueColumn: ['a', 'b'], validationSplit: 0.2 }), {
    kind: 'series',
    file: 's.csv',
    valueColumns: ['a', 'b'],
    timestampColumn: undefined,
    window: 48,
    stride: 2,
    validationSplit: 0.2,
  });
  const cases: Array<[DataFlags, string]> = [
    [{ window: 48 }, '--window'],
    [{ stride: 2 }, '--stride'],
    [{ valueColumn: ['a'] }, '--value-column'],
    [{ timestampColumn: 't' }, '--timestamp-column'],
  ];
  for (const [flags, flag] of cases)
    assert.throws(
      () => dataRequestOf(flags),
      (err: unknown) => err instanceof UsageError && err.message === `${flag} applies to --series data only: give --series too`,
    );
  assert.throws(() => dataRequestOf({ series: 's.csv', table: 't.csv' }), /--table and --series: give one data source/);
});
