/**
 * The vendor's regions: API host → console host, as the vendor's SDK documentation lists them
 * (https://developer.code42.com/sdk/, "console.us.code42.com | https://api.us.code42.com").
 */
export const CONSOLE_HOSTS: Readonly<Record<string, string>> = {
  'api.us.code42.com': 'console.us.code42.com',
  'api.us2.code42.com': 'console.us2.code42.com',
  'api.ie.code42.com': 'console.ie.code42.com',
  'api.gov.code42.com': 'console.gov.code42.com',
};

/** The console base URL of an API URL by {@link CONSOLE_HOSTS}; undefined for a host not in the table. */
export function consoleUrlFor(apiUrl: string): string | undefined {
  let host: string;
  try {
    host = new URL(apiUrl).hostname.toLowerCase();
  } catch {
    return undefined;
  }
  const consoleHost = CONSOLE_HOSTS[host];
  return consoleHost === undefined ? undefined : `https://${consoleHost}`;
}

/**
 * The console page of a session: the alert review page the console opens for it (the path the vendor's XSOAR
 * integration links to).
 */
export function sessionConsoleUrl(consoleUrl: string, sessionId: string): string {
  return `${consoleUrl.replace(/\/+$/, '')}/app/#/alerts/review-alerts/${encodeURIComponent(sessionId)}`;
}
