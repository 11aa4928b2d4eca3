import { manualClock as sharedClock } from '@x/vitest-config/manual-clock';
import { describe, expect, it } from 'vitest';
import { SlidingWindowLimiter, type LimiterClock } from './rate-limit.js';

/** A clock that moves only when the test says so; an aborted sleep rejects, as the limiter's real one does. */
const manualClock = (): LimiterClock & { advance(ms: number): Promise<void>; sleeping(): number } =>
  sharedClock({ onAbort: 'reject' });

describe('SlidingWindowLimiter', () => {
  it('starts at most `limit` requests in any window, in arrival order', async () => {
    const clock = manualClock();
    const limiter = new SlidingWindowLimiter(3, 60_000, clock);
    const granted: { id: number; at: number }[] = [];
    for (let id = 0; id < 8; id += 1) void limiter.acquire().then(() => granted.push({ id, at: clock.now() }));
    await clock.advance(0);
    expect(granted.map((g) => g.at)).toEqual([0, 0, 0]);
    await clock.advance(59_999);
    expect(granted).toHaveLength(3);
    await clock.advance(1);
    expect(granted).toHaveLength(6);
    await clock.advance(60_000);
    expect(granted.map((g) => g.id)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(granted.map((g) => g.at)).toEqual([0, 0, 0, 60_000, 60_000, 60_000, 120_000, 120_000]);
  });

  it('lets a request through at once when the window holds fewer than `limit` starts', async () => {
    const clock = manualClock();
    const limiter = new SlidingWindowLimiter(2, 60_000, clock);
    const waits: number[] = [];
    await limiter.acquire();
    await clock.advance(40_000);
    await limiter.acquire();
    const third = limiter.acquire(undefined, (ms) => waits.push(ms));
    await clock.advance(0);
    // The first start leaves the window 60 s after it happened, 20 s from now.
    expect(waits).toEqual([20_000]);
    await clock.advance(20_000);
    await third;
    expect(clock.now()).toBe(60_000);
  });

  it('drops an aborted waiter without taking its slot, and serves the next one', async () => {
    const clock = manualClock();
    const limiter = new SlidingWindowLimiter(1, 60_000, clock);
    await limiter.acquire();
    const cancel = new AbortController();
    const aborted = limiter.acquire(cancel.signal);
    let nextAt: number | undefined;
    const next = limiter.acquire().then(() => {
      nextAt = clock.now();
    });
    await clock.advance(1_000);
    expect(clock.sleeping()).toBe(1);
    cancel.abort(new Error('stop waiting'));
    await expect(aborted).rejects.toThrow('stop waiting');
    await clock.advance(59_000);
    await next;
    expect(nextAt).toBe(60_000);
  });

  it('rejects a limit that is not a positive integer', () => {
    expect(() => new SlidingWindowLimiter(0)).toThrow(RangeError);
    expect(() => new SlidingWindowLimiter(1.5)).toThrow(RangeError);
  });
});
