import { once } from 'node:events';
import { finished } from 'node:stream/promises';
import { loadFormatter, type Formatter } from './formatter.js';

/**
 * Output formats of the record-printing commands (`rich` is `sessions show`'s card, for sessions only; `lines` writes
 * records that are a line of text already, such as CEF, one per line).
 */
export type OutputFormat = 'table' | 'json-lines' | 'json-pretty' | 'csv' | 'rich' | 'lines';

/** A record to write: an object, or a line of text (a CEF record) for the `lines` format. */
export type OutputRecord = Readonly<Record<string, unknown>> | string;

/** What the records are; decides default columns, summaries and the columns `--columns` can name. */
export type RecordKind = 'session' | 'file-event';

/** Options of {@link createRecordWriter}. */
export interface RecordWriterOptions {
  readonly format: OutputFormat;
  readonly kind: RecordKind;
  /** The raw `--columns` value (table and csv only; the caller drops it for other formats). */
  readonly columns?: string | undefined;
  /** Where records go, normally `process.stdout`. Never ended by the writer. */
  readonly out: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  /** ANSI colour in the table header and the card; the caller decides (TTY, `NO_COLOR`). */
  readonly color: boolean;
  /** Terminal width for the table and the card; `Infinity` or ≤ 0 means no truncation. */
  readonly width: number;
  /** One line for people on stderr: the table's columns left out for want of width. */
  readonly note?: ((text: string) => void) | undefined;
  /** csv only: neutralise cells a spreadsheet would run as formulas (`--escape-formulas`, see ./csv.js). */
  readonly escapeFormulas?: boolean | undefined;
}

/** Writes records one at a time with backpressure; await each `write` before the next. */
export interface RecordWriter {
  /**
   * Formats and writes one record, resolving once `out` has taken it and can take more. Throws {@link OutputClosedError} once the
   * reader went away, and `ColumnsError` (from ./columns.js) at the first record when `--columns` names nothing.
   */
  write(record: OutputRecord): Promise<void>;
  /**
   * Formats records and writes them as one chunk (one write instead of one per record, far cheaper for a page of
   * records), resolving once `out` has taken it and can take more; fails as {@link RecordWriter.write} does.
   */
  writeMany(records: readonly OutputRecord[]): Promise<void>;
  /**
   * Finishes: for an empty result writes `No results found.` (table only) after checking `--columns`, waits until
   * everything written was handed on, and returns how many records were written. A closed output is not an error.
   */
  end(): Promise<{ count: number }>;
  /** Finishes after the run failed: writes nothing more (no `No results found.`), waits for what was written. */
  abort(): Promise<void>;
}

/** The reader of the output went away (EPIPE, e.g. `| head`): stop writing (exit 0, but 1 for a checkpointed run). */
export class OutputClosedError extends Error {
  override name = 'OutputClosedError';

  constructor(options?: ErrorOptions) {
    super('the output was closed by its reader', options);
  }
}

/** Errors that mean nobody reads `out` any more: EPIPE, a write to a destroyed stream, a close without an error. */
function isClosedError(error: unknown): boolean {
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  return code === 'EPIPE' || code === 'ERR_STREAM_DESTROYED' || code === 'ERR_STREAM_PREMATURE_CLOSE';
}

/**
 * Resolves once `written` did and `out` emitted 'drain'; rejects on 'error' (as `once` does) and on 'close' (the
 * reader went away). Call it before awaiting anything: 'drain' follows the write callback in the same tick.
 */
async function drained(out: NodeJS.WritableStream, written: Promise<void>): Promise<void> {
  const waits = new AbortController();
  const { signal } = waits;
  try {
    const closed = once(out, 'close', { signal }).then(() => {
      throw new OutputClosedError();
    });
    await Promise.all([written, Promise.race([once(out, 'drain', { signal }), closed])]);
  } finally {
    waits.abort();
  }
}

/**
 * A writer of records to `out` in one format. Each write waits for `out` to take the record (and for `drain` when
 * `out` is full), so memory stays flat for any number of records; EPIPE means the reader went away
 * ({@link OutputClosedError}).
 */
export function createRecordWriter(options: RecordWriterOptions): RecordWriter {
  if (options.format === 'rich' && options.kind !== 'session') {
    throw new TypeError(`the rich format shows sessions only, not ${options.kind} records`);
  }
  const { out } = options;
  let formatter: Promise<Formatter> | undefined;
  // The first failure: every later write throws it at once.
  let failure: Error | undefined;
  // Whether write() already threw `failure`, so that end() does not report it twice.
  let reported = false;
  // Stream errors (EPIPE, a failed write) leave `out` broken; a formatting error (bad --columns) does not.
  let streamBroken = false;
  let ended = false;
  let count = 0;

  const fail = (error: unknown, fromStream = true): Error => {
    streamBroken ||= fromStream;
    failure ??= isClosedError(error)
      ? new OutputClosedError({ cause: error })
      : error instanceof Error
        ? error
        : new Error(String(error));
    return failure;
  };

  // The stream's own end-of-life signal (an error, or a close between writes) fails the next write. Its listeners
  // also keep late 'error' events of a broken stream from crashing the process, so they are removed only when the
  // writer ends on a sound stream.
  const watch = new AbortController();
  finished(out, { readable: false, signal: watch.signal }).then(
    () => fail(new OutputClosedError()),
    (error: unknown) => {
      if (!watch.signal.aborted) fail(error);
    },
  );

  const send = async (text: string): Promise<void> => {
    if (failure !== undefined) throw failure;
    if (text === '') return;
    try {
      let full = false;
      const written = new Promise<void>((resolve, reject) => {
        full = !out.write(text, (error) => (error ? reject(error) : resolve()));
      });
      // Waiting for the callback too, not only for 'drain': a caller looping over writes that all return true would
      // otherwise never let process.nextTick run, and the stream would hold every record until the loop ends.
      await (full ? drained(out, written) : written);
    } catch (error) {
      throw fail(error);
    }
  };

  const format = async (records: readonly OutputRecord[] | undefined): Promise<string> => {
    const loaded = await (formatter ??= loadFormatter(options));
    try {
      if (records === undefined) return loaded.empty();
      let text = '';
      for (const record of records) text += loaded.format(record);
      return text;
    } catch (error) {
      throw fail(error, false);
    }
  };

  const finish = async (complete: boolean): Promise<{ count: number }> => {
    if (ended) return { count };
    ended = true;
    try {
      if (complete && failure === undefined && count === 0) await send(await format(undefined));
      if (failure !== undefined) throw failure;
    } catch (error) {
      if (!(error instanceof OutputClosedError) && !(reported && error === failure)) throw error;
    } finally {
      if (!streamBroken) watch.abort();
    }
    return { count };
  };

  const writeAll = async (records: readonly OutputRecord[]): Promise<void> => {
    if (ended) throw new Error('write() called after end()');
    try {
      if (failure !== undefined) throw failure;
      await send(await format(records));
      count += records.length;
    } catch (error) {
      reported = true;
      throw error;
    }
  };

  return {
    write: (record) => writeAll([record]),

    writeMany: writeAll,

    end: () => finish(true),

    async abort() {
      await finish(false).catch(() => undefined);
    },
  };
}
