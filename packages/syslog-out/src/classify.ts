// Turns socket and TLS errors into SyslogErrors with a reason and, where one helps, a hint.
import { SyslogConnectionError, SyslogError, SyslogTlsError } from './errors.js';
import { CERTIFICATE, CLIENT_CERTIFICATE, DROPS_CONNECTIONS, NOT_TLS, refused } from './hints.js';

const RETRYABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ECONNABORTED',
]);
const CERTIFICATE_CODES = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/** Turn a socket error into a classified SyslogError. */
export function classify(error: unknown, where: string, target: string): SyslogError {
  if (error instanceof SyslogError) return error;
  const code = (error as { code?: unknown }).code;
  // OpenSSL messages end in a line break; errors here are one line.
  const message = (error instanceof Error ? error.message : String(error)).replace(/\s+/g, ' ').trim();
  if (typeof code === 'string' && CERTIFICATE_CODES.has(code)) {
    return new SyslogTlsError(`TLS certificate of ${target} refused (${code}: ${message})`, {
      ...CERTIFICATE,
      cause: error,
    });
  }
  if (typeof code === 'string' && /CERTIFICATE_REQUIRED|BAD_CERTIFICATE|UNKNOWN_CA|CERTIFICATE_UNKNOWN/.test(code)) {
    return new SyslogTlsError(`${target} refused our TLS client certificate (${code})`, {
      ...CLIENT_CERTIFICATE,
      cause: error,
    });
  }
  if (typeof code === 'string' && (code === 'EPROTO' || code.startsWith('ERR_SSL'))) {
    return new SyslogTlsError(`TLS handshake with ${target} failed (${message})`, { ...NOT_TLS, cause: error });
  }
  const retryable = typeof code === 'string' && RETRYABLE_CODES.has(code);
  // A reset while connecting comes before anything was sent: not about what we send.
  const explained =
    code === 'ECONNREFUSED'
      ? refused(target)
      : code === 'ECONNRESET' && where === 'connecting to'
        ? DROPS_CONNECTIONS
        : {};
  return new SyslogConnectionError(`${where} ${target} failed: ${message}`, { retryable, ...explained, cause: error });
}

/** Whether the receiver reset the connection (rather than closing it), looking through causes. */
export function isReset(error: unknown): boolean {
  for (let current = error, depth = 0; current !== undefined && current !== null && depth < 5; depth += 1) {
    const code = (current as { code?: unknown }).code;
    if (code === 'ECONNRESET' || code === 'EPIPE') return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}
