// Error classes the commands throw; light on purpose (no SDK import) so that parsing stays fast.
// errors.ts maps them, with every other error, to messages and exit codes.

/** A command line that cannot work (bad option, conflicting options, bad value): exit 2. */
export class UsageError extends Error {
  override name = 'UsageError';
  /** Lines printed after the message: the command's usage line and where its help is (none for most errors). */
  readonly details: readonly string[];

  constructor(message: string, options: ErrorOptions & { details?: readonly string[] } = {}) {
    super(message, options);
    this.details = options.details ?? [];
  }
}

/** The work was interrupted (Ctrl-C): exit 130. */
export class InterruptedError extends Error {
  override name = 'InterruptedError';
}

/** A failure whose message is already what the user should read, with its exit code. */
export class ExitError extends Error {
  override name = 'ExitError';
  readonly exitCode: number;

  constructor(message: string, exitCode = 1) {
    super(message);
    this.exitCode = exitCode;
  }
}
