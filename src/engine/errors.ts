/**
 * The engine's error type, in a module of its own so that `backend.ts` and `native.ts` can both
 * use it without importing each other.
 */

/** Error thrown when a backend cannot be used; `code` is stable for programs. */
export class BackendError extends Error {
  readonly code = 'E_BACKEND';
}
