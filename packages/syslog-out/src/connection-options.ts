import { readFileSync } from 'node:fs';
import { createSecureContext, type SecureContext } from 'node:tls';
import { SyslogConfigError } from './errors.js';
import type { ResolvedOptions } from './options.js';
import type { ConnectionOptions } from './stream-connection.js';

/** How each connection of a stream sender opens; the TLS files are read here, once (a SyslogConfigError if not). */
export function connectionOptions(options: ResolvedOptions): ConnectionOptions {
  const { target } = options;
  return {
    host: target.host,
    port: target.port,
    tls:
      target.protocol === 'tls'
        ? {
            context: secureContext(options),
            rejectUnauthorized: options.rejectUnauthorized,
            servername: options.servername,
            session: { value: undefined },
          }
        : undefined,
    connectTimeoutMs: options.connectTimeoutMs,
    handshakeTimeoutMs: options.handshakeTimeoutMs,
    writeStallTimeoutMs: options.writeStallTimeoutMs,
    signal: options.signal,
  };
}

/** Read the CA, client certificate and key (PEM text, Buffer or file path) once into a TLS context. */
export function secureContext(options: Pick<ResolvedOptions, 'ca' | 'cert' | 'key'>): SecureContext {
  const ca = pem(options.ca, 'CA', 'ca');
  const cert = pem(options.cert, 'client certificate', 'cert');
  const key = pem(options.key, 'client key', 'key');
  try {
    return createSecureContext({
      ...(ca === undefined ? {} : { ca }),
      ...(cert === undefined ? {} : { cert }),
      ...(key === undefined ? {} : { key }),
    });
  } catch (error) {
    throw new SyslogConfigError(`cannot use the TLS certificate files: ${(error as Error).message}`, {
      reason: 'certificate-file',
      cause: error,
    });
  }
}

function pem(value: string | Buffer | undefined, what: string, option: string): Buffer | undefined {
  if (value === undefined || Buffer.isBuffer(value)) return value;
  if (value.includes('-----BEGIN')) return Buffer.from(value);
  try {
    return readFileSync(value);
  } catch (error) {
    throw new SyslogConfigError(`cannot read the ${what} file ${value}: ${(error as Error).message}`, {
      reason: 'certificate-file',
      option,
      cause: error,
    });
  }
}
