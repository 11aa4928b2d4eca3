import type { Context } from '../context.js';
import type { RecordSink } from './sink.js';
import { recordsOnScreen } from '../progress.js';
import { deliverPages } from './deliver.js';
import { siemSink, type SiemMapping } from './siem.js';

/** Options of {@link openStdoutSink}. */
export interface StdoutSinkOptions {
  format: 'table' | 'json-lines' | 'json-pretty' | 'csv' | 'lines';
  kind: 'session' | 'file-event';
  columns: string | undefined;
  /** Say `No results found.` on stderr when nothing was written (not for the table, which says it itself). @default true */
  noteEmpty?: boolean;
  /** csv: neutralise cells a spreadsheet would run as formulas (`--escape-formulas`). @default false */
  escapeFormulas?: boolean;
}

/**
 * Records to stdout in a format, with backpressure: a record is delivered once its write completed. A closed pipe
 * (`| head`) makes `send` throw OutputClosedError: {@link emitRecords} ends quietly, a checkpointed run fails.
 */
export async function openStdoutSink(options: StdoutSinkOptions, ctx: Context): Promise<RecordSink> {
  const { createRecordWriter } = await import('../output/writer.js');
  const writer = createRecordWriter({
    format: options.format,
    kind: options.kind,
    ...(options.columns === undefined ? {} : { columns: options.columns }),
    out: ctx.stdout,
    color: ctx.color,
    width: ctx.width,
    note: ctx.note,
    escapeFormulas: options.escapeFormulas === true,
  });
  return {
    async send(record) {
      await writer.write(record);
      return true;
    },
    sendMany: (records) => writer.writeMany(records),
    // Each write resolved only after the stream took it: what was sent is delivered.
    confirm: () => Promise.resolve(),
    async close() {
      const { count } = await writer.end();
      if (count === 0 && options.format !== 'table' && options.noteEmpty !== false) ctx.note('No results found.');
      return count;
    },
    abort: () => writer.abort(),
    resent: 0,
    delivery: 'written',
  };
}

/**
 * Write records, given a page at a time, to stdout in a format (a write per page), sessions as the SIEM records of
 * `mapping` if given; returns how many were written (0 when the reader went away).
 */
export async function emitRecords(
  pages: AsyncIterable<readonly Record<string, unknown>[]>,
  options: StdoutSinkOptions,
  ctx: Context,
  mapping?: SiemMapping,
): Promise<number> {
  const { OutputClosedError } = await import('../output/writer.js');
  const sink = await siemSink(await openStdoutSink(options, ctx), mapping);
  // Records on the screen show their own progress; a progress line would only break them up.
  const what = options.kind === 'session' ? 'sessions' : 'file events';
  const progress = recordsOnScreen(ctx.stdout) ? undefined : `${what} written`;
  try {
    return (await deliverPages(pages, { sink, confirmEvery: Number.POSITIVE_INFINITY, progress }, ctx)).closed;
  } catch (error) {
    if (error instanceof OutputClosedError) return 0;
    throw error;
  }
}
