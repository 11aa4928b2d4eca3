import { readFileSync } from 'node:fs';
import { createSecureContext, type SecureContext } from 'node:tls';
import { SyslogConfigError } from './errors.js';
import type { SyslogSenderOptions } from './stream-sender.js';

export function secureContext(options: SyslogSenderOptions): SecureContext {
  const ca = pem(options.ca, 'CA');
  const cert = pem(options.cert, 'client certificate');
  const key = pem(options.key, 'client key');
  try {
    return createSecureContext({ ...(ca === undefined ? {} : { ca }), ...(cert === undefined ? {} : { cert }), ...(key === undefined ? {} : { key }) });
  } catch (error) {
    throw new SyslogConfigError(`cannot use the TLS certificate files: ${(error as Error).message}`, { cause: error });
  }
}

function pem(value: string | Buffer | undefined, what: string): Buffer | undefined {
  if (value === undefined || Buffer.isBuffer(value)) return value;
  if (value.includes('-----BEGIN')) return Buffer.from(value);
  try {
    return readFileSync(value);
  } catch (error) {
    throw new SyslogConfigError(`cannot read the ${what} file ${value}: ${(error as Error).message}`, { cause: error });
  }
}
