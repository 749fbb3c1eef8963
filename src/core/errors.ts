/**
 * aekit's errors. Every error the library throws on purpose is an {@link AekitError}: a stable
 * `code` for programs, a message for people, and, when arguments are to blame, their names.
 *
 * Library messages name *arguments* (option keys such as `units` or `greedyEpochs`), never
 * command-line flags. A message may mark an argument's name as `{units}`: `message` shows it as
 * `units`, and {@link AekitError.describe} lets a caller write it its own way — the CLI writes
 * `--units`.
 */

/** Options every aekit error constructor takes after its message. */
export interface AekitErrorOptions {
  /** Stable code, e.g. `E_ARGUMENT`; each subclass has a default. */
  code?: string;
  /** Name of the library argument (option key) at fault, e.g. `units`. */
  argument?: string;
  /** The underlying error. */
  cause?: unknown;
}

const PLACEHOLDER = /\{([A-Za-z][A-Za-z0-9]*)\}/g;

/**
 * Base class of aekit's errors.
 *
 * @example
 * try { stackedAutoencoder({ units: [] }); }
 * catch (e) { if (e instanceof AekitError) console.log(e.code, e.argument, e.message); }
 */
export class AekitError extends Error {
  /** Stable identifier of what went wrong (messages may change, codes do not). */
  readonly code: string;
  /** The library argument at fault, when there is one. */
  readonly argument?: string;
  /** The message with `{argument}` marks. */
  readonly template: string;

  constructor(message: string, options: AekitErrorOptions = {}) {
    super(message.replace(PLACEHOLDER, '$1'), options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.template = message;
    this.code = options.code ?? 'E_AEKIT';
    if (options.argument !== undefined) this.argument = options.argument;
  }

  /** The message with every marked argument name written by `nameOf` (e.g. as a CLI flag). */
  describe(nameOf: (argument: string) => string): string {
    return this.template.replace(PLACEHOLDER, (_, name: string) => nameOf(name));
  }
}

/**
 * A value given for one argument is invalid. The message says what was expected and what was
 * found; the argument's name is put in front of it (after a leading `where: `) unless the message
 * marks the name itself.
 *
 * @example
 * throw new ArgumentError('units', `expected a non-empty list of positive integers, got [${units}]`);
 */
export class ArgumentError extends AekitError {
  constructor(argument: string, message: string, options: Omit<AekitErrorOptions, 'argument'> = {}) {
    super(ArgumentError.mark(argument, message), { code: 'E_ARGUMENT', ...options, argument });
  }

  /** `message` with the argument's name marked: kept where it is marked, else after a leading `where: ` (`pca: {points}: …`), else in front. */
  private static mark(argument: string, message: string): string {
    if (message.includes(`{${argument}}`)) return message;
    const where = /^([A-Za-z][\w.]*(?: '[^']*')?): /.exec(message);
    return where === null ? `{${argument}}: ${message}` : `${where[1]}: {${argument}}: ${message.slice(where[0].length)}`;
  }
}

/**
 * Arguments that do not go together (e.g. `noise` with `greedy`), the first being the one to
 * change; the message marks them as `{noise}`, `{greedy}`.
 */
export class ConflictError extends AekitError {
  /** Every argument involved. */
  readonly arguments: readonly string[];

  constructor(args: readonly string[], message: string, options: Omit<AekitErrorOptions, 'argument'> = {}) {
    super(message, { code: 'E_CONFLICT', ...options, argument: args[0] });
    this.arguments = args;
  }
}

/**
 * Training stopped because the loss became NaN or infinite (code `E_DIVERGED`); `epoch` and
 * `batch` (both counted from 1) say where, `weightsFromEpoch` which epoch's weights the model was
 * left with (0: the weights training started from).
 */
export class DivergedError extends AekitError {
  readonly epoch: number;
  readonly batch: number;
  readonly weightsFromEpoch: number;

  constructor(
    message: string,
    where: { epoch: number; batch: number; weightsFromEpoch: number },
    options: Omit<AekitErrorOptions, 'code'> = {},
  ) {
    super(message, { ...options, code: 'E_DIVERGED' });
    this.epoch = where.epoch;
    this.batch = where.batch;
    this.weightsFromEpoch = where.weightsFromEpoch;
  }
}

/**
 * Training was asked to stop (its `signal` was aborted) and stopped at the end of a batch (code
 * `E_INTERRUPTED`). `checkpointed` says whether a checkpoint of where it stopped was written
 * (then the run can be resumed); `epoch` and `batch` say where (batch 0: before the epoch's first);
 * `runDir`, set by the run layer, is the run directory to resume.
 */
export class InterruptedError extends AekitError {
  readonly checkpointed: boolean;
  readonly epoch: number;
  readonly batch: number;
  readonly runDir?: string;

  constructor(
    message: string,
    where: { checkpointed: boolean; epoch: number; batch: number; runDir?: string },
    options: Omit<AekitErrorOptions, 'code'> = {},
  ) {
    super(message, { ...options, code: 'E_INTERRUPTED' });
    this.checkpointed = where.checkpointed;
    this.epoch = where.epoch;
    this.batch = where.batch;
    if (where.runDir !== undefined) this.runDir = where.runDir;
  }
}
