import type { RequestBudget } from './rate-limit.js';
import { defaultEnvFile, envFileCandidates, settingsLookup } from './env.js';
import { ConfigurationError } from './errors.js';
import type { ResponseInfo, WaitInfo } from './http.js';
import { parseLogLevel, type LogLevel, type Logger } from './logger.js';
import { DEFAULT_CONCURRENCY, MAX_CONCURRENCY } from './limits.js';

/** Options of `new Client(…)`; each one falls back to its `INCYDR_…` environment variable, then to a `.env` file. */
export interface ClientOptions {
  /** Base URL of the tenant's API gateway, e.g. `https://api.us.code42.com` (`INCYDR_URL`). */
  url?: string;
  /** API client id (`INCYDR_API_CLIENT_ID`). */
  apiClientId?: string;
  /** API client secret (`INCYDR_API_CLIENT_SECRET`); never logged. */
  apiClientSecret?: string;
  /** Refresh token; with `refreshUrl` it takes precedence over client credentials (`INCYDR_REFRESH_TOKEN`). */
  refreshToken?: string;
  /** Absolute URL of the refresh endpoint (`INCYDR_REFRESH_URL`). */
  refreshUrl?: string;
  /** Called with the rotated refresh token after each refresh, so a caller can persist it. */
  onRefreshToken?: (token: { tokenValue: string; expiresAt: string | null }) => void | Promise<void>;
  /** Put in front of the User-Agent (`INCYDR_USER_AGENT_PREFIX`). @default '' */
  userAgentPrefix?: string;
  /** How many recent responses `client.responseHistory` keeps (`INCYDR_MAX_RESPONSE_HISTORY`). @default 5 */
  maxResponseHistory?: number;
  /** Timeout of each HTTP attempt in milliseconds (`INCYDR_TIMEOUT_MS`). @default 60000 */
  timeoutMs?: number;
  /**
   * Retries after a 408, 429, 500, 502, 503 or 504, a connection reset or a timeout, for retry-safe calls
   * (`INCYDR_MAX_RETRIES`). @default 4
   */
  maxRetries?: number;
  /** Upper bound of one wait between retries, and the longest `Retry-After` honoured (`INCYDR_MAX_RETRY_DELAY_MS`). @default 60000 */
  maxRetryDelayMs?: number;
  /**
   * Most pages `iterAll` has in flight, waiting or being yielded once the first page gave a total, 1 to 16; 1 fetches
   * one page after another (`INCYDR_CONCURRENCY`). @default 4
   */
  concurrency?: number;
  /**
   * Most requests this client starts in any sliding 60 s, token calls and retries included; requests beyond it
   * wait (`INCYDR_MAX_REQUESTS_PER_MINUTE`). The API documents about 120 per API client. @default undefined (no limit)
   */
  maxRequestsPerMinute?: number;
  /**
   * A budget shared with other clients (`new RequestBudget(n)`): this client's requests count against it together
   * with theirs, in place of `maxRequestsPerMinute`. @default undefined (the client's own `maxRequestsPerMinute`)
   */
  requestBudget?: RequestBudget;
  /** `ERROR`, `WARNING`/`WARN`, `INFO`, `DEBUG` or Python's numbers 40/30/20/10 (`INCYDR_LOG_LEVEL`). @default 'WARNING' */
  logLevel?: LogLevel | string | number;
  /** Append log lines to this file (`INCYDR_LOG_FILE`). */
  logFile?: string;
  /** Write log lines to stderr (`INCYDR_LOG_STDERR`). @default true */
  logStderr?: boolean;
  /** Receives every log line (already redacted) instead of stderr/file. */
  logger?: Logger;
  /** Told before every wait between attempts (`Retry-After`, backoff) and for `maxRequestsPerMinute`: for progress displays. */
  onWait?: (wait: WaitInfo) => void;
  /** Told of every answer the API gives (each attempt, retries and token calls included): for metrics. */
  onResponse?: (response: ResponseInfo) => void;
  /** Environment to read instead of `process.env`. */
  env?: Record<string, string | undefined>;
  /**
   * `.env` file to read; `null` reads none.
   * @default `./.env` if it exists, else `~/.config/incydr/.env`
   */
  envFile?: string | null;
}

