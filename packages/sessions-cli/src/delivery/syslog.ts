import type { SyslogError, SyslogSenderOptions } from '@x/syslog-out';
import type { Context } from '../context.js';
import type { RecordSink } from './sink.js';
import { counted } from '../output/text.js';
import { cliMessage } from '../syslog-hints.js';
import { deliverRecords } from './deliver.js';
import { siemSink, type SiemMapping } from './siem.js';

/** Records between delivery confirmations unless the user says otherwise (`--confirm-every`). */
export const CONFIRM_EVERY = 5_000;

/**
 * How long an interrupted run waits for the receiver to confirm what was sent before it stops without that
 * confirmation: long enough for a working receiver, short enough that a stalled one cannot hold the stop.
 */
const INTERRUPT_GRACE_MS = 5_000;

/** The progress line's text while the run waits for the receiver's confirmation. */
const CONFIRM_WAIT = 'waiting for the syslog receiver to confirm';

/**
 * Records to a syslog receiver through @x/syslog-out: a record is delivered once `confirm()` returned (TCP/TLS:
 * the receiver closed its side after reading everything, or with `--delivery written` the kernel took it; UDP: the
 * datagrams left). Warnings, retries and records
 * sent again go to stderr. An interrupt (`ctx.signal`) leaves the receiver {@link INTERRUPT_GRACE_MS} to confirm,
 * then aborts the sender.
 */
export async function openSyslogSink(options: SyslogSenderOptions, ctx: Context): Promise<RecordSink> {
  const { createSyslogSender } = await import('@x/syslog-out');
  if (options.rejectUnauthorized === false) {
    ctx.note('incydr: warning: --ignore-cert-validation: the receiver certificate and host name are not checked');
  }
  const stop = new AbortController();
  let grace: NodeJS.Timeout | undefined;
  const onInterrupt = (): void => {
    grace = setTimeout(() => {
      ctx.note(
        `incydr: the syslog receiver did not confirm within ${INTERRUPT_GRACE_MS / 1000} s of the interrupt: ` +
          'stopping; what it has not confirmed is sent again by the next run',
      );
      stop.abort(ctx.signal.reason);
    }, INTERRUPT_GRACE_MS);
    grace.unref();
  };
  if (ctx.signal.aborted) onInterrupt();
  else ctx.signal.addEventListener('abort', onInterrupt, { once: true });
  const release = (): void => {
    ctx.signal.removeEventListener('abort', onInterrupt);
    clearTimeout(grace);
  };

  const sender = createSyslogSender({ ...options, signal: stop.signal });
  sender.on('warning', (text: string) => ctx.note(`incydr: warning: ${text}`));
  sender.on('retry', (event: { attempt: number; delayMs: number; error: SyslogError }) => {
    ctx.observer?.syslogRetry?.();
    ctx.note(`incydr: syslog retry ${event.attempt} in ${event.delayMs} ms: ${cliMessage(event.error)}`);
  });
  sender.on('resend', (event: { records: number; error: SyslogError }) =>
    ctx.note(
      `incydr: syslog: sending ${counted(event.records, 'unconfirmed record')} again on a new connection ` +
        `(${event.error.detail}); the receiver may keep both copies`,
    ),
  );
  const confirm = async (): Promise<void> => {
    const started = performance.now();
    await sender.confirm();
    ctx.observer?.syslogConfirmed?.(performance.now() - started);
  };
  let sent = 0;
  return {
    async send(record) {
      const skippedBefore = sender.stats.skippedOversize;
      await sender.send(record);
      if (sender.stats.skippedOversize !== skippedBefore) return false;
      sent += 1;
      return true;
    },
    confirm,
    get resent() {
      return sender.stats.resent;
    },
    delivery: sender.delivery,
    async close() {
      try {
        await confirm();
      } finally {
        release();
        await sender.close().catch(() => undefined);
      }
      return sent;
    },
    async abort() {
      await sender.close().catch(() => undefined);
      release();
    },
  };
}

/** What {@link forwardRecords} sent: records, and how many went out again (their connection was lost unconfirmed). */
export interface ForwardResult {
  sent: number;
  resent: number;
}

/**
 * Send records to syslog, sessions as the SIEM records of `mapping` if given, confirming every `confirmEvery` records
 * and at the end.
 */
export async function forwardRecords(
  records: AsyncIterable<Record<string, unknown>>,
  options: SyslogSenderOptions,
  ctx: Context,
  confirmEvery = CONFIRM_EVERY,
  mapping?: SiemMapping,
): Promise<ForwardResult> {
  const sink = await siemSink(await openSyslogSink(options, ctx), mapping);
  const plan = { sink, confirmEvery, progress: 'records sent to syslog', confirmWait: CONFIRM_WAIT };
  const { sent } = await deliverRecords(records, plan, ctx);
  return { sent, resent: sink.resent };
}

/** The line after a forward: how many records (`what`, a singular noun) went to `output`, and how many were sent twice. */
export function forwardedLine(result: ForwardResult, what: string, output: string): string {
  const again =
    result.resent === 0
      ? ''
      : ` (${result.resent} sent again after a connection was lost before confirming them: ` +
        'the receiver may hold duplicates)';
  return `Sent ${counted(result.sent, what)} to ${output}.${again}`;
}
