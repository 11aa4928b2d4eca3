import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import {
  ColumnsError,
  FILE_EVENT_COLUMNS,
  SESSION_COLUMNS,
  availableColumns,
  columnAliases,
  csvColumns,
  normalizeColumnName,
  recordPath,
  resolveColumns,
} from './columns.js';

const session = JSON.parse(
  readFileSync(new URL('../../../sessions-sdk/test/fixtures/session.json', import.meta.url), 'utf8'),
) as Record<string, unknown>;

function thrown(run: () => unknown): ColumnsError {
  try {
    run();
  } catch (error) {
    if (error instanceof ColumnsError) return error;
    throw error;
  }
  throw new Error('expected a ColumnsError');
}

describe('known column lists', () => {
  test('lists every flattened Session path in API order', () => {
    expect(SESSION_COLUMNS.slice(0, 7)).toEqual([
      'actor_id',
      'actor_name',
      'type',
      'begin_time',
      'content_inspection_results.detected_on_alerts',
      'content_inspection_results.status',
      'content_inspection_results.event_results',
    ]);
    expect(SESSION_COLUMNS).toContain('session_id');
    expect(SESSION_COLUMNS.at(-1)).toBe('user_id');
  });

  test('lists every flattened file-event path', () => {
    expect(FILE_EVENT_COLUMNS[0]).toBe('@timestamp');
    expect(FILE_EVENT_COLUMNS).toEqual(
      expect.arrayContaining(['file.hash.sha256', 'risk.untrusted_values.domains', 'destination.email.subject']),
    );
    expect(FILE_EVENT_COLUMNS).not.toContain('file.hash');
  });

  test("puts the Python CLI's columns first, then the model's others, then the record's unknown fields", () => {
    const available = availableColumns('session', session);
    expect(available.slice(0, csvColumns('session').length)).toEqual([...csvColumns('session')]);
    expect(available).toContain('content_inspection_results.status');
    expect(available.at(-1)).toBe('risk_indicators_alerted_on');
    expect(new Set(available).size).toBe(available.length);
  });

  test('lists a renamed file-event column once, under its Python name', () => {
    const available = availableColumns('file-event', { '@timestamp': 'T', source: { email: { from: 'a' } } });
    expect(available[0]).toBe('timestamp');
    expect(available).toContain('source.email.from_');
    expect(available).not.toContain('@timestamp');
    expect(available).not.toContain('source.email.from');
  });
});

describe('Python column names', () => {
  test("are the CSV header, in the Python CLI's order", () => {
    expect(csvColumns('session')).toHaveLength(23);
    expect(csvColumns('session').slice(0, 5)).toEqual([
      'actor_id',
      'actor_name',
      'type',
      'begin_time',
      'content_inspection_results.detected_on_alerts',
    ]);
    expect(csvColumns('file-event')).toHaveLength(118);
    expect(csvColumns('file-event').slice(0, 3)).toEqual([
      'timestamp',
      'destination.account_name',
      'destination.account_type',
    ]);
    expect(csvColumns('file-event').at(-1)).toBe('git.repository_user');
  });

  test('map to the record paths where the API spells them differently', () => {
    expect(recordPath('file-event', 'timestamp')).toBe('@timestamp');
    expect(recordPath('file-event', 'source.email.from_')).toBe('source.email.from');
    expect(recordPath('file-event', 'file.size_in_bytes')).toBe('file.size_in_bytes');
    expect(recordPath('session', 'session_id')).toBe('session_id');
  });

  test('resolve from the API spellings too', () => {
    const available = availableColumns('file-event');
    const aliases = columnAliases('file-event');
    expect(resolveColumns('@timestamp,source.email.from,timestamp', available, aliases)).toEqual([
      'timestamp',
      'source.email.from_',
    ]);
    expect(resolveColumns('source.email', available, aliases)).toEqual(['source.email.from_', 'source.email.sender']);
  });
});

describe('normalizeColumnName', () => {
  test('turns each segment to snake_case and keeps globs', () => {
    expect(normalizeColumnName('contentInspectionResults.detectedOnAlerts')).toBe(
      'content_inspection_results.detected_on_alerts',
    );
    expect(normalizeColumnName('*Events')).toBe('*_events');
    expect(normalizeColumnName('file.*')).toBe('file.*');
  });
});

describe('resolveColumns', () => {
  test('accepts snake_case and camelCase names, trimmed, in the order given', () => {
    expect(resolveColumns(' sessionId , begin_time,,actorName ', SESSION_COLUMNS)).toEqual([
      'session_id',
      'begin_time',
      'actor_name',
    ]);
  });

  test('accepts dot paths in either spelling', () => {
    expect(resolveColumns('contentInspectionResults.detectedOnAlerts', SESSION_COLUMNS)).toEqual([
      'content_inspection_results.detected_on_alerts',
    ]);
    expect(resolveColumns('file.hash.sha256,file.sizeInBytes', FILE_EVENT_COLUMNS)).toEqual([
      'file.hash.sha256',
      'file.size_in_bytes',
    ]);
  });

  test('expands globs in available order', () => {
    expect(resolveColumns('*_events', SESSION_COLUMNS)).toEqual([
      'critical_events',
      'high_events',
      'moderate_events',
      'low_events',
      'no_risk_events',
    ]);
    expect(resolveColumns('*Events', SESSION_COLUMNS)).toEqual(resolveColumns('*_events', SESSION_COLUMNS));
    expect(resolveColumns('file.hash.*', FILE_EVENT_COLUMNS)).toEqual([
      'file.hash.md5',
      'file.hash.sha256',
      'file.hash.md5_error',
      'file.hash.sha256_error',
    ]);
  });

  test('expands a parent path to its leaves', () => {
    expect(resolveColumns('file.hash', FILE_EVENT_COLUMNS)).toEqual(resolveColumns('file.hash.*', FILE_EVENT_COLUMNS));
  });

  test('drops duplicates and keeps the first position', () => {
    expect(resolveColumns('high_events,session_id,*_events', SESSION_COLUMNS)).toEqual([
      'high_events',
      'session_id',
      'critical_events',
      'moderate_events',
      'low_events',
      'no_risk_events',
    ]);
  });

  test('matches regardless of case', () => {
    expect(resolveColumns('SESSION_ID', SESSION_COLUMNS)).toEqual(['session_id']);
  });

  test('rejects an unknown name with a message listing the valid names', () => {
    const error = thrown(() => resolveColumns('session_id,nope', SESSION_COLUMNS));
    expect(error.name).toBe('ColumnsError');
    expect(error.unknown).toEqual(['nope']);
    expect(error.message).toContain('unknown column "nope"');
    for (const name of SESSION_COLUMNS) expect(error.message).toContain(name);
  });

  test('suggests close names', () => {
    const error = thrown(() => resolveColumns('sesion_id,sha256', [...SESSION_COLUMNS, 'file.hash.sha256']));
    expect(error.message).toContain('"sesion_id" (did you mean session_id?)');
    expect(error.message).toContain('"sha256" (did you mean file.hash.sha256?)');
    expect(error.unknown).toEqual(['sesion_id', 'sha256']);
  });

  test('condenses a long list of valid names to groups', () => {
    const error = thrown(() => resolveColumns('nope.*', FILE_EVENT_COLUMNS));
    expect(error.message).toContain('file.*');
    expect(error.message).toContain('@timestamp');
    expect(error.message).not.toContain('file.hash.md5_error');
    expect(error.message.length).toBeLessThan(600);
  });

  test('rejects an empty list', () => {
    expect(() => resolveColumns(' , ', SESSION_COLUMNS)).toThrow(/at least one column/);
  });
});
