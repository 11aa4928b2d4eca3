import { EventEmitter } from 'node:events';
import { readFileSync } from 'node:fs';
import { Writable } from 'node:stream';
import Papa from 'papaparse';
import { describe, expect, test } from 'vitest';
import { ColumnsError } from './columns.js';
import { OutputClosedError, createRecordWriter, type RecordWriterOptions } from './writer.js';

const fixture = (name: string): Record<string, unknown> =>
  JSON.parse(readFileSync(new URL(`../../../sessions-sdk/test/fixtures/${name}`, import.meta.url), 'utf8')) as Record<
    string,
    unknown
  >;
const session = fixture('session.json');
const event = fixture('file-event.json');

/** A stream that keeps what it is given. */
function sink(): Writable & { text(): string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      chunks.push(chunk.toString('utf8'));
      callback();
    },
  });
  return Object.assign(stream, { text: () => chunks.join('') });
}

type Options = Omit<RecordWriterOptions, 'out'>;
const base: Options = { format: 'json-lines', kind: 'session', color: false, width: 120 };

async function render(records: readonly Record<string, unknown>[], options: Partial<Options> = {}) {
  const out = sink();
  const writer = createRecordWriter({ ...base, ...options, out });
  for (const record of records) await writer.write(record);
  const result = await writer.end();
  return { text: out.text(), ...result, out };
}

/** Lets pending callbacks and microtasks run (no fixed sleep). */
const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

function epipe(): NodeJS.ErrnoException {
  return Object.assign(new Error('write EPIPE'), { code: 'EPIPE', errno: -32, syscall: 'write' });
}

describe('formats', () => {
  test('json-lines writes each record as the API sent it, one per line', async () => {
    const { text, count } = await render([session, event]);
    expect(text).toBe(`${JSON.stringify(session)}\n${JSON.stringify(event)}\n`);
    expect(count).toBe(2);
  });

  test('json-pretty writes each record indented', async () => {
    const { text } = await render([session], { format: 'json-pretty' });
    expect(text).toBe(`${JSON.stringify(session, null, 2)}\n`);
  });

  test("csv writes the Python CLI's session header once, whatever the first record holds", async () => {
    const { text } = await render([{ sessionId: 'only-an-id' }, session], { format: 'csv' });
    const rows = text.split('\r\n');
    expect(rows[0]).toBe(
      'actor_id,actor_name,type,begin_time,content_inspection_results.detected_on_alerts,context_summary,' +
        'critical_events,end_time,exfiltration_summary,first_observed,high_events,last_updated,low_events,' +
        'moderate_events,no_risk_events,notes,risk_indicators,scores,session_id,states,tenant_id,triggered_alerts,' +
        'user_id',
    );
    expect(rows[1]).toBe(`${','.repeat(18)}only-an-id${','.repeat(4)}`);
    expect(rows).toHaveLength(4);
    expect(rows[3]).toBe('');
  });

  test('csv keeps a field that first appears in a later record', async () => {
    const { text } = await render([{ sessionId: 'a' }, { sessionId: 'b', endTime: 1715068800000 }], { format: 'csv' });
    const [header = '', first = '', second = ''] = text.split('\r\n');
    const endTime = header.split(',').indexOf('end_time');
    expect(endTime).toBeGreaterThan(-1);
    expect(first.split(',')[endTime]).toBe('');
    expect(second.split(',')[endTime]).toBe('1715068800000');
  });

  test("csv writes file events under the Python CLI's names: timestamp, source.email.from_", async () => {
    const email = { from: 'a@example.com', sender: 'b' };
    const withEmail = { ...event, source: { ...(event['source'] as object), email } };
    const { text } = await render([withEmail], { format: 'csv', kind: 'file-event' });
    const [names = [], cells = []] = Papa.parse<string[]>(text, { skipEmptyLines: true }).data;
    expect(names[0]).toBe('timestamp');
    expect(names).toHaveLength(118);
    expect(names).not.toContain('@timestamp');
    expect(cells[0]).toBe('2024-05-07T08:14:21.204Z');
    expect(cells[names.indexOf('source.email.from_')]).toBe('a@example.com');
    expect(cells[names.indexOf('source.email.sender')]).toBe('b');
  });

  test('csv --columns takes the Python names, the API spellings, and fields outside the model', async () => {
    const csv = await render([{ ...event, extraField: { nested: 7 } }], {
      format: 'csv',
      kind: 'file-event',
      columns: '@timestamp,timestamp,source.email.from,extraField.nested',
    });
    expect(csv.text.split('\r\n').slice(0, 2)).toEqual([
      'timestamp,source.email.from_,extra_field.nested',
      '2024-05-07T08:14:21.204Z,,7',
    ]);
  });

  test("csv and table take --columns in the order given, a glob in the Python CLI's order", async () => {
    const csv = await render([session], { format: 'csv', columns: 'sessionId, *_events ,risk_indicators_alerted_on' });
    expect(csv.text.split('\r\n')[0]).toBe(
      'session_id,critical_events,high_events,low_events,moderate_events,no_risk_events,risk_indicators_alerted_on',
    );
    const table = await render([session], { format: 'table', columns: 'states,session_id' });
    expect(table.text.split('\n')[1]).toMatch(/^SOME_FUTURE_STATE +1164850932612410786_1715068800000$/);
  });

  test('table writes the header once and a line per record', async () => {
    const { text } = await render([event, event, event], { format: 'table', kind: 'file-event', width: 300 });
    const lines = text.split('\n');
    expect(lines[0]?.startsWith('timestamp')).toBe(true);
    expect(lines.filter((line) => line.startsWith('timestamp'))).toHaveLength(1);
    expect(lines).toHaveLength(5);
  });

  test('rich writes a card per session', async () => {
    const { text } = await render([session], { format: 'rich' });
    expect(text.startsWith('Session 1164850932612410786_1715068800000\n')).toBe(true);
    expect(() => createRecordWriter({ ...base, format: 'rich', kind: 'file-event', out: sink() })).toThrow(TypeError);
  });

  test('rejects an unknown column at the first record, before writing anything', async () => {
    const out = sink();
    const writer = createRecordWriter({ ...base, format: 'csv', columns: 'nope', out });
    await expect(writer.write(session)).rejects.toBeInstanceOf(ColumnsError);
    await expect(writer.end()).resolves.toEqual({ count: 0 });
    expect(out.text()).toBe('');
  });
});

