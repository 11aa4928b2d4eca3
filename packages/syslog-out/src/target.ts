import { isIpv6 } from './ip.js';
import { SyslogConfigError } from './errors.js';

/** Transport protocols. */
export type Protocol = 'tcp' | 'tls' | 'udp';

/** Where records go. */
export interface Target {
  protocol: Protocol;
  host: string;
  port: number;
}

/** The port used when a target names none (RFC 6587/syslog-ng/SC4S convention, as the Python CLI). */
export const DEFAULT_PORT = 601;

const PROTOCOLS: Record<string, Protocol> = { tcp: 'tcp', udp: 'udp', 'tls-tcp': 'tls', tls: 'tls' };
const FORMS =
  'use HOST, HOST:PORT or PROTOCOL:HOST:PORT with PROTOCOL TCP, UDP or TLS-TCP (IPv6 in brackets: TCP:[::1]:6514)';

/** Parse `HOST`, `HOST:PORT` or `PROTOCOL:HOST:PORT` (IPv6 in brackets); TCP and port 601 by default. */
export function parseTarget(text: string): Target {
  const input = text.trim();
  const fail = (why: string): never => {
    throw new SyslogConfigError(`invalid syslog target ${JSON.stringify(text)}: ${why}; ${FORMS}`, {
      option: 'target',
    });
  };
  if (input === '') fail('it is empty');

  let protocol: Protocol = 'tcp';
  let rest = input;
  const [first = '', ...others] = input.split(':');
  const afterFirst = others.join(':');
  // `tcp:514` is the host "tcp" on port 514; a protocol prefix is a known name followed by more than a port.
  // `face::1` is an IPv6 address without brackets, not the protocol "face".
  const unbracketedIpv6 = input.replace(/\[[^\]]*\]/g, '[]').includes('::');
  if (others.length > 0 && !unbracketedIpv6 && !/^\d+$/.test(afterFirst) && /^[A-Za-z][A-Za-z-]*$/.test(first)) {
    const known = PROTOCOLS[first.toLowerCase()];
    if (known !== undefined) {
      protocol = known;
      rest = afterFirst;
    } else if (others.length === 2 && !input.includes('[')) {
      fail(`unknown protocol ${JSON.stringify(first)}`);
    }
  }

  let host: string;
  let portText: string | undefined;
  const bracketed = /^\[([^\]]+)\](?::(.*))?$/.exec(rest);
  if (bracketed !== null) {
    host = bracketed[1] ?? '';
    portText = bracketed[2];
    if (!isIpv6(host)) fail(`${JSON.stringify(host)} in brackets is not an IPv6 address`);
  } else {
    const parts = rest.split(':');
    if (parts.length > 2) fail('an IPv6 address must be in brackets');
    host = parts[0] ?? '';
    portText = parts[1];
  }
  if (host === '') fail('the host is missing');
  if (!/^[A-Za-z0-9._:%-]+$/.test(host)) fail(`${JSON.stringify(host)} is not a host name or address`);
  let port = DEFAULT_PORT;
  if (portText !== undefined) {
    if (!/^\d{1,5}$/.test(portText) || Number(portText) < 1 || Number(portText) > 65_535) {
      fail(`port ${JSON.stringify(portText)} is not a number from 1 to 65535`);
    }
    port = Number(portText);
  }
  return { protocol, host, port };
}
