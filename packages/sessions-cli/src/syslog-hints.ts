// The one place where @x/syslog-out's reasons become incydr's words: the library names its own options in hints
// and errors; people running incydr need the flag that sets each.
import type { SyslogConfigError, SyslogError, SyslogErrorReason } from '@x/syslog-out/check';
import { UsageError } from './failures.js';

/** For each reason whose hint names a library option, the hint's advice with incydr's flags instead. */
const ADVICE: Partial<Record<SyslogErrorReason, string>> = {
  certificate: 'pass its CA with --certs, or --ignore-cert-validation to skip checks',
  'client-certificate': 'give a client certificate and key the receiver trusts (--client-cert, --client-key)',
  'framing-rejected': 'does it expect --framing octet-counting or --syslog-header rfc5424?',
  stalled: 'raise --stall-timeout',
  'not-confirmed': 'raise --stall-timeout',
  'never-closes': 'needs --delivery written; one that is only slow, a longer --stall-timeout',
  oversize: 'raise --max-message-bytes, or --oversize skip to skip such records',
  'line-break': 'use --framing octet-counting',
};

/** The incydr flag that sets each sender option the library's checks name. */
const FLAGS: Readonly<Record<string, string>> = {
  ca: '--certs',
  rejectUnauthorized: '--ignore-cert-validation',
  cert: '--client-cert',
  key: '--client-key',
};

/** A syslog-out error's message (detail and hint) with the hint's advice in incydr's flags. */
export function cliMessage(error: SyslogError): string {
  const { hint, advice } = error;
  if (hint === undefined) return error.detail;
  const words = ADVICE[error.reason];
  return `${error.detail}: ${words === undefined || advice === undefined ? hint : hint.replace(advice, () => words)}`;
}

/**
 * The usage error for options syslog-out refused, in incydr's words; the library's own error where its message
 * already says it (a bad target, facility or framing).
 */
export function cliUsageError(error: SyslogConfigError): Error {
  const flag = error.option === undefined ? undefined : FLAGS[error.option];
  if (error.reason === 'tls-only' && flag !== undefined) {
    return new UsageError(`${flag} applies only to TLS-TCP outputs`, { cause: error });
  }
  if (error.reason === 'cert-without-key')
    return new UsageError('--client-cert and --client-key go together', { cause: error });
  if (error.reason === 'not-for-udp' && error.option === 'delivery') {
    return new UsageError('--delivery confirmed needs a TCP or TLS-TCP output: UDP has no confirmation', {
      cause: error,
    });
  }
  return error;
}
