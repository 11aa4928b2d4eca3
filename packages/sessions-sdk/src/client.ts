import { createTokenSource, tenantIdFromToken, type TokenCache } from './auth.js';
import { HttpClient, type RequestOptions, type ResponseRecord } from './http.js';
import { Log } from './logger.js';
import { SessionsV1 } from './sessions/resource.js';
import { resolveSettings, type ClientOptions } from './settings.js';

/**
 * A client of the Incydr Sessions API. Settings come from options, then `INCYDR_…` environment variables, then a
 * `.env` file; the URL and credentials are checked here, the first token is fetched with the first request.
 */
export class Client {
  /** The API base URL this client talks to. */
  readonly url: string;
  /** The API client id, when authenticating with client credentials (not a secret); undefined with a refresh token. */
  readonly apiClientId: string | undefined;
  /** Sessions endpoints by API version. */
  readonly sessions: { readonly v1: SessionsV1 };
  readonly #http: HttpClient;
  readonly #tokens: TokenCache;

  constructor(options: ClientOptions = {}) {
    // Kept private: the settings hold secrets, and a public field would show in console.log(client).
    const settings = resolveSettings(options);
    this.url = settings.url;
    this.apiClientId = settings.auth.kind === 'client-credentials' ? settings.auth.apiClientId : undefined;
    const log = new Log({
      level: settings.logLevel,
      file: settings.logFile,
      stderr: settings.logStderr,
      logger: options.logger,
    });
    this.#http = new HttpClient(settings, log, options.requestBudget, options.onWait, options.onResponse);
    this.#tokens = createTokenSource(settings, this.#http, log, options.onRefreshToken);
    this.#http.useTokens(this.#tokens);
    this.sessions = { v1: new SessionsV1(this.#http, { concurrency: settings.concurrency }) };
  }

  /** The last responses received (at most `maxResponseHistory`), oldest first, with secrets redacted. */
  get responseHistory(): readonly ResponseRecord[] {
    return this.#http.history;
  }

  /** The tenant id from the access token's `tenantUid` claim (fetches a token if none is cached). */
  async getTenantId(options: RequestOptions = {}): Promise<string | undefined> {
    return tenantIdFromToken(await this.#tokens.getToken(options));
  }

  /**
   * Close pooled connections and stop a token request nobody waits for any more (one whose callers were aborted);
   * the client must not be used afterwards.
   */
  async close(): Promise<void> {
    this.#tokens.close();
    await this.#http.close();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}