/** Settings after options, environment and `.env` were merged and checked. */
export interface ResolvedSettings {
  url: string;
  auth:
    | { kind: 'client-credentials'; apiClientId: string; apiClientSecret: string }
    | { kind: 'refresh-token'; refreshToken: string; refreshUrl: string };
  userAgentPrefix: string;
  maxResponseHistory: number;
  timeoutMs: number;
  maxRetries: number;
  maxRetryDelayMs: number;
  concurrency: number;
  maxRequestsPerMinute: number | undefined;
  logLevel: LogLevel;
  logFile: string | undefined;
  logStderr: boolean;
  proxy: { httpProxy: string | undefined; httpsProxy: string | undefined; noProxy: string | undefined };
}

/** Merge options > environment > `.env` into the shape the client runs on; throws ConfigurationError. */
export function resolveSettings(options: ClientOptions = {}): ResolvedSettings {
  // The file is settled here, not on the first lookup, so that a message about missing settings can name it.
  const envFile = options.envFile === undefined ? defaultEnvFile() : options.envFile;
  const lookup = settingsLookup({ ...options, envFile });
  const text = (option: string | undefined, name: string): string | undefined =>
    nonEmpty(option) ?? nonEmpty(lookup(name));

  const urlText = text(options.url, 'INCYDR_URL');
  const refreshToken = text(options.refreshToken, 'INCYDR_REFRESH_TOKEN');
  const refreshUrl = text(options.refreshUrl, 'INCYDR_REFRESH_URL');
  const apiClientId = text(options.apiClientId, 'INCYDR_API_CLIENT_ID');
  const apiClientSecret = text(options.apiClientSecret, 'INCYDR_API_CLIENT_SECRET');
  // A malformed URL is reported before anything is missing, as it was given (its message quotes it).
  const url = urlText === undefined ? undefined : validateUrl(urlText);
  const credentials = missingCredentials({ apiClientId, apiClientSecret, refreshToken, refreshUrl });
  // Every missing setting in one message: fixing them one run at a time takes as many runs as there are.
  if (url === undefined || credentials.length > 0) {
    const missing = [...(url === undefined ? ['INCYDR_URL'] : []), ...credentials];
    throw new ConfigurationError(missingMessage(missing, options.envFile === undefined, envFile), { missing });
  }

  let auth: ResolvedSettings['auth'];
  if (refreshToken !== undefined && refreshUrl !== undefined) {
    auth = { kind: 'refresh-token', refreshToken, refreshUrl: validateUrl(refreshUrl, 'INCYDR_REFRESH_URL') };
  } else {
    // missingCredentials found both.
    auth = {
      kind: 'client-credentials',
      apiClientId: apiClientId as string,
      apiClientSecret: apiClientSecret as string,
    };
  }

  const logStderrText = options.logStderr ?? nonEmpty(lookup('INCYDR_LOG_STDERR'));
  return {
    url,
    auth,
    userAgentPrefix: text(options.userAgentPrefix, 'INCYDR_USER_AGENT_PREFIX') ?? '',
    maxResponseHistory: integer(options.maxResponseHistory, lookup, 'INCYDR_MAX_RESPONSE_HISTORY', 5, 0),
    timeoutMs: integer(options.timeoutMs, lookup, 'INCYDR_TIMEOUT_MS', 60_000, 1),
    maxRetries: integer(options.maxRetries, lookup, 'INCYDR_MAX_RETRIES', 4, 0),
    maxRetryDelayMs: integer(options.maxRetryDelayMs, lookup, 'INCYDR_MAX_RETRY_DELAY_MS', 60_000, 0),
    concurrency: integer(options.concurrency, lookup, 'INCYDR_CONCURRENCY', DEFAULT_CONCURRENCY, 1, MAX_CONCURRENCY),
    maxRequestsPerMinute: integer(options.maxRequestsPerMinute, lookup, 'INCYDR_MAX_REQUESTS_PER_MINUTE', undefined, 1),
    logLevel: level(options.logLevel ?? nonEmpty(lookup('INCYDR_LOG_LEVEL'))),
    logFile: text(options.logFile, 'INCYDR_LOG_FILE'),
    logStderr: logStderrText === undefined ? true : boolean(logStderrText, 'INCYDR_LOG_STDERR'),
    proxy: {
      httpProxy: nonEmpty(lookup('HTTP_PROXY')),
      httpsProxy: nonEmpty(lookup('HTTPS_PROXY')),
      noProxy: nonEmpty(lookup('NO_PROXY')),
    },
  };
}

