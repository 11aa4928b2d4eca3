import type { SyslogSenderOptions } from '@x/syslog-out';
import type { Context } from './context.js';
import type { RecordSink } from './sink.js';

/** Records between delivery confirmations unless the user says otherwise (`--confirm-every`). */
export const CONFIRM_EVERY = 5_000;

/**
 * Records to a syslog receiver through @x/syslog-out: a record is delivered once `confirm()` returned (TCP/TLS:
 * the receiver closed its side after reading everything; UDP: the datagrams left). Warnings and retries go to
 * stderr.
 */
export async function openSyslogSink(options: SyslogSenderOptions, ctx: Context): Promise<RecordSink> {
  const { createSyslogSender } = await import('@x/syslog-out');
  if (options.rejectUnauthorized === false) {
    ctx.note('incydr: warning: --ignore-cert-validation: the receiver certificate and host name are not checked');
  }
  const sender = createSyslogSender(options);
  sender.on('warning', (text: string) => ctx.note(`incydr: warning: ${text}`));
  sender.on('retry', (event: { attempt: number; delayMs: number; error: Error }) =>
    ctx.note(`incydr: syslog retry ${event.attempt} in ${event.delayMs} ms: ${event.error.message}`),
  );
  let sent = 0;
  let failed = false;
  const guard = async <T>(work: () => Promise<T>): Promise<T> => {
    try {
      return await work();
    } catch (error) {
      failed = true;
      throw error;
    }
  };
  return {
    send: (record) =>
      guard(async () => {
        const skippedBefore = sender.stats.skippedOversize;
        await sender.send(record);
        if (sender.stats.skippedOversize !== skippedBefore) return false;
        sent += 1;
        return true;
      }),
    confirm: () => guard(() => sender.confirm()),
    async close() {
      try {
        if (!failed) await sender.confirm();
      } finally {
        await sender.close().catch(() => undefined);
      }
      return sent;
    },
    abort: () => sender.close().catch(() => undefined),
  };
}

/** Send records to syslog, confirming every `confirmEvery` records and at the end; returns how many were sent. */
export async function forwardRecords(
  records: AsyncIterable<object>,
  options: SyslogSenderOptions,
  ctx: Context,
  confirmEvery = CONFIRM_EVERY,
): Promise<number> {
  const sink = await openSyslogSink(options, ctx);
  let count = 0;
  let done = false;
  try {
    for await (const record of records) {
      if (await sink.send(record as Record<string, unknown>)) {
        count += 1;
        if (count % confirmEvery === 0) await sink.confirm();
      }
      if (ctx.signal.aborted) break;
    }
    done = true;
  } finally {
    // After an error the sink only releases; the error is what the user sees.
    if (done) await sink.close();
    else await sink.abort();
  }
  return count;
}
