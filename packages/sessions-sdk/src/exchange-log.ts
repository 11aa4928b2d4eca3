import { redactBody, redactHeaders, type Log } from './logger.js';
import { truncate } from './http-errors.js';

const HISTORY_BODY_LIMIT = 64 * 1024;
const DEBUG_BODY_LIMIT = 8 * 1024;

/** One response the client received, as kept in `client.responseHistory` (secrets redacted). */
export interface ResponseRecord {
  method: string;
  url: string;
  status: number;
  durationMs: number;
  headers: Record<string, string>;
  /** Body text, redacted and truncated to 64 KiB when first read. */
  body: string;
}

/** Logs each request and response, and keeps the last responses for `client.responseHistory`. */
export class ExchangeLog {
  /** The most recent responses, oldest first, at most `maxHistory`. */
  readonly history: ResponseRecord[] = [];
  readonly #log: Log;
  readonly #maxHistory: number;

  constructor(log: Log, maxHistory: number) {
    this.#log = log;
    this.#maxHistory = maxHistory;
  }

  /** Logs a request at DEBUG, its secrets redacted. */
  request(method: string, url: string, headers: Headers, body: string | undefined): void {
    if (!this.#log.enabled('DEBUG')) return;
    const shownBody = body === undefined ? '' : ` body: ${truncate(redactBody(body), DEBUG_BODY_LIMIT)}`;
    this.#log.debug(`request ${method} ${url} headers: ${redactHeaders(headers)}${shownBody}`);
  }

  /** Logs a response (a line at INFO, all of it at DEBUG) and keeps it in the history. */
  response(method: string, url: string, response: Response, text: string, durationMs: number): void {
    this.#log.info(`${method} ${url} status=${response.status} ${durationMs}ms`);
    const log = this.#log;
    const redact = (): string => log.scrub(redactBody(text));
    if (log.enabled('DEBUG')) {
      log.debug(
        `response ${method} ${url} status=${response.status} headers: ${redactHeaders(response.headers)} body: ${truncate(redact(), DEBUG_BODY_LIMIT)}`,
      );
    }
    if (this.#maxHistory === 0) return;
    const headers: Record<string, string> = {};
    for (const [name, value] of response.headers) headers[name] = name === 'set-cookie' ? '[REDACTED]' : value;
    let body: string | undefined;
    this.history.push({
      method,
      url,
      status: response.status,
      durationMs,
      headers,
      // Redacting means parsing and re-serialising the body: done when someone reads it, not for every page.
      get body() {
        body ??= truncate(redact(), HISTORY_BODY_LIMIT);
        return body;
      },
    });
    if (this.history.length > this.#maxHistory) this.history.shift();
  }
}
