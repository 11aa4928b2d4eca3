// The single place where any error becomes a one-line message and an exit code (cli.md §5).
import {
  ApiError,
  AuthenticationError,
  ConfigurationError,
  ConnectionError,
  IncydrError,
  InvalidArgumentError,
  NotFoundError,
  RateLimitedError,
  TimeoutError,
} from '@x/sessions-sdk';
import { SyslogAbortError, SyslogConfigError, SyslogError } from '@x/syslog-out/check';
import { ExitError, InterruptedError, UsageError } from './failures.js';
import { ColumnsError } from './output/columns.js';
import { humanLine } from './output/text.js';
import { cliMessage } from './syslog-hints.js';

/** Exit codes: success, failure, usage, interrupted. */
const EXIT = { ok: 0, failure: 1, usage: 2, interrupted: 130 } as const;

/**
 * The message (one line, no stack, no control characters: it may quote server data) and exit code for any error; an
 * empty message means say nothing. A usage error of the command line adds `details`: its usage line and help.
 */
export function describeError(error: unknown): { message: string; exitCode: number; details?: string[] } {
  const oneLine = (text: string): string => humanLine(text).trim();
  if (error instanceof UsageError && error.details.length > 0) {
    return { message: oneLine(error.message), exitCode: EXIT.usage, details: error.details.map(oneLine) };
  }
  if (error instanceof UsageError || error instanceof ColumnsError)
    return { message: oneLine(error.message), exitCode: EXIT.usage };
  if (error instanceof InterruptedError) return { message: 'interrupted', exitCode: EXIT.interrupted };
  if (error instanceof ExitError) return { message: oneLine(error.message), exitCode: error.exitCode };
  if (isOutputClosed(error)) return { message: '', exitCode: EXIT.ok };
  if (error instanceof InvalidArgumentError) return { message: oneLine(error.message), exitCode: EXIT.usage };
  if (error instanceof ConfigurationError) return { message: oneLine(error.message), exitCode: EXIT.failure };
  if (error instanceof NotFoundError) {
    return { message: oneLine(`not found (HTTP 404): ${error.serverMessage || error.url}`), exitCode: EXIT.failure };
  }
  if (error instanceof RateLimitedError) {
    const wait =
      error.retryAfterMs === undefined ? '' : `; the server asks to wait ${Math.ceil(error.retryAfterMs / 1000)} s`;
    const tries = error.retries === 0 ? ', not retried' : ` after ${retries(error.retries)}`;
    return { message: oneLine(`rate limited (HTTP 429)${tries}${wait}`), exitCode: EXIT.failure };
  }
  if (error instanceof AuthenticationError) return { message: oneLine(error.message), exitCode: EXIT.failure };
  if (error instanceof ApiError) {
    const reason = error.serverMessage === '' ? '' : `: ${error.serverMessage}`;
    return {
      message: oneLine(
        `API error (HTTP ${error.status}) on ${error.method} ${error.url}${reason}${after(error.retries)}`,
      ),
      exitCode: EXIT.failure,
    };
  }
  // The wrong scheme for the server (https:// to plain HTTP or the reverse): the SDK's words name the URL to use.
  if (error instanceof ConnectionError && error.reason !== undefined)
    return { message: oneLine(error.detail), exitCode: EXIT.failure };
  if (error instanceof ConnectionError || error instanceof TimeoutError) {
    return { message: oneLine(`${error.message}${after(error.retries)}`), exitCode: EXIT.failure };
  }
  if (error instanceof SyslogConfigError) return { message: oneLine(error.message), exitCode: EXIT.usage };
  // The sender stopped because the run was interrupted and the receiver did not confirm in time.
  if (error instanceof SyslogAbortError) return { message: 'interrupted', exitCode: EXIT.interrupted };
  if (error instanceof SyslogError) {
    return { message: oneLine(`syslog output failed: ${cliMessage(error)}`), exitCode: EXIT.failure };
  }
  if (error instanceof IncydrError) return { message: oneLine(error.message), exitCode: EXIT.failure };
  if (error instanceof Error && error.name === 'AbortError')
    return { message: 'interrupted', exitCode: EXIT.interrupted };
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return {
    message: oneLine(`unexpected error: ${text} (rerun with --log-level DEBUG --log-stderr for details)`),
    exitCode: EXIT.failure,
  };
}

function retries(count: number): string {
  return `${count} ${count === 1 ? 'retry' : 'retries'}`;
}

/** ` (after N retries)` when the SDK retried, so that a message never claims retries that did not happen. */
function after(count: number): string {
  return count > 0 ? ` (after ${retries(count)})` : '';
}

function isOutputClosed(error: unknown): boolean {
  return (
    error instanceof Error && (error.name === 'OutputClosedError' || (error as NodeJS.ErrnoException).code === 'EPIPE')
  );
}
