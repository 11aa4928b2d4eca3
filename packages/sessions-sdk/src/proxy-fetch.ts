import { createRequire } from 'node:module';
import type * as undici from 'undici';
import { proxyFor, type ProxySettings } from './proxy.js';

type Undici = typeof undici;

/** How `close()` lets pooled connections finish before it drops them. */
const CLOSE_GRACE_MS = 1_000;

/**
 * A `fetch` that sends a request through the proxy `HTTP_PROXY`/`HTTPS_PROXY`/`NO_PROXY` choose for its URL. Made only
 * when a proxy is configured; a request with no proxy for its URL goes direct, over node-transport.ts.
 */
export class ProxyFetch {
  readonly #settings: ProxySettings;
  /** One connection pool per proxy URL. */
  readonly #agents = new Map<string, undici.ProxyAgent>();
  readonly #undici: Undici;

  /** The agents are made now: a malformed proxy URL fails when the client is made. */
  constructor(settings: ProxySettings) {
    this.#settings = settings;
    // Loaded here, not imported: npm undici costs a client that goes direct, as nearly all do, a tenth of a second
    // at start-up.
    this.#undici = createRequire(import.meta.url)('undici') as Undici;
    const { ProxyAgent } = this.#undici;
    // The route is chosen by proxy.ts, not by undici's EnvHttpProxyAgent, so that an error can name the proxy the
    // request went through.
    for (const proxyUrl of [settings.httpProxy, settings.httpsProxy]) {
      if (proxyUrl !== undefined && !this.#agents.has(proxyUrl)) this.#agents.set(proxyUrl, new ProxyAgent(proxyUrl));
    }
  }

  /** A ProxyFetch when the settings name a proxy, else undefined (every request goes direct). */
  static create(settings: ProxySettings): ProxyFetch | undefined {
    return settings.httpProxy === undefined && settings.httpsProxy === undefined ? undefined : new ProxyFetch(settings);
  }

  /** Send `request` through the proxy chosen for its URL (http.ts sends here only a request that has one). */
  readonly fetch = async (request: Request): Promise<Response> => {
    const route = proxyFor(request.url, this.#settings);
    const agent = route === undefined ? undefined : this.#agents.get(route.url);
    if (agent === undefined) throw new Error(`no proxy is configured for ${request.url}`);
    // Node's fetch ignores proxies, and undici's fetch takes only its own Request class: the request is replayed.
    // Its body (a small JSON document) is buffered, so that it goes with a Content-Length as it does direct.
    const response = await this.#undici.fetch(request.url, {
      method: request.method,
      headers: [...request.headers],
      ...(request.body === null ? {} : { body: await request.arrayBuffer() }),
      signal: request.signal,
      // As on the direct route: a 3xx is the caller's to see, never followed (a same-origin hop would keep the token).
      redirect: 'manual',
      dispatcher: agent,
    });
    return response as unknown as Response;
  };

  /** Release the proxies' pooled connections: gracefully, then (after {@link CLOSE_GRACE_MS}) by force. */
  async close(): Promise<void> {
    const dispatchers: undici.Dispatcher[] = [...this.#agents.values()];
    const closing = Promise.all(dispatchers.map((dispatcher) => dispatcher.close())).then(() => 'closed' as const);
    closing.catch(() => undefined);
    // A graceful close waits for every connection, also a proxy tunnel whose CONNECT was never answered: forever.
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((resolve) => {
      timer = setTimeout(() => resolve('late'), CLOSE_GRACE_MS);
    });
    try {
      if ((await Promise.race([closing, late])) === 'late') {
        await Promise.all(dispatchers.map((dispatcher) => dispatcher.destroy()));
      }
    } finally {
      clearTimeout(timer);
    }
  }
}
