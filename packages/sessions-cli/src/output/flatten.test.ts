import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { flatten, snakeCase, valueAt } from './flatten.js';

const fixture = (name: string): Record<string, unknown> =>
  JSON.parse(readFileSync(new URL(`../../../sessions-sdk/test/fixtures/${name}`, import.meta.url), 'utf8')) as Record<
    string,
    unknown
  >;

describe('snakeCase', () => {
  test.each([
    ['sessionId', 'session_id'],
    ['contentInspectionResults', 'content_inspection_results'],
    ['detectedOnAlerts', 'detected_on_alerts'],
    ['@timestamp', '@timestamp'],
    ['sha256', 'sha256'],
    ['md5Error', 'md5_error'],
    ['sha256Error', 'sha256_error'],
    ['stateV2', 'state_v2'],
    ['sizeInBytes', 'size_in_bytes'],
    ['URLPath', 'url_path'],
    ['session_id', 'session_id'],
    ['SESSION_ID', 'session_id'],
  ])('spells %s as %s', (name, expected) => {
    expect(snakeCase(name)).toBe(expected);
  });
});

describe('flatten', () => {
  test('flattens a session in key order with nested objects as dot paths and arrays kept', () => {
    const session = fixture('session.json');
    const entries = flatten(session);
    const paths = entries.map(([path]) => path);
    expect(paths.slice(0, 6)).toEqual([
      'actor_id',
      'actor_name',
      'type',
      'begin_time',
      'content_inspection_results.detected_on_alerts',
      'context_summary',
    ]);
    expect(paths).toContain('risk_indicators_alerted_on');
    expect(paths.indexOf('risk_indicators_alerted_on')).toBe(paths.indexOf('risk_indicators') + 1);
    const values = new Map(entries);
    expect(values.get('content_inspection_results.detected_on_alerts')).toEqual(['PII', 'SOURCE_CODE']);
    expect(values.get('notes')).toBe(session['notes']);
    expect(values.get('begin_time')).toBe(1715068800000);
  });

  test('flattens a file event with @timestamp kept and nulls kept', () => {
    const entries = new Map(flatten(fixture('file-event.json')));
    expect([...entries.keys()][0]).toBe('@timestamp');
    expect(entries.get('file.hash.sha256')).toBe('ded96d69c63754472efc4aa86fed68d4e17784b38089851cfa84e699e48b4155');
    expect(entries.get('file.size_in_bytes')).toBe(4831201);
    expect(entries.get('process.extension.logged_in_user')).toBe('ari.personal@gmail.com');
    expect(entries.has('destination.email')).toBe(true);
    expect(entries.get('destination.email')).toBeNull();
    expect(entries.get('report')).toBeNull();
    expect(entries.get('destination.user.email')).toEqual([]);
    expect(entries.get('user.cloud_usernames')).toEqual(['ari.example@example.com']);
  });

  test('keeps an empty object as a value', () => {
    expect(flatten({ a: {}, b: { c: 1 } })).toEqual([
      ['a', {}],
      ['b.c', 1],
    ]);
  });
});

describe('valueAt', () => {
  const record = { file: { hash: { sha256: 'abc' }, sizeInBytes: 3 }, 'odd.key': 1, report: null };

  test('finds nested values by snake path', () => {
    expect(valueAt(record, 'file.hash.sha256')).toBe('abc');
    expect(valueAt(record, 'file.size_in_bytes')).toBe(3);
  });

  test('returns a nested object for a parent path and undefined for an absent one', () => {
    expect(valueAt(record, 'file.hash')).toEqual({ sha256: 'abc' });
    expect(valueAt(record, 'report.id')).toBeUndefined();
    expect(valueAt(record, 'nothing')).toBeUndefined();
  });

  test('finds a key that contains a dot', () => {
    expect(valueAt(record, 'odd.key')).toBe(1);
  });
});
