import { manualClock } from '@x/vitest-config/manual-clock';
import { describe, expect, it } from 'vitest';
import { ExitError } from '../failures.js';
import type { Pipeline } from './config.js';
import { BACKOFF_BASE_MS, delayAfterFailureMs, delayAfterSuccessMs, jittered } from './schedule.js';
import { runService, type ServiceDeps } from './service.js';

function pipeline(name: string, intervalMs: number, extra: Partial<Pipeline> = {}): Pipeline {
  return {
    name,
    args: { checkpoint: name, output: 'TCP:127.0.0.1:601' },
    settings: { env: {}, envFile: null },
    apiUrl: 'https://api.example.com',
    client: 'https://api.example.com client test',
    checkpoint: name,
    target: 'TCP:127.0.0.1:601',
    record: 'raw',
    interval: `${intervalMs / 1000}s`,
    intervalMs,
    ...extra,
  };
}

/** A run that takes `ms` on the clock and succeeds unless `fail` says otherwise; every start and end is recorded. */
interface Harness {
  clock: ReturnType<typeof manualClock>;
  /** [name, start, end] of every run, end undefined while it runs. */
  runs: Array<{ name: string; start: number; end?: number; pipeline: Pipeline }>;
  notes: string[];
  stop: AbortController;
  hangup: () => void;
  /** Whether the service listens for SIGHUP now. */
  listening: () => boolean;
  deps: ServiceDeps;
}

function harness(options: {
  durationMs?: (name: string) => number;
  fail?: (name: string, at: number) => boolean;
  load?: () => Pipeline[];
  stopBoundMs?: number;
}): Harness {
  const clock = manualClock();
  const runs: Harness['runs'] = [];
  const notes: string[] = [];
  const stop = new AbortController();
  let hangup = (): void => undefined;
  let listening = false;
  const deps: ServiceDeps = {
    file: 'forward.yml',
    load: options.load ?? (() => []),
    run: async (p) => {
      const run: Harness['runs'][number] = { name: p.name, start: clock.now(), pipeline: p };
      runs.push(run);
      const duration = options.durationMs?.(p.name) ?? 100;
      // A run that never ends unless stopped is Infinity.
      if (duration === Infinity) await new Promise(() => undefined);
      await clock.sleep(duration, new AbortController().signal);
      run.end = clock.now();
      return !(options.fail?.(p.name, run.start) ?? false);
    },
    clock,
    random: () => 0.5,
    note: (line) => notes.push(line),
    signal: stop.signal,
    onHangup: (listener) => {
      hangup = listener;
      listening = true;
      return () => {
        hangup = () => undefined;
        listening = false;
      };
    },
    ...(options.stopBoundMs === undefined ? {} : { stopBoundMs: options.stopBoundMs }),
  };
  return { clock, runs, notes, stop, hangup: () => hangup(), listening: () => listening, deps };
}

function startsOf(runs: Harness['runs'], name: string): number[] {
  return runs.filter((run) => run.name === name).map((run) => run.start);
}

describe('schedule', () => {
  it('jitters by at most 10 % either way', () => {
    expect(jittered(10_000, () => 0)).toBe(9_000);
    expect(jittered(10_000, () => 0.5)).toBe(10_000);
    expect(jittered(10_000, () => 0.999_999)).toBe(11_000);
  });

  it('counts the interval from the start of the previous run, and starts at once when a run overran it', () => {
    expect(delayAfterSuccessMs(60_000, 1_000, 11_000, () => 0.5)).toBe(50_000);
    expect(delayAfterSuccessMs(60_000, 1_000, 90_000, () => 0.5)).toBe(0);
  });

  it('backs off from 30 s, doubling, never beyond the interval', () => {
    const half = (): number => 0.5;
    expect([1, 2, 3, 4, 5].map((n) => delayAfterFailureMs(300_000, n, half))).toEqual([
      BACKOFF_BASE_MS,
      60_000,
      120_000,
      240_000,
      300_000,
    ]);
    expect(delayAfterFailureMs(2_000, 1, half)).toBe(2_000);
    expect(delayAfterFailureMs(300_000, 1_000, half)).toBe(300_000);
  });
});

