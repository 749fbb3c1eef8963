/**
 * What the recipes read from a {@link ModelInput}: the output activation that fits the values, and
 * the checks that refuse data a model cannot take.
 */
import { ArgumentError } from '../../core/errors.js';
import type { OutputActivation } from '../../models/conv-layers.js';
import type { ModelInput } from '../recipe.js';

/** Sigmoid for values in [0, 1] (images, min-max-scaled tables), linear for unbounded ones. */
export function outputActivationOf(input: ModelInput): OutputActivation {
  return input.unitRange ? 'sigmoid' : 'linear';
}

/** `[7]`, for error messages. */
export function shapeText(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

/** Refuses samples that are not images (`[h, w]` or `[h, w, c]`) for `model`, pointing to `dense`. */
export function requireImages(model: string, input: ModelInput): void {
  const rank = input.shape.length;
  if ((rank !== 2 && rank !== 3) || input.kind === 'table' || input.kind === 'sequences') {
    throw new ArgumentError(
      'input',
      `the ${model} model takes images ([h, w] or [h, w, c] samples), found ${input.kind} samples of shape ${shapeText(input.shape)}: use the dense model for them`,
    );
  }
}
