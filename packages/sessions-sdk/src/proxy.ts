/** The proxy settings the client honours: `HTTP_PROXY`, `HTTPS_PROXY`, `NO_PROXY` (empty ones as undefined). */
export interface ProxySettings {
  httpProxy: string | undefined;
  httpsProxy: string | undefined;
  noProxy: string | undefined;
}

/** The proxy a request goes through. */
export interface ProxyRoute {
  /** The proxy URL as configured, credentials included: what the connection uses. */
  url: string;
  /** The proxy URL without credentials, for messages. */
  shown: string;
  /** The setting it comes from. */
  setting: 'HTTPS_PROXY' | 'HTTP_PROXY';
}

const DEFAULT_PORTS: Record<string, number> = { 'http:': 80, 'https:': 443 };

/**
 * The proxy for a request to `url`, or undefined to go direct. The usual rules (those of undici's
 * EnvHttpProxyAgent and curl): https URLs use `HTTPS_PROXY`, else `HTTP_PROXY`; http URLs use `HTTP_PROXY`;
 * `NO_PROXY` lists hosts (`example.com` also covers its subdomains; a leading `.` or `*.` is ignored), optionally
 * with `:port`, separated by commas or spaces, or is `*` for no proxy at all.
 */
export function proxyFor(url: string | URL, settings: ProxySettings): ProxyRoute | undefined {
  const target = new URL(url);
  const https = target.protocol === 'https:';
  const chosen =
    https && settings.httpsProxy !== undefined
      ? { url: settings.httpsProxy, setting: 'HTTPS_PROXY' as const }
      : settings.httpProxy !== undefined
        ? { url: settings.httpProxy, setting: 'HTTP_PROXY' as const }
        : undefined;
  if (chosen === undefined || bypassed(target, settings.noProxy)) return undefined;
  return { ...chosen, shown: withoutCredentials(chosen.url) };
}

/** A proxy URL fit for a message: scheme, host and port, never a user name or password. */
export function withoutCredentials(proxyUrl: string): string {
  // Without a scheme, `user:password@host` would parse as a URL of scheme `user:`.
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(proxyUrl)) return proxyUrl.replace(/^[^@/]*@/, '');
  try {
    const parsed = new URL(proxyUrl);
    return `${parsed.protocol}//${parsed.host}`;
  } catch {
    return proxyUrl.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^@/]*@/i, '$1');
  }
}

function bypassed(target: URL, noProxy: string | undefined): boolean {
  if (noProxy === undefined) return false;
  if (noProxy.trim() === '*') return true;
  const host = target.hostname.toLowerCase();
  const port = Number(target.port) || DEFAULT_PORTS[target.protocol] || 0;
  for (const entry of noProxy.split(/[\s,]+/)) {
    if (entry === '') continue;
    const withPort = /^(.+):(\d+)$/.exec(entry);
    const name = (withPort?.[1] ?? entry).replace(/^\*?\./, '').toLowerCase();
    if (withPort !== null && Number(withPort[2]) !== port) continue;
    if (host === name || host.endsWith(`.${name}`)) return true;
  }
  return false;
}
