/**
 * The native engine's settings from the environment, `AEKIT_THREADS` (its thread count) and
 * `AEKIT_NATIVE_CONV_FORMAT` (its convolutions' memory formats), in a module of their own so
 * that `backend.ts` can check them before loading the engine and `native.ts` can use them.
 */
import { availableParallelism } from 'node:os';
import { AekitError } from '../core/errors.js';

/**
 * Threads the native engine uses: `AEKIT_THREADS` when set (a positive integer), else one per
 * core. Any other value is refused with an {@link AekitError} (`E_ENVIRONMENT`) rather than
 * ignored: a typo must not quietly change the engine or its speed.
 */
export function nativeThreads(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.AEKIT_THREADS;
  if (raw === undefined || raw.trim() === '') return Math.max(1, availableParallelism());
  const text = raw.trim();
  const value = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(value) || value < 1 || value > 4096) {
    throw new AekitError(
      `AEKIT_THREADS='${raw}': expected a positive integer (threads of the native engine, at most 4096), or leave it unset for one per core (${availableParallelism()} here)`,
      { code: 'E_ENVIRONMENT' },
    );
  }
  return value;
}

/** The values `AEKIT_NATIVE_CONV_FORMAT` takes. */
export const CONV_FORMATS = ['auto', 'plain'] as const;

/**
 * The native engine's convolution formats: `auto` (unset or empty: oneDNN's blocked formats where
 * it picks a direct kernel, `native/conv.cc`) or `plain` (tfjs's NHWC throughout, to compare). Any
 * other value is refused with an {@link AekitError} (`E_ENVIRONMENT`), as a bad AEKIT_THREADS is.
 */
export function nativeConvFormat(env: NodeJS.ProcessEnv = process.env): (typeof CONV_FORMATS)[number] {
  const raw = env.AEKIT_NATIVE_CONV_FORMAT;
  if (raw === undefined || raw.trim() === '') return 'auto';
  const value = CONV_FORMATS.find((f) => f === raw.trim());
  if (value === undefined)
    throw new AekitError(`AEKIT_NATIVE_CONV_FORMAT='${raw}': expected ${CONV_FORMATS.join(' or ')}, or leave it unset for auto`, {
      code: 'E_ENVIRONMENT',
    });
  return value;
}
