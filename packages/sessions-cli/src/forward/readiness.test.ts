import { describe, expect, it } from 'vitest';
import { Readiness } from './readiness.js';

describe('Readiness', () => {
  it('is unready for a pipeline until its first run succeeded, then while its last success is older than 2 intervals', () => {
    let now = 0;
    const readiness = new Readiness(() => now);
    readiness.setPipelines([
      { name: 'a', intervalMs: 1_000 },
      { name: 'b', intervalMs: 10_000 },
    ]);
    expect(readiness.unready()).toEqual(['a', 'b']);
    readiness.succeeded('a');
    readiness.succeeded('b');
    expect(readiness.unready()).toEqual([]);
    now = 2_000;
    expect(readiness.unready()).toEqual([]);
    now = 2_001;
    expect(readiness.unready()).toEqual(['a']);
    readiness.succeeded('a');
    now = 20_001;
    expect(readiness.unready()).toEqual(['a', 'b']);
  });

  it('forgets a removed pipeline; an added one is unready until it succeeded', () => {
    const readiness = new Readiness(() => 0);
    readiness.setPipelines([{ name: 'a', intervalMs: 1_000 }]);
    readiness.succeeded('a');
    readiness.setPipelines([{ name: 'c', intervalMs: 1_000 }]);
    expect(readiness.unready()).toEqual(['c']);
    readiness.setPipelines([]);
    expect(readiness.unready()).toEqual([]);
  });

  it('takes a pipeline added back for a new one: unready until it succeeds again, even if its old run ends late', () => {
    const readiness = new Readiness(() => 0);
    readiness.setPipelines([{ name: 'a', intervalMs: 1_000 }]);
    readiness.succeeded('a');
    readiness.setPipelines([]);
    readiness.succeeded('a');
    readiness.setPipelines([{ name: 'a', intervalMs: 1_000 }]);
    expect(readiness.unready()).toEqual(['a']);
    readiness.succeeded('a');
    expect(readiness.unready()).toEqual([]);
  });
});