/** The credential settings still needed: none when either pair is complete, else the partner of a half-given pair. */
function missingCredentials(
  given: Record<'apiClientId' | 'apiClientSecret' | 'refreshToken' | 'refreshUrl', string | undefined>,
): string[] {
  const { apiClientId, apiClientSecret, refreshToken, refreshUrl } = given;
  if (
    (refreshToken !== undefined && refreshUrl !== undefined) ||
    (apiClientId !== undefined && apiClientSecret !== undefined)
  )
    return [];
  if (
    apiClientId === undefined &&
    apiClientSecret === undefined &&
    (refreshToken !== undefined || refreshUrl !== undefined)
  ) {
    return [refreshToken === undefined ? 'INCYDR_REFRESH_TOKEN' : 'INCYDR_REFRESH_URL'];
  }
  return [
    ...(apiClientId === undefined ? ['INCYDR_API_CLIENT_ID'] : []),
    ...(apiClientSecret === undefined ? ['INCYDR_API_CLIENT_SECRET'] : []),
  ];
}

/**
 * One line naming every missing setting and where settings were looked for: the `.env` file read, or the places
 * where none was found.
 */
function missingMessage(missing: readonly string[], defaultFile: boolean, envFile: string | null): string {
  const described = missing.map((name) =>
    name === 'INCYDR_URL' ? 'INCYDR_URL (the API URL, e.g. https://api.us.code42.com)' : name,
  );
  const names =
    described.length === 1 ? described.join('') : `${described.slice(0, -1).join(', ')} and ${described.at(-1)}`;
  const them = missing.length === 1 ? 'it' : 'them';
  const clientPair = missing.includes('INCYDR_API_CLIENT_ID') || missing.includes('INCYDR_API_CLIENT_SECRET');
  const instead = clientPair
    ? ' (or INCYDR_REFRESH_TOKEN with INCYDR_REFRESH_URL instead of the client id and secret)'
    : '';
  const where =
    envFile !== null
      ? `in the environment or in ${envFile} (read: it does not set ${them})`
      : defaultFile
        ? `in the environment or in a .env file (none found at ${envFileCandidates().join(' or ')})`
        : 'in the environment or the client options (no .env file is read)';
  return `missing setting${missing.length === 1 ? '' : 's'} ${names}${instead}: set ${them} ${where}`;
}

function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed === undefined || trimmed === '' ? undefined : trimmed;
}

function validateUrl(value: string, name = 'INCYDR_URL'): string {
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch (error) {
    throw new ConfigurationError(`${name} "${value}" is not a URL: it must start with https:// or http://`, {
      cause: error,
    });
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    throw new ConfigurationError(`${name} "${value}" must start with https:// or http://`);
  }
  if (parsed.username !== '' || parsed.password !== '') {
    throw new ConfigurationError(`${name} must not carry credentials; use the client id and secret settings`);
  }
  // Tested on the text: an empty query or fragment (`…/?`) leaves `search` and `hash` empty, yet the request path
  // appended to the URL would land in it.
  if (/[?#]/.test(value)) {
    throw new ConfigurationError(`${name} "${value}" must not have a query or fragment`);
  }
  return parsed.href.replace(/\/+$/, '');
}

function integer<F extends number | undefined>(
  option: number | undefined,
  lookup: (name: string) => string | undefined,
  name: string,
  fallback: F,
  minimum: number,
  maximum = Number.MAX_SAFE_INTEGER,
): number | F {
  const raw = option ?? nonEmpty(lookup(name));
  if (raw === undefined) return fallback;
  const value = typeof raw === 'number' ? raw : /^\d+$/.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isSafeInteger(value) || value < minimum || value > maximum) {
    const range = maximum === Number.MAX_SAFE_INTEGER ? `of at least ${minimum}` : `from ${minimum} to ${maximum}`;
    throw new ConfigurationError(`${name} must be an integer ${range}, got "${String(raw)}"`);
  }
  return value;
}

function boolean(value: boolean | string, name: string): boolean {
  if (typeof value === 'boolean') return value;
  if (/^(true|1|yes|on)$/i.test(value)) return true;
  if (/^(false|0|no|off)$/i.test(value)) return false;
  throw new ConfigurationError(`${name} must be true or false, got "${value}"`);
}

function level(value: string | number | undefined): LogLevel {
  if (value === undefined) return 'WARNING';
  const parsed = parseLogLevel(value);
  if (parsed === undefined) {
    throw new ConfigurationError(`log level "${String(value)}" is not one of ERROR, WARNING, INFO, DEBUG`);
  }
  return parsed;
}
