import { closeSync, openSync, writeSync } from 'node:fs';

/** Log levels, most severe first. */
export type LogLevel = 'ERROR' | 'WARNING' | 'INFO' | 'DEBUG';

/** A sink for log lines; lines arrive already redacted and filtered by level. */
export interface Logger {
  log(level: LogLevel, message: string): void;
}

const RANK: Record<LogLevel, number> = { ERROR: 40, WARNING: 30, INFO: 20, DEBUG: 10 };
const REDACTED = '[REDACTED]';
const SECRET_HEADERS = new Set(['authorization', 'proxy-authorization', 'cookie', 'set-cookie']);
const SECRET_KEYS = new Set([
  'access_token',
  'refresh_token',
  'accesstoken',
  'refreshtoken',
  'tokenvalue',
  'client_secret',
  'clientsecret',
  'password',
]);

/** Parse `ERROR`, `WARNING`/`WARN`, `INFO`, `DEBUG` (any case) or Python's numbers; undefined when unknown. */
export function parseLogLevel(value: string | number): LogLevel | undefined {
  const text = String(value).trim().toUpperCase();
  if (text === 'WARN') return 'WARNING';
  if (text in RANK) return text as LogLevel;
  const number = Number(text);
  if (text === '' || !Number.isInteger(number)) return undefined;
  if (number >= 40) return 'ERROR';
  if (number >= 30) return 'WARNING';
  if (number >= 20) return 'INFO';
  return 'DEBUG';
}

/** Levels-aware logging front that scrubs every secret it was told about before a line leaves the process. */
export class Log {
  readonly #threshold: number;
  readonly #sinks: Logger[];
  readonly #secrets = new Set<string>();

  constructor(options: { level: LogLevel; file?: string | undefined; stderr: boolean; logger?: Logger | undefined }) {
    this.#threshold = RANK[options.level];
    if (options.logger !== undefined) {
      this.#sinks = [options.logger];
    } else {
      this.#sinks = [];
      if (options.stderr) this.#sinks.push(stderrSink);
      if (options.file !== undefined) this.#sinks.push(fileSink(options.file));
    }
  }

  /** Remember a value that must never appear in a log line (secrets shorter than 4 characters are not worth it). */
  addSecret(value: string): void {
    if (value.length >= 4) this.#secrets.add(value);
  }

  /** Whether a line at this level would be written (so callers skip building expensive DEBUG text). */
  enabled(level: LogLevel): boolean {
    return this.#sinks.length > 0 && RANK[level] >= this.#threshold;
  }

  error(message: string): void {
    this.#write('ERROR', message);
  }

  warn(message: string): void {
    this.#write('WARNING', message);
  }

  info(message: string): void {
    this.#write('INFO', message);
  }

  debug(message: string): void {
    this.#write('DEBUG', message);
  }

  /** Replace every known secret in a text (also used for bodies kept in the response history). */
  scrub(text: string): string {
    let out = text;
    for (const secret of this.#secrets) {
      if (out.includes(secret)) out = out.split(secret).join(REDACTED);
    }
    return out;
  }

  #write(level: LogLevel, message: string): void {
    if (!this.enabled(level)) return;
    // Scrubbed first: a secret is matched as it was sent, before its characters are escaped.
    const line = escapeControls(this.scrub(message));
    for (const sink of this.#sinks) sink.log(level, line);
  }
}

// Server text in a line (a body at DEBUG, a message) must not drive the terminal or the reader of a log file, nor
// split one entry over several lines: C0 and C1 controls and bidi overrides are written as \uXXXX.
const CONTROLS = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/gu;

function escapeControls(text: string): string {
  return text.replace(CONTROLS, (char) => `\\u${(char.codePointAt(0) ?? 0).toString(16).padStart(4, '0')}`);
}

/** Headers as `name: value` text with credentials replaced. */
export function redactHeaders(headers: Iterable<[string, string]>): string {
  const parts: string[] = [];
  for (const [name, value] of headers) {
    parts.push(`${name}: ${SECRET_HEADERS.has(name.toLowerCase()) ? REDACTED : value}`);
  }
  return parts.join(', ');
}

/** A JSON body with the values of token and secret keys replaced at any depth; other text is returned as is. */
export function redactBody(text: string): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return text;
  }
  return JSON.stringify(parsed, (key, value: unknown) =>
    typeof value === 'string' && SECRET_KEYS.has(key.toLowerCase()) ? REDACTED : value,
  );
}

const stderrSink: Logger = {
  log(level, message) {
    process.stderr.write(`${new Date().toISOString()} ${level} incydr: ${message}\n`);
  },
};

function fileSink(path: string): Logger {
  let fd: number | undefined;
  let broken = false;
  return {
    log(level, message) {
      if (broken) return;
      // Opened on the first line so that a client that never logs never creates the file; written synchronously
      // so that lines survive a crash right after them.
      try {
        // 0600: a DEBUG log holds request URLs and response bodies, for the user's eyes only.
        fd ??= openSync(path, 'a', 0o600);
        writeSync(fd, `${new Date().toISOString()} ${level} incydr: ${message}\n`);
      } catch (error) {
        // Logging must never break a request: report once, then stop writing to this file.
        broken = true;
        if (fd !== undefined) closeSync(fd);
        process.stderr.write(`incydr: cannot write log file ${path}: ${(error as Error).message}\n`);
      }
    },
  };
}
