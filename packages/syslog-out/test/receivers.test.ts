import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { analyse, RecordParser, seqRecord, startBlackHole, startTcpReceiver } from './helpers/receivers.js';
import { outcome, waitFor } from './helpers/wait.js';

describe('RecordParser', () => {
  it('splits LF records across chunk boundaries', () => {
    const parser = new RecordParser('lf');
    expect(parser.push(Buffer.from('a\nb'))).toEqual(['a']);
    expect(parser.push(Buffer.from('c\n\nd'))).toEqual(['bc', '']);
    expect(parser.pendingBytes).toBe(1);
  });

  it('counts UTF-8 bytes under octet counting, even when a character is split between chunks', () => {
    const parser = new RecordParser('octet-counting');
    const bytes = Buffer.from('6 é😀3 abc');
    expect(parser.push(bytes.subarray(0, 4))).toEqual([]);
    expect(parser.push(bytes.subarray(4))).toEqual(['é😀', 'abc']);
    expect(parser.pendingBytes).toBe(0);
  });

  it('rejects LF-framed input under octet counting', () => {
    expect(() => new RecordParser('octet-counting').push(Buffer.from('{"seq":1}\n'))).toThrow(/octet count/);
  });
});

describe('analyse', () => {
  it('counts missing and duplicate sequence numbers', () => {
    const records = [0, 1, 1, 3, 3, 3].map((seq) => seqRecord(seq, 40));
    expect(analyse([...records, 'noise', seqRecord(9)], 5)).toEqual({ missing: [2, 4], duplicates: 3, unexpected: 2 });
  });

  it('makes records of the asked size', () => {
    expect(seqRecord(12345, 1024)).toHaveLength(1024);
    expect(JSON.parse(seqRecord(7, 100))).toMatchObject({ seq: 7 });
  });
});

describe('test receivers', () => {
  it('a black hole never completes a connect', async () => {
    const hole = await startBlackHole();
    try {
      const socket = connect({ host: hole.host, port: hole.port });
      socket.on('error', () => undefined);
      const result = await outcome(
        new Promise<void>((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error('still connecting')), 200);
          socket.once('connect', () => {
            clearTimeout(timer);
            resolve();
          });
        }),
      );
      socket.destroy();
      expect(result.ok).toBe(false);
      expect(String(result.error)).toMatch(/still connecting/);
    } finally {
      await hole.close();
    }
  });

  it('a crashing receiver drops its connections and listens again on the same port', async () => {
    const rx = await startTcpReceiver({ mode: { crashAfter: [2], restartAfterMs: 20 } });
    try {
      const socket = connect({ host: rx.host, port: rx.port });
      const closed = new Promise<boolean>((resolve) => socket.on('close', resolve));
      socket.on('error', () => undefined);
      socket.write(`${seqRecord(0, 50)}\n${seqRecord(1, 50)}\n`);
      await closed;
      expect(rx.counts.crashes).toBe(1);
      await rx.waitForRecords(2);
      await waitFor(() => rx.listening(), 'the receiver to listen again', 2_000);
      const again = connect({ host: rx.host, port: rx.port });
      await new Promise((resolve, reject) => {
        again.once('connect', resolve);
        again.once('error', reject);
      });
      again.end(`${seqRecord(2, 50)}\n`);
      await rx.waitForRecords(3);
      expect(analyse(rx.records, 3)).toEqual({ missing: [], duplicates: 0, unexpected: 0 });
    } finally {
      await rx.close();
    }
  });
});
