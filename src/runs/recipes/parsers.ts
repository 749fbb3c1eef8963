/**
 * Parsers of recipe option values (`RecipeOption.parse`). They throw an `ArgumentError` naming the
 * option's key; the CLI shows it as one line naming the flag.
 */
import { ArgumentError } from '../../core/errors.js';

/** A parser of integers ≥ 1 for option `key`. */
export function positiveInt(key: string): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!/^\d+$/.test(value.trim()) || n < 1) throw new ArgumentError(key, `expected an integer ≥ 1, got '${value}'.`);
    return n;
  };
}

/** A parser of comma-separated positive integers (`100,30`) for option `key`. */
export function positiveIntList(key: string): (value: string) => number[] {
  return (value) => {
    const list = value.split(',').map((s) => Number(s.trim()));
    if (list.length === 0 || !list.every((u) => Number.isInteger(u) && u > 0)) {
      throw new ArgumentError(key, `expected a comma-separated list of positive integers such as 100,30, got '${value}'.`);
    }
    return list;
  };
}

/** A parser that accepts one of `choices` for option `key`. */
export function oneOf<T extends string>(key: string, choices: readonly T[]): (value: string) => T {
  return (value) => {
    if (!(choices as readonly string[]).includes(value))
      throw new ArgumentError(key, `expected one of ${choices.join(', ')}, got '${value}'.`);
    return value as T;
  };
}

/**
 * A parser that keeps the raw string once `check` accepts it (the builder parses it again), e.g.
 * `--noise gaussian:0.2` is stored as written in the run's options.
 */
export function checkedBy(check: (value: string) => unknown): (value: string) => string {
  return (value) => {
    check(value);
    return value;
  };
}
