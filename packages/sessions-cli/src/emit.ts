import type { Context } from './context.js';

/** Write records to stdout in a format, with backpressure; a closed pipe (`| head`) ends quietly. */
export async function emitRecords(
  records: AsyncIterable<Record<string, unknown>>,
  options: { format: 'table' | 'json-lines' | 'json-pretty' | 'csv'; kind: 'session' | 'file-event'; columns: string | undefined },
  ctx: Context,
): Promise<number> {
  const { createRecordWriter, OutputClosedError } = await import('./output/writer.js');
  const writer = createRecordWriter({
    format: options.format,
    kind: options.kind,
    ...(options.columns === undefined ? {} : { columns: options.columns }),
    out: ctx.stdout,
    color: ctx.color,
    width: ctx.width,
  });
  try {
    for await (const record of records) {
      await writer.write(record);
      if (ctx.signal.aborted) break;
    }
    const { count } = await writer.end();
    if (count === 0 && options.format !== 'table') ctx.note('No results found.');
    return count;
  } catch (error) {
    if (error instanceof OutputClosedError) return 0;
    throw error;
  }
}
