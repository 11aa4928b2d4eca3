import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createProgress, progressWanted, recordsOnScreen, waitReason } from './progress.js';

/** A stream that says it is a terminal of `columns` columns and keeps what was written to it. */
function terminal(columns = 80, isTTY = true): Writable & { isTTY: boolean; columns: number; text(): string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk.toString('utf8'));
      done();
    },
  });
  return Object.assign(stream, { isTTY, columns, text: () => chunks.join('') });
}

afterEach(() => {
  vi.useRealTimers();
});

describe('progress', () => {
  it('draws the count, the rate and the elapsed time on one line once the task ran showAfterMs', () => {
    vi.useFakeTimers({ now: 0 });
    const out = terminal();
    const progress = createProgress({ stream: out, env: {}, showAfterMs: 1000 });
    progress.start('sessions sent', 5000);
    progress.count(10);
    expect(out.text()).toBe('');
    vi.advanceTimersByTime(2000);
    progress.count(1234);
    vi.advanceTimersByTime(100);
    expect(out.text().split('\r\x1b[2K').at(-1)).toBe('sessions sent: 1,234/5,000 · 588/s · 2 s');
    progress.stop();
    expect(out.text().endsWith('\r\x1b[2K')).toBe(true);
  });

  it('redraws at most ten times a second however often it counts, and draws the last count', () => {
    vi.useFakeTimers({ now: 0 });
    const out = terminal();
    const progress = createProgress({ stream: out, env: {}, showAfterMs: 0 });
    progress.start('rows');
    for (let i = 1; i <= 1000; i += 1) {
      progress.count(i);
      vi.advanceTimersByTime(1);
    }
    vi.advanceTimersByTime(200);
    const draws = out
      .text()
      .split('\r\x1b[2K')
      .filter((part) => part !== '');
    expect(draws.length).toBeGreaterThanOrEqual(9);
    expect(draws.length).toBeLessThanOrEqual(12);
    expect(draws.at(-1)).toMatch(/^rows: 1,000 · /);
    progress.stop();
  });

  it('clears the line before a note and draws it again after', () => {
    vi.useFakeTimers({ now: 0 });
    const out = terminal();
    const progress = createProgress({ stream: out, env: {}, showAfterMs: 0 });
    progress.start('rows');
    progress.count(3);
    progress.note('incydr: warning: something');
    expect(out.text()).toBe('\r\x1b[2Krows: 3 · 0 s\r\x1b[2Kincydr: warning: something\n\r\x1b[2Krows: 3 · 0 s');
    progress.stop();
  });

  it('counts a server-asked wait down and drops it once it is over', () => {
    vi.useFakeTimers({ now: 0 });
    const out = terminal();
    const progress = createProgress({ stream: out, env: {}, showAfterMs: 0 });
    progress.start('requests');
    progress.waiting(waitReason({ reason: 'retry-after', cause: 'HTTP 429' }), 5000);
    expect(out.text().split('\r\x1b[2K').at(-1)).toBe('requests: 0 · 0 s · waiting 5 s (server asked: Retry-After)');
    vi.advanceTimersByTime(2000);
    expect(out.text().split('\r\x1b[2K').at(-1)).toBe(
      'requests: 0 · 0/s · 2 s · waiting 3 s (server asked: Retry-After)',
    );
    vi.advanceTimersByTime(3500);
    expect(out.text().split('\r\x1b[2K').at(-1)).toBe('requests: 0 · 0/s · 5 s');
    progress.stop();
  });

  it('cuts the line to the terminal width so that it never wraps', () => {
    vi.useFakeTimers({ now: 0 });
    const out = terminal(20);
    const progress = createProgress({ stream: out, env: {}, showAfterMs: 0 });
    progress.start('a rather long label for a narrow terminal');
    progress.count(1);
    expect(out.text()).toBe('\r\x1b[2Ka rather long label');
    progress.stop();
  });

  it('draws nothing off a terminal, in CI or on a dumb terminal, and passes notes through', () => {
    vi.useFakeTimers({ now: 0 });
    for (const [out, env] of [
      [terminal(80, false), {}],
      [terminal(), { CI: 'true' }],
      [terminal(), { TERM: 'dumb' }],
    ] as const) {
      const progress = createProgress({ stream: out, env, showAfterMs: 0 });
      progress.start('rows', 10);
      progress.count(5);
      progress.waiting('waiting for the syslog receiver to confirm');
      vi.advanceTimersByTime(5000);
      progress.note('done');
      progress.stop();
      expect(out.text()).toBe('done\n');
    }
    expect(progressWanted({ isTTY: true }, { CI: '' })).toBe(true);
  });

  it('counts records as on the screen on a terminal or a pipe, not in a file', () => {
    const folder = mkdtempSync(join(tmpdir(), 'progress-'));
    const fifo = join(folder, 'fifo');
    execFileSync('mkfifo', [fifo]);
    // Read-write, so that opening the FIFO does not wait for a reader.
    const descriptors = [openSync(join(folder, 'file'), 'w'), openSync(fifo, 'r+')];
    try {
      expect(recordsOnScreen({ fd: descriptors[0] })).toBe(false);
      expect(recordsOnScreen({ fd: descriptors[1] })).toBe(true);
      expect(recordsOnScreen({ isTTY: true })).toBe(true);
      expect(recordsOnScreen({})).toBe(false);
    } finally {
      for (const fd of descriptors) if (fd !== undefined) closeSync(fd);
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
