import type { Argv } from 'yargs';
import { checkSenderOptions, SyslogConfigError, type SyslogSenderOptions } from '@x/syslog-out/check';
import { toDurationMs } from '@x/sessions-sdk/model';
import { UsageError } from '../failures.js';
import { cliUsageError } from '../syslog-hints.js';
import { choice } from './choices.js';
import { completes } from './values.js';

/** Syslog output options (`--output` and friends). */
export interface SyslogArgs {
  output?: string;
  certs?: string;
  ignoreCertValidation?: boolean;
  framing?: string;
  syslogHeader?: string;
  facility?: string;
  appName?: string;
  syslogHostname?: string;
  clientCert?: string;
  clientKey?: string;
  maxMessageBytes?: number;
  oversize?: string;
  stallTimeout?: string;
  delivery?: string;
}

/** The longest `--stall-timeout`: a day (timers hold at most about 24 days anyway). */
const MAX_STALL_MS = 86_400_000;

/** Add `--output` and the syslog options. */
export function withSyslog<T>(yargs: Argv<T>): Argv<T & SyslogArgs> {
  const group = 'Syslog output:';
  // The protocol prefixes of PROTOCOL:HOST:PORT (the host follows without a space).
  completes(yargs, 'output', { values: ['TCP:', 'UDP:', 'TLS-TCP:'], nospace: true });
  completes(yargs, 'framing', { values: ['lf', 'octet-counting'] });
  completes(yargs, 'syslog-header', { values: ['none', 'rfc3164', 'rfc5424'] });
  completes(yargs, 'oversize', { values: ['error', 'skip'] });
  for (const key of ['certs', 'client-cert', 'client-key']) completes(yargs, key, 'file');
  return yargs
    .option('output', {
      type: 'string',
      requiresArg: true,
      group,
      describe:
        'Send each record to syslog instead of stdout: HOST, HOST:PORT or PROTOCOL:HOST:PORT (TCP, UDP, TLS-TCP; port 601)',
    })
    .option('certs', { type: 'string', requiresArg: true, group, describe: 'CA bundle (PEM file) for TLS-TCP' })
    .option('ignore-cert-validation', {
      type: 'boolean',
      group,
      describe: 'TLS-TCP without certificate and host checks',
    })
    .option('framing', {
      type: 'string',
      requiresArg: true,
      group,
      describe: 'lf (default) or octet-counting (syslog-ng, SC4S)',
    })
    .option('syslog-header', {
      type: 'string',
      requiresArg: true,
      group,
      describe: 'none (default), rfc3164 or rfc5424',
    })
    .option('facility', {
      type: 'string',
      requiresArg: true,
      group,
      describe: 'Syslog facility name or code (default user)',
    })
    .option('app-name', {
      type: 'string',
      requiresArg: true,
      group,
      describe: 'APP-NAME / tag in the header (default incydr)',
    })
    .option('syslog-hostname', {
      type: 'string',
      requiresArg: true,
      group,
      describe: 'HOSTNAME in the header (default this host)',
    })
    .option('client-cert', {
      type: 'string',
      requiresArg: true,
      group,
      describe: 'Client certificate (PEM) for mutual TLS',
    })
    .option('client-key', { type: 'string', requiresArg: true, group, describe: 'Client key (PEM) for mutual TLS' })
    .option('max-message-bytes', {
      type: 'number',
      requiresArg: true,
      group,
      describe: 'Largest record in bytes (UDP default 65507)',
    })
    .option('oversize', {
      type: 'string',
      requiresArg: true,
      group,
      describe: 'error (default) or skip records over the limit',
    })
    .option('stall-timeout', {
      type: 'string',
      requiresArg: true,
      group,
      describe:
        'How long the receiver may stop reading, or not close after a confirmation, before the connection is ' +
        'retried (5 retries, each resending the unconfirmed batch; a receiver that never closes gets it twice at ' +
        'most): 45s, 2m (default 30s, and 10s for the close)',
    })
    .option('delivery', {
      type: 'string',
      requiresArg: true,
      group,
      describe:
        'When a batch counts as delivered (TCP, TLS-TCP): confirmed (default): the receiver read it and closed its ' +
        'side after our end of stream (rsyslog, syslog-ng, Splunk); written: the kernel took it, for receivers that ' +
        'never close (bytes in socket buffers are lost if the receiver dies). UDP is never confirmed',
    }) as unknown as Argv<T & SyslogArgs>;
}

