import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { toOcsf } from '@x/sessions-sdk/siem';
import { compileClass, type JsonSchema } from '../ocsf/compile.js';
import { detectionFinding, RECORD_PROFILES, SCHEMA_ROOT, validateDetectionFinding } from '../ocsf/validate.js';

const properties = (schema: JsonSchema): Record<string, JsonSchema> => schema.properties as Record<string, JsonSchema>;
const definition = (name: string): JsonSchema =>
  (detectionFinding.schema.definitions as Record<string, JsonSchema>)[name] ?? {};

describe('the OCSF compiler', () => {
  it('compiles class 2004 of OCSF 1.8.0 with finding_info, metadata, time and severity_id required', () => {
    expect(detectionFinding.classUid).toBe(2004);
    expect(detectionFinding.version).toBe('1.8.0');
    expect(detectionFinding.required.get('')).toEqual(
      expect.arrayContaining(['finding_info', 'metadata', 'time', 'severity_id', 'class_uid', 'type_uid']),
    );
    expect(detectionFinding.required.get('finding_info')).toEqual(['uid']);
    expect(detectionFinding.required.get('metadata')).toEqual(expect.arrayContaining(['product', 'version']));
  });

  it('merges the class enums into the dictionary ones and ties each caption to its id', () => {
    const event = properties(detectionFinding.schema);
    expect(event.severity_id).toEqual({ type: 'integer', enum: [0, 1, 2, 3, 4, 5, 6, 99] });
    expect(event.status_id).toEqual({ type: 'integer', enum: [0, 1, 2, 3, 4, 5, 6, 99] });
    expect(event.activity_id).toEqual({ type: 'integer', enum: [0, 1, 2, 3, 99] });
    expect(event.class_uid).toEqual({ type: 'integer', enum: [2004] });
    expect(event.type_uid).toEqual({ type: 'integer', enum: [200400, 200401, 200402, 200403, 200499] });
    expect(detectionFinding.schema.allOf).toContainEqual({
      if: { properties: { severity_id: { const: 5 } }, required: ['severity_id'] },
      then: { properties: { severity: { const: 'Critical' } } },
    });
  });

  it('resolves dictionary types to JSON types, following derived types to their base', () => {
    const event = properties(detectionFinding.schema);
    expect(event.time).toEqual({ type: 'integer' });
    expect(event.message).toEqual({ type: 'string' });
    expect(event.is_alert).toEqual({ type: 'boolean' });
    expect(properties(definition('port_info')).port).toEqual({ type: 'integer', minimum: 0, maximum: 65535 });
    expect(event.unmapped).toEqual({ $ref: '#/definitions/object' });
    expect(definition('object')).toEqual({ type: 'object' });
    expect(properties(definition('user')).email_addr).toMatchObject({ type: 'string', pattern: expect.any(String) });
    expect(properties(definition('finding_info')).related_analytics).toEqual({
      type: 'array',
      items: { $ref: '#/definitions/analytic' },
    });
  });

  it('admits profile attributes only with their profile, and core ones the class takes from a profile always', () => {
    const bare = compileClass(SCHEMA_ROOT, 'detection_finding');
    expect(properties(bare.schema)).not.toHaveProperty('actor');
    expect(properties(detectionFinding.schema)).toHaveProperty('actor');
    expect(properties(bare.schema).risk_score).toEqual({ type: 'integer' });
    expect(properties(bare.schema)).not.toHaveProperty('cloud');
    expect(properties(bare.schema)).not.toHaveProperty('verdict_id');
  });

  it('closes every OCSF object to attributes it does not define, and keeps object constraints', () => {
    expect(detectionFinding.schema.additionalProperties).toBe(false);
    expect(definition('finding_info').additionalProperties).toBe(false);
    expect(definition('user').allOf).toContainEqual({
      anyOf: [{ required: ['account'] }, { required: ['name'] }, { required: ['uid'] }],
    });
  });

  it('reads exactly the copied source files (the licence aside)', () => {
    const copied = readdirSync(SCHEMA_ROOT, { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile())
      .map((entry) => relative(SCHEMA_ROOT, join(entry.parentPath, entry.name)))
      .filter((path) => path !== 'LICENSE');
    expect(new Set(detectionFinding.filesRead)).toEqual(new Set(copied));
    expect(RECORD_PROFILES).toEqual(['host']);
  });
});

describe('a broken Detection Finding', () => {
  const valid = toOcsf(
    {
      sessionId: 'ses-1',
      actorId: 'a-1',
      actorName: 'ana@example.com',
      lastUpdated: 1_700_000_000_000,
      scores: [{ score: 70, severity: 3, sourceTimestamp: 1 }],
      states: [{ stateV2: 'OPEN', sourceTimestamp: 1 }],
    },
    { change: 'new' },
  );
  const DELETE = Symbol('delete');
  /** The valid record with the attribute at `path` set to `value` (or deleted). */
  const broken = (path: string[], value: unknown): unknown => {
    const record = structuredClone(valid) as Record<string, unknown>;
    let owner = record;
    for (const key of path.slice(0, -1)) owner = owner[key] as Record<string, unknown>;
    const last = path.at(-1) ?? '';
    if (value === DELETE) delete owner[last];
    else owner[last] = value;
    return record;
  };

  it('is valid before it is broken', () => {
    expect(validateDetectionFinding(valid)).toEqual([]);
  });

  it.each([
    ['a wrong type', ['severity_id'], '4', '/severity_id', 'type'],
    ['a time that is not whole milliseconds', ['time'], 1.5, '/time', 'type'],
    ['an unknown enum id', ['status_id'], 7, '/status_id', 'enum'],
    ['a type_uid of another activity', ['type_uid'], 200405, '/type_uid', 'enum'],
    ['a caption that is not its id', ['severity'], 'Low', '/severity', 'const'],
    ['a missing required attribute', ['finding_info', 'uid'], DELETE, '/finding_info', 'required'],
    ['a missing required event attribute', ['metadata'], DELETE, '', 'required'],
    ['a misspelt attribute', ['finding_info', 'titel'], 'x', '/finding_info', 'additionalProperties'],
    ['a misspelt nested attribute', ['actor', 'user', 'nmae'], 'x', '/actor/user', 'additionalProperties'],
    ['an unknown event attribute', ['sessionId'], 'ses-1', '', 'additionalProperties'],
    ['an actor without any of its attributes', ['actor'], {}, '/actor', 'anyOf'],
  ] as const)('is rejected for %s', (_name, path, value, instancePath, keyword) => {
    const errors = validateDetectionFinding(broken([...path], value));
    expect(errors.map((error) => [error.instancePath, error.keyword])).toContainEqual([instancePath, keyword]);
  });
});
