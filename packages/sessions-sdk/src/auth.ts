import { untilAborted } from './abort.js';
import { IncydrError } from './errors.js';
import type { HttpClient, RequestOptions, TokenSource } from './http.js';
import type { Log } from './logger.js';
import type { ResolvedSettings } from './settings.js';
import { RefreshTokenResponseSchema, TokenResponseSchema } from './sessions/schemas.js';

/** How long before expiry a token is replaced: 60 s, or 10 % of its lifetime when that is shorter. */
export function refreshMarginMs(lifetimeMs: number): number {
  return Math.min(60_000, lifetimeMs * 0.1);
}

/** Lifetime assumed when a refresh response does not say (real tenants issue 15-minute tokens). */
const DEFAULT_LIFETIME_MS = 900_000;

interface CachedToken {
  value: string;
  /** Epoch ms after which the token is no longer used. */
  renewAt: number;
}

/** Caches an access token, renews it before expiry, and lets one renewal run however many callers wait. */
export class TokenCache implements TokenSource {
  readonly #fetchToken: (signal: AbortSignal) => Promise<{ value: string; lifetimeMs: number }>;
  readonly #now: () => number;
  /** Aborted by close(): a renewal still running then is one nobody waits for. */
  readonly #closed = new AbortController();
  #token: CachedToken | undefined;
  #pending: Promise<CachedToken> | undefined;

  /** `fetchToken` gets a signal that aborts when the cache is closed; it may ignore it (see createTokenSource). */
  constructor(
    fetchToken: (signal: AbortSignal) => Promise<{ value: string; lifetimeMs: number }>,
    now: () => number = Date.now,
  ) {
    this.#fetchToken = fetchToken;
    this.#now = now;
  }

  async getToken(options: RequestOptions): Promise<string> {
    if (this.#token !== undefined && this.#now() < this.#token.renewAt) return this.#token.value;
    // A caller already stopped starts no renewal: one nobody waits for would reject unheard when the client closes.
    options.signal?.throwIfAborted();
    // The renewal is shared, so it must not die with the signal of whichever caller happened to start it:
    // each caller only stops waiting when its own signal aborts.
    this.#pending ??= this.#renew().finally(() => {
      this.#pending = undefined;
    });
    return (await untilAborted(this.#pending, options.signal)).value;
  }

  invalidate(token: string): void {
    // Only the refused token is dropped: a newer one fetched meanwhile by another request stays.
    if (this.#token?.value === token) this.#token = undefined;
  }

  /** Stop a renewal still in flight (its callers have stopped waiting: they were aborted) and renew no more. */
  close(): void {
    this.#closed.abort(new IncydrError('the client was closed'));
  }

  async #renew(): Promise<CachedToken> {
    const startedAt = this.#now();
    const { value, lifetimeMs } = await this.#fetchToken(this.#closed.signal);
    const token = { value, renewAt: startedAt + lifetimeMs - refreshMarginMs(lifetimeMs) };
    this.#token = token;
    return token;
  }
}

/** The token source for the configured auth: client credentials (`POST /v1/oauth`) or a refresh token. */
export function createTokenSource(
  settings: ResolvedSettings,
  http: HttpClient,
  log: Log,
  onRefreshToken?: (token: { tokenValue: string; expiresAt: string | null }) => void | Promise<void>,
): TokenCache {
  const auth = settings.auth;
  if (auth.kind === 'client-credentials') {
    log.addSecret(auth.apiClientSecret);
    log.addSecret(Buffer.from(`${auth.apiClientId}:${auth.apiClientSecret}`).toString('base64'));
    return new TokenCache(async (signal) => {
      const body = await http.json(
        {
          method: 'POST',
          path: '/v1/oauth',
          auth: { basic: { username: auth.apiClientId, password: auth.apiClientSecret } },
          retrySafe: true,
          // Cut when the client closes, so that a process interrupted while it waits for a token ends at once.
          options: { signal },
        },
        TokenResponseSchema,
      );
      log.addSecret(body.access_token);
      return { value: body.access_token, lifetimeMs: Math.max(0, body.expires_in * 1000) };
    });
  }

  let refreshToken = auth.refreshToken;
  log.addSecret(refreshToken);
  // The refresh exchange ignores the close signal: a refresh token may be single-use, and an exchange cut after the
  // server rotated it would lose the new one. A closed client lets it finish (within its timeout) and keeps it.
  return new TokenCache(async () => {
    const body = await http.json(
      {
        method: 'POST',
        path: auth.refreshUrl,
        json: { refreshToken },
        auth: 'none',
        // A refresh token may be single-use: a repeated call could spend the rotated one we never saw.
        retrySafe: false,
      },
      RefreshTokenResponseSchema,
    );
    const access = body.accessToken;
    log.addSecret(access.tokenValue);
    const rotated = body.refreshToken;
    if (rotated?.tokenValue != null) {
      log.addSecret(rotated.tokenValue);
      refreshToken = rotated.tokenValue;
      await onRefreshToken?.({ tokenValue: rotated.tokenValue, expiresAt: rotated.expiresAt ?? null });
    }
    const expiresAt = access.expiresAt == null ? Number.NaN : Date.parse(access.expiresAt);
    if (Number.isNaN(expiresAt)) {
      log.warn(`refresh response has no readable accessToken.expiresAt; assuming ${DEFAULT_LIFETIME_MS / 1000} s`);
      return { value: access.tokenValue, lifetimeMs: DEFAULT_LIFETIME_MS };
    }
    return { value: access.tokenValue, lifetimeMs: Math.max(0, expiresAt - Date.now()) };
  });
}

/** The `tenantUid` claim of a JWT access token, or undefined when the token is not a readable JWT. */
export function tenantIdFromToken(token: string): string | undefined {
  const payload = token.split('.')[1];
  if (payload === undefined) return undefined;
  try {
    const claims: unknown = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    const tenant = (claims as { tenantUid?: unknown } | null)?.tenantUid;
    return typeof tenant === 'string' ? tenant : undefined;
  } catch {
    return undefined;
  }
}
