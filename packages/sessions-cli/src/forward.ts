import type { SyslogSenderOptions } from '@x/syslog-out';
import type { Context } from './context.js';

/** Records between delivery checkpoints: at most this many are resent after a receiver failure. */
const CONFIRM_EVERY = 5_000;

/** Send records to syslog, confirming delivery as it goes and at the end; returns how many were delivered. */
export async function forwardRecords(
  records: AsyncIterable<object>,
  options: SyslogSenderOptions,
  ctx: Context,
): Promise<number> {
  const { createSyslogSender } = await import('@x/syslog-out');
  if (options.rejectUnauthorized === false) {
    ctx.note('incydr: warning: --ignore-cert-validation: the receiver certificate and host name are not checked');
  }
  const sender = createSyslogSender(options);
  sender.on('warning', (text: string) => ctx.note(`incydr: warning: ${text}`));
  sender.on('retry', (event: { attempt: number; delayMs: number; error: Error }) =>
    ctx.note(`incydr: syslog retry ${event.attempt} in ${event.delayMs} ms: ${event.error.message}`),
  );
  let count = 0;
  try {
    for await (const record of records) {
      await sender.send(record);
      count += 1;
      if (count % CONFIRM_EVERY === 0) await sender.confirm();
      if (ctx.signal.aborted) break;
    }
    await sender.confirm();
  } finally {
    await sender.close().catch(() => undefined);
  }
  return count;
}