const SYSLOG_ONLY = [
  ['certs', 'certs'],
  ['ignoreCertValidation', 'ignore-cert-validation'],
  ['framing', 'framing'],
  ['syslogHeader', 'syslog-header'],
  ['facility', 'facility'],
  ['appName', 'app-name'],
  ['syslogHostname', 'syslog-hostname'],
  ['clientCert', 'client-cert'],
  ['clientKey', 'client-key'],
  ['maxMessageBytes', 'max-message-bytes'],
  ['oversize', 'oversize'],
  ['stallTimeout', 'stall-timeout'],
  ['delivery', 'delivery'],
] as const;

/**
 * Check the syslog options against each other and `--output`; returns sender options (target still unparsed) or
 * undefined when records go to stdout.
 */
export function toSenderOptions(args: SyslogArgs & { format?: string | undefined }): SyslogSenderOptions | undefined {
  if (args.output === undefined) {
    const stray = SYSLOG_ONLY.find(([key]) => args[key] !== undefined && args[key] !== false);
    if (stray !== undefined) throw new UsageError(`--${stray[1]} needs --output`);
    return undefined;
  }
  if (args.format !== undefined)
    throw new UsageError(
      '--format cannot be used with --output: each record is sent as one line (compact JSON, or CEF with --record cef)',
    );
  if (args.certs !== undefined && args.ignoreCertValidation === true) {
    throw new UsageError('--certs and --ignore-cert-validation cannot be used together');
  }
  const options: SyslogSenderOptions = { target: args.output };
  if (args.framing !== undefined) options.framing = choice('framing', args.framing, ['lf', 'octet-counting'] as const);
  if (args.syslogHeader !== undefined)
    options.header = choice('syslog-header', args.syslogHeader, ['none', 'rfc3164', 'rfc5424'] as const);
  if (args.oversize !== undefined) options.oversize = choice('oversize', args.oversize, ['error', 'skip'] as const);
  if (args.facility !== undefined) options.facility = args.facility;
  if (args.appName !== undefined) options.appName = args.appName;
  if (args.syslogHostname !== undefined) options.hostname = args.syslogHostname;
  if (args.certs !== undefined) options.ca = args.certs;
  if (args.ignoreCertValidation === true) options.rejectUnauthorized = false;
  if (args.clientCert !== undefined) options.cert = args.clientCert;
  if (args.clientKey !== undefined) options.key = args.clientKey;
  if (args.maxMessageBytes !== undefined) {
    if (!Number.isInteger(args.maxMessageBytes) || args.maxMessageBytes < 1) {
      throw new UsageError('--max-message-bytes must be a positive integer');
    }
    options.maxMessageBytes = args.maxMessageBytes;
  }
  if (args.delivery !== undefined) {
    options.delivery = choice('delivery', args.delivery, ['confirmed', 'written'] as const);
  }
  if (args.stallTimeout !== undefined) {
    const ms = stallTimeoutMs(args.stallTimeout);
    options.writeStallTimeoutMs = ms;
    options.confirmTimeoutMs = ms;
  }
  // The library checks what applies to which protocol and what goes together (without reading any file).
  try {
    checkSenderOptions(options);
  } catch (error) {
    throw error instanceof SyslogConfigError ? cliUsageError(error) : error;
  }
  return options;
}

function stallTimeoutMs(text: string): number {
  let ms: number;
  try {
    ms = toDurationMs(text);
  } catch (error) {
    throw new UsageError(`--stall-timeout: ${(error as Error).message}`, { cause: error });
  }
  if (ms < 1_000 || ms > MAX_STALL_MS) {
    throw new UsageError(`--stall-timeout must be from 1s to 1d, not ${JSON.stringify(text)}`);
  }
  return ms;
}
