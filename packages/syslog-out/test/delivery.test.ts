import { afterEach, describe, expect, it } from 'vitest';
import { createSyslogSender, type SyslogSender } from '../src/index.js';
import { analyse, seqRecord, startTcpReceiver, type TcpReceiver } from './helpers/receivers.js';
import { waitFor } from './helpers/wait.js';

const open: Array<SyslogSender | TcpReceiver> = [];

afterEach(async () => {
  for (const item of open.splice(0).reverse()) await item.close().catch(() => undefined);
});

async function setup(options: { autoConfirmBytes?: number } = {}): Promise<{ rx: TcpReceiver; s: SyslogSender }> {
  const rx = await startTcpReceiver();
  const s = createSyslogSender({ host: '127.0.0.1', port: rx.port, ...options });
  open.push(rx, s);
  return { rx, s };
}

describe('delivery without explicit flushes', () => {
  it('writes a lone record once the caller yields, without waiting for the chunk to fill', async () => {
    const { rx, s } = await setup();
    await s.send(seqRecord(0, 200));
    await waitFor(() => rx.records.length === 1, 'the lone record', 5_000);
    expect(analyse(rx.records, 1).missing).toEqual([]);
  });

  it('confirms by itself once the unconfirmed batch passes autoConfirmBytes, so memory stays bounded', async () => {
    const { rx, s } = await setup({ autoConfirmBytes: 200_000 });
    const confirmed: number[] = [];
    s.on('confirm', (event: { records: number }) => confirmed.push(event.records));
    for (let seq = 0; seq < 2_000; seq += 1) await s.send(seqRecord(seq));
    expect(s.stats.confirmedBatches).toBeGreaterThanOrEqual(5);
    expect(confirmed.reduce((a, b) => a + b, 0)).toBeGreaterThan(1_500);
    await s.confirm();
    expect(confirmed.reduce((a, b) => a + b, 0)).toBe(2_000);
    const result = analyse(rx.records, 2_000);
    expect(result.missing).toEqual([]);
    expect(result.duplicates).toBe(0);
  });
});
