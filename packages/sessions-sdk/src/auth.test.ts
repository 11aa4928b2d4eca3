import { describe, expect, it } from 'vitest';
import { TokenCache, refreshMarginMs, tenantIdFromToken } from './auth.js';

function cache(lifetimeMs: number) {
  let now = 1_000_000;
  let calls = 0;
  const tokens = new TokenCache(
    async () => {
      calls += 1;
      return { value: `t${calls}`, lifetimeMs };
    },
    () => now,
  );
  return {
    tokens,
    calls: () => calls,
    advance: (ms: number) => {
      now += ms;
    },
  };
}

describe('TokenCache', () => {
  it('renews 60 s before expiry for a 15-minute token', async () => {
    const c = cache(900_000);
    expect(await c.tokens.getToken({})).toBe('t1');
    c.advance(839_999);
    expect(await c.tokens.getToken({})).toBe('t1');
    c.advance(1);
    expect(await c.tokens.getToken({})).toBe('t2');
  });

  it('uses a margin of 10 % of the lifetime for short-lived tokens', async () => {
    expect(refreshMarginMs(100_000)).toBe(10_000);
    expect(refreshMarginMs(3_600_000)).toBe(60_000);
    const c = cache(100_000);
    await c.tokens.getToken({});
    c.advance(89_999);
    expect(await c.tokens.getToken({})).toBe('t1');
    c.advance(1);
    expect(await c.tokens.getToken({})).toBe('t2');
  });

  it('runs one renewal for many waiting callers', async () => {
    const c = cache(900_000);
    const all = await Promise.all(Array.from({ length: 50 }, () => c.tokens.getToken({})));
    expect(new Set(all)).toEqual(new Set(['t1']));
    expect(c.calls()).toBe(1);
  });

  it('drops only the refused token', async () => {
    const c = cache(900_000);
    await c.tokens.getToken({});
    c.tokens.invalidate('some-older-token');
    expect(await c.tokens.getToken({})).toBe('t1');
    c.tokens.invalidate('t1');
    expect(await c.tokens.getToken({})).toBe('t2');
  });

  it('lets the next caller try again after a failed renewal', async () => {
    let fail = true;
    const tokens = new TokenCache(async () => {
      if (fail) throw new Error('down');
      return { value: 'ok', lifetimeMs: 900_000 };
    });
    await expect(tokens.getToken({})).rejects.toThrow('down');
    fail = false;
    expect(await tokens.getToken({})).toBe('ok');
  });

  it('starts no renewal for a caller already aborted, so that closing leaves no rejection unheard', async () => {
    let calls = 0;
    const tokens = new TokenCache(async (signal) => {
      calls += 1;
      return new Promise((_, reject) => signal.addEventListener('abort', () => reject(signal.reason)));
    });
    const unheard: unknown[] = [];
    const listen = (reason: unknown): void => {
      unheard.push(reason);
    };
    process.on('unhandledRejection', listen);
    try {
      await expect(tokens.getToken({ signal: AbortSignal.abort(new Error('stopped')) })).rejects.toThrow('stopped');
      tokens.close();
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(calls).toBe(0);
      expect(unheard).toEqual([]);
    } finally {
      process.off('unhandledRejection', listen);
    }
  });
});

describe('tenantIdFromToken', () => {
  it('reads the tenantUid claim and tolerates tokens that are not JWTs', () => {
    const claims = Buffer.from(JSON.stringify({ tenantUid: 'tenant-42' })).toString('base64url');
    expect(tenantIdFromToken(`h.${claims}.s`)).toBe('tenant-42');
    expect(tenantIdFromToken('opaque')).toBeUndefined();
    expect(tenantIdFromToken('h.!!!.s')).toBeUndefined();
  });
});
