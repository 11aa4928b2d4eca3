import { isIP } from 'node:net';
import { UsageError } from '../failures.js';

/** Where `--listen` binds: a host name or IP address (IPv6 without its brackets) and a port (0: any free one). */
export interface ListenAddress {
  host: string;
  port: number;
}

const USAGE = 'expected HOST:PORT such as 127.0.0.1:9464, [::1]:9464 or 0.0.0.0:9464';

/** Read `HOST:PORT` or `[IPV6]:PORT`; a usage error (exit 2) names what is wrong. */
export function parseListenAddress(text: string): ListenAddress {
  const match = /^(?:\[([^\]]+)\]|([^:[\]\s]+)):(\d{1,5})$/.exec(text.trim());
  const host = match?.[1] ?? match?.[2];
  const port = Number(match?.[3]);
  if (match === null || host === undefined) throw new UsageError(`--listen ${JSON.stringify(text)}: ${USAGE}`);
  if (match[1] !== undefined && isIP(host) !== 6) {
    throw new UsageError(`--listen ${JSON.stringify(text)}: brackets hold an IPv6 address; ${USAGE}`);
  }
  if (port > 65_535) throw new UsageError(`--listen ${JSON.stringify(text)}: the port must be from 0 to 65535`);
  return { host, port };
}

/** `127.0.0.1:9464`, `[::1]:9464` */
export function listenAddressText(address: ListenAddress): string {
  return isIP(address.host) === 6 ? `[${address.host}]:${address.port}` : `${address.host}:${address.port}`;
}
