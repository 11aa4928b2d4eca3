import { isIP } from 'node:net';
import { describe, expect, it } from 'vitest';
import { isIpv6 } from './ip.js';

const SAMPLES = [
  '::',
  '::1',
  '1::',
  '1:2:3:4:5:6:7:8',
  '1:2:3:4:5:6:7::',
  '::2:3:4:5:6:7:8',
  '2001:db8::ff00:42:8329',
  'FE80::1%eth0',
  'fe80::1%',
  'fe80::1%a%b',
  '::ffff:192.0.2.1',
  '1:2:3:4:5:6:192.0.2.1',
  '1:2:3:4:5:6:7:192.0.2.1',
  '::ffff:192.0.2.01',
  '::ffff:256.0.2.1',
  ':1::',
  '1:::2',
  '1::2::3',
  '1:2:3:4:5:6:7',
  '1:2:3:4:5:6:7:8:9',
  '12345::',
  'g::1',
  '192.0.2.1',
  'localhost',
  '',
  '[::1]',
];

describe('isIpv6', () => {
  it.each(SAMPLES)('agrees with net.isIP on %j', (text) => {
    expect(isIpv6(text)).toBe(isIP(text) === 6);
  });
});
