import { describe, expect, it } from 'vitest';
import { FILE_EVENT_FIELDS, SESSION_FIELDS } from './fields.js';
import { FileEventSchema } from './file-events/schemas.js';
import { SessionSchema } from './sessions/schemas.js';

/** The leaf paths of a valibot object schema, in entry order (nested objects descended, arrays kept as leaves). */
function schemaPaths(schema: unknown, prefix = ''): string[] {
  const entries = objectEntries(schema);
  if (entries === undefined) return [];
  return Object.entries(entries).flatMap(([key, entry]) => {
    const nested = schemaPaths(entry, `${prefix}${key}.`);
    return nested.length > 0 ? nested : [prefix + key];
  });
}

function objectEntries(schema: unknown): Record<string, unknown> | undefined {
  if (typeof schema !== 'object' || schema === null) return undefined;
  const { type, wrapped, entries } = schema as { type?: unknown; wrapped?: unknown; entries?: unknown };
  if (type === 'nullish' || type === 'optional' || type === 'nullable') return objectEntries(wrapped);
  return type === 'loose_object' && typeof entries === 'object' && entries !== null
    ? (entries as Record<string, unknown>)
    : undefined;
}

describe('field lists', () => {
  it('name every leaf of the session schema, in its order', () => {
    expect(SESSION_FIELDS).toEqual(schemaPaths(SessionSchema));
    expect(SESSION_FIELDS).toContain('contentInspectionResults.status');
  });

  it('name every leaf of the file event schema, in its order', () => {
    expect(FILE_EVENT_FIELDS).toEqual(schemaPaths(FileEventSchema));
    expect(FILE_EVENT_FIELDS).toContain('destination.removableMedia.busType');
  });

  it('cannot be changed by a caller', () => {
    expect(Object.isFrozen(SESSION_FIELDS)).toBe(true);
    expect(Object.isFrozen(FILE_EVENT_FIELDS)).toBe(true);
  });
});
