import { PassThrough } from 'node:stream';
import { describe, expect, test } from 'vitest';
import type { Context } from '../context.js';
import { createProgress } from '../progress.js';
import { deliverPages, deliverRecords, newDeliveryCount } from './deliver.js';
import type { RecordSink } from './sink.js';

type Row = { id: number };

function contextFor(signal = new AbortController().signal): Context {
  return {
    stdout: new PassThrough(),
    stderr: new PassThrough(),
    env: {},
    signal,
    useRich: false,
    color: false,
    width: Number.POSITIVE_INFINITY,
    note: () => undefined,
    progress: createProgress({ stream: new PassThrough(), env: {} }),
    client: () => Promise.reject(new Error('no client in these tests')),
    setting: () => undefined,
  };
}

/** A sink that logs what the loop asks of it; `failSend` fails that record's send. */
function loggingSink(failSend?: number) {
  const log: string[] = [];
  const sink: RecordSink = {
    send(record: Readonly<Record<string, unknown>>) {
      if (record['id'] === failSend) return Promise.reject(new Error('receiver went away'));
      log.push(`send ${String(record['id'])}`);
      return Promise.resolve(record['id'] !== 0);
    },
    confirm() {
      log.push('confirm');
      return Promise.resolve();
    },
    close() {
      log.push('close');
      return Promise.resolve(log.filter((line) => line.startsWith('send')).length);
    },
    abort() {
      log.push('abort');
      return Promise.resolve();
    },
    resent: 0,
    delivery: 'confirmed',
  };
  return { sink, log };
}

async function* rows(ids: number[], failAfter?: number): AsyncGenerator<Row> {
  for (const id of ids) {
    yield { id };
    if (id === failAfter) throw new Error('HTTP 503 from the API');
  }
}

/** A plan that records each confirmed batch's ids, as a checkpointed run records its sessions. */
function recordingPlan(sink: RecordSink) {
  const recorded: number[] = [];
  const count = newDeliveryCount();
  const plan = {
    sink,
    confirmEvery: 10,
    count,
    receipt: (row: Row) => row.id,
    confirmed: (receipts: number[]) => Promise.resolve(void recorded.push(...receipts)),
  };
  return { plan, recorded, count };
}

describe('deliverRecords', () => {
  test('confirms every N records and at the end, then closes the sink', async () => {
    const { sink, log } = loggingSink();
    const count = await deliverRecords(rows([1, 2, 3, 4, 5]), { sink, confirmEvery: 2 }, contextFor());
    expect(log).toEqual(['send 1', 'send 2', 'confirm', 'send 3', 'send 4', 'confirm', 'send 5', 'confirm', 'close']);
    expect(count).toEqual({ sent: 5, skipped: 0, delivered: 5, unconfirmed: 0, closed: 5 });
  });

  test('counts a record the sink skipped apart from those it sent', async () => {
    const { sink } = loggingSink();
    const count = await deliverRecords(rows([1, 0, 2]), { sink, confirmEvery: 10 }, contextFor());
    expect(count).toMatchObject({ sent: 2, skipped: 1, delivered: 2 });
  });

  test('stops after the current record once interrupted, and still confirms what was sent', async () => {
    const interrupt = new AbortController();
    const { sink, log } = loggingSink();
    async function* interrupted(): AsyncGenerator<Row> {
      yield { id: 1 };
      interrupt.abort();
      yield { id: 2 };
      yield { id: 3 };
    }
    await deliverRecords(interrupted(), { sink, confirmEvery: 10 }, contextFor(interrupt.signal));
    expect(log).toEqual(['send 1', 'send 2', 'confirm', 'close']);
  });

  test('hands each confirmed batch its receipts, in order, before the next record goes out', async () => {
    const { sink, log } = loggingSink();
    const plan = {
      sink,
      confirmEvery: 2,
      receipt: (row: Row) => (row.id === 3 ? undefined : `r${row.id}`),
      confirmed: (receipts: string[]) => {
        log.push(`recorded ${receipts.join(',')}`);
        return Promise.resolve();
      },
    };
    await deliverRecords(rows([1, 2, 3, 4]), plan, contextFor());
    expect(log.filter((line) => !line.startsWith('confirm'))).toEqual([
      'send 1',
      'send 2',
      'recorded r1,r2',
      'send 3',
      'send 4',
      'recorded r4',
      'recorded ',
      'close',
    ]);
  });

  test('after a failure of the source, confirms and records what was sent, aborts the sink and fails', async () => {
    const { sink, log } = loggingSink();
    const { plan, recorded, count } = recordingPlan(sink);
    await expect(deliverRecords(rows([1, 2, 3], 2), plan, contextFor())).rejects.toThrow('HTTP 503');
    expect(log).toEqual(['send 1', 'send 2', 'confirm', 'abort']);
    expect(recorded).toEqual([1, 2]);
    expect(count).toMatchObject({ sent: 2, delivered: 2, unconfirmed: 0 });
  });

  test('after a failure of the sink, records nothing more and leaves the sent records unconfirmed', async () => {
    const { sink, log } = loggingSink(3);
    const { plan, recorded, count } = recordingPlan(sink);
    await expect(deliverRecords(rows([1, 2, 3, 4]), plan, contextFor())).rejects.toThrow('receiver went away');
    expect(log).toEqual(['send 1', 'send 2', 'abort']);
    expect(recorded).toEqual([]);
    expect(count).toMatchObject({ sent: 2, delivered: 0, unconfirmed: 2 });
  });
});

describe('deliverPages', () => {
  async function* pagesOf(...pages: number[][]): AsyncGenerator<Row[]> {
    for (const page of pages) yield page.map((id) => ({ id }));
  }

  test('hands a sink that takes pages each page whole, and counts and confirms per record', async () => {
    const { sink, log } = loggingSink();
    sink.sendMany = (records: readonly Readonly<Record<string, unknown>>[]) =>
      Promise.resolve(void log.push(`page ${records.map((r) => String(r['id'])).join(',')}`));
    const { plan, recorded, count } = recordingPlan(sink);
    await deliverPages(pagesOf([1, 2, 3], [4, 5]), { ...plan, confirmEvery: 4 }, contextFor());
    expect(log).toEqual(['page 1,2,3', 'page 4,5', 'confirm', 'confirm', 'close']);
    expect(recorded).toEqual([1, 2, 3, 4, 5]);
    expect(count).toMatchObject({ sent: 5, delivered: 5, unconfirmed: 0, closed: 0 });
  });

  test('gives a sink without sendMany the records of each page one by one', async () => {
    const { sink, log } = loggingSink();
    const count = await deliverPages(pagesOf([1, 0], [2]), { sink, confirmEvery: 10 }, contextFor());
    expect(log).toEqual(['send 1', 'send 0', 'send 2', 'confirm', 'close']);
    expect(count).toMatchObject({ sent: 2, skipped: 1 });
  });
});
