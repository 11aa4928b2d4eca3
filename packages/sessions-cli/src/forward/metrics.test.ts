import { describe, expect, it } from 'vitest';
import type { RunSummary } from '../checkpoint/store.js';
import { ForwardMetrics } from './metrics.js';

/** The samples of the text whose line starts with `prefix`. */
function samples(text: string, prefix: string): string[] {
  return text.split('\n').filter((line) => line.startsWith(prefix));
}

const summary = { fetched: 10, new: 3, changed: 2, delivered: 5 } as RunSummary;

describe('ForwardMetrics', () => {
  it('starts every counter of a pipeline at 0, and its lag from when it started', async () => {
    let now = 1_000_000;
    const metrics = new ForwardMetrics(() => now);
    metrics.setPipelines(['a']);
    now += 7_000;
    const text = await metrics.text();
    expect(samples(text, 'incydr_forward_sessions_delivered_total')).toEqual([
      'incydr_forward_sessions_delivered_total{pipeline="a"} 0',
    ]);
    expect(samples(text, 'incydr_forward_runs_total')).toEqual([
      'incydr_forward_runs_total{pipeline="a",outcome="success"} 0',
      'incydr_forward_runs_total{pipeline="a",outcome="failure"} 0',
      'incydr_forward_runs_total{pipeline="a",outcome="interrupted"} 0',
    ]);
    expect(samples(text, 'incydr_forward_lag_seconds')).toEqual(['incydr_forward_lag_seconds{pipeline="a"} 7']);
    expect(samples(text, 'incydr_forward_last_success_timestamp_seconds')).toEqual([]);
  });

  it('counts what the runs tell it; the lag counts from the last success', async () => {
    let now = 2_000_000;
    const metrics = new ForwardMetrics(() => now);
    metrics.setPipelines(['a', 'b']);
    const a = metrics.observer('a');
    a.summary?.(summary);
    a.summary?.(summary);
    a.response?.({ method: 'GET', path: '/v1/sessions', status: 200, durationMs: 3 });
    a.response?.({ method: 'GET', path: '/v1/sessions', status: 429, durationMs: 3 });
    a.syslogRetry?.();
    a.syslogConfirmed?.(40);
    metrics.runEnded('a', 'success');
    metrics.runEnded('b', 'failure');
    now += 3_000;
    const text = await metrics.text();
    expect(samples(text, 'incydr_forward_sessions_fetched_total{pipeline="a"}')).toEqual([
      'incydr_forward_sessions_fetched_total{pipeline="a"} 20',
    ]);
    expect(samples(text, 'incydr_forward_sessions_delivered_total{pipeline="b"}')).toEqual([
      'incydr_forward_sessions_delivered_total{pipeline="b"} 0',
    ]);
    expect(samples(text, 'incydr_forward_api_requests_total{pipeline="a"} 2')).toHaveLength(1);
    expect(samples(text, 'incydr_forward_api_throttled_total{pipeline="a"} 1')).toHaveLength(1);
    expect(samples(text, 'incydr_forward_syslog_reconnects_total{pipeline="a"} 1')).toHaveLength(1);
    expect(samples(text, 'incydr_forward_syslog_confirm_seconds_bucket{le="0.05",pipeline="a"} 1')).toHaveLength(1);
    expect(samples(text, 'incydr_forward_runs_total{pipeline="b",outcome="failure"} 1')).toHaveLength(1);
    expect(samples(text, 'incydr_forward_last_success_timestamp_seconds')).toEqual([
      'incydr_forward_last_success_timestamp_seconds{pipeline="a"} 2000',
    ]);
    expect(samples(text, 'incydr_forward_lag_seconds')).toEqual([
      'incydr_forward_lag_seconds{pipeline="a"} 3',
      'incydr_forward_lag_seconds{pipeline="b"} 3',
    ]);
  });

  it('keeps the counters of a removed pipeline and drops its gauges', async () => {
    const metrics = new ForwardMetrics(() => 5_000);
    metrics.setPipelines(['a', 'b']);
    metrics.runEnded('a', 'success');
    metrics.setPipelines(['b']);
    const text = await metrics.text();
    expect(samples(text, 'incydr_forward_runs_total{pipeline="a",outcome="success"} 1')).toHaveLength(1);
    expect(samples(text, 'incydr_forward_last_success_timestamp_seconds')).toEqual([]);
    expect(samples(text, 'incydr_forward_lag_seconds')).toEqual(['incydr_forward_lag_seconds{pipeline="b"} 0']);
  });

  it('gives a removed pipeline whose run ends late no gauge, and one added again its lag from then', async () => {
    let now = 1_000;
    const metrics = new ForwardMetrics(() => now);
    metrics.setPipelines(['a', 'b']);
    metrics.setPipelines(['b']);
    now = 4_000;
    metrics.runEnded('a', 'success');
    let text = await metrics.text();
    expect(samples(text, 'incydr_forward_runs_total{pipeline="a",outcome="success"} 1')).toHaveLength(1);
    expect(samples(text, 'incydr_forward_last_success_timestamp_seconds')).toEqual([]);
    expect(samples(text, 'incydr_forward_lag_seconds')).toEqual(['incydr_forward_lag_seconds{pipeline="b"} 3']);
    metrics.setPipelines(['a', 'b']);
    now = 6_000;
    text = await metrics.text();
    expect(samples(text, 'incydr_forward_lag_seconds')).toEqual([
      'incydr_forward_lag_seconds{pipeline="a"} 2',
      'incydr_forward_lag_seconds{pipeline="b"} 5',
    ]);
  });
});
