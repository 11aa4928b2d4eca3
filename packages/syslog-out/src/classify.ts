import { SyslogConnectionError, SyslogError, SyslogTlsError } from './errors.js';

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
const CERTIFICATE_HINT = 'check the receiver certificate, pass its CA with --certs, or --ignore-cert-validation to skip checks';
export const NOT_TLS_HINT = 'is the port a TLS port? (use TCP for a plain port)';
export const NOT_TLS_PLAIN_HINT = 'is it a TLS port? (use TLS-TCP:HOST:PORT)';
export const HUNG_TLS_HINT =
  'the receiver accepted the connection but never completed the TLS handshake: it may be hung or overloaded, ' +
  'or the port may be a plain one (TCP:HOST:PORT)';
export const STALL_HINT = 'the receiver stopped reading; if it is only slow, raise writeStallTimeoutMs';
export const CONFIRM_HINT =
  'the receiver neither read the rest nor closed its side; if it is only slow, raise confirmTimeoutMs';
/** Why a receiver drops connections whatever is sent on them. */
export const DROPS_HINT =
  'the receiver drops connections whatever is sent: it may be restarting, at its connection limit, or behind an ' +
  'access rule or a load balancer without a working backend; its log says which';
/** Turn a socket error into a classified SyslogError. */
export function classify(error: unknown, where: string, target: string): SyslogError {
  if (error instanceof SyslogError) return error;
  const code = (error as { code?: unknown }).code;
  // OpenSSL messages end in a line break; errors here are one line.
  const message = (error instanceof Error ? error.message : String(error)).replace(/\s+/g, ' ').trim();
  if (typeof code === 'string' && CERTIFICATE_CODES.has(code)) {
    return new SyslogTlsError(`TLS certificate of ${target} refused (${code}: ${message})`, {
      hint: CERTIFICATE_HINT,
      cause: error,
    });
  }
  if (typeof code === 'string' && /CERTIFICATE_REQUIRED|BAD_CERTIFICATE|UNKNOWN_CA|CERTIFICATE_UNKNOWN/.test(code)) {
    return new SyslogTlsError(`${target} refused our TLS client certificate (${code})`, {
      hint: 'give a client certificate and key the receiver trusts (--client-cert, --client-key)',
      cause: error,
    });
  }
  if (typeof code === 'string' && (code === 'EPROTO' || code.startsWith('ERR_SSL'))) {
    return new SyslogTlsError(`TLS handshake with ${target} failed (${message})`, { hint: NOT_TLS_HINT, cause: error });
  }
  const retryable = typeof code === 'string' && RETRYABLE_CODES.has(code);
  // A reset while connecting comes before anything was sent: not about what we send.
  const hint =
    code === 'ECONNREFUSED'
      ? `is the receiver running and listening on ${target}?`
      : code === 'ECONNRESET' && where === 'connecting to'
        ? DROPS_HINT
        : undefined;
  return new SyslogConnectionError(`${where} ${target} failed: ${message}`, { retryable, hint, cause: error });
}
