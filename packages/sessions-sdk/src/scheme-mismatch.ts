import { connect } from 'node:tls';

/** OpenSSL's codes for a TLS handshake answered with bytes that are no TLS record (a plain HTTP server). */
const NOT_TLS_CODES = new Set(['ERR_SSL_WRONG_VERSION_NUMBER', 'ERR_SSL_PACKET_LENGTH_TOO_LONG']);

/** Whether a failed `https://` connection's error code says the server answered in plain text. */
export function isNotTlsCode(code: string | undefined): boolean {
  return code !== undefined && NOT_TLS_CODES.has(code);
}

/** The same host and port under the other scheme: `https://h:8080` for `http://h:8080`, `http://h:80` → `https://h:80`. */
export function otherScheme(url: string): { origin: string; other: string } {
  const parsed = new URL(url);
  const port = parsed.port === '' ? (parsed.protocol === 'https:' ? '443' : '80') : parsed.port;
  const scheme = parsed.protocol === 'https:' ? 'http:' : 'https:';
  return { origin: parsed.origin, other: new URL(`${scheme}//${parsed.host.replace(/:\d+$/, '')}:${port}`).origin };
}

/**
 * Whether the server of an `http://` URL completes a TLS handshake: asked only after it closed a plain connection
 * without answering, which is what a TLS-only server does (certificates are not checked: only the protocol matters).
 */
export function speaksTls(url: string, timeoutMs: number): Promise<boolean> {
  const { hostname, port } = new URL(url);
  const host = hostname.replace(/^\[|\]$/g, '');
  return new Promise((resolve) => {
    const socket = connect({
      host,
      port: Number(port === '' ? 80 : port),
      rejectUnauthorized: false,
      ALPNProtocols: ['http/1.1'],
    });
    const done = (answer: boolean): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve(answer);
    };
    const timer = setTimeout(() => done(false), timeoutMs);
    socket.once('secureConnect', () => done(true));
    socket.once('error', () => done(false));
  });
}
