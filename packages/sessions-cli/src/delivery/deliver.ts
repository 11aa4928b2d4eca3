import type { Context } from '../context.js';
import type { RecordSink } from './sink.js';

/** What {@link deliverRecords} has done so far; the caller may pass its own to read it also after a failure. */
export interface DeliveryCount {
  /** Records the sink took. */
  sent: number;
  /** Records the sink skipped (an oversize syslog record with `--oversize skip`). */
  skipped: number;
  /** Sent records the sink confirmed. */
  delivered: number;
  /** Sent records not (yet) confirmed: after a failure or an interrupt, what the next run sends again. */
  unconfirmed: number;
  /** What the sink's `close()` returned: the records it took (0 when the run failed). */
  closed: number;
}

/** How {@link deliverRecords} runs: where the records go, how often delivery is confirmed, what the user sees. */
export interface DeliveryPlan<T, R> {
  readonly sink: RecordSink;
  /** Records sent between two confirmations; `Infinity` confirms only at the end. */
  readonly confirmEvery: number;
  /** The progress line's label (`sessions written`); undefined draws none. */
  readonly progress?: string | undefined;
  /** Shown after the progress count (`1,200 fetched`). */
  readonly detail?: (() => string) | undefined;
  /** The progress line while a confirmation is awaited; undefined for a sink that confirms at once (stdout). */
  readonly confirmWait?: string | undefined;
  /** What a sent record leaves to record once its batch is confirmed (a checkpoint's store entry), if anything. */
  readonly receipt?: ((record: T) => R | undefined) | undefined;
  /** Told each confirmed batch's receipts before the next record is sent (a checkpointed run saves its store). */
  readonly confirmed?: ((receipts: R[]) => Promise<void>) | undefined;
  /** Counters to update, so that the caller reads them after a failure too. */
  readonly count?: DeliveryCount | undefined;
}

/** A fresh {@link DeliveryCount}. */
export function newDeliveryCount(): DeliveryCount {
  return { sent: 0, skipped: 0, delivered: 0, unconfirmed: 0, closed: 0 };
}

/**
 * The one delivery loop of the CLI, for every sink: send each record (stopping after the current one once
 * `ctx.signal` aborted), confirm every `confirmEvery` records and at the end, then close the sink. On a failure the
 * sink is aborted and the error thrown as it is; what was sent before a failure that is not the sink's own (an API
 * error) is still confirmed when the plan records receipts, since it may well have arrived.
 */
export async function deliverRecords<T extends Readonly<Record<string, unknown>>, R = never>(
  records: AsyncIterable<T>,
  plan: DeliveryPlan<T, R>,
  ctx: Context,
): Promise<DeliveryCount> {
  return deliverPages(singles(records), plan, ctx);
}

async function* singles<T>(records: AsyncIterable<T>): AsyncGenerator<readonly T[], void, undefined> {
  for await (const record of records) yield [record];
}

/**
 * {@link deliverRecords} for records that come a page at a time: a sink with `sendMany` takes each page at once (and
 * an interrupt stops after the current page), any other sink record by record.
 */
export async function deliverPages<T extends Readonly<Record<string, unknown>>, R = never>(
  pages: AsyncIterable<readonly T[]>,
  plan: DeliveryPlan<T, R>,
  ctx: Context,
): Promise<DeliveryCount> {
  const { sink } = plan;
  const count = plan.count ?? newDeliveryCount();
  const receipts: R[] = [];
  let sinkFailed = false;
  const bySink = async <V>(work: () => Promise<V>): Promise<V> => {
    try {
      return await work();
    } catch (error) {
      sinkFailed = true;
      throw error;
    }
  };
  const confirm = async (): Promise<void> => {
    if (plan.confirmWait !== undefined) ctx.progress.waiting(plan.confirmWait);
    await bySink(() => sink.confirm());
    count.delivered += count.unconfirmed;
    count.unconfirmed = 0;
    await plan.confirmed?.(receipts.splice(0));
  };
  const showCount = (): void =>
    ctx.progress.count(count.sent, plan.detail === undefined ? {} : { detail: plan.detail() });

  if (plan.progress !== undefined) ctx.progress.start(plan.progress);
  try {
    const sent = async (records: readonly T[]): Promise<void> => {
      count.sent += records.length;
      count.unconfirmed += records.length;
      if (plan.receipt !== undefined) {
        for (const record of records) {
          const receipt = plan.receipt(record);
          if (receipt !== undefined) receipts.push(receipt);
        }
      }
      showCount();
      if (count.unconfirmed >= plan.confirmEvery) await confirm();
    };
    const sendMany = sink.sendMany?.bind(sink);
    pages: for await (const page of pages) {
      if (sendMany !== undefined) {
        await bySink(() => sendMany(page));
        await sent(page);
      } else {
        for (const record of page) {
          if (await bySink(() => sink.send(record))) await sent([record]);
          else count.skipped += 1;
          if (ctx.signal.aborted) break pages;
        }
      }
      if (ctx.signal.aborted) break;
    }
    await confirm();
    ctx.progress.stop();
    count.closed = await sink.close();
    return count;
  } catch (error) {
    if (!sinkFailed && plan.confirmed !== undefined && count.unconfirmed > 0) await confirm().catch(() => undefined);
    if (plan.confirmWait !== undefined) ctx.progress.waiting(plan.confirmWait);
    await sink.abort();
    throw error;
  } finally {
    ctx.progress.stop();
  }
}