describe('empty results', () => {
  test('the table says so on the output', async () => {
    expect(await render([], { format: 'table' })).toMatchObject({ text: 'No results found.\n', count: 0 });
  });

  test.each(['json-lines', 'json-pretty', 'csv'] as const)('%s writes nothing', async (format) => {
    expect(await render([], { format })).toMatchObject({ text: '', count: 0 });
  });

  test('an unknown column is still rejected', async () => {
    const writer = createRecordWriter({ ...base, format: 'table', columns: 'nope', out: sink() });
    await expect(writer.end()).rejects.toBeInstanceOf(ColumnsError);
  });

  test('abort() after a failed run writes nothing, not even the table\'s "No results found."', async () => {
    const out = sink();
    const writer = createRecordWriter({ ...base, format: 'table', out });
    await writer.abort();
    await writer.end();
    expect(out.text()).toBe('');
    expect(out.listenerCount('error')).toBe(0);
  });

  test('the output stream is left open and its listeners removed', async () => {
    const { out } = await render([session], { format: 'table' });
    expect(out.writableEnded).toBe(false);
    expect(out.listenerCount('error')).toBe(0);
    expect(out.listenerCount('drain')).toBe(0);
  });
});

describe('writeMany', () => {
  test('hands a page of records to the stream in one write, the same text as record by record', async () => {
    const chunks: string[] = [];
    const out = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        chunks.push(chunk.toString('utf8'));
        callback();
      },
    });
    const writer = createRecordWriter({ ...base, format: 'csv', out });
    await writer.writeMany([session, session, session]);
    await expect(writer.end()).resolves.toEqual({ count: 3 });
    expect(chunks).toHaveLength(1);
    expect(chunks[0]).toBe((await render([session, session, session], { format: 'csv' })).text);
  });

  test('throws OutputClosedError once the reader went away', async () => {
    const out = new Writable({
      write(_chunk, _encoding, callback) {
        callback(epipe());
      },
    });
    const writer = createRecordWriter({ ...base, out });
    await expect(writer.writeMany([session, session])).rejects.toBeInstanceOf(OutputClosedError);
    await expect(writer.writeMany([session])).rejects.toBeInstanceOf(OutputClosedError);
    await expect(writer.end()).resolves.toEqual({ count: 0 });
  });
});