describe('runService', () => {
  it('runs each pipeline at start and then every interval from the start of its previous run', async () => {
    const h = harness({ durationMs: (name) => (name === 'a' ? 300 : 50) });
    const done = runService([pipeline('a', 1_000), pipeline('b', 2_500)], h.deps);
    await h.clock.advance(5_100);
    expect(startsOf(h.runs, 'a')).toEqual([0, 1_000, 2_000, 3_000, 4_000, 5_000]);
    expect(startsOf(h.runs, 'b')).toEqual([0, 2_500, 5_000]);
    h.stop.abort();
    await h.clock.advance(1_000);
    await done;
    expect(h.notes.at(0)).toMatch(/^incydr: forwarding 2 pipelines from forward\.yml/);
    expect(h.notes.at(-1)).toBe('incydr: stopped; every pipeline saved what it delivered');
  });

  it('never runs one pipeline twice at once: a run longer than the interval is followed right after its end', async () => {
    const h = harness({ durationMs: () => 2_500 });
    const done = runService([pipeline('slow', 1_000)], h.deps);
    await h.clock.advance(10_000);
    const runs = h.runs.filter((run) => run.end !== undefined);
    expect(runs.length).toBe(4);
    for (const [index, run] of runs.entries()) {
      expect(run.start).toBe(index * 2_500);
      expect(run.end).toBe(run.start + 2_500);
    }
    h.stop.abort();
    await h.clock.advance(3_000);
    await done;
  });

  it('backs off after failures, says so, resets on success, and never slows another pipeline', async () => {
    let broken = true;
    const h = harness({ fail: (name) => name === 'down' && broken });
    const done = runService([pipeline('down', 300_000), pipeline('up', 60_000)], h.deps);
    await h.clock.advance(4 * 60_000);
    // 0, then +30 s, +60 s, +120 s after the end of each failed run (100 ms each).
    expect(startsOf(h.runs, 'down')).toEqual([0, 30_100, 90_200, 210_300]);
    expect(startsOf(h.runs, 'up')).toEqual([0, 60_000, 120_000, 180_000, 240_000]);
    expect(h.notes.filter((line) => line.startsWith('down: '))).toEqual([
      'down: next attempt in 30 s (first failure)',
      'down: next attempt in 60 s (2 failures in a row)',
      'down: next attempt in 120 s (3 failures in a row)',
      'down: next attempt in 240 s (4 failures in a row)',
    ]);
    broken = false;
    await h.clock.advance(240_100 + 300_000);
    // Back after 240 s; the success brings the interval back.
    expect(startsOf(h.runs, 'down').slice(4)).toEqual([450_400, 750_400]);
    h.stop.abort();
    await done;
  });

  it('a pipeline whose run hangs delays no other, and a stop beyond the bound names it (exit 1)', async () => {
    const h = harness({ durationMs: (name) => (name === 'hung' ? Infinity : 100), stopBoundMs: 30_000 });
    const done = runService([pipeline('hung', 1_000), pipeline('fine', 1_000)], h.deps);
    const failure = done.catch((error: unknown) => error);
    await h.clock.advance(3_050);
    expect(startsOf(h.runs, 'fine')).toEqual([0, 1_000, 2_000, 3_000]);
    h.stop.abort();
    await h.clock.advance(29_999);
    expect(await Promise.race([failure, Promise.resolve('pending')])).toBe('pending');
    await h.clock.advance(1);
    const error = await failure;
    expect(error).toBeInstanceOf(ExitError);
    expect((error as ExitError).exitCode).toBe(1);
    expect((error as Error).message).toMatch(/^hung did not stop within 30 s/);
  });

  it('stops each pipeline after its current run and starts no other', async () => {
    const h = harness({ durationMs: () => 5_000 });
    const done = runService([pipeline('a', 1_000)], h.deps);
    await h.clock.advance(2_000);
    h.stop.abort();
    await h.clock.advance(3_000);
    await done;
    expect(h.runs).toHaveLength(1);
    expect(h.runs[0]?.end).toBe(5_000);
  });

  it('on SIGHUP adds, removes and changes pipelines; a removed one ends its current run first', async () => {
    let next: Pipeline[] = [];
    const h = harness({ durationMs: (name) => (name === 'old' ? 800 : 100), load: () => next });
    const done = runService([pipeline('keep', 1_000), pipeline('old', 1_000), pipeline('same', 1_000)], h.deps);
    await h.clock.advance(500);
    next = [pipeline('keep', 2_000, { target: 'TCP:127.0.0.1:602' }), pipeline('same', 1_000), pipeline('new', 1_000)];
    h.hangup();
    expect(h.notes.at(-1)).toBe(
      'incydr: reloaded forward.yml: 1 added (new), 1 removed (old), 1 changed (keep), 1 unchanged',
    );
    await h.clock.advance(4_600);
    const old = h.runs.filter((run) => run.name === 'old');
    expect(old).toHaveLength(1);
    expect(old[0]?.end).toBe(800);
    expect(startsOf(h.runs, 'new')).toEqual([500, 1_500, 2_500, 3_500, 4_500]);
    // The changed pipeline's next run, already due at 1 000, has its new settings; from then on, its new interval.
    const keep = h.runs.filter((run) => run.name === 'keep');
    expect(keep.map((run) => run.start)).toEqual([0, 1_000, 3_000, 5_000]);
    expect(keep.map((run) => run.pipeline.target)).toEqual([
      'TCP:127.0.0.1:601',
      'TCP:127.0.0.1:602',
      'TCP:127.0.0.1:602',
      'TCP:127.0.0.1:602',
    ]);
    h.stop.abort();
    await h.clock.advance(1_000);
    await done;
  });

  it('starts a pipeline added back by the next SIGHUP only once its removed loop ended its run (one checkpoint lock)', async () => {
    let next: Pipeline[] = [];
    const h = harness({ durationMs: () => 800, load: () => next });
    const done = runService([pipeline('a', 1_000)], h.deps);
    await h.clock.advance(200);
    h.hangup();
    await h.clock.advance(100);
    next = [pipeline('a', 1_000)];
    h.hangup();
    expect(h.notes.at(-1)).toBe('incydr: reloaded forward.yml: 1 added (a), 0 removed, 0 changed, 0 unchanged');
    await h.clock.advance(1_300);
    expect(h.runs.map((run) => [run.start, run.end])).toEqual([
      [0, 800],
      [800, 1_600],
    ]);
    h.stop.abort();
    await h.clock.advance(1_000);
    await done;
  });

  it('keeps SIGHUP until every pipeline has stopped, and reloads nothing once stopping', async () => {
    let loads = 0;
    const h = harness({
      durationMs: () => 5_000,
      load: () => {
        loads += 1;
        return [];
      },
    });
    const done = runService([pipeline('a', 1_000)], h.deps);
    await h.clock.advance(1_000);
    h.stop.abort();
    await h.clock.advance(1_000);
    expect(h.listening()).toBe(true);
    h.hangup();
    expect(loads).toBe(0);
    await h.clock.advance(3_000);
    await done;
    expect(h.listening()).toBe(false);
  });

  it('on SIGHUP with a broken file keeps every pipeline as it was and says why', async () => {
    const { ForwardConfigError } = await import('./config.js');
    const h = harness({
      load: () => {
        throw new ForwardConfigError('forward.yml: 1 problem; nothing was started', {
          details: ['forward.yml:3:5: pipelines[0].name: missing key "name"'],
        });
      },
    });
    const done = runService([pipeline('a', 1_000)], h.deps);
    await h.clock.advance(500);
    h.hangup();
    expect(h.notes.slice(-2)).toEqual([
      'incydr: reload failed, the running pipelines go on unchanged: forward.yml: 1 problem',
      'forward.yml:3:5: pipelines[0].name: missing key "name"',
    ]);
    await h.clock.advance(2_000);
    expect(startsOf(h.runs, 'a')).toEqual([0, 1_000, 2_000]);
    h.stop.abort();
    await done;
  });

  it('starts nothing when stopped before it began', async () => {
    const h = harness({});
    h.stop.abort();
    await runService([pipeline('a', 1_000)], h.deps);
    expect(h.runs).toEqual([]);
    expect(h.notes.at(-1)).toBe('incydr: stopped; every pipeline saved what it delivered');
  });
});
