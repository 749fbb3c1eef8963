/** Test support: checking the errors aekit throws. */
import assert from 'node:assert/strict';
import type { AekitError } from '../core/errors.js';

/**
 * A validator for `assert.throws` / `assert.rejects`: the error must be a `type` with `code`, with
 * `argument` unless that is undefined, and a message matching every one of `parts`.
 *
 * @example
 * await assert.rejects(loadTable({ file }), errorMatching(CsvError, 'E_CSV_NA', 'missing', /line 3/));
 */
export function errorMatching(
  type: abstract new (...args: never[]) => AekitError,
  code: string,
  argument: string | undefined,
  ...parts: RegExp[]
): (err: unknown) => true {
  return (err) => {
    assert.ok(err instanceof type, `a ${type.name}, got ${err}`);
    assert.equal(err.code, code);
    if (argument !== undefined) assert.equal(err.argument, argument);
    for (const p of parts) assert.match(err.message, p);
    return true;
  };
}