describe('backpressure', () => {
  test('write() waits until a full stream drains', async () => {
    const pending: (() => void)[] = [];
    const out = new Writable({
      highWaterMark: 1,
      write(_chunk, _encoding, callback) {
        pending.push(() => callback());
      },
    });
    const writer = createRecordWriter({ ...base, out });
    let done = false;
    const first = writer.write(session).then(() => {
      done = true;
    });
    await settle();
    expect(done).toBe(false);
    pending.shift()?.();
    await first;
    expect(done).toBe(true);
    const ending = writer.end();
    await expect(ending).resolves.toEqual({ count: 1 });
  });

  test('write() waits until the stream has taken the record, even below its high-water mark', async () => {
    const pending: (() => void)[] = [];
    const out = new Writable({
      highWaterMark: 1 << 20,
      write(_chunk, _encoding, callback) {
        pending.push(() => callback());
      },
    });
    const writer = createRecordWriter({ ...base, out });
    let done = false;
    const writing = writer.write(session).then(() => {
      done = true;
    });
    await settle();
    expect(done).toBe(false);
    pending.shift()?.();
    await writing;
    await expect(writer.end()).resolves.toEqual({ count: 1 });
  });

  test('keeps the buffered output bounded however many records', async () => {
    let peak = 0;
    const out: Writable = new Writable({
      highWaterMark: 4096,
      write(_chunk, _encoding, callback) {
        peak = Math.max(peak, out.writableLength);
        setImmediate(callback);
      },
    });
    const writer = createRecordWriter({ ...base, format: 'csv', out });
    const size = JSON.stringify(session).length * 2;
    for (let index = 0; index < 2000; index++) await writer.write(session);
    await expect(writer.end()).resolves.toEqual({ count: 2000 });
    expect(peak).toBeLessThanOrEqual(4096 + size);
  });
});

describe('a reader that goes away', () => {
  test('EPIPE makes write() throw OutputClosedError from then on and end() resolve quietly', async () => {
    let calls = 0;
    const out = new Writable({
      write(_chunk, _encoding, callback) {
        calls += 1;
        callback(calls >= 2 ? epipe() : null);
      },
    });
    const writer = createRecordWriter({ ...base, out });
    await writer.write(session);
    await expect(writer.write(session)).rejects.toBeInstanceOf(OutputClosedError);
    const error = await writer.write(session).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(OutputClosedError);
    expect((error as OutputClosedError).cause).toMatchObject({ code: 'EPIPE' });
    await expect(writer.end()).resolves.toEqual({ count: 1 });
    expect(calls).toBe(2);
  });

  test('an EPIPE error event while waiting for drain rejects the pending write', async () => {
    const out = Object.assign(new EventEmitter(), {
      write: (_chunk: string | Uint8Array, _callback?: (error?: Error | null) => void): boolean => false,
    }) as unknown as NodeJS.WritableStream;
    const writer = createRecordWriter({ ...base, out });
    const pending = writer.write(session);
    await settle();
    out.emit('error', epipe());
    await expect(pending).rejects.toBeInstanceOf(OutputClosedError);
    await expect(writer.write(session)).rejects.toBeInstanceOf(OutputClosedError);
    await expect(writer.end()).resolves.toEqual({ count: 0 });
    // Late errors of the broken stream are still swallowed.
    expect(() => out.emit('error', epipe())).not.toThrow();
  });

  test('a stream closed while waiting for drain counts as a reader that went away', async () => {
    const out = Object.assign(new EventEmitter(), { write: (): boolean => false }) as unknown as NodeJS.WritableStream;
    const writer = createRecordWriter({ ...base, out });
    const pending = writer.write(session);
    await settle();
    out.emit('close');
    await expect(pending).rejects.toBeInstanceOf(OutputClosedError);
  });

  test('other stream errors are not hidden', async () => {
    const failure = Object.assign(new Error('no space left on device'), { code: 'ENOSPC' });
    const out = new Writable({
      write(_chunk, _encoding, callback) {
        callback(failure);
      },
    });
    const writer = createRecordWriter({ ...base, out });
    await writer.write(session).catch(() => undefined);
    await settle();
    await expect(writer.write(session)).rejects.toBe(failure);
  });

  test('a write that fails later rejects with the stream error, reported once', async () => {
    const failure = Object.assign(new Error('no space left on device'), { code: 'ENOSPC' });
    const out = new Writable({
      write(_chunk, _encoding, callback) {
        setImmediate(() => callback(failure));
      },
    });
    const writer = createRecordWriter({ ...base, out });
    await expect(writer.write(session)).rejects.toBe(failure);
    await expect(writer.end()).resolves.toEqual({ count: 0 });
  });

  test('end() reports a failure of the empty-result message', async () => {
    const failure = Object.assign(new Error('no space left on device'), { code: 'ENOSPC' });
    const out = new Writable({
      write(_chunk, _encoding, callback) {
        setImmediate(() => callback(failure));
      },
    });
    const writer = createRecordWriter({ ...base, format: 'table', out });
    await expect(writer.end()).rejects.toBe(failure);
  });
});
