/**
 * Parsers for recipe options (`RecipeOption.parse`): they throw commander's InvalidArgumentError,
 * which the CLI prints as one line naming the flag.
 */
import { InvalidArgumentError } from 'commander';

/** Parses an integer ≥ 1. */
export function positiveInt(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || n < 1) throw new InvalidArgumentError(`expected an integer ≥ 1, got '${value}'.`);
  return n;
}

/**
 * A parser that keeps the raw string once `check` accepts it (the recipe parses it again when it
 * builds), turning `check`'s error into commander's.
 */
export function checkedBy(check: (value: string) => unknown): (value: string) => string {
  return (value) => {
    try {
      check(value);
    } catch (err) {
      throw new InvalidArgumentError((err as Error).message);
    }
    return value;
  };
}
