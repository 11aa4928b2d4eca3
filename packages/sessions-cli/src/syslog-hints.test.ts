import { describe, expect, it } from 'vitest';
import { SyslogConfigError, SyslogDeliveryError, SyslogTimeoutError } from '@x/syslog-out';
import { UsageError } from './failures.js';
import { toSenderOptions } from './options/syslog.js';
import { cliMessage, cliUsageError } from './syslog-hints.js';

describe('cliMessage', () => {
  it("puts incydr's flags in place of the library's advice, keyed by the error's reason", () => {
    const stalled = new SyslogTimeoutError('writing to h:1 stalled: no progress for 1000 ms', {
      reason: 'stalled',
      hint: 'the receiver stopped reading; if it is only slow, raise writeStallTimeoutMs',
      advice: 'raise writeStallTimeoutMs',
    });
    expect(cliMessage(stalled)).toBe(
      'writing to h:1 stalled: no progress for 1000 ms: the receiver stopped reading; if it is only slow, ' +
        'raise --stall-timeout',
    );
    const giveUp = new SyslogDeliveryError('giving up after 5 retries: h:1 closed the connection', 3, {
      reason: 'framing-rejected',
      hint: "is it a TLS port (use TLS-TCP), or does it expect framing: 'octet-counting' or header: 'rfc5424'?",
      advice: "does it expect framing: 'octet-counting' or header: 'rfc5424'?",
    });
    expect(cliMessage(giveUp)).toBe(
      'giving up after 5 retries: h:1 closed the connection: is it a TLS port (use TLS-TCP), or does it expect ' +
        '--framing octet-counting or --syslog-header rfc5424?',
    );
  });

  it('keeps a hint that names no library option, and a message without a hint', () => {
    const refused = new SyslogDeliveryError('connecting to h:1 failed', 1, { reason: 'refused', hint: 'is it up?' });
    expect(cliMessage(refused)).toBe('connecting to h:1 failed: is it up?');
    expect(cliMessage(new SyslogTimeoutError('connecting to h:1 timed out'))).toBe('connecting to h:1 timed out');
  });
});

describe('cliUsageError', () => {
  it("names incydr's flags for the option conflicts syslog-out finds, as one-line usage errors", () => {
    const cases: Array<[Parameters<typeof toSenderOptions>[0], string]> = [
      [{ output: 'TCP:127.0.0.1:601', clientKey: 'k.pem' }, '--client-key applies only to TLS-TCP outputs'],
      [
        { output: 'UDP:127.0.0.1:514', ignoreCertValidation: true },
        '--ignore-cert-validation applies only to TLS-TCP outputs',
      ],
      [{ output: 'TLS-TCP:127.0.0.1:6514', clientCert: 'c.pem' }, '--client-cert and --client-key go together'],
      [
        { output: 'UDP:127.0.0.1:514', delivery: 'confirmed' },
        '--delivery confirmed needs a TCP or TLS-TCP output: UDP has no confirmation',
      ],
    ];
    for (const [args, message] of cases) {
      expect(() => toSenderOptions(args)).toThrow(new UsageError(message));
    }
  });

  it("passes on the library's own error where its message already says what is wrong", () => {
    const error = new SyslogConfigError('invalid facility "bogus"', { option: 'facility' });
    expect(cliUsageError(error)).toBe(error);
    expect(() => toSenderOptions({ output: 'TCP:127.0.0.1:601', facility: 'bogus' })).toThrow(SyslogConfigError);
  });
});
